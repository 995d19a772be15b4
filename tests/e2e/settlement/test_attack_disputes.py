"""Hostile input to disputes: evidence that is not the photo it claims to be (a PNG signature in front of a web
page, a decompression bomb, a phone photo's GPS in its EXIF, one byte over the limit), the sale's dispute and the
association's list asked for by those who must not see them. A 4xx with a stable code, nothing stored."""

from __future__ import annotations

import asyncio
import io
import struct
import zlib

from PIL import Image

from marketplace.settlement.models import DisputeEvidence
from tests.e2e.settlement.handover_world import build, with_open_dispute
from tests.support import ApiClient


def png(width: int = 320, height: int = 240, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buf, format="PNG")
    return buf.getvalue()


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (320, 240), (10, 120, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}  # GPSInfo: Shanghai
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def png_bomb(side: int = 60_000) -> bytes:
    """A valid PNG header and a tiny compressed stream claiming side × side pixels (3.6 gigapixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # greyscale
    row = b"\0" + b"\0" * side
    stream = zlib.compressobj(9)
    body = b"".join(stream.compress(row) for _ in range(200)) + stream.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


async def send(client: ApiClient, dispute: int, data: bytes, ctype: str = "image/png") -> tuple[int, str | None, dict]:
    r = await client.post(f"/api/disputes/{dispute}/evidence", content=data, headers={"content-type": ctype})
    body = r.json()
    return r.status_code, body.get("error", {}).get("code"), body


async def test_evidence_that_is_not_the_image_it_claims_is_refused(client: ApiClient) -> None:
    _, dispute = await with_open_dispute(client)
    page = b"\x89PNG\r\n\x1a\n<html><script>alert(document.cookie)</script></html>"
    assert (await send(client, dispute, page))[:2] == (422, "invalid_image")
    assert (await send(client, dispute, b"\xff\xd8\xff\xe0" + b"MZ\x90\0" * 64, "image/jpeg"))[:2] == (
        422, "invalid_image",
    )  # fmt: skip
    assert (await send(client, dispute, png_bomb()))[:2] == (422, "image_too_large")
    assert (await send(client, dispute, b"GIF89a" + b"\0" * 64, "image/gif"))[:2] == (415, "unsupported_media_type")
    assert (await send(client, dispute, b"", "image/png"))[:2] == (422, "invalid_file")
    assert await DisputeEvidence.filter(dispute_id=dispute).count() == 0
    assert (await send(client, dispute, png()))[0] == 201


async def test_the_twenty_photo_limit_holds_for_uploads_at_once(client: ApiClient) -> None:
    """With 19 photos on the dispute, several different photos sent at once: one is the twentieth, the others are
    409 `too_many_photos`. Counted without the dispute's row lock, each upload saw 19 and every one was stored."""
    _, dispute = await with_open_dispute(client)
    for n in range(19):
        await DisputeEvidence.create(dispute_id=dispute, key=f"disputes/{dispute}/old{n}.png", content_type="image/png",
                                     size_bytes=1, sha256=f"{n:064x}", uploaded_by_user_id=0)  # fmt: skip
    photos = [png(colour=(n * 40, 90, 200 - n * 30)) for n in range(5)]
    answers = await asyncio.gather(*(send(client, dispute, p) for p in photos))
    assert sorted(a[:2] for a in answers) == [(201, None)] + [(409, "too_many_photos")] * 4
    assert await DisputeEvidence.filter(dispute_id=dispute).count() == 20
    # The same photo as the twentieth, sent again, is not a twenty-first: it answers with the one stored.
    (stored,) = [a[2] for a in answers if a[0] == 201]
    (i,) = [n for n, a in enumerate(answers) if a[0] == 201]
    again = await send(client, dispute, photos[i])
    assert (again[0], again[2]["id"]) == (201, stored["id"])


