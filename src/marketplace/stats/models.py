"""Persistence for the statistics: reporting houses, submissions, the fact tables, releases.

Models carry comments, not docstrings: Tortoise turns a model docstring into a table comment. Stats keeps its
own tables and learns of the platform's sales only from events; nothing here points into another package's.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class ReportingHouse(Model):
    # A house whose figures count: an organisation on the platform, or one that only reports (no users).
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    province = fields.CharField(max_length=30, default="")
    city = fields.CharField(max_length=30, default="")
    organisation_id = fields.IntField(null=True, unique=True)  # None for a house not on the platform
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "stats_houses"


class Submission(Model):
    # One upload (or the platform's own feed): its rows wait for an analyst's approval before they count.
    id = fields.IntField(primary_key=True)
    source = fields.CharField(max_length=10)  # file | api | platform
    status = fields.CharField(max_length=20, default="received")  # received | approved | correction_requested
    submitted_by_id = fields.IntField(null=True)
    sessions_rows = fields.IntField(default=0)
    sales_rows = fields.IntField(default=0)
    rows_unchanged = fields.IntField(default=0)
    warnings: Any = fields.JSONField(default=list)
    comment = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by_id = fields.IntField(null=True)
    house_id = fields.IntField(null=True, db_index=True)  # a monthly return's house (a file may hold many houses)

    class Meta:
        table = "stats_submissions"


class SessionFact(Model):
    # A session held; the key is the house's own session id.
    id = fields.IntField(primary_key=True)
    house: fields.ForeignKeyRelation[ReportingHouse] = fields.ForeignKeyField(
        "stats.ReportingHouse", related_name="sessions", on_delete=fields.RESTRICT
    )
    session_key = fields.CharField(max_length=200)
    kind = fields.CharField(max_length=10)  # online | onsite | hybrid
    held_on = fields.DateField(db_index=True)
    submission: fields.ForeignKeyNullableRelation[Submission] = fields.ForeignKeyField(
        "stats.Submission", related_name="sessions", null=True, on_delete=fields.RESTRICT
    )
    source = fields.CharField(max_length=10, default="import")  # import | platform (from auctions' events)

    class Meta:
        table = "stats_sessions"
        unique_together = (("house", "session_key"),)


class SaleFact(Model):
    # A completed auction sale; the key is the house's own sale id (platform sales: "lot:{id}").
    id = fields.IntField(primary_key=True)
    house: fields.ForeignKeyRelation[ReportingHouse] = fields.ForeignKeyField(
        "stats.ReportingHouse", related_name="sales", on_delete=fields.RESTRICT
    )
    sale_key = fields.CharField(max_length=200)
    session_key = fields.CharField(max_length=200)
    # No index on sold_at: a release reads a whole period (a year is half the table), which SQLite does far faster
    # by scanning than through an index, and every import paid for keeping it (docs/statistics.md).
    sold_at = fields.DatetimeField()
    hammer_fen = fields.BigIntField()
    make = fields.CharField(max_length=200)
    make_en = fields.CharField(max_length=200, default="")
    energy = fields.CharField(max_length=4)  # ICE | BEV | PHEV | HEV | FCEV
    seller_province = fields.CharField(max_length=200, default="")
    seller_city = fields.CharField(max_length=200, default="")
    buyer_province = fields.CharField(max_length=200, default="")
    buyer_city = fields.CharField(max_length=200, default="")
    transfer = fields.CharField(max_length=14, default="unknown")  # none | in_province | cross_province | unknown
    undone = fields.BooleanField(default=False)  # a default or an unwound dispute: the sale leaves the figures
    submission: fields.ForeignKeyNullableRelation[Submission] = fields.ForeignKeyField(
        "stats.Submission", related_name="sales", null=True, on_delete=fields.RESTRICT
    )
    # Indexed for the few platform rows (`reports.platform_months`); imported rows append to its end.
    source = fields.CharField(max_length=10, default="import", db_index=True)  # import | platform (auctions' events)
    event_seq = fields.IntField(default=0)  # platform sales: the lot's event sequence of the sale (a re-sale is later)

    class Meta:
        table = "stats_sales"
        unique_together = (("house", "sale_key"),)


class Release(Model):
    # An immutable snapshot of one reference period; a revision is a new version with a note.
    id = fields.IntField(primary_key=True)
    period = fields.CharField(max_length=7)  # 2023 | 2023-H1 | 2023-05
    version = fields.IntField()
    embargo_until = fields.DatetimeField()
    document: Any = fields.JSONField()
    note: Any = fields.JSONField(default=list)  # [{path, old, new}] against the previous version
    # Never served: per breakdown ("provinces", "houses") the keys it hides and the cells it shows, [units, turnover],
    # which later versions and the releases of linked periods read to keep their suppression consistent with it.
    suppressed: Any = fields.JSONField(default=dict)
    comment = fields.TextField(default="")
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "stats_releases"
        unique_together = (("period", "version"),)


# --- platform facts, monthly returns and the desk's review (stats-facts) -------------------------------------


class PlatformSaleNote(Model):
    # What settlement said of a platform sale (undone, transfer outcome) when its sale fact had not arrived yet
    # (events are delivered at least once and in no guaranteed order); applied when the fact is written.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField()
    sale_key = fields.CharField(max_length=200)
    undone = fields.BooleanField(default=False)
    transfer = fields.CharField(max_length=14, default="unknown")
    buyer_province = fields.CharField(max_length=200, default="")
    buyer_city = fields.CharField(max_length=200, default="")

    class Meta:
        table = "stats_platform_notes"
        unique_together = (("house_org_id", "sale_key"),)


class MonthlyReturn(Model):
    # A house's aggregated month (月报) instead of rows; counts once its submission is approved.
    id = fields.IntField(primary_key=True)
    house: fields.ForeignKeyRelation[ReportingHouse] = fields.ForeignKeyField(
        "stats.ReportingHouse", related_name="returns", on_delete=fields.RESTRICT
    )
    month = fields.CharField(max_length=7)  # 2023-05
    submission: fields.ForeignKeyRelation[Submission] = fields.ForeignKeyField(
        "stats.Submission", related_name="returns", on_delete=fields.RESTRICT
    )
    sessions_online = fields.IntField()
    sessions_onsite = fields.IntField()
    units = fields.IntField()
    turnover_fen = fields.BigIntField()
    bev_units = fields.IntField()
    bev_turnover_fen = fields.BigIntField()
    transfer_in_province = fields.IntField()
    transfer_cross_province = fields.IntField()
    units_by_band: Any = fields.JSONField()  # {"<5万": n, "5-10万": n, "10-20万": n, "≥20万": n}
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "stats_returns"
        unique_together = (("house", "month"),)


class ReviewComment(Model):
    # The thread of one house's month on the analysts' desk (analysts and the house's own staff).
    id = fields.IntField(primary_key=True)
    house: fields.ForeignKeyRelation[ReportingHouse] = fields.ForeignKeyField(
        "stats.ReportingHouse", related_name="comments", on_delete=fields.RESTRICT
    )
    month = fields.CharField(max_length=7)
    author_user_id = fields.IntField()
    author_role = fields.CharField(max_length=10)  # analyst | house
    text = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "stats_comments"
