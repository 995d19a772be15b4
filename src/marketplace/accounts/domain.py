"""Pure account rules: roles, permissions, identifiers, passwords, verification, throttling. No I/O, no clock reads."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum


class Kind(StrEnum):
    DEALER = "dealer"  # 车商
    AUCTION_HOUSE = "auction_house"  # 拍卖企业
    ASSOCIATION = "association"  # 协会
    PLATFORM = "platform"  # 平台


class Role(StrEnum):
    BUYER = "buyer"
    DEALER_STAFF = "dealer_staff"
    DEALER_ADMIN = "dealer_admin"
    AUCTIONEER = "auctioneer"
    HOUSE_ADMIN = "house_admin"
    ANALYST = "analyst"
    PLATFORM_ADMIN = "platform_admin"


ROLES_BY_KIND: dict[Kind, frozenset[Role]] = {
    Kind.DEALER: frozenset({Role.BUYER, Role.DEALER_STAFF, Role.DEALER_ADMIN}),
    Kind.AUCTION_HOUSE: frozenset({Role.AUCTIONEER, Role.HOUSE_ADMIN}),
    Kind.ASSOCIATION: frozenset({Role.ANALYST}),
    Kind.PLATFORM: frozenset({Role.PLATFORM_ADMIN, Role.ANALYST}),
}
# Who sells a dealer's stock (lists it, answers offers, consigns it to auction, decides its conditional
# sales); a dealer's `buyer`-role members buy for it and do none of that.
SELLING_ROLES = frozenset({Role.DEALER_ADMIN, Role.DEALER_STAFF})
# The role that manages an organisation's members and certificates. Associations have none of their
# own: their analysts only read, and platform staff manage their membership.
ADMIN_ROLE: dict[Kind, Role | None] = {
    Kind.DEALER: Role.DEALER_ADMIN,
    Kind.AUCTION_HOUSE: Role.HOUSE_ADMIN,
    Kind.ASSOCIATION: None,
    Kind.PLATFORM: Role.PLATFORM_ADMIN,
}
# Kinds a user may create by self-service; associations and the platform are set up by staff.
SELF_SERVICE_KINDS = frozenset({Kind.DEALER, Kind.AUCTION_HOUSE})
TOKEN_SCOPES = ("read", "write", "bid", "admin")


class VerificationStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


class Action(StrEnum):
    ORG_READ = "org.read"  # private details: members, certificates, penalties
    ORG_MANAGE = "org.manage"  # add members, lodge certificates
    ADMIN_VERIFY = "admin.verify"
    ADMIN_PENALISE = "admin.penalise"
    ADMIN_AUDIT = "admin.audit"
    ADMIN_ORGS = "admin.orgs"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user with memberships, through a session (all scopes) or a token (its scopes)."""

    user_id: int
    display_name: str
    memberships: dict[int, frozenset[str]] = field(default_factory=dict)
    org_kinds: dict[int, str] = field(default_factory=dict)
    scopes: frozenset[str] | None = None
    session_id: int | None = None
    token_id: int | None = None

    @property
    def is_platform_admin(self) -> bool:
        return any(
            Role.PLATFORM_ADMIN in roles and self.org_kinds.get(org_id) == Kind.PLATFORM
            for org_id, roles in self.memberships.items()
        )

    def has_scope(self, scope: str) -> bool:
        if self.scopes is None:
            return True
        return scope in self.scopes or "admin" in self.scopes

    def roles_in(self, org_id: int) -> frozenset[str]:
        return self.memberships.get(org_id, frozenset())


def is_allowed(principal: Principal, action: Action, org_id: int | None = None) -> bool:
    """The one permission decision. Platform admins may do everything; others act within their own org."""
    if principal.is_platform_admin:
        return True
    if action in (Action.ADMIN_VERIFY, Action.ADMIN_PENALISE, Action.ADMIN_AUDIT, Action.ADMIN_ORGS):
        return False
    if org_id is None:
        return False
    roles = principal.roles_in(org_id)
    if action is Action.ORG_READ:
        return bool(roles)
    if action is Action.ORG_MANAGE:
        kind = principal.org_kinds.get(org_id)
        admin_role = ADMIN_ROLE[Kind(kind)] if kind is not None else None
        return admin_role is not None and admin_role in roles
    return False


# --- identifiers ----------------------------------------------------------------------
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")  # mainland China mobile numbers
PASSWORD_MIN, PASSWORD_MAX = 10, 128


def normalise_email(value: str) -> str:
    email = value.strip().lower()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise ValueError("not a valid email address")
    return email


def normalise_mobile(value: str) -> str:
    mobile = re.sub(r"[\s-]", "", value.strip())
    mobile = mobile.removeprefix("+86")
    if not MOBILE_RE.match(mobile):
        raise ValueError("not a valid mainland China mobile number (11 digits starting with 1)")
    return mobile


def login_kind(login: str) -> tuple[str, str]:
    """Classify a login string as ('email', value) or ('mobile', value); raise ValueError otherwise."""
    if "@" in login:
        return "email", normalise_email(login)
    return "mobile", normalise_mobile(login)


