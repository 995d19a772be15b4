from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("auctions", "0003_consignments")]

    initial = False

    operations = [
        # One active consignment per vehicle and house, held by the database: the service's check before
        # its insert races with a second request. Partial unique indexes work on SQLite and PostgreSQL alike.
        ops.RunSQL(
            "CREATE UNIQUE INDEX auction_consignments_one_active "
            "ON auction_consignments (vehicle_id, house_org_id) WHERE status = 'active'",
            reverse_sql="DROP INDEX auction_consignments_one_active",
        ),
    ]
