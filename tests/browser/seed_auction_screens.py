"""Seeds the auction-screens browser tests: one timed session with two lots of a car that has photos, specs and a
condition report; two registered bidders. Lot 1 runs for ten minutes (layout), lot 2 closes within a minute
(the win/lose message). Prints the ids as JSON.
"""

from __future__ import annotations

import asyncio
import io
import json
import sys

from PIL import Image, ImageDraw

from auctions.models import Lot
from auctions.services.clock import now_ms
from listings.models import ConditionItem, Photo, Vehicle
from marketplace import db
from marketplace.app import create_app
from marketplace.settings import load_settings
from tests.support_auctions import make_bidder, make_world, set_end


def _jpeg(colour: tuple[int, int, int], label: str, size: tuple[int, int] = (800, 600)) -> bytes:
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, size[1] // 2 - 80, size[0] - 60, size[1] // 2 + 60), fill=(240, 240, 240))
    draw.text((90, size[1] // 2 - 20), label, fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


async def main() -> None:
    settings = load_settings()
    await db.init_db(settings)
    try:
        app = create_app(settings, manage_db=False)
        files = app.state.services.files
        world = await make_world(app, lots=2, terms={"soft_close_seconds": 20}, starting=10_000_000)
        (a, _), (b, _) = [await make_bidder(app, world.session) for _ in range(2)]
        for n, lot in enumerate(world.lots):
            await Vehicle.filter(id=lot.vehicle_id).update(
                transmission="7DCT", displacement_ml=1984, emission_standard="国六", colour="白", plate_prefix="浙B"
            )
            await Lot.filter(id=lot.id).update(condition_report="整车 B 级，左前翼子板钣喷，发动机变速箱正常")
            await ConditionItem.create(vehicle_id=lot.vehicle_id, item="左前翼子板", grade="C", note="钣喷")
            await ConditionItem.create(vehicle_id=lot.vehicle_id, item="发动机", grade="A")
            for i, colour in enumerate([(52, 101, 164), (90, 90, 90), (160, 60, 40)]):
                key = f"photos/browser/{lot.id}-{i}.jpg"
                data = _jpeg(colour, f"lot {n + 1} photo {i + 1}")
                thumb_key = f"thumbs/browser/{lot.id}-{i}.jpg"
                await files.save(key, data, "image/jpeg")
                await files.save(thumb_key, _jpeg(colour, str(i + 1), (160, 120)), "image/jpeg")
                await Photo.create(
                    vehicle_id=lot.vehicle_id, position=i, key=key, thumb_key=thumb_key, content_type="image/jpeg",
                    width=800, height=600, size_bytes=len(data), sha256=f"{lot.id:032d}{i:032d}",
                )  # fmt: skip
        await set_end(world.lots[0], now_ms() + 600_000)
        await set_end(world.lots[1], now_ms() + 45_000)
        sys.stdout.write(
            json.dumps(
                {
                    "long_lot": world.lots[0].id,
                    "closing_lot": world.lots[1].id,
                    "session": world.session.id,
                    "a": a.email,
                    "b": b.email,
                    "auctioneer": world.auctioneer.email,
                }
            )
            + "\n"
        )
    finally:
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main())
