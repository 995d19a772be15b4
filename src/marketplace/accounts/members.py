"""Membership: invitations the invitee accepts, role changes, removal and leaving.

An invitation names a login, not an account: the inviter's answer is the same whether an account has the
login, has it and is a member already, or does not exist; the invitation mail goes to the login either way
and waits there, for the holder to log in (or register and confirm the address) and accept or decline.
Every change of someone's rights records `identity_changed` in its transaction. Membership changes bump the
organisation's `members_version` with a compare-and-set, so "never the last admin" holds under concurrency.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from marketplace.accounts import domain, notices
from marketplace.accounts.audit import audit
from marketplace.accounts.domain import Action, Principal
from marketplace.accounts.identity import identity_changed
from marketplace.accounts.models import Invitation, Membership, Organisation, User
from marketplace.accounts.organisations import require
from marketplace.accounts.schemas import InvitationOut, MemberOut, MyInvitationOut
from marketplace.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.ports.mail.base import Mailer
from marketplace.settings import Settings
from marketplace.web.pagination import PageQuery, paginate

PENDING = "pending"


def invitation_out(i: Invitation) -> InvitationOut:
    return InvitationOut(
        id=i.id,
        organisation_id=i.organisation_id,
        login=i.login_value,
        roles=list(i.roles),
        status=i.status,
        created_at=i.created_at,
        expires_at=i.expires_at,
    )


def member_out(m: Membership) -> MemberOut:
    return MemberOut(
        user_id=m.user_id,
        display_name=m.user.display_name,
        login=m.user.email or m.user.mobile or "",
        roles=list(m.roles),
    )


def _check_roles(org: Organisation, roles: list[str]) -> None:
    allowed = {r.value for r in domain.ROLES_BY_KIND[domain.Kind(org.kind)]}
    bad = sorted(set(roles) - allowed)
    if bad:
        raise ValidationFailed(f"roles {bad} do not exist in a {org.kind}", details=[{"loc": ["body", "roles"]}])


async def _org(principal: Principal, org_id: int, action: Action) -> Organisation:
    require(principal, action, org_id)
    org = await Organisation.get_or_none(id=org_id)
    if org is None:
        raise NotFound("not found")
    return org


async def _bump(conn: BaseDBAsyncClient, org: Organisation) -> None:
    changed = (
        await Organisation.filter(id=org.id, members_version=org.members_version)
        .using_db(conn)
        .update(members_version=org.members_version + 1)
    )
    if changed != 1:
        raise Conflict("the members changed meanwhile; reload and retry", code="stale")


async def invite(
    principal: Principal, org_id: int, login: str, roles: list[str], *, mailer: Mailer, settings: Settings, ip: str
) -> InvitationOut:
    org = await _org(principal, org_id, Action.ORG_MANAGE)
    _check_roles(org, roles)
    try:
        field, value = domain.login_kind(login)
    except ValueError as exc:
        raise ValidationFailed(str(exc), details=[{"loc": ["body", "login"]}]) from None
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        # Asking again for the same login refreshes the one pending invitation rather than stacking them.
        existing = (
            await Invitation.filter(organisation_id=org_id, login_field=field, login_value=value, status=PENDING)
            .using_db(conn)
            .first()
        )
        if existing is not None:
            merged = sorted(set(existing.roles) | set(roles))
            await (
                Invitation.filter(id=existing.id)
                .using_db(conn)
                .update(roles=merged, expires_at=now + domain.INVITATION_TTL, invited_by_id=principal.user_id)
            )
            invitation = await Invitation.get(id=existing.id, using_db=conn)
        else:
            invitation = await Invitation.create(
                organisation_id=org_id,
                invited_by_id=principal.user_id,
                login_field=field,
                login_value=value,
                roles=sorted(set(roles)),
                expires_at=now + domain.INVITATION_TTL,
                using_db=conn,
            )
        await audit(
            "member.invited",
            actor=principal.user_id,
            target=f"org:{org_id}/invitation:{invitation.id}",
            details={"roles": invitation.roles},
            ip=ip,
            conn=conn,
        )
    link = f"{settings.public_url.rstrip('/')}/account/invitations"
    await notices.deliver(mailer, notices.invitation(value, invitation.id, org.name, list(invitation.roles), link))
    return invitation_out(invitation)


async def list_invitations(
    principal: Principal, org_id: int, page: PageQuery
) -> tuple[list[InvitationOut], str | None]:
    await _org(principal, org_id, Action.ORG_MANAGE)
    qs = Invitation.filter(organisation_id=org_id, status=PENDING, expires_at__gt=datetime.now(UTC))
    return await paginate(qs, page, invitation_out)


async def cancel_invitation(principal: Principal, org_id: int, invitation_id: int, ip: str) -> None:
    await _org(principal, org_id, Action.ORG_MANAGE)
    async with in_transaction() as conn:
        changed = (
            await Invitation.filter(id=invitation_id, organisation_id=org_id, status=PENDING)
            .using_db(conn)
            .update(status="cancelled", decided_at=datetime.now(UTC), decided_by_id=principal.user_id)
        )
        if not changed:
            raise NotFound("no such pending invitation")
        await audit(
            "invitation.cancelled",
            actor=principal.user_id,
            target=f"org:{org_id}/invitation:{invitation_id}",
            ip=ip,
            conn=conn,
        )


def _addressed_to(user: User) -> Q:
    q = Q(pk=None)  # matches nothing: a user without either login has no invitations
    if user.email:
        q |= Q(login_field="email", login_value=user.email)
    if user.mobile:
        q |= Q(login_field="mobile", login_value=user.mobile)
    return q


async def my_invitations(user_id: int) -> list[MyInvitationOut]:
    user = await User.get(id=user_id)
    rows = (
        await Invitation.filter(_addressed_to(user), status=PENDING, expires_at__gt=datetime.now(UTC))
        .select_related("organisation")
        .order_by("-id")
        .limit(100)
    )
    return [
        MyInvitationOut(
            id=i.id,
            organisation_id=i.organisation_id,
            organisation_name=i.organisation.name,
            organisation_kind=i.organisation.kind,
            roles=list(i.roles),
            created_at=i.created_at,
            expires_at=i.expires_at,
        )
        for i in rows
    ]


async def _mine(conn: BaseDBAsyncClient, user: User, invitation_id: int) -> Invitation:
    # Someone else's invitation answers exactly as a missing one.
    invitation = (
        await Invitation.filter(_addressed_to(user), id=invitation_id, status=PENDING, expires_at__gt=datetime.now(UTC))
        .using_db(conn)
        .first()
    )
    if invitation is None:
        raise NotFound("not found")
    return invitation


async def accept(user_id: int, invitation_id: int, ip: str) -> None:
    user = await User.get(id=user_id)
    async with in_transaction() as conn:
        invitation = await _mine(conn, user, invitation_id)
        org = await Organisation.get(id=invitation.organisation_id, using_db=conn)
        decided = (
            await Invitation.filter(id=invitation.id, status=PENDING)
            .using_db(conn)
            .update(status="accepted", decided_at=datetime.now(UTC), decided_by_id=user_id)
        )
        if decided != 1:
            raise NotFound("not found")
        await _bump(conn, org)
        membership = await Membership.get_or_none(user_id=user_id, organisation_id=org.id, using_db=conn)
        roles = sorted(set(invitation.roles) | set(membership.roles if membership else []))
        if membership is None:
            await Membership.create(user_id=user_id, organisation_id=org.id, roles=roles, using_db=conn)
        else:
            await Membership.filter(id=membership.id).using_db(conn).update(roles=roles)
        await audit(
            "invitation.accepted",
            actor=user_id,
            target=f"org:{org.id}/user:{user_id}",
            details={"roles": roles},
            ip=ip,
            conn=conn,
        )
        await identity_changed(conn, user_id, "invitation_accepted", organisation_id=org.id)


async def decline(user_id: int, invitation_id: int, ip: str) -> None:
    user = await User.get(id=user_id)
    async with in_transaction() as conn:
        invitation = await _mine(conn, user, invitation_id)
        await (
            Invitation.filter(id=invitation.id, status=PENDING)
            .using_db(conn)
            .update(status="declined", decided_at=datetime.now(UTC), decided_by_id=user_id)
        )
        await audit(
            "invitation.declined",
            actor=user_id,
            target=f"org:{invitation.organisation_id}/user:{user_id}",
            ip=ip,
            conn=conn,
        )


async def _change_membership(
    principal: Principal, org: Organisation, user_id: int, new_roles: list[str], *, reason: str, ip: str
) -> Membership | None:
    """Set a member's roles (empty: remove them), never leaving the organisation without an admin."""
    admin_role = domain.ADMIN_ROLE[domain.Kind(org.kind)]
    async with in_transaction() as conn:
        members = {m.user_id: m for m in await Membership.filter(organisation_id=org.id).using_db(conn)}
        target = members.get(user_id)
        if target is None:
            raise NotFound("no such member", code="member_not_found")
        if admin_role is not None and admin_role in target.roles:
            roles_now = {uid: frozenset(m.roles) for uid, m in members.items()}
            if not domain.remaining_admins(roles_now, admin_role.value, user_id, frozenset(new_roles)):
                raise Conflict(
                    f"the organisation would be left without a {admin_role.value}; make someone else one first",
                    code="last_admin",
                )
        await _bump(conn, org)
        if new_roles:
            await Membership.filter(id=target.id).using_db(conn).update(roles=sorted(set(new_roles)))
        else:
            await Membership.filter(id=target.id).using_db(conn).delete()
        await audit(
            "roles.changed" if new_roles else ("member.left" if reason == "member_left" else "member.removed"),
            actor=principal.user_id,
            target=f"org:{org.id}/user:{user_id}",
            details={"roles": sorted(set(new_roles)), "before": sorted(target.roles)},
            ip=ip,
            conn=conn,
        )
        await identity_changed(conn, user_id, reason, organisation_id=org.id)
    if not new_roles:
        return None
    return await Membership.get(id=target.id).select_related("user")


async def set_roles(principal: Principal, org_id: int, user_id: int, roles: list[str], ip: str) -> MemberOut:
    org = await _org(principal, org_id, Action.ORG_MANAGE)
    _check_roles(org, roles)
    membership = await _change_membership(principal, org, user_id, roles, reason="roles_changed", ip=ip)
    assert membership is not None
    return member_out(membership)


async def remove(principal: Principal, org_id: int, user_id: int, ip: str) -> None:
    """An admin removes a member; any member removes themself (leaves)."""
    if user_id == principal.user_id and principal.roles_in(org_id):
        org = await _org(principal, org_id, Action.ORG_READ)
        await _change_membership(principal, org, user_id, [], reason="member_left", ip=ip)
        return
    org = await _org(principal, org_id, Action.ORG_MANAGE)
    if user_id == principal.user_id:
        raise Forbidden("you are not a member of this organisation")
    await _change_membership(principal, org, user_id, [], reason="member_removed", ip=ip)
