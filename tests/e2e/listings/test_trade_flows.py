"""Offers and sales, photos, import/export, watchlist and saved-search alerts over HTTP."""

from __future__ import annotations

import contextvars
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image
from tortoise import connections

from listings.domain import sheets
from listings.models import Listing, Offer, Photo, Sale, SavedSearch, SearchAlert, Vehicle
from marketplace.accounts.models import User
from tests.e2e.listings.helpers import listing_body, make_dealer, new_vin, search, settle, wait_for
from tests.support import ApiClient, make_member, make_org, make_user


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
    bad = [_row(vin="LBV5S1100MA00000X"), _row(price_yuan="12.345"), _row(energy_type="steam"), _row(make="")]
    bad.append(_row(vin=good[0]["vin"]))
    r = await lclient.post(url, content=_csv(good + bad), headers={"Content-Type": "text/csv"})
    report = r.json()
    assert r.status_code == 200, r.text
    assert report["imported"] is False
    # Every row error carries a stable code the UI words in both languages (the reason stays English detail).
    assert [(e["line"], e["column"], e["code"]) for e in report["errors"]] == [
        (4, "vin", "row_invalid_value"),
        (5, "price_yuan", "row_bad_amount"),
        (6, "energy_type", "row_not_allowed"),
        (7, "make", "row_required"),
        (8, "vin", "row_duplicate_vin"),
    ]
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


async def _buyer(client: ApiClient, name: str = "buyer", **over: str | None) -> tuple[ApiClient, User]:
    user = await make_user(client.app, name)
    if over:
        await User.filter(id=user.id).update(**over)
    buyer = client.fork()
    await buyer.login(str(user.email))
    return buyer, user


def _code(r: object) -> str:
    return str(r.json()["error"]["code"])  # type: ignore[attr-defined]


async def test_each_refused_amount_has_its_own_code_and_a_counter_stays_within_the_asking_price(
    lclient: ApiClient,
) -> None:
    listing_id, _ = await _listing(lclient, price_fen=20_000_000)
    buyer, _ = await _buyer(lclient)
    r = await buyer.post(f"/api/listings/{listing_id}/offers", json={"amount_fen": 20_000_001})
    assert (r.status_code, _code(r)) == (409, "offer_above_asking")
    r = await buyer.post(f"/api/listings/{listing_id}/offers", json={"amount_fen": 9_999_999})
    assert (r.status_code, _code(r)) == (409, "offer_too_low")
    assert not await Offer.exists()
    offer_id = (await buyer.post(f"/api/listings/{listing_id}/offers", json={"amount_fen": 18_000_000})).json()["id"]
    url = f"/api/offers/{offer_id}/decision"
    for counter, code in ((18_000_000, "counter_not_above_offer"), (17_000_000, "counter_not_above_offer"),
                          (20_000_001, "counter_above_asking"), (30_000_000, "counter_above_asking")):  # fmt: skip
        r = await lclient.post(url, json={"action": "counter", "counter_fen": counter})
        assert (r.status_code, _code(r)) == (409, code), counter
    for body in ({"action": "counter"}, {"action": "decline", "counter_fen": 19_000_000}):
        r = await lclient.post(url, json=body)
        assert (r.status_code, _code(r)) == (422, "validation_error"), body
    r = await buyer.post(url, json={"action": "withdraw", "counter_fen": 100})  # would overwrite a counter
    assert r.status_code == 422
    offer = await Offer.get(id=offer_id)
    assert (offer.status, offer.counter_fen) == ("open", None)  # nothing refused changed the offer
    r = await lclient.post(url, json={"action": "counter", "counter_fen": 20_000_000})  # the asking price itself
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["counter_fen"]) == ("countered", 20_000_000)


