"""Destination rules in force: the shipped table (export.domain.destinations.SHIPPED) plus the versions staff add.

A version applies from its effective date only (an effective date in the past is refused: checks already made
stand). On the same effective date a staff version wins over the shipped rule.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from export.domain import destinations
from export.models import DestinationRuleVersion
from export.schemas import RuleIn, RuleList, RuleOut
from export.services.access import require_staff
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import Principal
from marketplace.errors import ApiError, ValidationFailed


def _rule(r: DestinationRuleVersion) -> destinations.Rule:
    return destinations.Rule(
        r.country,
        r.effective_from,
        r.source,
        max_age_years=r.max_age_years,
        age_basis=r.age_basis,  # type: ignore[arg-type]
        age_counted_at=r.age_counted_at,  # type: ignore[arg-type]
        steering=r.steering,  # type: ignore[arg-type]
        min_euro=r.min_euro,
        certificates=tuple((int(c["from_years"]), c.get("under_years"), str(c["certificate"])) for c in r.certificates),
        notes=r.notes,
    )


async def table() -> list[destinations.Rule]:
    """Staff versions first (newest first), then the shipped table: `in_force` takes the first of equal dates."""
    staff = [_rule(r) for r in await DestinationRuleVersion.all().order_by("-id")]
    return [*staff, *destinations.SHIPPED]


def violations_error(found: list[destinations.Violation], when: str) -> ApiError:
    first = found[0]
    return ApiError(
        f"{first.rule.country}: {first.detail} ({first.rule.source}) — checked {when}",
        code=first.code,
        status=409,
        details={"when": when, "violations": [violation_out(v) for v in found]},
    )


def violation_out(v: destinations.Violation) -> dict[str, Any]:
    return {
        "code": v.code,
        "country": v.rule.country,
        "effective_from": v.rule.effective_from.isoformat(),
        "source": v.rule.source,
        "detail": v.detail,
    }


def _out(rule: destinations.Rule, row_id: int | None, in_force: bool) -> RuleOut:
    return RuleOut(
        id=row_id,
        country=rule.country,
        effective_from=rule.effective_from,
        source=rule.source,
        max_age_years=rule.max_age_years,
        age_basis=rule.age_basis,
        age_counted_at=rule.age_counted_at,
        steering=rule.steering,
        min_euro=rule.min_euro,
        certificates=[{"from_years": a, "under_years": b, "certificate": c} for a, b, c in rule.certificates],
        notes=rule.notes,
        shipped=row_id is None,
        in_force=in_force,
    )


async def list_rules(today: date) -> RuleList:
    rows = await DestinationRuleVersion.all().order_by("-id")
    rules = [(_rule(r), r.id) for r in rows] + [(r, None) for r in destinations.SHIPPED]
    everything = [r for r, _ in rules]
    out = []
    for rule, row_id in rules:
        current = destinations.in_force(everything, rule.country, today)
        out.append(_out(rule, row_id, current is rule))
    out.sort(key=lambda r: (r.country, r.effective_from, r.id or 0))
    return RuleList(items=out)


async def add_version(principal: Principal, body: RuleIn, today: date) -> RuleOut:
    require_staff(principal)
    if body.effective_from < today:
        raise ValidationFailed(
            "a rule version applies from its effective date only: today or later",
            code="rule_retroactive",
            details=[{"loc": ["body", "effective_from"], "msg": "today or later"}],
        )
    row = await DestinationRuleVersion.create(
        country=body.country,
        effective_from=body.effective_from,
        source=body.source,
        max_age_years=body.max_age_years,
        age_basis=body.age_basis,
        age_counted_at=body.age_counted_at,
        steering=body.steering,
        min_euro=body.min_euro,
        certificates=[c.model_dump() for c in body.certificates],
        notes=body.notes,
        created_by=principal.user_id,
    )
    await audit("export.destination_rule_added", actor=principal.user_id, target=f"export_rule:{row.id}")
    return _out(_rule(row), row.id, False)
