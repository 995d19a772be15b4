"""Fee schedules (versioned, effective-dated), the pin a session's terms take, and the estimator.

A version takes effect at `effective_from`, which may not lie in the past when it is created: so the version
in force at any past moment never changes afterwards, and a pin or an invoice computed later agrees with one
computed then. A version may be withdrawn only before it takes effect and while no session pinned it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.settlement.domain import access
from marketplace.settlement.domain import fees as rules
from marketplace.settlement.models import FeeSchedule, SessionPin

CLOCK_SKEW = timedelta(minutes=5)  # an effective_from a little in the past (clock skew, slow form) means "now"


def require_books(principal: Principal, org_id: int) -> None:
    if not access.reads_books(principal, org_id):
        raise NotFound("not found")


def require_fee_admin(principal: Principal, org_id: int) -> None:
    require_books(principal, org_id)
    if not access.sets_fees(principal, org_id):
        raise Forbidden("only the house's administrators set its fees", code="insufficient_role")


def parse_or_422(data: Any) -> rules.FeeRules:
    try:
        return rules.parse_rules(data)
    except rules.FeeRuleError as exc:
        raise ValidationFailed(
            "the fee rules are invalid",
            code="invalid_fee_rules",
            details=[{"loc": ["body", "rules", *exc.loc], "msg": str(exc), "type": "fee_rules"}],
        ) from None


async def create_version(
    principal: Principal, house_org_id: int, data: Any, effective_from: datetime, note: str, now: datetime
) -> FeeSchedule:
    require_fee_admin(principal, house_org_id)
    parsed = parse_or_422(data)
    if effective_from < now - CLOCK_SKEW:
        raise Conflict("a fee schedule cannot take effect in the past", code="effective_in_past")
    effective_from = max(effective_from, now)
    for _ in range(5):
        try:
            async with in_transaction() as conn:
                last = await FeeSchedule.filter(house_org_id=house_org_id).using_db(conn).order_by("-version").first()
                return await FeeSchedule.create(
                    house_org_id=house_org_id,
                    version=(last.version + 1) if last else 1,
                    effective_from=effective_from,
                    rules=rules.rules_json(parsed),
                    note=note,
                    created_by_user_id=principal.user_id,
                    using_db=conn,
                )
        except IntegrityError:
            continue  # another version was created at the same moment: take the next number
    raise Conflict("fee schedules changed meanwhile: try again", code="stale")


async def versions(house_org_id: int, conn: BaseDBAsyncClient | None = None) -> list[FeeSchedule]:
    qs = FeeSchedule.filter(house_org_id=house_org_id)
    return list(await (qs.using_db(conn) if conn else qs).order_by("-version"))


async def version_for(principal: Principal, house_org_id: int, schedule_id: int) -> FeeSchedule:
    require_books(principal, house_org_id)
    row = await FeeSchedule.get_or_none(id=schedule_id, house_org_id=house_org_id)
    if row is None:
        raise NotFound("no such fee schedule", code="fee_schedule_not_found")
    return row


async def withdraw(principal: Principal, house_org_id: int, schedule_id: int, now: datetime) -> None:
    require_fee_admin(principal, house_org_id)
    row = await version_for(principal, house_org_id, schedule_id)
    async with in_transaction() as conn:
        if await SessionPin.filter(fee_schedule_id=row.id).using_db(conn).exists():
            raise Conflict("a session's terms pinned this version", code="fee_schedule_pinned")
        deleted = await FeeSchedule.filter(id=row.id, effective_from__gt=now).using_db(conn).delete()
        if deleted != 1:
            raise Conflict("a version in force stays; publish a new one instead", code="fee_schedule_in_force")


async def in_force_at(house_org_id: int, at: datetime, conn: BaseDBAsyncClient | None = None) -> FeeSchedule | None:
    qs = FeeSchedule.filter(house_org_id=house_org_id, effective_from__lte=at)
    return await (qs.using_db(conn) if conn else qs).order_by("-effective_from", "-id").first()


async def pin_session(
    conn: BaseDBAsyncClient, session_id: int, house_org_id: int, premium: list[list[int]] | None, at: datetime
) -> SessionPin:
    """Pin the version in force at `at` to a session (called when its catalogue is published); a second call
    for the same session keeps the first pin."""
    pin = await SessionPin.filter(session_id=session_id).using_db(conn).first()
    if pin is not None:
        return pin
    schedule = await in_force_at(house_org_id, at, conn)
    return await SessionPin.create(
        session_id=session_id,
        house_org_id=house_org_id,
        fee_schedule_id=schedule.id if schedule else None,
        premium=premium,
        pinned_at=at,
        using_db=conn,
    )


def _with_session_premium(base: rules.FeeRules, premium: list[list[int]] | None) -> rules.FeeRules:
    if not premium:
        return base
    from dataclasses import replace

    rows = [(int(r[0]), int(r[1]), int(r[2])) for r in premium]
    return replace(base, buyer_premium=rules.premium_bands_from_starts(rows))


async def rules_for_session(
    conn: BaseDBAsyncClient | None, pin: SessionPin
) -> tuple[rules.FeeRules, FeeSchedule | None]:
    """A session's fees: its pinned schedule; without one, the session's own premium table for the buyer and the
    statutory default (5 %) for the seller."""
    if pin.fee_schedule_id is not None:
        qs = FeeSchedule.filter(id=pin.fee_schedule_id)
        schedule = await (qs.using_db(conn) if conn else qs).get()
        return rules.stored_rules(schedule.rules), schedule
    return _with_session_premium(rules.STATUTORY_DEFAULT, pin.premium), None


async def rules_for_house(
    house_org_id: int, at: datetime, *, own_stock: bool = False
) -> tuple[rules.FeeRules, FeeSchedule | None]:
    schedule = await in_force_at(house_org_id, at)
    if schedule is not None:
        return rules.stored_rules(schedule.rules), schedule
    return (rules.NO_FEES if own_stock else rules.STATUTORY_DEFAULT), None


async def estimate(
    house_org_id: int, amount_fen: int, at: datetime, session_id: int | None = None
) -> tuple[rules.Estimate, FeeSchedule | None, str]:
    """The estimator: the figures an invoice for this hammer price would carry, by the same code. For a session,
    by its pin; otherwise by the house's schedule in force now (or the statutory default)."""
    basis = "house"
    if session_id is not None:
        pin = await SessionPin.get_or_none(session_id=session_id, house_org_id=house_org_id)
        if pin is None:
            raise NotFound("no terms are pinned for that session", code="session_terms_not_found")
        fee_rules, schedule = await rules_for_session(None, pin)
        basis = "session"
    else:
        fee_rules, schedule = await rules_for_house(house_org_id, at)
    try:
        return rules.estimate(fee_rules, amount_fen), schedule, basis
    except rules.FeeRuleError as exc:
        raise ValidationFailed(str(exc), details=[{"loc": ["query", "amount"], "msg": str(exc)}]) from None
