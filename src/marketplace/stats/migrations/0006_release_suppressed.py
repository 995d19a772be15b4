"""A release remembers what its breakdowns hid and showed (`stats_releases.suppressed`, never served), so a later
version, and the release of a period inside or around it, keep their small-cell suppression consistent with it
(`domain/suppression.links`). Releases stored before have `{}`: their province cells are read from the document's
status Q, their houses from the top-30 lists."""

from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.data import JSON_DUMPS
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("stats", "0005_sales_references")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Release",
            name="suppressed",
            field=fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads),
        ),
    ]
