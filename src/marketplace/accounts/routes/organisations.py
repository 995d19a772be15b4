"""HTTP handlers for organisations: applying, members and invitations, certificates, penalties."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from marketplace.accounts import members
from marketplace.accounts import organisations as orgs
from marketplace.accounts.routes._common import me_out
from marketplace.accounts.schemas import (
    CertificateIn,
    CertificateOut,
    CertificatePage,
    InvitationOut,
    InvitationPage,
    MemberIn,
    MemberOut,
    MemberPage,
    MeOut,
    MyInvitations,
    OrganisationIn,
    OrganisationOut,
    PenaltyPage,
    RolesIn,
)
from marketplace.web.endpoint import Call, endpoint
from marketplace.web.pagination import PageQuery


@endpoint(
    "POST",
    "/api/organisations",
    summary="Create a dealer or auction-house organisation",
    tag="organisations",
    body=OrganisationIn,
    response=OrganisationOut,
    status=201,
    errors=(409,),
)
async def create_organisation(call: Call[OrganisationIn, Any]) -> OrganisationOut:
    out = await orgs.create_organisation(call.user, call.body, call.client_ip)
    call.services.relay.notify()
    return out


@endpoint(
    "GET",
    "/api/organisations/{id:int}",
    summary="An organisation (members and staff only)",
    tag="organisations",
    response=OrganisationOut,
    errors=(404,),
)
async def get_organisation(call: Call[Any, Any]) -> OrganisationOut:
    return await orgs.get_organisation(call.user, call.path_id())


@endpoint(
    "GET",
    "/api/organisations/{id:int}/members",
    summary="Members and their roles",
    tag="organisations",
    query=PageQuery,
    response=MemberPage,
    errors=(404,),
)
async def list_members(call: Call[Any, PageQuery]) -> MemberPage:
    items, cursor = await orgs.list_members(call.user, call.path_id(), call.query)
    return MemberPage(items=items, next_cursor=cursor)


@endpoint(
    "POST",
    "/api/organisations/{id:int}/members",
    summary="Invite someone by email or mobile (the same answer whether or not they have an account)",
    tag="organisations",
    body=MemberIn,
    response=InvitationOut,
    status=202,
    errors=(404,),
)
async def invite_member(call: Call[MemberIn, Any]) -> InvitationOut:
    s = call.services
    return await members.invite(
        call.user,
        call.path_id(),
        call.body.login,
        list(call.body.roles),
        mailer=s.mailer,
        settings=s.settings,
        ip=call.client_ip,
    )


@endpoint(
    "PUT",
    "/api/organisations/{id:int}/members/{user_id:int}",
    summary="Set a member's roles (grant or revoke; never the last admin)",
    tag="organisations",
    body=RolesIn,
    response=MemberOut,
    errors=(404, 409),
)
async def set_member_roles(call: Call[RolesIn, Any]) -> MemberOut:
    out = await members.set_roles(
        call.user, call.path_id(), call.path_id("user_id"), list(call.body.roles), call.client_ip
    )
    call.services.relay.notify()
    return out


@endpoint(
    "DELETE",
    "/api/organisations/{id:int}/members/{user_id:int}",
    summary="Remove a member (admins), or leave (your own user id); never the last admin",
    tag="organisations",
    status=204,
    errors=(404, 409),
)
async def remove_member(call: Call[Any, Any]) -> None:
    await members.remove(call.user, call.path_id(), call.path_id("user_id"), call.client_ip)
    call.services.relay.notify()


@endpoint(
    "GET",
    "/api/organisations/{id:int}/invitations",
    summary="Pending invitations (admins)",
    tag="organisations",
    query=PageQuery,
    response=InvitationPage,
    errors=(404,),
)
async def list_invitations(call: Call[Any, PageQuery]) -> InvitationPage:
    items, cursor = await members.list_invitations(call.user, call.path_id(), call.query)
    return InvitationPage(items=items, next_cursor=cursor)


@endpoint(
    "DELETE",
    "/api/organisations/{id:int}/invitations/{invitation_id:int}",
    summary="Withdraw a pending invitation",
    tag="organisations",
    status=204,
    errors=(404,),
)
async def cancel_invitation(call: Call[Any, Any]) -> None:
    await members.cancel_invitation(call.user, call.path_id(), call.path_id("invitation_id"), call.client_ip)


@endpoint(
    "GET", "/api/me/invitations", summary="Invitations waiting for me", tag="organisations", response=MyInvitations
)
async def my_invitations(call: Call[Any, Any]) -> MyInvitations:
    return MyInvitations(items=await members.my_invitations(call.user.user_id))


@endpoint(
    "POST",
    "/api/me/invitations/{id:int}/accept",
    summary="Accept an invitation: become a member with its roles",
    tag="organisations",
    response=MeOut,
    errors=(404,),
)
async def accept_invitation(call: Call[Any, Any]) -> MeOut:
    await members.accept(call.user.user_id, call.path_id(), call.client_ip)
    call.services.relay.notify()
    return await me_out(call.user.user_id)


@endpoint(
    "POST",
    "/api/me/invitations/{id:int}/decline",
    summary="Decline an invitation",
    tag="organisations",
    status=204,
    errors=(404,),
)
async def decline_invitation(call: Call[Any, Any]) -> None:
    await members.decline(call.user.user_id, call.path_id(), call.client_ip)


@endpoint(
    "GET",
    "/api/organisations/{id:int}/certificates",
    summary="Agent certificates (代理证)",
    tag="organisations",
    query=PageQuery,
    response=CertificatePage,
    errors=(404,),
)
async def list_certificates(call: Call[Any, PageQuery]) -> CertificatePage:
    items, cursor = await orgs.list_certificates(call.user, call.path_id(), call.query)
    return CertificatePage(items=items, next_cursor=cursor)


@endpoint(
    "POST",
    "/api/organisations/{id:int}/certificates",
    summary="Lodge an agent certificate for verification",
    tag="organisations",
    body=CertificateIn,
    response=CertificateOut,
    status=201,
    errors=(404, 409),
)
async def add_certificate(call: Call[CertificateIn, Any]) -> CertificateOut:
    return await orgs.add_certificate(call.user, call.path_id(), call.body, call.client_ip)


@endpoint(
    "GET",
    "/api/organisations/{id:int}/penalties",
    summary="Penalty points (扣分)",
    tag="organisations",
    query=PageQuery,
    response=PenaltyPage,
    errors=(404,),
)
async def list_penalties(call: Call[Any, PageQuery]) -> PenaltyPage:
    items, cursor = await orgs.list_penalties(call.user, call.path_id(), call.query)
    return PenaltyPage(items=items, next_cursor=cursor)


routes: list[BaseRoute] = [
    create_organisation,
    get_organisation,
    list_members,
    invite_member,
    set_member_roles,
    remove_member,
    list_invitations,
    cancel_invitation,
    list_certificates,
    add_certificate,
    list_penalties,
    my_invitations,
    accept_invitation,
    decline_invitation,
]
