"""Seeds the browser tests' server database with an analyst of an association (for the statistics desk) and the
admin of an auction house (for its monthly returns).

Run as `python -m tests.browser.seed_stats` with the server's environment; prints the login as JSON.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import uuid

from marketplace import db
from marketplace.accounts.models import Membership, Organisation, User
from marketplace.accounts.passwords import PasswordHasher
from marketplace.settings import load_settings
from tests.support import PASSWORD, uscc


async def main() -> None:
    settings = load_settings()
    await db.init_db(settings)
    try:
        tag = uuid.uuid4().hex[:8]
        org = await Organisation.create(
            name=f"中国拍卖行业协会机动车拍卖专业委员会 {tag}",
            kind="association",
            business_licence_no=uscc(random.randrange(1_000_000, 9_999_999)),
            verification_status="verified",
        )
        user = await User.create(email=f"analyst-{tag}@example.cn", display_name="Analyst Zhou",
                                 password_hash=await PasswordHasher(settings).hash(PASSWORD))  # fmt: skip
        await Membership.create(user_id=user.id, organisation_id=org.id, roles=["analyst"])
        house = await Organisation.create(
            name=f"重庆渝拍拍卖有限公司 {tag}",
            kind="auction_house",
            business_licence_no=uscc(random.randrange(1_000_000, 9_999_999)),
            verification_status="verified",
        )
        admin = await User.create(email=f"house-{tag}@example.cn", display_name="House Chen",
                                  password_hash=await PasswordHasher(settings).hash(PASSWORD))  # fmt: skip
        await Membership.create(user_id=admin.id, organisation_id=house.id, roles=["house_admin"])
        sys.stdout.write(json.dumps({"analyst": user.email, "house_admin": admin.email, "house": house.name}) + "\n")
    finally:
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main())
