"""Seeds the export desk's browser test: a dealer whose filing is verified, four cars in its inventory (one first
registered 60 days ago, so its licence needs the after-sales confirmation; one to be offered right-hand drive).

Run as `python -m tests.browser.seed_export` with the server's environment; prints the world as JSON.
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
from listings.domain.vin import with_check_digit
from listings.models import Vehicle
from marketplace import db
from marketplace.accounts.models import Membership, Organisation, User
from marketplace.accounts.passwords import PasswordHasher
from marketplace.settings import load_settings
from tests.support import PASSWORD, uscc


def today() -> datetime:
    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai"))


async def seed() -> dict[str, object]:
    tag = uuid.uuid4().hex[:8]
    org = await Organisation.create(
        name=f"宁波出口车商 {tag}", kind="dealer", verification_status="verified",
        business_licence_no=uscc(random.randrange(1_000_000, 9_999_999)),
    )  # fmt: skip
    user = await User.create(email=f"export-{tag}@example.cn", display_name="Dealer Sun",
                             password_hash=await PasswordHasher(load_settings()).hash(PASSWORD))  # fmt: skip
    await Membership.create(user_id=user.id, organisation_id=org.id, roles=["dealer_admin"])
    approved = today().date() - timedelta(days=30)
    await Filing.create(
        exporter_org_id=org.id, filing_no=f"ZJ-BA-{tag}", province="浙江", approved_on=approved,
        valid_until=filings.valid_until(approved), customs_code="3302960ABC", status="verified", created_by=user.id,
        appraisers=[{"name": n, "certificate_no": ""} for n in ("张评估", "李评估", "王评估")],
    )  # fmt: skip
    firsts = [today().date() - timedelta(days=60), today().date().replace(year=2022), today().date().replace(year=2021)]
    cars = []
    for i, (make, model, first) in enumerate(
        [
            ("比亚迪", "宋PLUS", firsts[0]),
            ("丰田", "凯美瑞", firsts[1]),
            ("本田", "雅阁", firsts[2]),
            ("日产", "轩逸", firsts[1]),
        ]  # fmt: skip
    ):
        vin = with_check_digit(f"LSVAB4BR0N{i}" + str(uuid.uuid4().int)[:6])
        car = await Vehicle.create(vin=vin, owner_org_id=org.id, make=make, model=model, energy_type="ice",
                                   displacement_ml=1998, first_registration=first)  # fmt: skip
        cars.append({"id": car.id, "vin": vin, "make": make, "model": model, "first_registration": first.isoformat()})
    return {"dealer": user.email, "org": org.id, "cars": cars}


async def main() -> None:
    await db.init_db(load_settings())
    try:
        out = await seed()
        sys.stdout.write(json.dumps(out) + "\n")
    finally:
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main())