async def test_offers_carry_the_listing_and_a_buyer_label_without_contact_details(lclient: ApiClient) -> None:
    listing_id, _ = await _listing(lclient, title="宝马 3系 320Li 2021款")
    buyer, _ = await _buyer(lclient, display_name="", mobile="13812345678")
    made = (await buyer.post(f"/api/listings/{listing_id}/offers", json={"amount_fen": 20_000_000})).json()
    summary = {"id": listing_id, "title": "宝马 3系 320Li 2021款", "price_fen": 22_800_000, "status": "published",
               "thumb_url": None}  # fmt: skip
    assert made["listing"] == summary
    dealer_view = (await lclient.get(f"/api/listings/{listing_id}/offers")).json()["items"]
    assert [(o["listing"], o["buyer_label"]) for o in dealer_view] == [(summary, "138****5678")]
    assert "13812345678" not in str(dealer_view)
    mine = (await buyer.get("/api/me/offers")).json()["items"]
    assert [o["listing"]["title"] for o in mine] == ["宝马 3系 320Li 2021款"]

    photo = await lclient.post(f"/api/listings/{listing_id}/photos", content=_jpeg(), headers=JPEG)
    await settle(lclient)
    mine = (await buyer.get("/api/me/offers")).json()["items"]
    assert mine[0]["listing"]["thumb_url"] == f"/api/photos/{photo.json()['id']}/thumb"

    assert (await lclient.post(f"/api/listings/{listing_id}/withdraw")).status_code == 200
    mine = (await buyer.get("/api/me/offers")).json()["items"]
    assert (mine[0]["listing_id"], mine[0]["listing"]) == (listing_id, None)  # private to the dealer again
    dealer_view = (await lclient.get(f"/api/listings/{listing_id}/offers")).json()["items"]
    assert dealer_view[0]["listing"]["status"] == "withdrawn"


_counting: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("counting", default=None)


