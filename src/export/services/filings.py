"""The exporter's filing (备案): lodged by the dealer, verified by platform staff as dealers are, renewed before
it expires. Only a verified filing in force lets the exporter's batches be licensed (`filing_invalid`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tortoise.transactions import in_transaction

from export.domain import filings
from export.models import Filing
from export.schemas import DecisionIn, FilingFilter, FilingIn, FilingList, FilingOut, RenewIn
from export.services.access import require_exporter, require_staff
from marketplace.accounts import domain as accounts
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict, NotFound, ValidationFailed
from marketplace.outbox.events import record_event


def filing_out(f: Filing, today: date) -> FilingOut:
    return FilingOut(
        id=f.id,
        exporter_org_id=f.exporter_org_id,
        filing_no=f.filing_no,
        province=f.province,
        approved_on=f.approved_on,
        valid_until=f.valid_until,
        customs_code=f.customs_code,
        appraisers=list(f.appraisers),
        status=f.status,
        in_force=filings.in_force(f.status, f.approved_on, f.valid_until, today),
        renews_id=f.renews_id,
        decision_reason=f.decision_reason,
        created_at=f.created_at,
    )


def _appraisers(items: list[object]) -> list[dict[str, str]]:
    rows = [{"name": a.name.strip(), "certificate_no": a.certificate_no.strip()} for a in items]  # type: ignore[attr-defined]
    if filings.appraiser_problems([(r["name"], r["certificate_no"]) for r in rows]):
        raise ValidationFailed(
            f"a filing names at least {filings.MIN_APPRAISERS} different appraisers",
            code="filing_needs_three_appraisers",
            details=[{"loc": ["body", "appraisers"], "msg": "at least three named appraisers"}],
        )
    return rows


async def lodge(principal: Principal, org_id: int, body: FilingIn, today: date) -> FilingOut:
    require_exporter(principal, org_id, write=True)
    appraisers = _appraisers(list(body.appraisers))
    if await Filing.exists(exporter_org_id=org_id, filing_no=body.filing_no):
        raise Conflict("this filing number is recorded already", code="filing_taken")
    async with in_transaction() as conn:
        f = await Filing.create(
            exporter_org_id=org_id,
            filing_no=body.filing_no,
            province=body.province,
            approved_on=body.approved_on,
            valid_until=filings.valid_until(body.approved_on),
            customs_code=body.customs_code,
            appraisers=appraisers,
            created_by=principal.user_id,
            using_db=conn,
        )
        await audit("export.filing_lodged", actor=principal.user_id, target=f"export_filing:{f.id}", conn=conn)
    return filing_out(f, today)


async def renew(principal: Principal, filing_id: int, body: RenewIn, today: date) -> FilingOut:
    old = await Filing.get_or_none(id=filing_id)
    if old is None or not (principal.is_platform_admin or principal.roles_in(old.exporter_org_id)):
        raise NotFound("not found")
    require_exporter(principal, old.exporter_org_id, write=True)
    refusal = filings.renewal_refusal(old.status, old.valid_until, today)
    if refusal is not None:
        raise Conflict("a filing is renewed before it expires; lodge a new filing", code=refusal)
    appraisers = _appraisers(list(body.appraisers)) if body.appraisers else list(old.appraisers)
    if await Filing.exists(exporter_org_id=old.exporter_org_id, filing_no=body.filing_no):
        raise Conflict("this filing number is recorded already", code="filing_taken")
    async with in_transaction() as conn:
        f = await Filing.create(
            exporter_org_id=old.exporter_org_id,
            filing_no=body.filing_no,
            province=old.province,
            approved_on=body.approved_on,
            valid_until=filings.valid_until(body.approved_on),
            customs_code=old.customs_code,
            appraisers=appraisers,
            renews_id=old.id,
            created_by=principal.user_id,
            using_db=conn,
        )
        await audit("export.filing_renewed", actor=principal.user_id, target=f"export_filing:{f.id}", conn=conn)
    return filing_out(f, today)


async def list_for(principal: Principal, org_id: int, today: date) -> FilingList:
    require_exporter(principal, org_id)
    rows = await Filing.filter(exporter_org_id=org_id).order_by("-approved_on", "-id")
    return FilingList(items=[filing_out(f, today) for f in rows])


async def staff_list(principal: Principal, f: FilingFilter, today: date) -> FilingList:
    require_staff(principal)
    qs = Filing.all().order_by("-id")
    if f.status:
        qs = qs.filter(status=f.status)
    return FilingList(items=[filing_out(x, today) for x in await qs.limit(500)])


async def decide(principal: Principal, filing_id: int, body: DecisionIn, today: date) -> FilingOut:
    require_staff(principal)
    async with in_transaction() as conn:
        f = await Filing.filter(id=filing_id).using_db(conn).first()
        if f is None:
            raise NotFound("not found")
        try:
            status = accounts.next_verification_status(f.status, body.action)
        except ValueError as exc:
            raise Conflict(str(exc), code="invalid_transition") from None
        # Conditional update: two staff deciding at once cannot both apply a transition.
        changed = (
            await Filing.filter(id=filing_id, status=f.status)
            .using_db(conn)
            .update(
                status=status.value,
                decided_by=principal.user_id,
                decided_at=datetime.now(UTC),
                decision_reason=body.reason,
            )
        )
        if changed != 1:
            raise Conflict("the filing changed meanwhile; reload and retry", code="stale")
        await audit(
            "export.filing_verification",
            actor=principal.user_id,
            target=f"export_filing:{filing_id}",
            details={"action": body.action, "from": f.status, "to": status.value, "reason": body.reason},
            conn=conn,
        )
        await record_event(conn, "export.filing_decided", {"filing_id": filing_id, "status": status.value})
    return filing_out(await Filing.get(id=filing_id), today)


async def in_force_for(org_id: int, today: date) -> Filing | None:
    """The exporter's filing in force today (verified, approved, not expired), if any."""
    for f in await Filing.filter(exporter_org_id=org_id, status="verified").order_by("-valid_until"):
        if filings.in_force(f.status, f.approved_on, f.valid_until, today):
            return f
    return None
