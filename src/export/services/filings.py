"""The exporter's filing (备案): lodged by the dealer, verified by platform staff as dealers are, renewed before
it expires. Only a verified filing in force lets the exporter's batches be licensed (`filing_invalid`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tortoise.transactions import in_transaction

from export.domain import filings
from export.models import Document, Filing, FilingDecision
from export.schemas import DecisionIn, FilingDecisionOut, FilingFilter, FilingIn, FilingList, FilingOut, RenewIn
from export.services.access import require_exporter, require_staff
from export.services.present import document_out
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import Principal
from marketplace.accounts.models import Organisation, User
from marketplace.errors import Conflict, NotFound, ValidationFailed
from marketplace.outbox.events import record_event


def filing_out(f: Filing, today: date) -> FilingOut:
    """The filing alone (no decisions, papers or dealer name): `_answer` adds them."""
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
        decided_by=f.decided_by,
        decided_at=f.decided_at,
        created_at=f.created_at,
    )


async def _answer(rows: list[Filing], today: date, *, staff: bool) -> list[FilingOut]:
    """Filings with their decisions and papers (and, for staff, the dealer's name), in a few queries."""
    ids = [f.id for f in rows]
    decisions = await FilingDecision.filter(filing_id__in=ids).order_by("id") if ids else []
    papers = await Document.filter(filing_id__in=ids).order_by("id") if ids else []
    user_ids = {d.decided_by for d in decisions}
    names = dict(await User.filter(id__in=user_ids).values_list("id", "display_name")) if user_ids else {}
    orgs: dict[int, str] = {}
    if staff and rows:
        org_ids = {f.exporter_org_id for f in rows}
        orgs = dict(await Organisation.filter(id__in=org_ids).values_list("id", "name"))
    out = []
    for f in rows:
        item = filing_out(f, today)
        item.decisions = [
            FilingDecisionOut(
                action=d.action,
                from_status=d.from_status,
                to_status=d.to_status,
                reason=d.reason,
                decided_by=d.decided_by,
                decided_by_name=str(names.get(d.decided_by, "")),
                decided_at=d.decided_at,
            )
            for d in decisions
            if d.filing_id == f.id
        ]
        item.documents = [document_out(d) for d in papers if d.filing_id == f.id]
        item.exporter_name = orgs.get(f.exporter_org_id) if staff else None
        out.append(item)
    return out


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
    return FilingList(items=await _answer(list(rows), today, staff=False))


async def staff_list(principal: Principal, f: FilingFilter, today: date) -> FilingList:
    require_staff(principal)
    qs = Filing.all().order_by("-id")
    if f.status:
        qs = qs.filter(status=f.status)
    return FilingList(items=await _answer(list(await qs.limit(500)), today, staff=True))


async def decide(principal: Principal, filing_id: int, body: DecisionIn, today: date) -> FilingOut:
    """Verify, suspend, reinstate or cancel (docs/export.md, "Staff decisions"): who, when and why are kept in the
    filing's decision history; a suspended filing blocks new licences (`filing_suspended`) until reinstated."""
    require_staff(principal)
    reason = body.reason.strip()
    if body.action in filings.NEEDS_REASON and not reason:
        raise ValidationFailed(
            "give the reason for suspending or cancelling the filing",
            code="filing_reason_required",
            details=[{"loc": ["body", "reason"], "msg": "a reason is required"}],
        )
    async with in_transaction() as conn:
        f = await Filing.filter(id=filing_id).using_db(conn).first()
        if f is None:
            raise NotFound("not found")
        status, refusal = filings.decision(f.status, body.action, f.valid_until, today)
        if refusal == "filing_expired":
            raise Conflict(
                "the filing's year is over: it is renewed or filed anew, not reinstated", code="filing_expired"
            )
        if refusal is not None:
            raise Conflict(f"cannot {body.action} a filing that is {f.status}", code="invalid_transition")
        action = "reinstate" if f.status == "suspended" and status == "verified" else body.action
        now = datetime.now(UTC)
        # Conditional update: two staff deciding at once cannot both apply a transition.
        changed = (
            await Filing.filter(id=filing_id, status=f.status)
            .using_db(conn)
            .update(status=status, decided_by=principal.user_id, decided_at=now, decision_reason=reason)
        )
        if changed != 1:
            raise Conflict("the filing changed meanwhile; reload and retry", code="stale")
        await FilingDecision.create(
            filing_id=filing_id,
            action=action,
            from_status=f.status,
            to_status=status,
            reason=reason,
            decided_by=principal.user_id,
            decided_at=now,
            using_db=conn,
        )
        await audit(
            "export.filing_verification",
            actor=principal.user_id,
            target=f"export_filing:{filing_id}",
            details={"action": action, "from": f.status, "to": status, "reason": reason},
            conn=conn,
        )
        await record_event(conn, "export.filing_decided", {"filing_id": filing_id, "status": status, "action": action})
    return (await _answer([await Filing.get(id=filing_id)], today, staff=True))[0]


async def in_force_for(org_id: int, today: date) -> Filing | None:
    """The exporter's filing in force today (verified, approved, not expired), if any."""
    for f in await Filing.filter(exporter_org_id=org_id, status="verified").order_by("-valid_until"):
        if filings.in_force(f.status, f.approved_on, f.valid_until, today):
            return f
    return None


async def licence_refusal_for(org_id: int, on: date) -> str | None:
    """Why the exporter may not be licensed on `on` (`filing_invalid`, `filing_suspended`), or None."""
    rows = await Filing.filter(exporter_org_id=org_id, status__in=("verified", "suspended"))
    return filings.licence_refusal([filings.FilingView(f.status, f.approved_on, f.valid_until) for f in rows], on)
