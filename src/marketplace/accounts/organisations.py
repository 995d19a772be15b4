"""Organisations, memberships, agent certificates, penalties and their verification by platform staff."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from marketplace.accounts import domain
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import Action as Action
from marketplace.accounts.domain import Principal
from marketplace.accounts.models import AgentCertificate, AuditEntry, Membership, Organisation, Penalty
from marketplace.accounts.schemas import (
    AuditOut,
    CertificateIn,
    CertificateOut,
    MemberOut,
    OrganisationIn,
    OrganisationOut,
    OrgFilter,
    PenaltyIn,
    PenaltyOut,
)
from marketplace.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.outbox.events import record_event
from marketplace.web.pagination import PageQuery, paginate


def require(principal: Principal, action: Action, org_id: int | None = None) -> None:
    """Refuse with 404 for another organisation's private resources (their existence is private too)."""
    if domain.is_allowed(principal, action, org_id):
        return
    if org_id is not None and action in (Action.ORG_READ, Action.ORG_MANAGE) and not principal.roles_in(org_id):
        raise NotFound("not found")
    raise Forbidden("you are not allowed to do this")


async def _existing(org_id: int) -> None:
    # Platform staff pass `require` for any id: a missing organisation must still be a 404.
    if not await Organisation.exists(id=org_id):
        raise NotFound("not found")


async def penalty_points(org_id: int) -> int:
    row = await Penalty.filter(organisation_id=org_id).annotate(total=Sum("points")).first().values("total")
    return int(row["total"] or 0) if row else 0


async def org_out(org: Organisation) -> OrganisationOut:
    return OrganisationOut(
        id=org.id,
        name=org.name,
        kind=org.kind,
        business_licence_no=org.business_licence_no,
        verification_status=org.verification_status,
        verified_at=org.verified_at,
        penalty_points=await penalty_points(org.id),
        created_at=org.created_at,
    )


def cert_out(c: AgentCertificate) -> CertificateOut:
    return CertificateOut(
        id=c.id,
        organisation_id=c.organisation_id,
        holder_name=c.holder_name,
        holder_user_id=c.holder_user_id,
        certificate_no=c.certificate_no,
        valid_from=c.valid_from,
        valid_until=c.valid_until,
        status=c.status,
    )


def penalty_out(p: Penalty) -> PenaltyOut:
    return PenaltyOut(
        id=p.id,
        organisation_id=p.organisation_id,
        user_id=p.user_id,
        points=p.points,
        reason=p.reason,
        evidence=p.evidence,
        created_at=p.created_at,
    )


async def create_organisation(principal: Principal, body: OrganisationIn, ip: str) -> OrganisationOut:
    if await Organisation.exists(business_licence_no=body.business_licence_no):
        raise Conflict("an organisation with this business licence number exists", code="licence_taken")
    kind = domain.Kind(body.kind)
    admin_role = domain.ADMIN_ROLE[kind]
    assert admin_role is not None  # self-service kinds (dealer, auction house) always have one
    async with in_transaction() as conn:
        org = await Organisation.create(
            name=body.name, kind=kind.value, business_licence_no=body.business_licence_no, using_db=conn
        )
        await Membership.create(
            user_id=principal.user_id, organisation_id=org.id, roles=[admin_role.value], using_db=conn
        )
        await audit("organisation.created", actor=principal.user_id, target=f"org:{org.id}", ip=ip, conn=conn)
        await record_event(conn, "organisation.created", {"organisation_id": org.id, "kind": org.kind})
    return await org_out(org)


async def get_organisation(principal: Principal, org_id: int) -> OrganisationOut:
    require(principal, Action.ORG_READ, org_id)
    return await org_out(await Organisation.get(id=org_id))