class _QueryCounter:
    """The SQL statements one request runs (to prove a list costs the same for 1 or 6 rows).

    A context variable tells the request's statements from those of background tasks (the outbox relay, the
    offer expirer), which run in contexts of their own."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        cls = type(connections.get("default"))
        for name in ("execute_query", "execute_query_dict"):
            original = getattr(cls, name)

            async def counted(conn: object, sql: str, *args: object, _original: Any = original, **kw: object) -> object:
                seen = _counting.get()
                if seen is not None:
                    seen.append(sql)
                return await _original(conn, sql, *args, **kw)

            monkeypatch.setattr(cls, name, counted)

    async def run(self, call: Any) -> int:
        seen: list[str] = []
        token = _counting.set(seen)
        try:
            await call()
        finally:
            _counting.reset(token)
        return len(seen)


async def test_offer_and_alert_lists_cost_the_same_queries_for_one_row_or_many(
    lclient: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    dealer = await make_dealer(lclient)
    await lclient.login(dealer.member.login)
    ids = []
    for _ in range(6):
        listing_id = (await lclient.post("/api/listings", json=listing_body(dealer.org_id))).json()["id"]
        await lclient.post(f"/api/listings/{listing_id}/publish")
        ids.append(listing_id)
    (first, user), (second, _) = await _buyer(lclient, "b"), await _buyer(lclient, "c")
    buyers = [first, second]
    saved = await SavedSearch.create(user_id=user.id, name="x", params={})
    counter = _QueryCounter(monkeypatch)

    async def lists() -> tuple[int, int, int]:
        mine = await counter.run(lambda: buyers[0].get("/api/me/offers"))
        dealer_all = await counter.run(lambda: lclient.get(f"/api/dealers/{dealer.org_id}/offers"))
        alerts = await counter.run(lambda: buyers[0].get("/api/me/alerts"))
        return mine, dealer_all, alerts

    await buyers[0].post(f"/api/listings/{ids[0]}/offers", json={"amount_fen": 20_000_000})
    await SearchAlert.create(saved_search_id=saved.id, user_id=user.id, listing_id=ids[0], price_fen=1)
    one = await lists()
    for i, listing_id in enumerate(ids[1:]):
        await buyers[i % 2].post(f"/api/listings/{listing_id}/offers", json={"amount_fen": 20_000_000})
        await SearchAlert.create(saved_search_id=saved.id, user_id=user.id, listing_id=listing_id, price_fen=1)
    many = await lists()
    assert one[0] > 0
    assert many == one


async def test_dealer_offers_list_is_newest_first_filtered_paged_and_private(lclient: ApiClient) -> None:
    dealer = await make_dealer(lclient)
    other = await make_dealer(lclient)
    await lclient.login(dealer.member.login)
    mine = []
    for _ in range(3):
        listing_id = (await lclient.post("/api/listings", json=listing_body(dealer.org_id))).json()["id"]
        await lclient.post(f"/api/listings/{listing_id}/publish")
        mine.append(listing_id)
    rival = lclient.fork()
    await rival.login(other.member.login)
    theirs = (await rival.post("/api/listings", json=listing_body(other.org_id))).json()["id"]
    await rival.post(f"/api/listings/{theirs}/publish")
    (b1, _), (b2, _) = await _buyer(lclient, "b"), await _buyer(lclient, "c")
    offers = []
    for buyer, listing_id in ((b1, mine[0]), (b2, mine[0]), (b1, mine[1]), (b2, theirs), (b1, mine[2])):
        r = await buyer.post(f"/api/listings/{listing_id}/offers", json={"amount_fen": 20_000_000})
        offers.append(r.json()["id"])
    ours = [offers[0], offers[1], offers[2], offers[4]]  # offers[3] is on the other dealer's car
    r = await lclient.post(f"/api/offers/{offers[1]}/decision", json={"action": "decline"})
    assert r.json()["status"] == "declined"

    url = f"/api/dealers/{dealer.org_id}/offers"
    first = (await lclient.get(url, params={"limit": 2})).json()
    assert [o["id"] for o in first["items"]] == ours[::-1][:2]
    second = (await lclient.get(url, params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [o["id"] for o in second["items"]] == ours[::-1][2:]
    assert second["next_cursor"] is None
    assert all(o["listing"]["id"] in mine and o["buyer_label"] for o in first["items"] + second["items"])
    declined = (await lclient.get(url, params={"status": "declined"})).json()
    assert [o["id"] for o in declined["items"]] == [offers[1]]
    open_ = (await lclient.get(url, params={"status": "open"})).json()
    assert [o["id"] for o in open_["items"]] == [offers[4], offers[2], offers[0]]

    assert (await lclient.get(url, params={"status": "maybe"})).status_code == 422
    assert (await lclient.get(url, params={"cursor": "nonsense!"})).status_code == 400
    for outsider in (rival, b1, lclient.fork()):
        r = await outsider.get(url)
        assert r.status_code in (401, 404), r.text
        assert "buyer_label" not in r.text
    assert [o["id"] for o in (await rival.get(f"/api/dealers/{other.org_id}/offers")).json()["items"]] == [offers[3]]
    house = await make_org("auction_house")
    auctioneer = lclient.fork()
    await auctioneer.login((await make_member(lclient.app, house, ["house_admin"], "house")).login)
    r = await auctioneer.get(f"/api/dealers/{house.id}/offers")  # its own organisation, but no dealer
    assert (r.status_code, _code(r)) == (403, "forbidden")


async def test_alerts_carry_the_listing_and_become_read(lclient: ApiClient) -> None:
    listing_id, _ = await _listing(lclient, title="特斯拉 Model Y")
    buyer, user = await _buyer(lclient)
    other, other_user = await _buyer(lclient, "other")
    saved = await SavedSearch.create(user_id=user.id, name="s", params={})
    theirs = await SavedSearch.create(user_id=other_user.id, name="s", params={})
    ids = [(await SearchAlert.create(saved_search_id=saved.id, user_id=user.id, listing_id=listing_id,
                                     price_fen=p)).id for p in (1, 2, 3)]  # fmt: skip
    foreign = await SearchAlert.create(saved_search_id=theirs.id, user_id=other_user.id, listing_id=listing_id,
                                       price_fen=1)  # fmt: skip
    page = (await buyer.get("/api/me/alerts")).json()
    assert page["unread"] == 3
    assert [a["id"] for a in page["items"]] == ids[::-1]
    assert page["items"][0]["listing"]["title"] == "特斯拉 Model Y"
    assert page["items"][0]["created_at"]
    assert page["items"][0]["read"] is False
    two = (await buyer.get("/api/me/alerts", params={"limit": 2})).json()
    rest = (await buyer.get("/api/me/alerts", params={"limit": 2, "cursor": two["next_cursor"]})).json()
    assert [a["id"] for a in two["items"] + rest["items"]] == ids[::-1]

    r = await buyer.post("/api/me/alerts/read", json={"ids": [ids[0], foreign.id]})  # another's id is skipped
    assert r.status_code == 200, r.text
    assert r.json() == {"marked": 1, "unread": 2}
    assert (await SearchAlert.get(id=foreign.id)).read_at is None
    first_read = (await SearchAlert.get(id=ids[0])).read_at
    assert first_read is not None
    assert (await buyer.post("/api/me/alerts/read")).json() == {"marked": 2, "unread": 0}
    assert (await SearchAlert.get(id=ids[0])).read_at == first_read  # already read: kept as it was
    page = (await buyer.get("/api/me/alerts")).json()
    assert page["unread"] == 0
    assert all(a["read"] and a["read_at"] for a in page["items"])
    assert (await other.get("/api/me/alerts")).json()["unread"] == 1
    assert (await buyer.post("/api/me/alerts/read", json={"ids": [0]})).status_code == 422

    assert (await lclient.post(f"/api/listings/{listing_id}/withdraw")).status_code == 200
    page = (await buyer.get("/api/me/alerts")).json()
    assert {(a["listing_id"], a["listing"]) for a in page["items"]} == {(listing_id, None)}


async def test_watchlist_pages_by_cursor_most_recently_watched_first(lclient: ApiClient) -> None:
    dealer = await make_dealer(lclient)
    await lclient.login(dealer.member.login)
    ids = []
    for _ in range(5):
        listing_id = (await lclient.post("/api/listings", json=listing_body(dealer.org_id))).json()["id"]
        await lclient.post(f"/api/listings/{listing_id}/publish")
        ids.append(listing_id)
    buyer, _ = await _buyer(lclient)
    for listing_id in (ids[3], ids[0], ids[4], ids[1], ids[2]):
        assert (await buyer.request("PUT", f"/api/listings/{listing_id}/watch")).status_code == 204
    await lclient.post(f"/api/listings/{ids[1]}/withdraw")  # no longer public: left out, pages stay full
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await buyer.get("/api/me/watchlist", params=params)).json()
        assert len(page["items"]) == 2 or page["next_cursor"] is None
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [ids[2], ids[4], ids[0], ids[3]]
    assert (await buyer.get("/api/me/watchlist", params={"cursor": "%%%"})).status_code == 400
    assert (await buyer.get("/api/me/watchlist", params={"limit": 101})).status_code == 422


async def test_two_offers_accepted_at_once_make_one_sale(lclient: ApiClient) -> None:
    """On PostgreSQL each acceptance used to lock its own offer first and then the other's: a deadlock, a 500."""
    import asyncio

    for _ in range(3):
        listing_id, _ = await _listing(lclient)
        offer_ids = []
        for name in ("first", "second"):
            buyer = lclient.fork()
            await buyer.login(str((await make_user(lclient.app, name)).email))
            r = await buyer.post(f"/api/listings/{listing_id}/offers", json={"amount_fen": 20_000_000})
            assert r.status_code == 201, r.text
            offer_ids.append(r.json()["id"])
        results = await asyncio.gather(
            *(lclient.post(f"/api/offers/{i}/decision", json={"action": "accept"}) for i in offer_ids)
        )
        assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
        assert await Sale.filter(listing_id=listing_id).count() == 1
        statuses = sorted(await Offer.filter(listing_id=listing_id).values_list("status", flat=True))
        assert statuses == ["accepted", "declined"]


