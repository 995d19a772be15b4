"""Persistence for accounts. Rules live in `domain.py`; these classes only map rows.

Models carry comments, not docstrings: Tortoise turns a model docstring into a table comment
and its SQLite DDL does not escape quotes in it.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, null=True, unique=True)
    mobile = fields.CharField(max_length=20, null=True, unique=True)
    display_name = fields.CharField(max_length=100)
    password_hash = fields.CharField(max_length=255)
    is_active = fields.BooleanField(default=True)
    password_changed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    memberships: fields.ReverseRelation[Membership]

    class Meta:
        table = "users"


class Organisation(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    kind = fields.CharField(max_length=20)
    business_licence_no = fields.CharField(max_length=32, null=True, unique=True)
    verification_status = fields.CharField(max_length=20, default="pending")
    verified_at = fields.DatetimeField(null=True)
    # Bumped by every membership change (compare-and-set): two admins demoting each other at the same
    # moment cannot both pass the "never the last admin" check.
    members_version = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "organisations"


class Membership(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "marketplace.User", related_name="memberships", on_delete=fields.CASCADE
    )
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "marketplace.Organisation", related_name="memberships", on_delete=fields.CASCADE
    )
    roles: Any = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int
    organisation_id: int

    class Meta:
        table = "memberships"
        unique_together = (("user", "organisation"),)


class Invitation(Model):
    # Membership offered to whoever holds a login (email or mobile); it becomes a membership only when
    # that person accepts. The inviter never learns whether an account with the login exists.

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "marketplace.Organisation", related_name="invitations", on_delete=fields.CASCADE
    )
    invited_by_id = fields.IntField(null=True)
    login_field = fields.CharField(max_length=10)
    login_value = fields.CharField(max_length=254)
    roles: Any = fields.JSONField(default=list)
    status = fields.CharField(max_length=20, default="pending")
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)
    decided_by_id = fields.IntField(null=True)

    organisation_id: int

    class Meta:
        table = "invitations"
        indexes = (("login_field", "login_value", "status"),)


class AgentCertificate(Model):
    # 代理证: a dealer employee's agent certificate, verified by platform staff.

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "marketplace.Organisation", related_name="certificates", on_delete=fields.CASCADE
    )
    holder_user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "marketplace.User", related_name="certificates", null=True, on_delete=fields.SET_NULL
    )
    holder_name = fields.CharField(max_length=100)
    certificate_no = fields.CharField(max_length=64, unique=True)
    valid_from = fields.DateField()
    valid_until = fields.DateField()
    status = fields.CharField(max_length=20, default="pending")
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    organisation_id: int
    holder_user_id: int | None

    class Meta:
        table = "agent_certificates"


class Penalty(Model):
    # 扣分: penalty points with reason and evidence, per organisation and optionally per person.

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "marketplace.Organisation", related_name="penalties", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "marketplace.User", related_name="penalties", null=True, on_delete=fields.SET_NULL
    )
    points = fields.IntField()
    reason = fields.CharField(max_length=500)
    evidence = fields.TextField()
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    organisation_id: int
    user_id: int | None

    class Meta:
        table = "penalties"


class Session(Model):
    # A server-side login session; the cookie holds a random token, the row its SHA-256.

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    csrf_token = fields.CharField(max_length=64)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "marketplace.User", related_name="sessions", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    user_agent = fields.CharField(max_length=300, default="")
    ip = fields.CharField(max_length=64, default="")

    user_id: int

    class Meta:
        table = "sessions"


class ApiToken(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "marketplace.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100)
    token_hash = fields.CharField(max_length=64, unique=True)
    scopes: Any = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    user_id: int

    class Meta:
        table = "api_tokens"


class OneTimeCode(Model):
    # A secret sent through the mail port (confirmation link, reset link, login code), stored as its
    # SHA-256. Single use: `used_at` is set by a conditional update, so two uses cannot both win.

    id = fields.IntField(primary_key=True)
    purpose = fields.CharField(max_length=20)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "marketplace.User", related_name="one_time_codes", null=True, on_delete=fields.CASCADE
    )
    code_hash = fields.CharField(max_length=64, db_index=True)
    payload: Any = fields.JSONField(default=dict)
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    user_id: int | None

    class Meta:
        table = "one_time_codes"


class LoginThrottle(Model):
    # Failed logins per (login, source address); source "*" counts every address for the login.
    # Keyed by the login's hash whether or not an account has it, so answers cannot tell them apart.

    id = fields.IntField(primary_key=True)
    login_hash = fields.CharField(max_length=64)
    source = fields.CharField(max_length=64)
    failures = fields.IntField(default=0)
    blocked_until = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True, db_index=True)  # indexed: old counts are pruned by it

    class Meta:
        table = "login_throttles"
        unique_together = (("login_hash", "source"),)


class AuditEntry(Model):
    # Append-only: rows are inserted, never updated or deleted (see `save`/`delete`).

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True)
    actor_user_id = fields.IntField(null=True)
    action = fields.CharField(max_length=64, db_index=True)
    target = fields.CharField(max_length=128, default="")
    details: Any = fields.JSONField(default=dict)
    ip = fields.CharField(max_length=64, default="")

    class Meta:
        table = "audit_log"

    async def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._saved_in_db:
            await super().save(*args, **kwargs)
            return
        raise PermissionError("audit entries are append-only")

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        raise PermissionError("audit entries are append-only")