def _login_parts(identifier: str) -> list[str]:
    # The whole login and, for an email, its local part: "wang.li@x.cn" must not hide in "wang.li2024!".
    ident = identifier.strip().lower()
    parts = [ident]
    if "@" in ident:
        parts.append(ident.split("@", 1)[0])
    return [p for p in parts if len(p) >= 4]


def password_problems(
    password: str, *, identifiers: tuple[str, ...] = (), common: frozenset[str] = frozenset()
) -> list[str]:
    """What is wrong with a new password: length, repetition, a common password, or the login inside it.

    `common` holds lower-case common passwords; one with only digits or symbols added at either end
    ("password2024!", "!qwerty123") counts as common too.
    """
    problems = []
    if len(password) < PASSWORD_MIN:
        problems.append(f"must be at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        problems.append(f"must be at most {PASSWORD_MAX} characters")
    lowered = password.lower()
    if any(part in lowered for ident in identifiers if ident for part in _login_parts(ident)):
        problems.append("must not contain your email or mobile number")
    if len(set(password)) < 4:
        problems.append("is too repetitive")
    core = lowered.strip("0123456789!@#$%^&*()-_=+.,;:?~ ")
    if common and (lowered in common or (len(core) >= 4 and core in common)):
        problems.append("is too common")
    return problems


# 统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str:
    value = code.strip().upper()
    if len(value) != 18 or any(c not in _USCC_CHARS for c in value):
        raise ValueError("a unified social credit code has 18 characters from 0-9 and A-Y without I, O, S, V, Z")
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        raise ValueError(f"check character is wrong (expected {expected})")
    return value


# --- verification -----------------------------------------------------------------------
_TRANSITIONS: dict[tuple[VerificationStatus, str], VerificationStatus] = {
    (VerificationStatus.PENDING, "verify"): VerificationStatus.VERIFIED,
    (VerificationStatus.PENDING, "cancel"): VerificationStatus.CANCELLED,
    (VerificationStatus.VERIFIED, "suspend"): VerificationStatus.SUSPENDED,
    (VerificationStatus.VERIFIED, "cancel"): VerificationStatus.CANCELLED,
    (VerificationStatus.SUSPENDED, "verify"): VerificationStatus.VERIFIED,
    (VerificationStatus.SUSPENDED, "cancel"): VerificationStatus.CANCELLED,
}


def next_verification_status(current: str, action: str) -> VerificationStatus:
    """Cancelled is final; a suspended party can be reinstated by verifying it again."""
    try:
        return _TRANSITIONS[(VerificationStatus(current), action)]
    except (KeyError, ValueError):
        raise ValueError(f"cannot {action} when {current}") from None


@dataclass(frozen=True)
class CertificateView:
    holder_user_id: int | None
    status: str
    valid_from: date
    valid_until: date


def certificate_in_force(cert: CertificateView, today: date) -> bool:
    return cert.status == VerificationStatus.VERIFIED and cert.valid_from <= today <= cert.valid_until


def trading_refusal(
    org_kind: str, org_status: str, certs: list[CertificateView], user_id: int, today: date
) -> str | None:
    """Why a dealer's user may not list or bid today, or None when they may.

    The industry's agent-certificate scheme: the company must be verified and the person acting
    must hold a verified certificate that is in force today.
    """
    if org_kind != Kind.DEALER:
        return "not_a_dealer"
    if org_status != VerificationStatus.VERIFIED:
        return "dealer_not_verified"
    if not any(c.holder_user_id == user_id and certificate_in_force(c, today) for c in certs):
        return "no_certificate_in_force"
    return None


# --- login throttling -------------------------------------------------------------------
def throttle_delay(failures: int, free: int, max_seconds: int) -> int:
    """Seconds a login must wait after `failures` wrong attempts: none for the first `free`, then doubling.

    Counted per (login, source address), so a stranger's guesses slow down the stranger; the count over
    every address has its own, higher, free allowance against guessing spread over many addresses, and
    the real owner gets past either with a one-time code sent to them.
    """
    if failures < free:
        return 0
    return int(min(max_seconds, 2 ** min(failures - free, 30)))


def seconds_blocked(blocked_until: datetime | None, now: datetime) -> int:
    if blocked_until is None or blocked_until <= now:
        return 0
    return max(1, math.ceil((blocked_until - now).total_seconds()))


# --- one-time codes and invitations ----------------------------------------------------------
ONE_TIME_CODE_ATTEMPTS = 5  # wrong tries before a login code is dead (it is 8 digits: 10^8 / 5)
INVITATION_TTL = timedelta(days=14)


def code_usable(expires_at: datetime, used_at: datetime | None, attempts: int, now: datetime) -> bool:
    return used_at is None and expires_at > now and attempts < ONE_TIME_CODE_ATTEMPTS


def remaining_admins(
    members: dict[int, frozenset[str]], admin_role: str, changed_user: int, new_roles: frozenset[str]
) -> int:
    """How many members would hold `admin_role` after `changed_user`'s roles become `new_roles` (empty: removed)."""
    after = dict(members)
    if new_roles:
        after[changed_user] = new_roles
    else:
        after.pop(changed_user, None)
    return sum(1 for roles in after.values() if admin_role in roles)
