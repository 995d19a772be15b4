"""The permissions matrix: every accounts endpoint × every kind of caller × own/foreign resource.

The matrix is data (`MATRIX` below): one `Spec` per endpoint with a row of expected outcomes per
target. Each cell becomes one test case, e.g. ``GET /api/organisations/{id}:dealer_staff:foreign``.
`test_matrix_covers_every_route` fails as soon as an endpoint is added without its rows.

Every case also checks that
- a refused request changed nothing (users, organisations and their status, memberships,
  certificates and their status, penalties, sessions, tokens, password changes, audit rows);
- a GET never changes anything;
- an allowed unsafe request had its effect;
- nobody but platform staff ever sees organisation B's private data (B has no member among the callers).

Callers are logged in by writing their session row directly (no password hashing), so one case
costs a truncated database plus a few dozen inserts.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from marketplace.accounts import codes, sessions
from marketplace.accounts.auth import CSRF_COOKIE, SESSION_COOKIE, new_secret, token_hash
from marketplace.accounts.models import (
    AgentCertificate,
    Invitation,
    Organisation,
    Penalty,
    Session,
    User,
)
from marketplace.accounts.routes import routes
from marketplace.web.endpoint import UNSAFE_METHODS
from tests.support import (
    PASSWORD,
    ApiClient,
    accounts_snapshot,
    make_certificate,
    make_member,
    make_org,
    make_user,
    uscc,
)

# --- outcomes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Want:
    status: int
    code: str | None = None  # the error code for 4xx outcomes

    def __str__(self) -> str:
        return f"{self.status} {self.code}" if self.code else str(self.status)


OK = Want(200)
NEW = Want(201)
SENT = Want(202)  # accepted; the outcome is told by mail
DONE = Want(204)
UNAUTH = Want(401, "unauthenticated")
FORBID = Want(403, "forbidden")
SCOPE = Want(403, "insufficient_scope")
NF = Want(404, "not_found")
NF = Want(404, "not_found")
NA = None  # the caller has no such resource of its own

# --- callers -------------------------------------------------------------------------------

PRINCIPALS = (
    "anonymous",
    "buyer",  # a registered user without an organisation
    "dealer_staff",  # of dealer A
    "dealer_admin",  # of dealer A
    "auctioneer",  # of auction house H
    "house_admin",  # of auction house H
    "analyst",  # of association S
    "platform_admin",  # of the platform organisation P
    "read_token",  # an API token of A's dealer_admin with only the `read` scope
)
# The organisation whose resources are "own" for each caller; "foreign" is always dealer B.
OWN_ORG = {
    "dealer_staff": "A",
    "dealer_admin": "A",
    "read_token": "A",
    "auctioneer": "H",
    "house_admin": "H",
    "analyst": "S",
    "platform_admin": "P",
}
FOREIGN_ORG = "B"
# user key, organisation, roles. "victim" (B's admin) is the foreign user whose sessions and token are targeted.
MEMBERS = (
    ("dealer_staff", "A", ["dealer_staff"]),
    ("dealer_admin", "A", ["dealer_admin"]),
    ("auctioneer", "H", ["auctioneer"]),
    ("house_admin", "H", ["house_admin"]),
    ("analyst", "S", ["analyst"]),
    ("platform_admin", "P", ["platform_admin"]),
    ("victim", "B", ["dealer_admin"]),
    ("bstaff", "B", ["dealer_staff", "buyer"]),
    # The member each organisation's admin acts on (roles changed, removed); B's is bstaff.
    ("a_junior", "A", ["dealer_staff"]),
    ("h_junior", "H", ["auctioneer"]),
    ("s_junior", "S", ["analyst"]),
    ("p_junior", "P", ["analyst"]),
)
JUNIOR = {"A": "a_junior", "H": "h_junior", "S": "s_junior", "P": "p_junior", "B": "bstaff"}
# Roles a PUT sets: different from every junior's current ones, so an allowed PUT shows.
NEW_ROLES = {
    "dealer": ["buyer"],
    "auction_house": ["auctioneer", "house_admin"],
    "association": ["analyst"],
    "platform": ["analyst", "platform_admin"],
}
ORG_KINDS = {"A": "dealer", "B": "dealer", "H": "auction_house", "S": "association", "P": "platform"}
ROLE_TO_GRANT = {
    "dealer": "dealer_staff",
    "auction_house": "auctioneer",
    "association": "analyst",
    "platform": "analyst",
}
TARGETS = {
    "none": ("none",),
    "org": ("own", "foreign"),
    "cert": ("own", "foreign"),
    "user": ("own", "foreign"),
    "token": ("own", "foreign"),
    "member": ("own", "foreign"),  # a member of the caller's organisation / of B
    "invitation": ("own", "foreign"),  # an invitation addressed to the caller / to B's admin
    "org_invitation": ("own", "foreign"),  # a pending invitation of the caller's organisation / of B
}

# --- the world each case runs in --------------------------------------------------------------

_n = itertools.count(7_000_000)


@dataclass
class World:
    principal: str
    orgs: dict[str, Organisation]
    users: dict[str, User]
    certs: dict[str, AgentCertificate]
    own_token_id: int | None = None
    victim_token_id: int = 0
    b_secrets: list[str] = field(default_factory=list)
    invitations: dict[str, int] = field(default_factory=dict)  # mine, foreign, A, B, H, S, P
    secrets: dict[str, str] = field(default_factory=dict)  # register, reset, contact: links' one-time secrets

    def org_id(self, which: str) -> int:
        return self.orgs[OWN_ORG[self.principal] if which == "own" else FOREIGN_ORG].id

    def target_id(self, kind: str, which: str) -> int | None:
        if kind == "org":
            return self.org_id(which)
        if kind == "cert":
            return self.certs[OWN_ORG[self.principal] if which == "own" else FOREIGN_ORG].id
        if kind == "user":
            return self.users[self.principal if which == "own" else "victim"].id
        if kind == "token":
            return self.own_token_id if which == "own" else self.victim_token_id
        if kind == "member":
            return self.org_id(which)
        if kind == "invitation":
            return self.invitations["mine" if which == "own" else "foreign"]
        if kind == "org_invitation":
            return self.org_id(which)
        return None

    def path(self, template: str, kind: str, which: str) -> str:
        org_key = OWN_ORG.get(self.principal, FOREIGN_ORG) if which == "own" else FOREIGN_ORG
        values = {"id": self.target_id(kind, which)}
        if kind == "member":
            values["user_id"] = self.users[JUNIOR[org_key]].id
        if kind == "org_invitation":
            values["invitation_id"] = self.invitations[org_key]
        for name, value in values.items():
            template = template.replace(f"{{{name}:int}}", str(value))
        return template

    def kind_of(self, org_id: int) -> str:
        return next(o.kind for o in self.orgs.values() if o.id == org_id)


async def _open_session(user: User) -> tuple[str, str]:
    raw, csrf = new_secret(), new_secret()
    await Session.create(
        token_hash=token_hash(raw), csrf_token=csrf, user_id=user.id, expires_at=datetime.now(UTC) + timedelta(days=1)
    )
    return raw, csrf


async def build_world(client: ApiClient, principal: str) -> World:
    app = client.app
    names = {"A": "Alpha Motors", "B": "Bsecret Motors", "H": "Hammer Auctions", "S": "Dealers Association"}
    orgs = {key: await make_org(kind, name=names.get(key)) for key, kind in ORG_KINDS.items()}
    users: dict[str, User] = {}
    for key, org_key, roles in MEMBERS:
        users[key] = (await make_member(app, orgs[org_key], roles, name=f"{key.replace('_', '')}x")).user
    users["buyer"] = await make_user(app, "buyer")
    users["recruit"] = await make_user(app, "recruit")
    users["read_token"] = users["dealer_admin"]
    holders = {"A": "dealer_admin", "B": "victim", "H": "house_admin", "S": "analyst", "P": "platform_admin"}
    certs = {key: await make_certificate(org, users[holders[key]]) for key, org in orgs.items()}
    for org in orgs.values():
        await Penalty.create(organisation_id=org.id, points=2, reason=f"{org.name} penalty reason", evidence="scan")
    world = World(principal, orgs, users, certs)
    await _invitations_and_links(world)

    # The foreign user has a live session and a token of their own.
    await _open_session(users["victim"])
    victim_token, _ = await sessions.create_token(users["victim"].id, "bsecret-token", ["read"], "127.0.0.1")
    world.victim_token_id = victim_token.id
    world.b_secrets = [
        "Bsecret",  # B's name, its members' e-mail addresses and display names, its penalty reason, the token name
        str(orgs["B"].business_licence_no),
        certs["B"].certificate_no,
        str(users["victim"].email),
        str(users["bstaff"].email),
    ]

    if principal == "anonymous":
        return world
    user = users[principal]
    if principal == "read_token":
        token, raw = await sessions.create_token(user.id, "read-only", ["read"], "127.0.0.1")
        client.bearer = raw
    else:
        token, _ = await sessions.create_token(user.id, "own-token", ["read"], "127.0.0.1")
        raw, csrf = await _open_session(user)
        client.http.cookies.set(SESSION_COOKIE, raw)
        client.http.cookies.set(CSRF_COOKIE, csrf)
    world.own_token_id = token.id
    return world


async def _invite(org: Organisation, login: str, roles: list[str]) -> int:
    invitation = await Invitation.create(
        organisation_id=org.id,
        login_field="email",
        login_value=login,
        roles=roles,
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )
    return invitation.id


async def _invitations_and_links(w: World) -> None:
    recruit = str(w.users["recruit"].email)
    for key in ("A", "H", "S", "P"):  # each organisation has one pending invitation, to the recruit
        w.invitations[key] = await _invite(w.orgs[key], recruit, [ROLE_TO_GRANT[ORG_KINDS[key]]])
    w.invitations["B"] = w.invitations["foreign"] = await _invite(w.orgs["B"], str(w.users["victim"].email), ["buyer"])
    if w.principal != "anonymous":
        w.invitations["mine"] = await _invite(w.orgs["P"], str(w.users[w.principal].email), ["analyst"])
    register = await codes.issue(
        codes.Purpose.REGISTER,
        payload={"email": f"new{next(_n)}@example.cn", "mobile": None, "display_name": "New", "password_hash": "x"},
    )
    reset = await codes.issue(codes.Purpose.RESET, user_id=w.users["recruit"].id)
    contact = await codes.issue(
        codes.Purpose.CONTACT,
        user_id=w.users["recruit"].id,
        payload={"field": "email", "value": f"moved{next(_n)}@example.cn"},
    )
    w.secrets = {"register": register.secret, "reset": reset.secret, "contact": contact.secret}


# --- request bodies ------------------------------------------------------------------------

Body = Callable[[World, "int | None"], dict[str, Any]]


def _register(w: World, _: int | None) -> dict[str, Any]:
    return {"email": f"new{next(_n)}@example.cn", "password": "a-long-password-1", "display_name": "Newcomer"}


def _login(w: World, _: int | None) -> dict[str, Any]:
    return {"login": str(w.users["recruit"].email), "password": PASSWORD}


def _password(w: World, _: int | None) -> dict[str, Any]:
    return {"current_password": PASSWORD, "new_password": "brand-new-password-9"}


def _organisation(w: World, _: int | None) -> dict[str, Any]:
    return {"name": "Newco Motors", "kind": "dealer", "business_licence_no": uscc(next(_n))}


def _member(w: World, org_id: int | None) -> dict[str, Any]:
    assert org_id is not None  # an address without an account: the answer is the same as for any other
    return {"login": f"invitee{next(_n)}@example.cn", "roles": [ROLE_TO_GRANT[w.kind_of(org_id)]]}


def _certificate(w: World, _: int | None) -> dict[str, Any]:
    return {
        "holder_name": "New Holder",
        "certificate_no": f"NEW-{next(_n)}",
        "valid_from": "2025-01-01",
        "valid_until": "2027-01-01",
    }


def _suspend(w: World, _: int | None) -> dict[str, Any]:
    return {"action": "suspend", "reason": "complaints about odometer tampering"}


def _verify(w: World, _: int | None) -> dict[str, Any]:
    return {"action": "verify", "reason": "documents checked"}


def _penalty(w: World, org_id: int | None) -> dict[str, Any]:
    return {"organisation_id": org_id, "points": 3, "reason": "late transfer paperwork", "evidence": "ticket 42"}


def _token(w: World, _: int | None) -> dict[str, Any]:
    return {"name": "ci", "scopes": ["read"]}


def _link(purpose: str) -> Body:
    return lambda w, _: {"token": w.secrets[purpose]}


def _reset(w: World, _: int | None) -> dict[str, Any]:
    return {"token": w.secrets["reset"], "new_password": "brand-new-password-9"}


def _recruit_login(w: World, _: int | None) -> dict[str, Any]:
    return {"login": str(w.users["recruit"].email)}


def _rename(w: World, _: int | None) -> dict[str, Any]:
    return {"display_name": "Renamed Person"}


def _contact(w: World, _: int | None) -> dict[str, Any]:
    return {"field": "email", "value": f"moving{next(_n)}@example.cn", "password": PASSWORD}


def _roles(w: World, org_id: int | None) -> dict[str, Any]:
    assert org_id is not None
    return {"roles": NEW_ROLES[w.kind_of(org_id)]}


# --- checks of successful reads -------------------------------------------------------------


def _is_org(w: World, tid: int | None, body: Any) -> None:
    assert body["id"] == tid


def _items_of_org(w: World, tid: int | None, body: Any) -> None:
    assert body["items"], body
    assert {item["organisation_id"] for item in body["items"]} == {tid}


def _members_of_org(w: World, tid: int | None, body: Any) -> None:
    member_ids = {u.id for key, org_key, _ in MEMBERS for u in [w.users[key]] if w.orgs[org_key].id == tid}
    assert {item["user_id"] for item in body["items"]} == member_ids


def _me(w: World, tid: int | None, body: Any) -> None:
    assert body["id"] == w.users[w.principal].id


def _my_invitations(w: World, tid: int | None, body: Any) -> None:
    assert [i["id"] for i in body["items"]] == [w.invitations["mine"]]


def _my_tokens(w: World, tid: int | None, body: Any) -> None:
    assert [t["id"] for t in body["items"]] == [w.own_token_id]


# --- the matrix ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    method: str
    path: str  # the route's path template, as declared
    target: str  # what {id} (or the body's organisation_id) names: none, org, cert, user, token
    cells: dict[str, tuple[Want | None, ...]]  # target label -> one outcome per principal, in PRINCIPALS order
    body: Body | None = None
    effect: str | None = None  # the snapshot key an allowed unsafe request must change
    check: Callable[[World, int | None, Any], None] | None = None  # extra checks of a 200 body

    @property
    def label(self) -> str:
        return f"{self.method} {self.path.replace(':int}', '}')}"


def S(method: str, path: str, target: str, **kw: Any) -> Spec:
    """One matrix row; the short name keeps the table readable."""
    cells = {t: kw.pop(t) for t in ("none", "own", "foreign") if t in kw}
    return Spec(method, path, target, cells, **kw)


# fmt: off
#    principals:   anonymous buyer  d_staff d_admin auction h_admin analyst p_admin read_token
MATRIX: list[Spec] = [
    S("GET", "/api/auth/csrf", "none",
      none=        (OK,      OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK)),
    S("POST", "/api/auth/register", "none", body=_register, effect="codes",
      none=        (SENT,    SENT,   SENT,   SENT,   SENT,   SENT,   SENT,   SENT,   SCOPE)),
    S("POST", "/api/auth/register/confirm", "none", body=_link("register"), effect="users",
      none=        (NEW,     NEW,    NEW,    NEW,    NEW,    NEW,    NEW,    NEW,    SCOPE)),
    S("POST", "/api/auth/login", "none", body=_login, effect="sessions_active",
      none=        (OK,      OK,     OK,     OK,     OK,     OK,     OK,     OK,     SCOPE)),
    S("POST", "/api/auth/login/code", "none", body=_recruit_login, effect="codes",
      none=        (SENT,    SENT,   SENT,   SENT,   SENT,   SENT,   SENT,   SENT,   SCOPE)),
    S("POST", "/api/auth/password/forgot", "none", body=_recruit_login, effect="codes",
      none=        (SENT,    SENT,   SENT,   SENT,   SENT,   SENT,   SENT,   SENT,   SCOPE)),
    S("POST", "/api/auth/password/reset", "none", body=_reset, effect="password_changes",
      none=        (DONE,    DONE,   DONE,   DONE,   DONE,   DONE,   DONE,   DONE,   SCOPE)),
    S("POST", "/api/me/contact/confirm", "none", body=_link("contact"), effect="user_details",
      none=        (DONE,    DONE,   DONE,   DONE,   DONE,   DONE,   DONE,   DONE,   SCOPE)),
    S("POST", "/api/auth/logout", "none", effect="sessions_active",
      none=        (UNAUTH,  DONE,   DONE,   DONE,   DONE,   DONE,   DONE,   DONE,   SCOPE)),
    S("POST", "/api/auth/password", "none", body=_password, effect="password_changes",
      none=        (UNAUTH,  DONE,   DONE,   DONE,   DONE,   DONE,   DONE,   DONE,   SCOPE)),
    S("GET", "/api/me", "none", check=_me,
      none=        (UNAUTH,  OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK)),
    S("PATCH", "/api/me", "none", body=_rename, effect="user_details",
      none=        (UNAUTH,  OK,     OK,     OK,     OK,     OK,     OK,     OK,     SCOPE)),
    S("POST", "/api/me/contact", "none", body=_contact, effect="codes",
      none=        (UNAUTH,  SENT,   SENT,   SENT,   SENT,   SENT,   SENT,   SENT,   SCOPE)),
    S("GET", "/api/me/invitations", "none", check=_my_invitations,
      none=        (UNAUTH,  OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK)),
    # Invitations are personal: not even platform staff accept or decline somebody else's.
    S("POST", "/api/me/invitations/{id:int}/accept", "invitation", effect="memberships",
      own=         (NA,      OK,     OK,     OK,     OK,     OK,     OK,     OK,     SCOPE),
      foreign=     (UNAUTH,  NF    , NF    , NF    , NF    , NF    , NF    , NF    , SCOPE)),
    S("POST", "/api/me/invitations/{id:int}/decline", "invitation", effect="invitations",
      own=         (NA,      DONE,   DONE,   DONE,   DONE,   DONE,   DONE,   DONE,   SCOPE),
      foreign=     (UNAUTH,  NF    , NF    , NF    , NF    , NF    , NF    , NF    , SCOPE)),
    S("POST", "/api/organisations", "none", body=_organisation, effect="organisations",
      none=        (UNAUTH,  NEW,    NEW,    NEW,    NEW,    NEW,    NEW,    NEW,    SCOPE)),
    S("GET", "/api/organisations/{id:int}", "org", check=_is_org,
      own=         (NA,      NA,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
      foreign=     (UNAUTH,  NF,     NF,     NF,     NF,     NF,     NF,     OK,     NF)),
    S("GET", "/api/organisations/{id:int}/members", "org", check=_members_of_org,
      own=         (NA,      NA,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
      foreign=     (UNAUTH,  NF,     NF,     NF,     NF,     NF,     NF,     OK,     NF)),
    # ORG_MANAGE: the organisation's admin role; associations have none (domain.ADMIN_ROLE): staff manage them.
    S("POST", "/api/organisations/{id:int}/members", "org", body=_member, effect="invitations",
      own=         (NA,      NA,     FORBID, SENT,   FORBID, SENT,   FORBID, SENT,   SCOPE),
      foreign=     (UNAUTH,  NF,     NF,     NF,     NF,     NF,     NF,     SENT,   SCOPE)),
    S("PUT", "/api/organisations/{id:int}/members/{user_id:int}", "member", body=_roles, effect="memberships",
      own=         (NA,      NA,     FORBID, OK,     FORBID, OK,     FORBID, OK,     SCOPE),
      foreign=     (UNAUTH,  NF,     NF,     NF,     NF,     NF,     NF,     OK,     SCOPE)),
    S("DELETE", "/api/organisations/{id:int}/members/{user_id:int}", "member", effect="memberships",
      own=         (NA,      NA,     FORBID, DONE,   FORBID, DONE,   FORBID, DONE,   SCOPE),
      foreign=     (UNAUTH,  NF,     NF,     NF,     NF,     NF,     NF,     DONE,   SCOPE)),
    S("GET", "/api/organisations/{id:int}/invitations", "org", check=_items_of_org,
      own=         (NA,      NA,     FORBID, OK,     FORBID, OK,     FORBID, OK,     OK),
      foreign=     (UNAUTH,  NF,     NF,     NF,     NF,     NF,     NF,     OK,     NF)),
    S("DELETE", "/api/organisations/{id:int}/invitations/{invitation_id:int}", "org_invitation",
      effect="invitations",
      own=         (NA,      NA,     FORBID, DONE,   FORBID, DONE,   FORBID, DONE,   SCOPE),
      foreign=     (UNAUTH,  NF,     NF,     NF,     NF,     NF,     NF,     DONE,   SCOPE)),
    S("GET", "/api/organisations/{id:int}/certificates", "org", check=_items_of_org,
      own=         (NA,      NA,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
      foreign=     (UNAUTH,  NF,     NF,     NF,     NF,     NF,     NF,     OK,     NF)),
    S("POST", "/api/organisations/{id:int}/certificates", "org", body=_certificate, effect="certificates",
      own=         (NA,      NA,     FORBID, NEW,    FORBID, NEW,    FORBID, NEW,    SCOPE),
      foreign=     (UNAUTH,  NF,     NF,     NF,     NF,     NF,     NF,     NEW,    SCOPE)),
    S("GET", "/api/organisations/{id:int}/penalties", "org", check=_items_of_org,
      own=         (NA,      NA,     OK,     OK,     OK,     OK,     OK,     OK,     OK),
      foreign=     (UNAUTH,  NF,     NF,     NF,     NF,     NF,     NF,     OK,     NF)),
    S("GET", "/api/admin/organisations", "none",
      none=        (UNAUTH,  FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,     SCOPE)),
    S("GET", "/api/admin/organisations/{id:int}/certificates", "org", check=_items_of_org,
      own=         (NA,      NA,     FORBID, FORBID, FORBID, FORBID, FORBID, OK,     SCOPE),
      foreign=     (UNAUTH,  FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,     SCOPE)),
    S("POST", "/api/admin/organisations/{id:int}/verification", "org", body=_suspend, effect="organisations",
      own=         (NA,      NA,     FORBID, FORBID, FORBID, FORBID, FORBID, OK,     SCOPE),
      foreign=     (UNAUTH,  FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,     SCOPE)),
    S("POST", "/api/admin/certificates/{id:int}/verification", "cert", body=_verify, effect="certificates",
      own=         (NA,      NA,     FORBID, FORBID, FORBID, FORBID, FORBID, OK,     SCOPE),
      foreign=     (UNAUTH,  FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,     SCOPE)),
    # The target organisation travels in the body (organisation_id), not in the path.
    S("POST", "/api/admin/penalties", "org", body=_penalty, effect="penalties",
      own=         (NA,      NA,     FORBID, FORBID, FORBID, FORBID, FORBID, NEW,    SCOPE),
      foreign=     (UNAUTH,  FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, NEW,    SCOPE)),
    S("GET", "/api/admin/audit", "none",
      none=        (UNAUTH,  FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, OK,     SCOPE)),
    S("POST", "/api/admin/users/{id:int}/sessions/revoke", "user", effect="sessions_active",
      own=         (NA,      FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, DONE,   SCOPE),
      foreign=     (UNAUTH,  FORBID, FORBID, FORBID, FORBID, FORBID, FORBID, DONE,   SCOPE)),
    S("GET", "/api/tokens", "none", check=_my_tokens,
      none=        (UNAUTH,  OK,     OK,     OK,     OK,     OK,     OK,     OK,     OK)),
    S("POST", "/api/tokens", "none", body=_token, effect="tokens_active",
      none=        (UNAUTH,  NEW,    NEW,    NEW,    NEW,    NEW,    NEW,    NEW,    SCOPE)),
    # Tokens are personal: not even platform staff revoke somebody else's.
    S("DELETE", "/api/tokens/{id:int}", "token", effect="tokens_active",
      own=         (NA,      DONE,   DONE,   DONE,   DONE,   DONE,   DONE,   DONE,   SCOPE),
      foreign=     (UNAUTH,  NF,     NF,     NF,     NF,     NF,     NF,     NF,     SCOPE)),
]
# fmt: on

# Cells where the code disagrees with the matrix. Strict: fixing the bug turns these red, so the marks get removed.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


def matrix_cells() -> list[tuple[Spec, str, str, Want]]:
    return [
        (spec, principal, target, want)
        for spec in MATRIX
        for target, row in spec.cells.items()
        for principal, want in zip(PRINCIPALS, row, strict=True)
        if want is not None
    ]


def _params() -> list[Any]:
    params = []
    for spec, principal, target, want in matrix_cells():
        key = (spec.label, principal, target)
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[key])] if key in KNOWN_BUGS else []
        params.append(pytest.param(spec, principal, target, want, id=":".join(key), marks=marks))
    return params


def assert_error(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json"), r.headers
    body = r.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]


def leaks(world: World, r: httpx.Response) -> list[str]:
    text = r.text.lower()
    return [s for s in world.b_secrets if s.lower() in text]


# --- the matrix test ---------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "principal", "target", "want"), _params())
async def test_permissions_matrix(client: ApiClient, spec: Spec, principal: str, target: str, want: Want) -> None:
    world = await build_world(client, principal)
    tid = world.target_id(spec.target, target)
    url = world.path(spec.path, spec.target, target)
    kwargs = {"json": spec.body(world, tid)} if spec.body else {}

    before = await accounts_snapshot()
    r = await client.request(spec.method, url, **kwargs)
    after = await accounts_snapshot()

    if want.code:
        assert_error(r, want.status, want.code)
        assert after == before, "a refused request changed state"
    else:
        assert r.status_code == want.status, r.text
        if spec.method in UNSAFE_METHODS:
            assert spec.effect is not None
            assert after[spec.effect] != before[spec.effect], f"{spec.effect} did not change"
        if want.status == 200 and spec.check is not None:
            spec.check(world, tid, r.json())
    if spec.method == "GET":
        assert after == before, "a GET changed state"
    if principal != "platform_admin":
        assert not leaks(world, r), f"organisation B's data leaked to {principal}"


def test_matrix_covers_every_route() -> None:
    """A new endpoint without matrix rows fails here; so does a row for an endpoint that is gone."""
    declared = [(r.operation.method, r.path) for r in routes if hasattr(r, "operation")]  # type: ignore[attr-defined]
    assert len(declared) == len(routes), "every accounts route is an `endpoint`"
    in_matrix = [(s.method, s.path) for s in MATRIX]
    assert len(in_matrix) == len(set(in_matrix)), "an endpoint appears twice in the matrix"
    assert sorted(in_matrix) == sorted(declared)

    has_own = {"org": set(OWN_ORG), "cert": set(OWN_ORG), "user": set(PRINCIPALS) - {"anonymous"}}
    has_own["token"] = has_own["invitation"] = has_own["user"]
    has_own["member"] = has_own["org_invitation"] = set(OWN_ORG)
    for spec in MATRIX:
        assert tuple(spec.cells) == TARGETS[spec.target], spec.label
        for target, row in spec.cells.items():
            assert len(row) == len(PRINCIPALS), (spec.label, target)
            for principal, want in zip(PRINCIPALS, row, strict=True):
                applicable = target != "own" or principal in has_own[spec.target]
                assert (want is not None) == applicable, (spec.label, principal, target)
        if spec.method in UNSAFE_METHODS:
            assert spec.effect is not None, f"{spec.label}: say which state an allowed request changes"
        route = next(r for r in routes if getattr(r, "path", None) == spec.path and spec.method in r.methods)  # type: ignore[attr-defined]
        assert (spec.body is not None) == (route.operation.body is not None), spec.label  # type: ignore[attr-defined]


PUBLIC = (
    "/api/auth/csrf",
    "/api/auth/register",
    "/api/auth/register/confirm",
    "/api/auth/login",
    "/api/auth/login/code",
    "/api/auth/password/forgot",
    "/api/auth/password/reset",
    "/api/me/contact/confirm",
)


def test_matrix_rules_hold_for_every_cell() -> None:
    """Cross-cutting rules, checked over the data so a hand-edited cell cannot contradict them."""
    for spec, principal, target, want in matrix_cells():
        where = f"{spec.label}:{principal}:{target}"
        if principal == "anonymous":
            public = spec.path in PUBLIC
            assert (want in (OK, NEW, SENT, DONE)) if public else want == UNAUTH, where
        if principal == "read_token":
            if spec.method in UNSAFE_METHODS or spec.path.startswith("/api/admin/"):
                assert want == SCOPE, where
            else:  # reads: exactly what its owner, A's dealer_admin, gets
                assert want == spec.cells[target][PRINCIPALS.index("dealer_admin")], where
        if spec.path.startswith("/api/admin/") and principal not in ("anonymous", "read_token"):
            assert (want.status < 300) == (principal == "platform_admin"), where
            assert want.status < 300 or want == FORBID, where


# --- focused checks ------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/members", "/certificates", "/penalties"])
async def test_foreign_organisation_is_indistinguishable_from_a_missing_one(client: ApiClient, suffix: str) -> None:
    world = await build_world(client, "dealer_admin")
    foreign = await client.get(f"/api/organisations/{world.orgs['B'].id}{suffix}")
    missing = await client.get(f"/api/organisations/{2**31 - 1}{suffix}")
    assert_error(foreign, 404, "not_found")
    assert foreign.json() == missing.json()
    assert not leaks(world, foreign)
    # …while the same caller does see its own organisation's data.
    own = await client.get(f"/api/organisations/{world.orgs['A'].id}{suffix}")
    assert own.status_code == 200, own.text
    assert not leaks(world, own)


@pytest.mark.parametrize(
    ("principal", "org", "roles", "status", "code"),
    [
        ("dealer_admin", "A", ["platform_admin"], 422, "validation_error"),
        ("dealer_admin", "A", ["house_admin"], 422, "validation_error"),
        ("house_admin", "H", ["dealer_admin"], 422, "validation_error"),
        ("analyst", "S", ["platform_admin"], 403, "forbidden"),  # associations are managed by staff
        ("dealer_admin", "H", ["auctioneer"], 404, "not_found"),
        ("dealer_staff", "A", ["dealer_admin"], 403, "forbidden"),
    ],
    ids=lambda v: "+".join(v) if isinstance(v, list) else str(v),
)
async def test_no_role_escalation(
    client: ApiClient, principal: str, org: str, roles: list[str], status: int, code: str
) -> None:
    world = await build_world(client, principal)
    me = world.users[principal]
    before = await accounts_snapshot()
    r = await client.post(f"/api/organisations/{world.orgs[org].id}/members", json={"login": me.email, "roles": roles})
    assert_error(r, status, code)
    assert await accounts_snapshot() == before
    profile = (await client.get("/api/me")).json()
    assert profile["is_platform_admin"] is False
    assert {o["id"]: o["roles"] for o in profile["organisations"]} == {
        world.orgs[OWN_ORG[principal]].id: next(r for k, _, r in MEMBERS if k == principal)
    }


async def test_token_scopes_and_token_only_restrictions(client: ApiClient) -> None:
    world = await build_world(client, "dealer_admin")
    # A session user outside the platform cannot mint an admin-scoped token.
    r = await client.post("/api/tokens", json={"name": "sneaky", "scopes": ["admin"]})
    assert_error(r, 403, "insufficient_role")
    r = await client.post("/api/tokens", json={"name": "rw", "scopes": ["read", "write"]})
    assert r.status_code == 201, r.text
    rw = client.fork()
    rw.bearer = r.json()["token"]
    before = await accounts_snapshot()
    # A write token may not mint tokens or change the password: both need a logged-in session.
    assert_error(await rw.post("/api/tokens", json={"name": "child", "scopes": ["read"]}), 403, "forbidden")
    r = await rw.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": "brand-new-password-9"})
    assert_error(r, 403, "forbidden")
    # Write does not imply admin.
    assert_error(await rw.get("/api/admin/audit"), 403, "insufficient_scope")
    assert await accounts_snapshot() == before
    # …but it does write within the caller's own permissions.
    r = await rw.post(f"/api/organisations/{world.orgs['A'].id}/certificates", json=_certificate(world, None))
    assert r.status_code == 201, r.text
    await rw.aclose()


async def test_platform_admin_token_needs_the_admin_scope(client: ApiClient) -> None:
    world = await build_world(client, "platform_admin")
    admin_id = world.users["platform_admin"].id
    _, read_raw = await sessions.create_token(admin_id, "read", ["read"], "127.0.0.1")
    _, admin_raw = await sessions.create_token(admin_id, "admin", ["admin"], "127.0.0.1")
    reader, admin = client.fork(), client.fork()
    reader.bearer, admin.bearer = read_raw, admin_raw
    assert_error(await reader.get("/api/admin/audit"), 403, "insufficient_scope")
    assert (await reader.get(f"/api/organisations/{world.orgs['B'].id}")).status_code == 200
    assert (await admin.get("/api/admin/audit")).status_code == 200
    r = await admin.post(f"/api/admin/organisations/{world.orgs['B'].id}/verification", json=_suspend(world, None))
    assert r.status_code == 200, r.text
    assert r.json()["verification_status"] == "suspended"
    await reader.aclose()
    await admin.aclose()


async def test_revoked_sessions_and_tokens_stop_working(client: ApiClient) -> None:
    world = await build_world(client, "platform_admin")
    victim = client.fork()
    raw, csrf = await _open_session(world.users["victim"])
    victim.http.cookies.set(SESSION_COOKIE, raw)
    victim.http.cookies.set(CSRF_COOKIE, csrf)
    _, token_raw = await sessions.create_token(world.users["victim"].id, "t", ["read"], "127.0.0.1")
    bearer = client.fork()
    bearer.bearer = token_raw
    assert (await victim.get("/api/me")).status_code == 200
    assert (await bearer.get("/api/me")).status_code == 200

    r = await client.post(f"/api/admin/users/{world.users['victim'].id}/sessions/revoke")
    assert r.status_code == 204, r.text
    assert_error(await victim.get("/api/me"), 401, "unauthenticated")
    assert await Session.filter(user_id=world.users["victim"].id, revoked_at=None).count() == 0
    # "End every session" ends the tokens too: a token is a standing login.
    assert_error(await bearer.get("/api/me"), 401, "invalid_token")

    _, token_raw = await sessions.create_token(world.users["victim"].id, "t", ["read"], "127.0.0.1")
    bearer.bearer = token_raw
    r = await bearer.get("/api/tokens")
    token_id = next(t["id"] for t in r.json()["items"] if t["name"] == "t")
    # Revoking needs write; the holder revokes it from a session.
    assert_error(await bearer.delete(f"/api/tokens/{token_id}"), 403, "insufficient_scope")
    victim.http.cookies.clear()
    await victim.login(str(world.users["victim"].email))
    assert (await victim.delete(f"/api/tokens/{token_id}")).status_code == 204
    assert_error(await bearer.get("/api/me"), 401, "invalid_token")
    await victim.aclose()
    await bearer.aclose()