async def list_members(principal: Principal, org_id: int, page: PageQuery) -> tuple[list[MemberOut], str | None]:
    require(principal, Action.ORG_READ, org_id)
    await _existing(org_id)
    qs = Membership.filter(organisation_id=org_id).select_related("user")
    return await paginate(
        qs,
        page,
        lambda m: MemberOut(
            user_id=m.user_id,
            display_name=m.user.display_name,
            login=m.user.email or m.user.mobile or "",
            roles=list(m.roles),
        ),
    )


async def add_certificate(principal: Principal, org_id: int, body: CertificateIn, ip: str) -> CertificateOut:
    require(principal, Action.ORG_MANAGE, org_id)
    await _existing(org_id)
    if body.holder_user_id is not None and not await Membership.exists(
        user_id=body.holder_user_id, organisation_id=org_id
    ):
        raise ValidationFailed(
            "the holder must be a member of the organisation", details=[{"loc": ["body", "holder_user_id"]}]
        )
    if await AgentCertificate.exists(certificate_no=body.certificate_no):
        raise Conflict("this certificate number is already registered", code="certificate_taken")
    async with in_transaction() as conn:
        cert = await AgentCertificate.create(organisation_id=org_id, **body.model_dump(), using_db=conn)
        await audit("certificate.lodged", actor=principal.user_id, target=f"certificate:{cert.id}", ip=ip, conn=conn)
    return cert_out(cert)


async def list_certificates(
    principal: Principal, org_id: int, page: PageQuery
) -> tuple[list[CertificateOut], str | None]:
    require(principal, Action.ORG_READ, org_id)
    await _existing(org_id)
    return await paginate(AgentCertificate.filter(organisation_id=org_id), page, cert_out)


async def list_penalties(principal: Principal, org_id: int, page: PageQuery) -> tuple[list[PenaltyOut], str | None]:
    require(principal, Action.ORG_READ, org_id)
    await _existing(org_id)
    return await paginate(Penalty.filter(organisation_id=org_id), page, penalty_out)


