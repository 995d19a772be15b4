from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.accounts import domain
from marketplace.accounts.domain import Action, CertificateView, LockoutState, Principal


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


def test_lockout_after_max_failures_then_expires() -> None:
    state = LockoutState(0, None)
    for _ in range(4):
        state = domain.after_failure(state, NOW, 5, 900)
        assert domain.seconds_locked(state, NOW) == 0
    state = domain.after_failure(state, NOW, 5, 900)
    assert domain.seconds_locked(state, NOW) == 900
    assert domain.seconds_locked(state, NOW + timedelta(seconds=899)) == 1
    assert domain.seconds_locked(state, NOW + timedelta(seconds=900)) == 0
    assert state.failed_logins == 0  # the next run of failures starts afresh after the lock