async def test_a_dealers_buyer_reads_its_inventory_but_does_not_sell(lclient: ApiClient) -> None:
    """Selling (listing, publishing, answering offers) is for the dealer's admin and staff, as in auctions."""
    from marketplace.accounts.models import Membership

    listing_id, dealer = await _listing(lclient)
    draft_id = (await lclient.post("/api/listings", json=listing_body(dealer.org_id))).json()["id"]  # type: ignore[attr-defined]
    customer = lclient.fork()
    await customer.login(str((await make_user(lclient.app, "customer")).email))
    offer = (await customer.post(f"/api/listings/{listing_id}/offers", json={"amount_fen": 20_000_000})).json()

    purchaser = await make_user(lclient.app, "purchaser")
    await Membership.create(user_id=purchaser.id, organisation_id=dealer.org_id, roles=["buyer"])  # type: ignore[attr-defined]
    agent = lclient.fork()
    await agent.login(str(purchaser.email))
    org_id = dealer.org_id  # type: ignore[attr-defined]
    assert (await agent.get(f"/api/dealers/{org_id}/inventory")).status_code == 200  # reads it
    for method, path, body in [
        ("POST", "/api/listings", listing_body(org_id)),
        ("POST", f"/api/listings/{draft_id}/publish", None),
        ("PATCH", f"/api/listings/{listing_id}", {"price_fen": 1_000_000}),
        ("POST", f"/api/offers/{offer['id']}/decision", {"action": "accept"}),
        ("GET", f"/api/dealers/{org_id}/offers", None),
    ]:
        r = await agent.request(method, path, json=body)
        assert r.status_code in (403, 404), (path, r.text)
        if r.status_code == 403:
            assert r.json()["error"]["code"] == "insufficient_role", (path, r.text)
    assert (await agent.get(f"/api/listings/{listing_id}/offers")).json()["items"] == []  # not the buyers' offers
    assert (await Listing.get(id=listing_id)).price_fen != 1_000_000
    assert (await Offer.get(id=offer["id"])).status == "open"
    assert (await Listing.get(id=draft_id)).status == "draft"
