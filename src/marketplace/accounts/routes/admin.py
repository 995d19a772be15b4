"""HTTP handlers for platform staff: verification, penalties, the audit log, ending a user's sessions."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from marketplace.accounts import organisations as orgs
from marketplace.accounts import sessions
from marketplace.accounts.schemas import (
    AuditPage,
    CertificateOut,
    CertificatePage,
    DecisionIn,
    OrganisationOut,
    OrganisationPage,
    OrgFilter,
    PenaltyIn,
    PenaltyOut,
)
from marketplace.web.endpoint import Call, endpoint
from marketplace.web.pagination import PageQuery


@endpoint(
    "GET",
    "/api/admin/organisations",
    summary="Organisations by verification status (platform staff)",
    tag="admin",
    query=OrgFilter,
    response=OrganisationPage,
    scope="admin",
)
async def admin_organisations(call: Call[Any, OrgFilter]) -> OrganisationPage:
    items, cursor = await orgs.admin_list_organisations(call.user, call.query)
    return OrganisationPage(items=items, next_cursor=cursor)


@endpoint(
    "GET",
    "/api/admin/organisations/{id:int}/certificates",
    summary="An organisation's certificates (staff)",
    tag="admin",
    query=PageQuery,
    response=CertificatePage,
    scope="admin",
    errors=(404,),
)
async def admin_certificates(call: Call[Any, PageQuery]) -> CertificatePage:
    orgs.require(call.user, orgs.Action.ADMIN_ORGS)
    items, cursor = await orgs.list_certificates(call.user, call.path_id(), call.query)
    return CertificatePage(items=items, next_cursor=cursor)


@endpoint(
    "POST",
    "/api/admin/organisations/{id:int}/verification",
    summary="Verify, suspend or cancel a dealer",
    tag="admin",
    body=DecisionIn,
    response=OrganisationOut,
    scope="admin",
    errors=(404, 409),
)
async def decide_organisation(call: Call[DecisionIn, Any]) -> OrganisationOut:
    out = await orgs.decide_organisation(call.user, call.path_id(), call.body.action, call.body.reason, call.client_ip)
    call.services.relay.notify()
    return out


@endpoint(
    "POST",
    "/api/admin/certificates/{id:int}/verification",
    summary="Verify, suspend or cancel a certificate",
    tag="admin",
    body=DecisionIn,
    response=CertificateOut,
    scope="admin",
    errors=(404, 409),
)
async def decide_certificate(call: Call[DecisionIn, Any]) -> CertificateOut:
    return await orgs.decide_certificate(call.user, call.path_id(), call.body.action, call.body.reason, call.client_ip)


@endpoint(
    "POST",
    "/api/admin/penalties",
    summary="Record penalty points with reason and evidence",
    tag="admin",
    body=PenaltyIn,
    response=PenaltyOut,
    status=201,
    scope="admin",
    errors=(404,),
)
async def add_penalty(call: Call[PenaltyIn, Any]) -> PenaltyOut:
    return await orgs.add_penalty(call.user, call.body, call.client_ip)


@endpoint(
    "GET",
    "/api/admin/audit",
    summary="The audit log (platform staff)",
    tag="admin",
    query=PageQuery,
    response=AuditPage,
    scope="admin",
)
async def audit_log(call: Call[Any, PageQuery]) -> AuditPage:
    items, cursor = await orgs.list_audit(call.user, call.query)
    return AuditPage(items=items, next_cursor=cursor)


@endpoint(
    "POST",
    "/api/admin/users/{id:int}/sessions/revoke",
    summary="End every session and API token of a user",
    tag="admin",
    status=204,
    scope="admin",
    errors=(404,),
)
async def revoke_sessions(call: Call[Any, Any]) -> None:
    orgs.require(call.user, orgs.Action.ADMIN_VERIFY)
    await sessions.revoke_user_sessions(call.path_id(), actor=call.user.user_id, ip=call.client_ip)
    call.services.relay.notify()


routes: list[BaseRoute] = [
    admin_organisations,
    admin_certificates,
    decide_organisation,
    decide_certificate,
    add_penalty,
    audit_log,
    revoke_sessions,
]
