"""The listings permissions matrix: every listings endpoint × every kind of caller × own/foreign/public target.

Dealer A owns a draft (private) and a published listing; B is another verified dealer. Each cell
runs on a fresh world and checks the status and error code, that a refused request changed
nothing, that a GET changed nothing, and that nobody outside A (except platform staff) ever
receives A's draft VIN. `test_matrix_covers_every_route` fails when an endpoint lacks its row.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from listings.models import ConditionItem, Listing, Offer, Photo, Sale, SavedSearch, SearchAlert, Vehicle, Watch
from listings.routes import routes
from marketplace.accounts import sessions
from marketplace.accounts.auth import CSRF_COOKIE, SESSION_COOKIE, new_secret, token_hash
from marketplace.accounts.models import Session
from marketplace.web.endpoint import UNSAFE_METHODS
from tests.e2e.listings.helpers import listing_body, new_vin
from tests.support import ApiClient, make_certificate, make_member, make_org, make_user

CALLERS = ("anonymous", "buyer", "staff_a", "admin_a", "admin_b", "platform", "read_token")


@dataclass(frozen=True)
class W:
    status: int
    code: str | None = None


OK, NEW, DONE = W(200), W(201), W(204)
UNAUTH, FORBID, SCOPE, NF = W(401, "unauthenticated"), W(403, "forbidden"), W(403, "insufficient_scope"), W(404)
OWN = W(403, "own_listing")


def row(anonymous: W, buyer: W, own: W, foreign: W, platform: W, token: W) -> dict[str, W]:
    return {"anonymous": anonymous, "buyer": buyer, "staff_a": own, "admin_a": own, "admin_b": foreign,
            "platform": platform, "read_token": token}  # fmt: skip


PUBLIC_READ = row(OK, OK, OK, OK, OK, OK)
PRIVATE_READ = row(NF, NF, OK, NF, OK, OK)
PRIVATE_WRITE = row(UNAUTH, NF, OK, NF, OK, SCOPE)
PUBLIC_WRITE = row(UNAUTH, FORBID, OK, FORBID, OK, SCOPE)
ME_READ = row(UNAUTH, OK, OK, OK, OK, OK)

# (method, path template, target, body kind) -> expected outcome per caller
MATRIX: list[tuple[str, str, str, str, dict[str, W]]] = [
    ("GET", "/api/listings/search", "none", "", PUBLIC_READ),
    ("POST", "/api/listings", "none", "listing", row(UNAUTH, NF, NEW, NF, NEW, SCOPE)),
    ("GET", "/api/listings/{id}", "draft", "", PRIVATE_READ),
    ("GET", "/api/listings/{id}", "published", "", PUBLIC_READ),
    ("PATCH", "/api/listings/{id}", "draft", "patch", PRIVATE_WRITE),
    ("PATCH", "/api/listings/{id}", "published", "patch", PUBLIC_WRITE),
    ("POST", "/api/listings/{id}/publish", "draft", "", PRIVATE_WRITE),
    ("POST", "/api/listings/{id}/withdraw", "draft", "", PRIVATE_WRITE),
    ("POST", "/api/listings/{id}/withdraw", "published", "", PUBLIC_WRITE),
    ("POST", "/api/listings/{id}/reserve", "published", "", PUBLIC_WRITE),
    ("POST", "/api/listings/{id}/release", "reserved", "", PUBLIC_WRITE),
    ("POST", "/api/listings/{id}/sell", "reserved", "", PUBLIC_WRITE),
    ("PUT", "/api/listings/{id}/condition", "draft", "condition", PRIVATE_WRITE),
    ("GET", "/api/dealers/{org}/inventory", "org", "", row(UNAUTH, NF, OK, NF, OK, OK)),
    ("GET", "/api/dealers/{org}/inventory/export", "org", "", row(UNAUTH, NF, OK, NF, OK, OK)),
    ("POST", "/api/dealers/{org}/inventory/import", "org", "csv", row(UNAUTH, NF, OK, NF, OK, SCOPE)),
    ("POST", "/api/listings/{id}/photos", "draft", "jpeg", row(UNAUTH, NF, NEW, NF, NEW, SCOPE)),
    ("DELETE", "/api/listings/{id}/photos/{photo}", "draft", "", row(UNAUTH, NF, DONE, NF, DONE, SCOPE)),
    ("GET", "/api/photos/{photo}", "draft", "", PRIVATE_READ),
    ("GET", "/api/photos/{photo}", "published", "", PUBLIC_READ),
    ("GET", "/api/photos/{photo}/thumb", "published", "", PUBLIC_READ),
    ("POST", "/api/listings/{id}/offers", "published", "offer", row(UNAUTH, NEW, OWN, NEW, OWN, SCOPE)),
    ("POST", "/api/listings/{id}/offers", "draft", "offer", row(UNAUTH, NF, OWN, NF, OWN, SCOPE)),
    ("GET", "/api/listings/{id}/offers", "published", "", row(UNAUTH, OK, OK, OK, OK, OK)),
    ("GET", "/api/listings/{id}/offers", "draft", "", row(UNAUTH, NF, OK, NF, OK, OK)),
    ("GET", "/api/me/offers", "none", "", ME_READ),
    ("POST", "/api/offers/{offer}/decision", "published", "accept", row(UNAUTH, NF, OK, NF, OK, SCOPE)),
    # The dealer-wide offers list is for the dealer's own members only (not platform staff): others get 404.
    ("GET", "/api/dealers/{org}/offers", "org", "", row(UNAUTH, NF, OK, NF, NF, OK)),
    ("PUT", "/api/listings/{id}/watch", "published", "", row(UNAUTH, DONE, DONE, DONE, DONE, SCOPE)),
    ("PUT", "/api/listings/{id}/watch", "draft", "", row(UNAUTH, NF, DONE, NF, DONE, SCOPE)),
    ("DELETE", "/api/listings/{id}/watch", "published", "", row(UNAUTH, DONE, DONE, DONE, DONE, SCOPE)),
    ("GET", "/api/me/watchlist", "none", "", ME_READ),
    ("POST", "/api/me/saved-searches", "none", "saved", row(UNAUTH, NEW, NEW, NEW, NEW, SCOPE)),
    ("GET", "/api/me/saved-searches", "none", "", ME_READ),
    ("PATCH", "/api/me/saved-searches/{saved}", "none", "pause", row(UNAUTH, NF, NF, NF, NF, SCOPE)),
    ("DELETE", "/api/me/saved-searches/{saved}", "none", "", row(UNAUTH, NF, NF, NF, NF, SCOPE)),
    ("GET", "/api/me/alerts", "none", "", ME_READ),
    ("POST", "/api/me/alerts/read", "none", "read", row(UNAUTH, OK, OK, OK, OK, SCOPE)),
]


@dataclass
class World:
    org_a: int
    org_b: int
    listings: dict[str, int]
    photos: dict[str, int]
    offer: int
    saved: int  # a saved search of the foreign buyer: nobody in CALLERS owns it
    draft_vin: str
    buyer_contact: str  # the email of the buyer who made the offer: no response to anyone carries it


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (1, 2, 3)).save(out, format="JPEG")
    return out.getvalue()


async def _login(client: ApiClient, user_id: int) -> None:
    raw, csrf = new_secret(), new_secret()
    await Session.create(
        token_hash=token_hash(raw), csrf_token=csrf, user_id=user_id, expires_at=datetime.now(UTC) + timedelta(days=1)
    )
    client.http.cookies.set(SESSION_COOKIE, raw)
    client.http.cookies.set(CSRF_COOKIE, csrf)


async def build(client: ApiClient, caller: str) -> World:
    app = client.app
    a, b, p = await make_org("dealer"), await make_org("dealer"), await make_org("platform")
    users = {
        "staff_a": await make_member(app, a, ["dealer_staff"], "staffa"),
        "admin_a": await make_member(app, a, ["dealer_admin"], "admina"),
        "admin_b": await make_member(app, b, ["dealer_admin"], "adminb"),
        "platform": await make_member(app, p, ["platform_admin"], "ops"),
    }
    for key in ("staff_a", "admin_a", "admin_b"):
        await make_certificate(users[key].org, users[key].user, status="verified")  # type: ignore[arg-type]
    buyer = await make_user(app, "buyer")
    stranger = await make_user(app, "stranger")
    stranger.display_name = str(stranger.email)  # a name that is an email address is masked like one
    await stranger.save(update_fields=["display_name"])
    files = app.state.services.files
    listings, photos = {}, {}
    for state in ("draft", "published", "reserved"):
        vin = new_vin()
        vehicle = await Vehicle.create(vin=vin, owner_org_id=a.id, make="宝马", model="3系", energy_type="ice")
        listing = await Listing.create(vehicle_id=vehicle.id, dealer_org_id=a.id, status=state, price_fen=20_000_000,
                                       title=f"宝马 3系 {vin}", created_by=users["admin_a"].user.id)  # fmt: skip
        key = f"photos/{vehicle.id}/x.jpg"
        await files.save(key, _jpeg(), "image/jpeg")
        photo = await Photo.create(vehicle_id=vehicle.id, key=key, thumb_key=key, content_type="image/jpeg", width=400,
                                   height=300, size_bytes=1, sha256="0" * 64)  # fmt: skip
        listings[state], photos[state] = listing.id, photo.id
    offer = await Offer.create(listing_id=listings["published"], buyer_user_id=stranger.id, amount_fen=19_000_000,
                               expires_at=datetime.now(UTC) + timedelta(days=1))  # fmt: skip
    await Sale.create(listing_id=listings["reserved"], buyer_user_id=stranger.id, seller_org_id=a.id,
                      price_fen=19_000_000, sold_at=datetime.now(UTC))  # fmt: skip
    saved = await SavedSearch.create(user_id=stranger.id, name="s", params={"q": "bmw"})
    await SearchAlert.create(saved_search_id=saved.id, user_id=stranger.id, listing_id=listings["published"],
                             price_fen=20_000_000)  # fmt: skip
    draft_vin = (await Vehicle.get(id=(await Listing.get(id=listings["draft"])).vehicle_id)).vin
    if caller == "buyer":
        await _login(client, buyer.id)
    elif caller == "read_token":
        _, raw = await sessions.create_token(users["admin_a"].user.id, "read", ["read"], "127.0.0.1")
        client.bearer = raw
    elif caller != "anonymous":
        await _login(client, users[caller].user.id)
    return World(a.id, b.id, listings, photos, offer.id, saved.id, draft_vin, str(stranger.email))


async def snapshot() -> dict[str, Any]:
    return {
        "listings": sorted(await Listing.all().values_list("id", "status", "price_fen", "version")),
        "vehicles": await Vehicle.all().count(),
        "photos": await Photo.all().count(),
        "offers": sorted(await Offer.all().values_list("id", "status")),
        "watches": await Watch.all().count(),
        "saved": sorted(await SavedSearch.all().values_list("id", "paused")),
        "condition": await ConditionItem.all().count(),
        "unread": await SearchAlert.filter(read_at__isnull=True).count(),
    }


def body_for(kind: str, world: World) -> dict[str, Any]:
    if kind == "listing":
        return {"json": listing_body(world.org_a)}
    if kind == "patch":
        return {"json": {"price_fen": 21_000_000}}
    if kind == "condition":
        return {"json": {"items": [{"item": "前保险杠", "grade": "B", "note": "轻微划痕"}]}}
    if kind == "csv":
        csv = f"vin,make,model,energy_type,price_yuan\n{new_vin()},丰田,卡罗拉,hev,86000\n"
        return {"content": csv.encode(), "headers": {"Content-Type": "text/csv"}}
    if kind == "jpeg":
        return {"content": _jpeg(), "headers": {"Content-Type": "image/jpeg"}}
    if kind == "offer":
        return {"json": {"amount_fen": 19_500_000}}
    if kind == "accept":
        return {"json": {"action": "decline"}}
    if kind == "saved":
        return {"json": {"name": "mine", "query": {"q": "bmw"}}}
    if kind == "pause":
        return {"json": {"paused": True}}
    if kind == "read":
        return {"json": {}}  # all of the caller's alerts: the stranger's alert stays unread
    return {}


async def check_cell(client: ApiClient, method: str, path: str, target: str, body: str, caller: str, want: W) -> str:
    """One cell on a fresh world; returns a description of what went wrong, or ''."""
    from tortoise.contrib.test import truncate_all_models

    await truncate_all_models()
    client.bearer = None
    client.http.cookies.clear()
    world = await build(client, caller)
    url = path.format(
        id=world.listings.get(target, 0),
        org=world.org_a,
        photo=world.photos.get(target, 0),
        offer=world.offer,
        saved=world.saved,
    )
    before = await snapshot()
    r = await client.request(method, url, **body_for(body, world))
    cell = f"{method} {path}:{target}:{caller}"
    if r.status_code != want.status:
        return f"{cell}: {r.status_code} (want {want.status}) {r.text[:200]}"
    if want.code and r.json()["error"]["code"] != want.code:
        return f"{cell}: code {r.json()['error']['code']} (want {want.code})"
    after = await snapshot()
    if (r.status_code >= 400 or method not in UNSAFE_METHODS) and after != before:
        return f"{cell}: a refused request or a read changed something"
    idempotent = method == "DELETE" or body in ("pause", "read")  # may find nothing to change in this world
    if r.status_code < 400 and method in UNSAFE_METHODS and after == before and not idempotent:
        return f"{cell}: an allowed write had no effect"
    if caller in ("anonymous", "buyer", "admin_b") and world.draft_vin in r.text:
        return f"{cell}: another organisation's draft leaked"
    if world.buyer_contact in r.text:
        return f"{cell}: a buyer's email address leaked"
    return ""


@pytest.mark.parametrize("caller", CALLERS)
async def test_matrix(lclient: ApiClient, caller: str) -> None:
    """Every endpoint for one caller (one app per caller keeps the 245 cells fast); all mismatches are listed."""
    problems = []
    for method, path, target, body, want in MATRIX:
        problem = await check_cell(lclient, method, path, target, body, caller, want[caller])
        if problem:
            problems.append(problem)
    assert problems == []


def test_matrix_covers_every_route() -> None:
    documented = {(m, p) for m, p, *_ in MATRIX}
    missing = []
    for route in routes:
        op = route.operation  # type: ignore[attr-defined]
        template = (
            op.path.replace("{id:int}/photos/{photo_id:int}", "{id}/photos/{photo}")
            .replace("/api/photos/{id:int}", "/api/photos/{photo}")
            .replace("/api/offers/{id:int}", "/api/offers/{offer}")
            .replace("/api/dealers/{id:int}", "/api/dealers/{org}")
            .replace("/api/me/saved-searches/{id:int}", "/api/me/saved-searches/{saved}")
            .replace("{id:int}", "{id}")
        )
        if (op.method, template) not in documented:
            missing.append(f"{op.method} {template}")
    assert missing == []
