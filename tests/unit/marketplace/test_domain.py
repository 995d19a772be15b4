from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.accounts import domain, policy
from marketplace.accounts.domain import Action, CertificateView, Principal


def principal(
    memberships: dict[int, set[str]], kinds: dict[int, str], scopes: frozenset[str] | None = None
) -> Principal:
    return Principal(
        user_id=1,
        display_name="u",
        memberships={k: frozenset(v) for k, v in memberships.items()},
        org_kinds=kinds,
        scopes=scopes,
    )


ADMIN = principal({9: {"platform_admin"}}, {9: "platform"})
DEALER_ADMIN = principal({1: {"dealer_admin"}}, {1: "dealer"})
DEALER_STAFF = principal({1: {"dealer_staff"}}, {1: "dealer"})
HOUSE_ADMIN = principal({2: {"house_admin"}}, {2: "auction_house"})
NOBODY = principal({}, {})


@pytest.mark.parametrize(
    ("who", "action", "org", "allowed"),
    [
        (ADMIN, Action.ADMIN_VERIFY, None, True),
        (ADMIN, Action.ORG_MANAGE, 1, True),
        (DEALER_ADMIN, Action.ORG_READ, 1, True),
        (DEALER_ADMIN, Action.ORG_MANAGE, 1, True),
        (DEALER_ADMIN, Action.ORG_READ, 2, False),
        (DEALER_ADMIN, Action.ADMIN_VERIFY, None, False),
        (DEALER_STAFF, Action.ORG_READ, 1, True),
        (DEALER_STAFF, Action.ORG_MANAGE, 1, False),
        (HOUSE_ADMIN, Action.ORG_MANAGE, 2, True),
        (HOUSE_ADMIN, Action.ORG_MANAGE, 1, False),
        (NOBODY, Action.ORG_READ, 1, False),
        (NOBODY, Action.ADMIN_AUDIT, None, False),
        (DEALER_ADMIN, Action.ORG_READ, None, False),
    ],
)
def test_is_allowed(who: Principal, action: Action, org: int | None, allowed: bool) -> None:
    assert domain.is_allowed(who, action, org) is allowed


def test_platform_admin_role_counts_only_in_a_platform_org() -> None:
    # A dealer cannot make itself staff by writing the role into its own membership.
    forged = principal({1: {"platform_admin", "dealer_admin"}}, {1: "dealer"})
    assert not forged.is_platform_admin
    assert not domain.is_allowed(forged, Action.ADMIN_VERIFY)


def test_token_scopes() -> None:
    p = principal({}, {}, scopes=frozenset({"read"}))
    assert p.has_scope("read")
    assert not p.has_scope("write")
    assert principal({}, {}, scopes=frozenset({"admin"})).has_scope("write")
    assert principal({}, {}).has_scope("bid")  # sessions carry every scope


def test_uscc_check_character_known_code() -> None:
    # A published, valid unified social credit code (Tencent's Shenzhen company).
    assert domain.validate_uscc("91440300708461136T") == "91440300708461136T"
    assert domain.validate_uscc(" 91440300708461136t ") == "91440300708461136T"


@pytest.mark.parametrize("bad", ["91440300708461136X", "9144030070846113", "91440300708461136I", "", "O" * 18])
def test_uscc_rejects_bad_codes(bad: str) -> None:
    with pytest.raises(ValueError, match=r"check character|18 characters"):
        domain.validate_uscc(bad)


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
def test_uscc_generated_check_character_validates(body: str) -> None:
    code = body + domain.uscc_check_char(body)
    assert domain.validate_uscc(code) == code
    wrong = next(c for c in "0123456789" if c != code[17])
    with pytest.raises(ValueError, match="check character"):
        domain.validate_uscc(code[:17] + wrong)


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("Bob@Example.CN", "email", "bob@example.cn"),
        ("138 0013 8000", "mobile", "13800138000"),
        ("+8613800138000", "mobile", "13800138000"),
    ],
)
def test_login_kind(raw: str, kind: str, value: str) -> None:
    assert domain.login_kind(raw) == (kind, value)


@pytest.mark.parametrize("bad", ["12800138000", "1380013800", "bob@", "not a login"])
def test_login_kind_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match="not a valid"):
        domain.login_kind(bad)


def test_password_rules() -> None:
    assert domain.password_problems("a-long-password-1") == []
    assert "must be at least 10 characters" in domain.password_problems("short")
    assert domain.password_problems("aaaaaaaaaaaa") == ["is too repetitive"]
    assert domain.password_problems("x13800138000y", identifiers=("13800138000",)) == [
        "must not contain your email or mobile number"
    ]


