"""Seeds the staff export pages' browser test: a dealer whose filing awaits verification, and a platform staff user.

Run as `python -m tests.browser.seed_staff_export` with the server's environment; prints the world as JSON.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from export.domain import filings
from export.models import Filing
from marketplace import db
from marketplace.accounts.models import Membership, Organisation, User
from marketplace.accounts.passwords import PasswordHasher
from marketplace.settings import load_settings
from tests.support import PASSWORD, uscc


async def seed() -> dict[str, object]:
    tag = uuid.uuid4().hex[:8]
    hasher = PasswordHasher(load_settings())
    org = await Organisation.create(
        name=f"宁波出口车商 {tag}", kind="dealer", verification_status="verified",
        business_licence_no=uscc(random.randrange(1_000_000, 9_999_999)),
    )  # fmt: skip
    dealer = await User.create(email=f"export-{tag}@example.cn", display_name="Dealer Sun",
                               password_hash=await hasher.hash(PASSWORD))  # fmt: skip
    await Membership.create(user_id=dealer.id, organisation_id=org.id, roles=["dealer_admin"])
    platform = await Organisation.create(name=f"平台 {tag}", kind="platform", verification_status="verified")
    staff = await User.create(email=f"staff-{tag}@example.cn", display_name="Staff Li",
                              password_hash=await hasher.hash(PASSWORD))  # fmt: skip
    await Membership.create(user_id=staff.id, organisation_id=platform.id, roles=["platform_admin"])
    approved = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=10)
    filing = await Filing.create(
        exporter_org_id=org.id, filing_no=f"ZJ-BA-{tag}", province="浙江", approved_on=approved,
        valid_until=filings.valid_until(approved), customs_code="3302960ABC", status="pending", created_by=dealer.id,
        appraisers=[{"name": n, "certificate_no": ""} for n in ("张评估", "李评估", "王评估")],
    )  # fmt: skip
    return {
        "dealer": dealer.email, "staff": staff.email, "org": org.id, "org_name": org.name,
        "filing": filing.id, "filing_no": filing.filing_no,
    }  # fmt: skip


async def main() -> None:
    await db.init_db(load_settings())
    try:
        sys.stdout.write(json.dumps(await seed()) + "\n")
    finally:
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main())