# --- platform staff -------------------------------------------------------------------------
async def admin_list_organisations(principal: Principal, f: OrgFilter) -> tuple[list[OrganisationOut], str | None]:
    require(principal, Action.ADMIN_ORGS)
    qs = Organisation.all()
    if f.verification_status:
        qs = qs.filter(verification_status=f.verification_status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    page = PageQuery(cursor=f.cursor, limit=f.limit)
    orgs, cursor = await paginate(qs, page, lambda o: o)
    return [await org_out(o) for o in orgs], cursor


async def decide_organisation(principal: Principal, org_id: int, action: str, reason: str, ip: str) -> OrganisationOut:
    require(principal, Action.ADMIN_VERIFY)
    async with in_transaction() as conn:
        org = await Organisation.get(id=org_id, using_db=conn)
        try:
            status = domain.next_verification_status(org.verification_status, action)
        except ValueError as exc:
            raise Conflict(str(exc), code="invalid_transition") from None
        # Conditional update: two staff deciding at once cannot both apply a transition.
        changed = (
            await Organisation.filter(id=org_id, verification_status=org.verification_status)
            .using_db(conn)
            .update(
                verification_status=status.value,
                verified_at=datetime.now(UTC) if status is domain.VerificationStatus.VERIFIED else org.verified_at,
            )
        )
        if changed != 1:
            raise Conflict("the organisation changed meanwhile; reload and retry", code="stale")
        await audit(
            "organisation.verification",
            actor=principal.user_id,
            target=f"org:{org_id}",
            details={"action": action, "from": org.verification_status, "to": status.value, "reason": reason},
            ip=ip,
            conn=conn,
        )
        await record_event(
            conn, "organisation.verification_changed", {"organisation_id": org_id, "status": status.value}
        )
    return await org_out(await Organisation.get(id=org_id))


async def decide_certificate(principal: Principal, cert_id: int, action: str, reason: str, ip: str) -> CertificateOut:
    require(principal, Action.ADMIN_VERIFY)
    async with in_transaction() as conn:
        cert = await AgentCertificate.get(id=cert_id, using_db=conn)
        try:
            status = domain.next_verification_status(cert.status, action)
        except ValueError as exc:
            raise Conflict(str(exc), code="invalid_transition") from None
        changed = (
            await AgentCertificate.filter(id=cert_id, status=cert.status)
            .using_db(conn)
            .update(status=status.value, decided_at=datetime.now(UTC))
        )
        if changed != 1:
            raise Conflict("the certificate changed meanwhile; reload and retry", code="stale")
        await audit(
            "certificate.verification",
            actor=principal.user_id,
            target=f"certificate:{cert_id}",
            details={"action": action, "from": cert.status, "to": status.value, "reason": reason},
            ip=ip,
            conn=conn,
        )
    return cert_out(await AgentCertificate.get(id=cert_id))


async def add_penalty(principal: Principal, body: PenaltyIn, ip: str) -> PenaltyOut:
    require(principal, Action.ADMIN_PENALISE)
    if not await Organisation.exists(id=body.organisation_id):
        raise NotFound("no such organisation")
    if body.user_id is not None and not await Membership.exists(
        user_id=body.user_id, organisation_id=body.organisation_id
    ):
        raise ValidationFailed(
            "the person must be a member of the organisation", details=[{"loc": ["body", "user_id"]}]
        )
    async with in_transaction() as conn:
        p = await Penalty.create(**body.model_dump(), created_by_id=principal.user_id, using_db=conn)
        await audit(
            "penalty.added",
            actor=principal.user_id,
            target=f"org:{body.organisation_id}",
            details={"points": body.points, "user_id": body.user_id, "reason": body.reason},
            ip=ip,
            conn=conn,
        )
    return penalty_out(p)


async def list_audit(principal: Principal, page: PageQuery) -> tuple[list[AuditOut], str | None]:
    require(principal, Action.ADMIN_AUDIT)
    return await paginate(
        AuditEntry.all(),
        page,
        lambda a: AuditOut(
            id=a.id, at=a.at, actor_user_id=a.actor_user_id, action=a.action, target=a.target, details=a.details
        ),
    )


async def verification_status(org_id: int, conn: BaseDBAsyncClient | None = None) -> str | None:
    """An organisation's verification status now (None: no such organisation): one primary-key read."""
    rows = await Organisation.filter(id=org_id).using_db(conn).values_list("verification_status", flat=True)
    return str(rows[0]) if rows else None


async def trading_refusal(user_id: int, org_id: int, today: date) -> str | None:
    """Why this user may not list or bid for this dealer today (None: they may). Used by listings and auctions."""
    org = await Organisation.get_or_none(id=org_id)
    if org is None or not await Membership.exists(user_id=user_id, organisation_id=org_id):
        return "not_a_member"
    certs = [
        domain.CertificateView(c.holder_user_id, c.status, c.valid_from, c.valid_until)
        for c in await AgentCertificate.filter(organisation_id=org_id, holder_user_id=user_id)
    ]
    return domain.trading_refusal(org.kind, org.verification_status, certs, user_id, today)


async def record_default_penalty(
    conn: BaseDBAsyncClient, org_id: int, user_id: int | None, points: int, reason: str, evidence: str
) -> int | None:
    """扣分 for a buyer organisation that defaulted on a sale (settlement's defaults call this in their transaction).
    Returns the penalty's id; None if the organisation is gone."""
    if points <= 0 or not await Organisation.filter(id=org_id).using_db(conn).exists():
        return None
    member = (
        user_id is not None and await Membership.filter(user_id=user_id, organisation_id=org_id).using_db(conn).exists()
    )
    p = await Penalty.create(
        organisation_id=org_id, user_id=user_id if member else None, points=points, reason=reason[:500],
        evidence=evidence, created_by_id=None, using_db=conn,
    )  # fmt: skip
    await audit("penalty.added", actor=None, target=f"org:{org_id}",
                details={"points": points, "user_id": user_id, "reason": reason[:500]}, conn=conn)  # fmt: skip
    return int(p.id)