@pytest.mark.parametrize(
    ("current", "action", "expected"),
    [
        ("pending", "verify", "verified"),
        ("pending", "cancel", "cancelled"),
        ("verified", "suspend", "suspended"),
        ("suspended", "verify", "verified"),
        ("suspended", "cancel", "cancelled"),
        ("verified", "cancel", "cancelled"),
    ],
)
def test_verification_transitions(current: str, action: str, expected: str) -> None:
    assert domain.next_verification_status(current, action) == expected


@pytest.mark.parametrize(
    ("current", "action"),
    [
        ("cancelled", "verify"),
        ("cancelled", "suspend"),
        ("pending", "suspend"),
        ("verified", "verify"),
        ("x", "verify"),
    ],
)
def test_verification_refuses(current: str, action: str) -> None:
    with pytest.raises(ValueError, match="cannot"):
        domain.next_verification_status(current, action)


TODAY = date(2026, 11, 25)


def cert(status: str = "verified", holder: int | None = 7, start: int = -10, end: int = 10) -> CertificateView:
    return CertificateView(holder, status, TODAY + timedelta(days=start), TODAY + timedelta(days=end))


@pytest.mark.parametrize(
    ("kind", "status", "certs", "refusal"),
    [
        ("dealer", "verified", [cert()], None),
        ("dealer", "verified", [cert(end=0)], None),  # valid through its last day
        ("dealer", "verified", [cert(end=-1)], "no_certificate_in_force"),
        ("dealer", "verified", [cert(start=1)], "no_certificate_in_force"),
        ("dealer", "verified", [cert(status="suspended")], "no_certificate_in_force"),
        ("dealer", "verified", [cert(holder=8)], "no_certificate_in_force"),
        ("dealer", "pending", [cert()], "dealer_not_verified"),
        ("dealer", "suspended", [cert()], "dealer_not_verified"),
        ("auction_house", "verified", [cert()], "not_a_dealer"),
    ],
)
def test_trading_refusal(kind: str, status: str, certs: list[CertificateView], refusal: str | None) -> None:
    assert domain.trading_refusal(kind, status, certs, 7, TODAY) == refusal


NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def test_throttle_delay_is_free_then_doubles_up_to_the_cap() -> None:
    delays = [domain.throttle_delay(n, 5, 900) for n in range(1, 20)]
    assert delays[:4] == [0, 0, 0, 0]
    assert delays[4:10] == [1, 2, 4, 8, 16, 32]
    assert max(delays) == 900
    assert domain.throttle_delay(10**6, 5, 900) == 900  # no overflow for absurd counts


def test_seconds_blocked_rounds_up_and_ends() -> None:
    assert domain.seconds_blocked(None, NOW) == 0
    assert domain.seconds_blocked(NOW + timedelta(seconds=1.2), NOW) == 2
    assert domain.seconds_blocked(NOW, NOW) == 0


def test_code_usable() -> None:
    later = NOW + timedelta(minutes=1)
    assert domain.code_usable(later, None, 0, NOW)
    assert not domain.code_usable(NOW, None, 0, NOW)  # expired
    assert not domain.code_usable(later, NOW, 0, NOW)  # used
    assert not domain.code_usable(later, None, domain.ONE_TIME_CODE_ATTEMPTS, NOW)  # too many wrong tries


def test_remaining_admins() -> None:
    members = {1: frozenset({"dealer_admin"}), 2: frozenset({"dealer_staff"})}
    assert domain.remaining_admins(members, "dealer_admin", 1, frozenset()) == 0
    assert domain.remaining_admins(members, "dealer_admin", 1, frozenset({"dealer_staff"})) == 0
    assert domain.remaining_admins(members, "dealer_admin", 2, frozenset({"dealer_admin"})) == 2
    assert domain.remaining_admins(members, "dealer_admin", 2, frozenset()) == 1


@pytest.mark.parametrize(
    "password",
    ["password1234", "Password2024!", "qwertyuiop", "1234567890", "woaini1314520", "!!qwerty12345", "1q2w3e4r5t"],
)
def test_common_passwords_are_refused(password: str) -> None:
    assert "is too common" in policy.password_problems(password)


def test_the_login_must_not_be_in_the_password() -> None:
    assert "must not contain your email or mobile number" in policy.password_problems(
        "wang.li.2024!x", "wang.li@example.cn"
    )
    assert policy.password_problems("correct-horse-battery", "wang.li@example.cn", "13800138000") == []
    assert len(policy.common_passwords()) > 300
