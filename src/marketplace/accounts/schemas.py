"""Request and response bodies for accounts. Inputs forbid unknown fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from marketplace.accounts import domain, policy

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
RoleName = Literal["buyer", "dealer_staff", "dealer_admin", "auctioneer", "house_admin", "analyst", "platform_admin"]
ScopeName = Literal["read", "write", "bid", "admin"]
Decision = Literal["verify", "suspend", "cancel"]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=10_000)


class RegisterIn(In):
    email: str | None = Field(default=None, max_length=254)
    mobile: str | None = Field(default=None, max_length=20)
    password: str = Field(max_length=domain.PASSWORD_MAX)
    display_name: Name

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        return None if v is None or not v.strip() else domain.normalise_email(v)

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, v: str | None) -> str | None:
        return None if v is None or not v.strip() else domain.normalise_mobile(v)

    @model_validator(mode="after")
    def _rules(self) -> RegisterIn:
        if not self.email and not self.mobile:
            raise ValueError("give an email address or a mobile number")
        problems = policy.password_problems(self.password, self.email, self.mobile)
        if problems:
            raise ValueError("password " + "; ".join(problems))
        return self


class AcceptedOut(BaseModel):
    """The answer to a request whose outcome is told by mail (the same whatever the address holds)."""

    status: Literal["sent"] = "sent"


class LoginIn(In):
    login: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=domain.PASSWORD_MAX)
    code: str | None = Field(default=None, max_length=16, description="a login code sent by mail; skips throttling")


class LoginNameIn(In):
    login: str = Field(min_length=1, max_length=254)


class LinkIn(In):
    token: str = Field(min_length=1, max_length=128)


def _new_password_rules(password: str) -> None:
    # The login is checked by the service, which knows whose password it is.
    problems = policy.password_problems(password)
    if problems:
        raise ValueError("new password " + "; ".join(problems))


class PasswordChangeIn(In):
    current_password: str = Field(min_length=1, max_length=domain.PASSWORD_MAX)
    new_password: str = Field(max_length=domain.PASSWORD_MAX)

    @model_validator(mode="after")
    def _rules(self) -> PasswordChangeIn:
        _new_password_rules(self.new_password)
        return self


class PasswordResetIn(In):
    token: str = Field(min_length=1, max_length=128)
    new_password: str = Field(max_length=domain.PASSWORD_MAX)

    @model_validator(mode="after")
    def _rules(self) -> PasswordResetIn:
        _new_password_rules(self.new_password)
        return self


class ProfileIn(In):
    display_name: Name


class ContactIn(In):
    field: Literal["email", "mobile"]
    value: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=domain.PASSWORD_MAX, description="the current password")

    @model_validator(mode="after")
    def _normalise(self) -> ContactIn:
        normalise = domain.normalise_email if self.field == "email" else domain.normalise_mobile
        self.value = normalise(self.value)
        return self


class CsrfOut(BaseModel):
    csrf_token: str


class MembershipOut(BaseModel):
    id: int
    name: str
    kind: str
    roles: list[str]
    verification_status: str


class MeOut(BaseModel):
    id: int
    email: str | None
    mobile: str | None
    display_name: str
    is_platform_admin: bool
    organisations: list[MembershipOut]


class OrganisationIn(In):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
    kind: Literal["dealer", "auction_house"]
    business_licence_no: str = Field(max_length=32)

    @field_validator("business_licence_no")
    @classmethod
    def _uscc(cls, v: str) -> str:
        return domain.validate_uscc(v)


class OrganisationOut(BaseModel):
    id: int
    name: str
    kind: str
    business_licence_no: str | None
    verification_status: str
    verified_at: datetime | None
    penalty_points: int
    created_at: datetime


class MemberIn(In):
    login: str = Field(min_length=1, max_length=254)
    roles: list[RoleName] = Field(min_length=1, max_length=7)


class RolesIn(In):
    roles: list[RoleName] = Field(min_length=1, max_length=7)


class InvitationOut(BaseModel):
    id: int
    organisation_id: int
    login: str
    roles: list[str]
    status: str
    created_at: datetime
    expires_at: datetime


class MyInvitationOut(BaseModel):
    id: int
    organisation_id: int
    organisation_name: str
    organisation_kind: str
    roles: list[str]
    created_at: datetime
    expires_at: datetime


class MyInvitations(BaseModel):
    items: list[MyInvitationOut]


class MemberOut(BaseModel):
    user_id: int
    display_name: str
    login: str
    roles: list[str]


class CertificateIn(In):
    holder_name: Name
    certificate_no: Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=64)]
    valid_from: date
    valid_until: date
    holder_user_id: int | None = Field(default=None, ge=1, le=2**31 - 1)

    @model_validator(mode="after")
    def _dates(self) -> CertificateIn:
        if self.valid_until < self.valid_from:
            raise ValueError("valid_until must not be before valid_from")
        return self


class CertificateOut(BaseModel):
    id: int
    organisation_id: int
    holder_name: str
    holder_user_id: int | None
    certificate_no: str
    valid_from: date
    valid_until: date
    status: str


class DecisionIn(In):
    action: Decision
    reason: Text


class PenaltyIn(In):
    organisation_id: int = Field(ge=1, le=2**31 - 1)
    user_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    points: int = Field(ge=1, le=100)
    reason: Text
    evidence: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class PenaltyOut(BaseModel):
    id: int
    organisation_id: int
    user_id: int | None
    points: int
    reason: str
    evidence: str
    created_at: datetime


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor_user_id: int | None
    action: str
    target: str
    details: dict[str, object]


class TokenIn(In):
    name: Name
    scopes: list[ScopeName] = Field(min_length=1, max_length=4)


class TokenOut(BaseModel):
    id: int
    name: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str


class OrgFilter(In):
    verification_status: Literal["pending", "verified", "suspended", "cancelled"] | None = None
    kind: Literal["dealer", "auction_house", "association", "platform"] | None = None
    cursor: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=20, ge=1, le=100)


class Items(BaseModel):
    next_cursor: str | None


class OrganisationPage(Items):
    items: list[OrganisationOut]


class MemberPage(Items):
    items: list[MemberOut]


class CertificatePage(Items):
    items: list[CertificateOut]


class PenaltyPage(Items):
    items: list[PenaltyOut]


class AuditPage(Items):
    items: list[AuditOut]


class TokenPage(Items):
    items: list[TokenOut]


class InvitationPage(Items):
    items: list[InvitationOut]
