from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("actor_user_id", fields.IntField(null=True)),
                ("action", fields.CharField(db_index=True, max_length=64)),
                ("target", fields.CharField(default="", max_length=128)),
                (
                    "details",
                    fields.JSONField(
                        default=dict, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("ip", fields.CharField(default="", max_length=64)),
            ],
            options={"table": "audit_log", "app": "marketplace", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Organisation",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("name", fields.CharField(max_length=200)),
                ("kind", fields.CharField(max_length=20)),
                ("business_licence_no", fields.CharField(null=True, unique=True, max_length=32)),
                ("verification_status", fields.CharField(default="pending", max_length=20)),
                ("verified_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "organisations", "app": "marketplace", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="OutboxEvent",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("event_id", fields.UUIDField(unique=True)),
                ("topic", fields.CharField(max_length=100)),
                ("payload", fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("published_at", fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ("claimed_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("attempts", fields.IntField(default=0)),
                ("last_error", fields.TextField(null=True, unique=False)),
            ],
            options={"table": "outbox_events", "app": "marketplace", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ProcessedEvent",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("consumer", fields.CharField(max_length=100)),
                ("event_id", fields.UUIDField()),
                ("processed_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "processed_events",
                "app": "marketplace",
                "unique_together": (("consumer", "event_id"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="StoredFile",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("key", fields.CharField(unique=True, max_length=255)),
                ("content_type", fields.CharField(max_length=100)),
                ("size", fields.IntField()),
                ("data", fields.BinaryField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "stored_files", "app": "marketplace", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="User",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("email", fields.CharField(null=True, unique=True, max_length=254)),
                ("mobile", fields.CharField(null=True, unique=True, max_length=20)),
                ("display_name", fields.CharField(max_length=100)),
                ("password_hash", fields.CharField(max_length=255)),
                ("is_active", fields.BooleanField(default=True)),
                ("failed_logins", fields.IntField(default=0)),
                ("locked_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("password_changed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "users", "app": "marketplace", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="AgentCertificate",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "organisation",
                    fields.ForeignKeyField(
                        "marketplace.Organisation",
                        source_field="organisation_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="certificates",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "holder_user",
                    fields.ForeignKeyField(
                        "marketplace.User",
                        source_field="holder_user_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="certificates",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("holder_name", fields.CharField(max_length=100)),
                ("certificate_no", fields.CharField(unique=True, max_length=64)),
                ("valid_from", fields.DateField()),
                ("valid_until", fields.DateField()),
                ("status", fields.CharField(default="pending", max_length=20)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "agent_certificates", "app": "marketplace", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ApiToken",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "marketplace.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="api_tokens",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=100)),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                (
                    "scopes",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("last_used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "api_tokens", "app": "marketplace", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Membership",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "marketplace.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="memberships",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "organisation",
                    fields.ForeignKeyField(
                        "marketplace.Organisation",
                        source_field="organisation_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="memberships",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "roles",
                    fields.JSONField(
                        default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "memberships",
                "app": "marketplace",
                "unique_together": (("user", "organisation"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Penalty",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "organisation",
                    fields.ForeignKeyField(
                        "marketplace.Organisation",
                        source_field="organisation_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="penalties",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "marketplace.User",
                        source_field="user_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="penalties",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("points", fields.IntField()),
                ("reason", fields.CharField(max_length=500)),
                ("evidence", fields.TextField(unique=False)),
                ("created_by_id", fields.IntField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "penalties", "app": "marketplace", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Session",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("csrf_token", fields.CharField(max_length=64)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "marketplace.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("last_seen_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("user_agent", fields.CharField(default="", max_length=300)),
                ("ip", fields.CharField(default="", max_length=64)),
            ],
            options={"table": "sessions", "app": "marketplace", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
