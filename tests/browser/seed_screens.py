"""Seeds a dealer with 60 cars (10 of them drafts) for the trading-screens browser tests.

Run as `python -m tests.browser.seed_screens` with the server's environment; prints the logins and the cars as JSON.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import uuid
from datetime import UTC, datetime, timedelta

from listings.demo_data import create_published, generate
from listings.domain.vin import with_check_digit
from listings.models import Listing
from marketplace import db
from marketplace.accounts.models import AgentCertificate, Membership, Organisation, User
from marketplace.accounts.passwords import PasswordHasher
from marketplace.settings import load_settings
from tests.support import PASSWORD, uscc

CARS, DRAFTS = 60, 10


async def main() -> None:
    settings = load_settings()
    await db.init_db(settings)
    try:
        tag = uuid.uuid4().hex[:8]
        org = await Organisation.create(
            name=f"屏幕测试车商 Screens Motors {tag}",
            kind="dealer",
            business_licence_no=uscc(random.randrange(1_000_000, 9_999_999)),
            verification_status="verified",
        )
        dealer = await User.create(
            email=f"screens-dealer-{tag}@example.cn",
            display_name="Dealer Zhou",
            password_hash=await PasswordHasher(settings).hash(PASSWORD),
        )
        await Membership.create(user_id=dealer.id, organisation_id=org.id, roles=["dealer_admin"])
        today = datetime.now(UTC).date()
        await AgentCertificate.create(organisation_id=org.id, holder_user_id=dealer.id, holder_name="Zhou",
                                      certificate_no=f"SC-{tag}", valid_from=today - timedelta(days=1),
                                      valid_until=today + timedelta(days=300), status="verified")  # fmt: skip
        rows = generate(CARS, seed=random.randrange(1 << 30))
        for r in rows:
            r["vin"] = with_check_digit("LBV5S1100MA" + str(uuid.uuid4().int)[:6])
        await create_published(org.id, dealer.id, rows)
        ids = await Listing.filter(dealer_org_id=org.id).order_by("id").values_list("id", flat=True)
        await Listing.filter(id__in=list(ids[:DRAFTS])).update(status="draft", published_at=None)
        cars = await Listing.filter(dealer_org_id=org.id).order_by("-id").values("id", "status", vin="vehicle__vin")
        sys.stdout.write(json.dumps({"dealer": dealer.email, "cars": cars}) + "\n")
    finally:
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main())
