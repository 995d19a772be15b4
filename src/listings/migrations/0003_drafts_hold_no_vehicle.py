from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("listings", "0002_auto_20261125_1229")]

    initial = False

    operations = [
        # A draft no longer holds its vehicle (lifecycle.OPEN): free the vehicles drafts engaged before, so an
        # auction house can put them in a lot. Publishing a draft engages its vehicle again.
        ops.RunSQL(
            "DELETE FROM vehicle_engagements WHERE kind = 'listing' "
            "AND ref_id IN (SELECT id FROM listings WHERE status = 'draft')",
            reverse_sql="SELECT 1",
        ),
    ]