async def test_one_byte_over_the_limit_is_413(client: ApiClient) -> None:
    _, dispute = await with_open_dispute(client)
    limit = client.app.state.services.settings.max_body_bytes
    over = png() + b"\0" * (limit + 1 - len(png()))
    status, code, _ = await send(client, dispute, over)
    assert (status, code) == (413, "payload_too_large")
    assert await DisputeEvidence.filter(dispute_id=dispute).count() == 0


async def test_the_photo_the_house_downloads_carries_no_gps(client: ApiClient) -> None:
    """The buyer's phone writes where the photo was taken; the house and the seller see the photo, not that."""
    w, dispute = await with_open_dispute(client)
    photo = jpeg_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)  # the attack carries a location
    status, _, body = await send(client, dispute, photo, "image/jpeg")
    assert status == 201, body
    await w.as_("house_admin")
    got = await client.get(f"/api/disputes/{dispute}/evidence/{body['id']}")
    assert got.status_code == 200
    assert got.headers["content-type"] == "image/jpeg"
    served = Image.open(io.BytesIO(got.content))
    assert served.size == (320, 240)
    assert not served.getexif().get_ifd(0x8825)


async def test_the_sale_s_dispute_and_the_association_list_tell_outsiders_nothing(client: ApiClient) -> None:
    w, dispute = await with_open_dispute(client)
    missing_sale = await client.get("/api/sales/2147483647/dispute")
    for who in ("rival_admin", "stranger", "association"):
        await w.as_(who)
        r = await client.get(f"/api/sales/{w.sale.id}/dispute")
        assert (r.status_code, r.json()) == (404, missing_sale.json()), who
        photo = await client.get(f"/api/disputes/{dispute}/evidence/1")
        assert photo.status_code == 404, who
        up = await client.post(
            f"/api/disputes/{dispute}/evidence", content=png(), headers={"content-type": "image/png"}
        )
        assert up.status_code == 404, who
    for who in ("rival_admin", "stranger", "buyer", "house_admin", "seller"):
        await w.as_(who)
        r = await client.get("/api/association/disputes")
        assert r.status_code == 404, who
    await w.as_("seller")
    up = await client.post(f"/api/disputes/{dispute}/evidence", content=png(), headers={"content-type": "image/png"})
    assert (up.status_code, up.json()["error"]["code"]) == (403, "not_the_buyer")
    await w.as_("buyer")
    for body in ({"note": None}, {"note": 5}, {"note": "x" * 2001}, {"level": "authorities"}, []):
        r = await client.post(f"/api/disputes/{dispute}/escalate", json=body)
        assert r.status_code == 422, body
    r = await client.post(f"/api/disputes/{dispute}/escalate", json={})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "dispute_not_answered")


async def test_the_transfer_proof_photo_is_checked_and_stripped_as_evidence_is(client: ApiClient) -> None:
    """The buyer's photo of the new 行驶证 had the same signature-only check: the same holes, the same fix."""
    w = await build(client)
    sale = w.sale.id
    await w.pay()
    await w.hand_over()
    await w.as_("auctioneer")
    docs = ["driving_licence", "invoice", "registration_certificate"]
    assert (await client.post(f"/api/sales/{sale}/transfer/documents", json={"documents": docs})).is_success
    await w.as_("buyer")
    assert (await client.post(f"/api/sales/{sale}/transfer/filed")).is_success
    url = f"/api/sales/{sale}/transfer/proof"
    params = {"province": "安徽", "city": "合肥", "plate": "皖A12345"}
    page = b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"
    for data, code in ((page, "invalid_image"), (png_bomb(), "image_too_large")):
        r = await client.post(url, params=params, content=data, headers={"content-type": "image/png"})
        assert (r.status_code, r.json()["error"]["code"]) == (422, code)
    r = await client.post(url, params=params, content=jpeg_with_gps(), headers={"content-type": "image/jpeg"})
    assert r.status_code == 200, r.text
    await w.as_("house_admin")
    served = Image.open(io.BytesIO((await client.get(url)).content))
    assert served.size == (320, 240)
    assert not served.getexif().get_ifd(0x8825)
