"""Seeds the browser tests' server database with a verified dealer, a buyer and a few negotiable published listings.

Run as `python -m tests.browser.seed_listings` with the server's environment (its DATABASE_URL / VAR_DIR); prints
the logins and listing ids as JSON. Names, VINs and licence numbers are random, so a shared database is fine.
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
from listings.models import Listing, SavedSearch, SearchAlert
from marketplace import db
from marketplace.accounts.models import AgentCertificate, Membership, Organisation, User
from marketplace.accounts.passwords import PasswordHasher
from marketplace.settings import load_settings
from tests.support import PASSWORD, uscc

LISTINGS = 6


async def main() -> None:
    settings = load_settings()
    await db.init_db(settings)
    try:
        tag = uuid.uuid4().hex[:8]
        hashed = await PasswordHasher(settings).hash(PASSWORD)
        org = await Organisation.create(
            name=f"收藏测试车商 Pages Motors {tag}",
            kind="dealer",
            business_licence_no=uscc(random.randrange(1_000_000, 9_999_999)),
            verification_status="verified",
        )
        dealer = await User.create(email=f"pages-dealer-{tag}@example.cn", display_name="Dealer Qian",
                                   password_hash=hashed)  # fmt: skip
        buyer = await User.create(email=f"pages-buyer-{tag}@example.cn", display_name="Buyer Sun", password_hash=hashed)
        await Membership.create(user_id=dealer.id, organisation_id=org.id, roles=["dealer_admin"])
        today = datetime.now(UTC).date()
        await AgentCertificate.create(organisation_id=org.id, holder_user_id=dealer.id, holder_name="Qian",
                                      certificate_no=f"PG-{tag}", valid_from=today - timedelta(days=1),
                                      valid_until=today + timedelta(days=300), status="verified")  # fmt: skip
        rows = generate(LISTINGS, seed=random.randrange(1 << 30))
        for r in rows:
            r["vin"] = with_check_digit("LBV5S1100MA" + str(uuid.uuid4().int)[:6])
            r["negotiable"] = True
            r["price_fen"] = r["price_fen"] // 1_000_000 * 1_000_000 + 10_000_000  # whole 万元, at least 10 万元
            r["condition"] = []  # the condition-report test starts from a car without one
        await create_published(org.id, dealer.id, rows)
        mine = Listing.filter(dealer_org_id=org.id).order_by("id")
        listings = await mine.values("id", "title", "price_fen", vin="vehicle__vin")
        # A buyer whose saved search has alerted twice already (alerts are raised by the indexing jobs in real life).
        alerted = await User.create(email=f"pages-alerted-{tag}@example.cn", display_name="Li", password_hash=hashed)
        search = await SavedSearch.create(user_id=alerted.id, name="All my cars", params={"q": tag})
        for car in listings[:2]:
            await SearchAlert.create(saved_search=search, user_id=alerted.id, listing_id=car["id"],
                                     price_fen=car["price_fen"])  # fmt: skip
        # Another with one unread alert, for the "mark all read" button.
        reader = await User.create(email=f"pages-reader-{tag}@example.cn", display_name="Wu", password_hash=hashed)
        theirs = await SavedSearch.create(user_id=reader.id, name="Mine too", params={"q": tag})
        await SearchAlert.create(saved_search=theirs, user_id=reader.id, listing_id=listings[0]["id"],
                                 price_fen=listings[0]["price_fen"])  # fmt: skip
        world = {"dealer": dealer.email, "dealer_org": org.id, "buyer": buyer.email, "alerted": alerted.email,
                 "reader": reader.email, "listings": listings}  # fmt: skip
        sys.stdout.write(json.dumps(world) + "\n")
    finally:
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main())
