"""Offers and sales, photos, import/export, watchlist and saved-search alerts over HTTP."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from listings.domain import sheets
from listings.models import Listing, Offer, Photo, Sale, SearchAlert, Vehicle
from tests.e2e.listings.helpers import listing_body, make_dealer, new_vin, search, settle, wait_for
from tests.support import ApiClient, make_user


async def _listing(client: ApiClient, publish: bool = True, **over: object) -> tuple[int, object]:
    dealer = await make_dealer(client)
    await client.login(dealer.member.login)
    listing_id = (await client.post("/api/listings", json=listing_body(dealer.org_id, **over))).json()["id"]
    if publish:
        assert (await client.post(f"/api/listings/{listing_id}/publish")).status_code == 200
    return listing_id, dealer


async def test_offer_counter_accept_reserves_and_records_sale(lclient: ApiClient) -> None:
    listing_id, _ = await _listing(lclient)
    buyer = lclient.fork()
    await buyer.login(str((await make_user(lclient.app, "buyer")).email))
    r = await buyer.post(f"/api/listings/{listing_id}/offers", json={"amount_fen": 20_000_000})
    assert r.status_code == 201, r.text
    offer = r.json()
    assert (await buyer.post(f"/api/listings/{listing_id}/offers", json={"amount_fen": 20_000_000})).status_code == 409
    assert (await buyer.post(f"/api/offers/{offer['id']}/decision", json={"action": "accept"})).status_code == 403
    r = await lclient.post(f"/api/offers/{offer['id']}/decision", json={"action": "counter", "counter_fen": 21_500_000})
    assert r.json()["status"] == "countered"
    r = await buyer.post(f"/api/offers/{offer['id']}/decision", json={"action": "accept_counter"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted"
    assert (await Listing.get(id=listing_id)).status == "reserved"
    sale = await Sale.get(listing_id=listing_id)
    assert sale.price_fen == 21_500_000
    await settle(lclient)
    assert (await search(lclient, q="宝马"))["total"] == 0  # reserved: no longer offered
    r = await buyer.post(f"/api/listings/{listing_id}/offers", json={"amount_fen": 20_000_000})
    assert r.status_code == 409
    r = await lclient.post(f"/api/listings/{listing_id}/sell")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "sold"
    assert (await buyer.get(f"/api/listings/{listing_id}")).json()["status"] == "sold"


async def test_sell_needs_a_recorded_sale_and_old_listings_expire(lclient: ApiClient) -> None:
    listing_id, _ = await _listing(lclient)
    r = await lclient.post(f"/api/listings/{listing_id}/sell")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "no_sale"
    from listings.services.offers import expire_due

    await Listing.filter(id=listing_id).update(published_at=datetime.now(UTC) - timedelta(days=91))
    assert await expire_due(datetime.now(UTC)) == 1
    assert (await Listing.get(id=listing_id)).status == "expired"
    await settle(lclient)
    assert (await search(lclient, q="宝马"))["total"] == 0
    assert (await lclient.post(f"/api/listings/{listing_id}/publish")).status_code == 200


async def test_expired_offer_cannot_be_accepted_and_dealer_cannot_offer(lclient: ApiClient) -> None:
    listing_id, _ = await _listing(lclient)
    assert (
        await lclient.post(f"/api/listings/{listing_id}/offers", json={"amount_fen": 20_000_000})
    ).status_code == 403
    buyer = lclient.fork()
    await buyer.login(str((await make_user(lclient.app, "buyer")).email))
    offer = (await buyer.post(f"/api/listings/{listing_id}/offers", json={"amount_fen": 20_000_000})).json()
    await Offer.filter(id=offer["id"]).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    r = await lclient.post(f"/api/offers/{offer['id']}/decision", json={"action": "accept"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "offer_expired"
    assert (await Listing.get(id=listing_id)).status == "published"
    assert not await Sale.exists(listing_id=listing_id)
    r = await buyer.post(f"/api/listings/{listing_id}/offers", json={"amount_fen": 5})
    assert r.status_code == 422


JPEG = {"Content-Type": "image/jpeg"}


def _jpeg() -> bytes:
    img = Image.new("RGB", (800, 600), (10, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = {2: (30.0, 0.0, 0.0), 4: (121.0, 0.0, 0.0)}
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


async def test_photo_upload_thumbnail_and_cache_headers(lclient: ApiClient) -> None:
    listing_id, _ = await _listing(lclient)
    r = await lclient.post(
        f"/api/listings/{listing_id}/photos", content=_jpeg(), headers={"Content-Type": "image/jpeg"}
    )
    assert r.status_code == 201, r.text
    photo = r.json()
    await settle(lclient)
    anonymous = lclient.fork()
    r = await anonymous.get(f"/api/photos/{photo['id']}")
    assert r.status_code == 200
    assert "immutable" in r.headers["cache-control"]
    assert not Image.open(io.BytesIO(r.content)).getexif()
    r2 = await anonymous.get(f"/api/photos/{photo['id']}", headers={"If-None-Match": r.headers["etag"]})
    assert r2.status_code == 304
    thumb = await anonymous.get(f"/api/photos/{photo['id']}/thumb")
    assert thumb.status_code == 200
    assert max(Image.open(io.BytesIO(thumb.content)).size) == 480
    await wait_for(lclient, lambda res: res["hits"] and res["hits"][0]["thumb_url"], q="宝马")

    for content, ctype, status in ((b"GIF89a....", "image/jpeg", 422), (b"hello", "text/plain", 415)):
        r = await lclient.post(f"/api/listings/{listing_id}/photos", content=content, headers={"Content-Type": ctype})
        assert r.status_code == status, r.text
    assert await Photo.all().count() == 1


async def test_draft_photos_are_private(lclient: ApiClient) -> None:
    listing_id, _ = await _listing(lclient, publish=False)
    r = await lclient.post(
        f"/api/listings/{listing_id}/photos", content=_jpeg(), headers={"Content-Type": "image/jpeg"}
    )
    photo_id = r.json()["id"]
    assert (await lclient.fork().get(f"/api/photos/{photo_id}")).status_code == 404
    own = await lclient.get(f"/api/photos/{photo_id}")
    assert own.status_code == 200
    assert own.headers["cache-control"].startswith("private")


def _csv(rows: list[dict[str, str]]) -> bytes:
    return sheets.write_csv(rows)


def _row(**over: str) -> dict[str, str]:
    row = {"vin": new_vin(), "make": "丰田", "model": "卡罗拉", "energy_type": "hev", "price_yuan": "86000",
           "model_year": "2020", "mileage_km": "50000", "plate_prefix": "苏E"}  # fmt: skip
    row.update(over)
    return row


async def test_import_all_or_nothing_good_rows_only_and_idempotent(lclient: ApiClient) -> None:
    dealer = await make_dealer(lclient)
    await lclient.login(dealer.member.login)
    url = f"/api/dealers/{dealer.org_id}/inventory/import"
    good = [_row(), _row()]
    bad = [_row(vin="LBV5S1100MA00000X"), _row(price_yuan="12.345"), _row(energy_type="steam")]
    r = await lclient.post(url, content=_csv(good + bad), headers={"Content-Type": "text/csv"})
    report = r.json()
    assert r.status_code == 200, r.text
    assert report["imported"] is False
    assert [(e["line"], e["column"]) for e in report["errors"]] == [(4, "vin"), (5, "price_yuan"), (6, "energy_type")]
    assert await Vehicle.all().count() == 0

    r = await lclient.post(url + "?good_rows_only=true", content=_csv(good + bad), headers={"Content-Type": "text/csv"})
    assert r.json()["created"] == 2
    good[0]["price_yuan"] = "80000"
    r = await lclient.post(url, content=_csv(good), headers={"Content-Type": "text/csv"})
    assert (r.json()["created"], r.json()["updated"]) == (0, 2)
    assert await Vehicle.all().count() == 2
    assert await Listing.filter(price_fen=8_000_000).count() == 1

    export = await lclient.get(f"/api/dealers/{dealer.org_id}/inventory/export?format=xlsx")
    assert export.status_code == 200
    again = await lclient.post(url + "&format=xlsx".replace("&", "?"), content=export.content)
    assert again.json()["updated"] == 2, again.text
    csv_export = await lclient.get(f"/api/dealers/{dealer.org_id}/inventory/export?format=csv")
    assert csv_export.text.count("\n") == 3
    r = await lclient.post(url, content=b"\x00\x01garbage", headers={"Content-Type": "text/csv"})
    assert r.status_code == 422


async def test_watchlist_and_saved_search_alerts_once_per_price(lclient: ApiClient, settings: object) -> None:
    dealer = await make_dealer(lclient)
    buyer = lclient.fork()
    user = await make_user(lclient.app, "buyer")
    await buyer.login(str(user.email))
    r = await buyer.post("/api/me/saved-searches", json={"name": "宝马", "query": {"q": "BMW 3 series"}})
    assert r.status_code == 201, r.text
    saved_id = r.json()["id"]
    await lclient.login(dealer.member.login)
    listing_id = (await lclient.post("/api/listings", json=listing_body(dealer.org_id))).json()["id"]
    await lclient.post(f"/api/listings/{listing_id}/publish")
    await settle(lclient)
    alerts = (await buyer.get("/api/me/alerts")).json()["items"]
    assert [(a["listing_id"], a["saved_search_id"]) for a in alerts] == [(listing_id, saved_id)]
    await lclient.post(f"/api/listings/{listing_id}/withdraw")
    await lclient.post(f"/api/listings/{listing_id}/publish")  # same price again: no second alert
    await settle(lclient)
    assert await SearchAlert.all().count() == 1
    await lclient.request("PATCH", f"/api/listings/{listing_id}", json={"price_fen": 20_000_000})
    await settle(lclient)
    assert await SearchAlert.all().count() == 2
    mail_dir = lclient.app.state.services.settings.var_dir / "mail-outbox"
    assert len([p for p in mail_dir.glob("*.eml") if user.email and user.email in p.read_text()]) == 2

    r = await buyer.request("PATCH", f"/api/me/saved-searches/{saved_id}", json={"paused": True})
    assert r.json()["paused"] is True
    await lclient.request("PATCH", f"/api/listings/{listing_id}", json={"price_fen": 19_000_000})
    await settle(lclient)
    assert await SearchAlert.all().count() == 2

    assert (await buyer.request("PUT", f"/api/listings/{listing_id}/watch")).status_code == 204
    assert (await buyer.request("PUT", f"/api/listings/{listing_id}/watch")).status_code == 204
    assert [i["id"] for i in (await buyer.get("/api/me/watchlist")).json()["items"]] == [listing_id]
    assert (await buyer.get(f"/api/listings/{listing_id}")).json()["watching"] is True
    assert (await buyer.delete(f"/api/listings/{listing_id}/watch")).status_code == 204
    assert (await buyer.get("/api/me/watchlist")).json()["items"] == []
    bad = await buyer.post("/api/me/saved-searches", json={"name": "x", "query": {"year_min": 2030, "year_max": 2000}})
    assert bad.status_code == 422
