"""Hostile input to the export desk's new endpoints: a filing's papers with a query no form sends (a NUL in the
number, a type that does not exist, a day that does not exist), a rival's filing, a member who may only read;
staff decisions with unknown actions and blank reasons; the card checkout of an order after the member was
removed from the dealer (revocation at once). A 4xx with a stable code and nothing stored."""

from __future__ import annotations

import io

from PIL import Image

from export.models import Document, Filing, FilingDecision
from marketplace.accounts.models import Membership
from marketplace.settlement.models import PayeeAccount
from tests.e2e.export.test_staff_filings import _staff, upload
from tests.e2e.export.test_steps import PDF
from tests.support import ApiClient, make_member
from tests.support_export import login_as, make_exporter, make_order
from tests.support_images import JPEG
from tests.unit.documents.samples import flat, squash


async def test_a_filing_paper_with_a_query_no_form_sends_is_refused(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=0)
    for params in ({"number": "备案\x00001"}, {"issuer": "厅\x07"}, {"doc_type": "passport"}, {"doc_type": ""},
                   {"issued_on": "2026-02-30"}, {"issued_on": "10" * 30}, {"number": "x" * 61}):  # fmt: skip
        r = await upload(client, ex.filing.id, **params)  # type: ignore[arg-type]
        assert (r.status_code, r.json()["error"]["code"]) == (422, "validation_error"), params
    cases = [
        (b"", "application/pdf", 422, "document_empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 16, "application/pdf", 422, "document_content_mismatch"),
        (PDF, "text/html", 415, "document_type_not_allowed"),
    ]
    for data, ctype, status, code in cases:
        r = await client.post(f"/api/export/filings/{ex.filing.id}/documents", params={"doc_type": "other"},
                              content=data, headers={"Content-Type": ctype})  # fmt: skip
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), ctype
    assert await Document.filter(filing_id=ex.filing.id).count() == 0


async def test_a_rival_s_filing_is_missing_and_a_reader_uploads_nothing(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=0)
    await make_exporter(client, cars=0)  # logs the rival in
    missing = await upload(client, 2147483647)
    for r in (await upload(client, ex.filing.id), await client.get(f"/api/export/filings/{ex.filing.id}/documents")):
        assert (r.status_code, r.json()) == (404, missing.json())
    reader = await make_member(client.app, ex.org, ["buyer"], "reader")
    await login_as(client, reader.user.id)
    r = await upload(client, ex.filing.id)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "insufficient_role")
    assert await Document.filter(filing_id=ex.filing.id).count() == 0


async def test_staff_decisions_refuse_unknown_actions_and_blank_reasons(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=0)
    url = f"/api/admin/export/filings/{ex.filing.id}/decision"
    r = await client.post(url, json={"action": "suspend", "reason": "x"})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "staff_only")
    await login_as(client, await _staff(client))
    for body in ({"action": "revoke"}, {"action": None}, {}, {"action": "suspend", "reason": "x" * 501},
                 {"action": "suspend", "reason": 5}, {"action": "suspend", "reason": "a\u0000b"}):  # fmt: skip
        assert (await client.post(url, json=body)).status_code == 422, body
    for reason in ("", "   ", "\t\n"):
        r = await client.post(url, json={"action": "suspend", "reason": reason})
        assert (r.status_code, r.json()["error"]["code"]) == (422, "filing_reason_required"), reason
    r = await client.post(url, json={"action": "reinstate"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "invalid_transition")
    missing = await client.post("/api/admin/export/filings/2147483647/decision", json={"action": "verify"})
    assert missing.status_code == 404
    assert (await Filing.get(id=ex.filing.id)).status == "verified"
    assert await FilingDecision.filter(filing_id=ex.filing.id).count() == 0
    ok = await client.post(url, json={"action": "suspend", "reason": "材料存疑"})
    assert ok.status_code == 200, ok.text
    again = await client.post(url, json={"action": "suspend", "reason": "再次"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invalid_transition")
    assert await FilingDecision.filter(filing_id=ex.filing.id).count() == 1


async def test_a_member_removed_from_the_dealer_loses_the_order_s_checkout_at_once(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)
    url = f"/api/export/orders/{order['id']}/card-checkout"
    assert (await client.get(url)).status_code == 200
    await Membership.filter(user_id=ex.admin.user.id, organisation_id=ex.org.id).delete()
    missing = await client.get("/api/export/orders/2147483647/card-checkout")
    for method in ("GET", "POST"):
        r = await client.request(method, url)
        assert (r.status_code, r.json()) == (404, missing.json()), method


async def test_a_scanned_paper_is_encoded_again_without_its_exif_and_fakes_are_refused(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=0)
    img, out = Image.new("RGB", (40, 30), (10, 120, 200)), io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {2: (30.0, 0.0, 0.0), 4: (121.0, 0.0, 0.0)}  # a phone's GPS position
    img.save(out, format="JPEG", exif=exif)
    r = await client.post(f"/api/export/filings/{ex.filing.id}/documents", params={"doc_type": "other"},
                          content=out.getvalue(), headers={"Content-Type": "image/jpeg"})  # fmt: skip
    assert r.status_code == 201, r.text
    served = await client.get(f"/api/export/documents/{r.json()['id']}")
    assert served.status_code == 200
    assert Image.open(io.BytesIO(served.content)).size == (40, 30)
    assert not Image.open(io.BytesIO(served.content)).getexif()
    for data, ctype, status, code in (
        (b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "image/png", 422, "invalid_image"),
        (JPEG, "image/png", 422, "document_content_mismatch"),  # a JPEG's pixels sent as a PNG
    ):
        r = await client.post(f"/api/export/filings/{ex.filing.id}/documents", params={"doc_type": "other"},
                              content=data, headers={"Content-Type": ctype})  # fmt: skip
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), ctype
    assert await Document.filter(filing_id=ex.filing.id).count() == 1


async def test_the_consignee_s_pages_are_kept_by_no_cache(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)
    vehicle = order["vehicles"][0]
    doc = await client.post(f"/api/export/vehicles/{vehicle['id']}/documents", content=PDF,
                            params={"doc_type": "commercial_invoice", "for_consignee": "true"},
                            headers={"Content-Type": "application/pdf"})  # fmt: skip
    assert doc.status_code == 201, doc.text
    token = (await client.post(f"/api/export/orders/{order['id']}/consignee-links")).json()["token"]
    public = client.fork()
    public.http.cookies.clear()
    headers = {"X-Consignee-Token": token}
    view = await public.get("/api/export/consignee", headers=headers)
    assert view.status_code == 200, view.text
    assert view.json()["consignee"] == "Astana Motors LLP"
    paper = await public.get(f"/api/export/consignee/documents/{doc.json()['id']}", headers=headers)
    assert paper.status_code == 200
    for r in (view, paper):
        assert r.headers["cache-control"] == "private, no-store", r.url
        assert "x-consignee-token" in r.headers["vary"].lower(), r.url


async def test_platform_staff_oversee_an_order_without_the_consignee_s_personal_data(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)
    mine = (await client.get(f"/api/export/orders/{order['id']}")).json()["consignee"]
    assert (mine["name"], mine["address"]) == ("Astana Motors LLP", "12 Abay Ave, Astana")
    assert mine["contact"].startswith("+7 701")
    await login_as(client, await _staff(client))
    seen = await client.get(f"/api/export/orders/{order['id']}")
    assert seen.status_code == 200, seen.text
    consignee = seen.json()["consignee"]
    assert (consignee["name"], consignee["address"], consignee["contact"]) == (None, None, None)
    assert (consignee["country"], consignee["contract_no"]) == ("KZ", mine["contract_no"])  # the order, not the person
    listed = (await client.get(f"/api/export/dealers/{ex.org.id}/orders")).json()["items"]
    desk = (await client.get(f"/api/export/dealers/{ex.org.id}/desk")).json()["orders"]
    for o in (*listed, *desk):
        assert (o["consignee"]["name"], o["consignee"]["address"], o["consignee"]["contact"]) == (None, None, None)
    assert "Astana" not in seen.text + str(listed) + str(desk)
    # Nor in the papers: staff read them with the consignee withheld; the destination country stays.
    dossier = f"/api/export/vehicles/{order['vehicles'][0]['id']}/dossier.pdf"
    base = f"/api/export/orders/{order['id']}"
    for url in (f"{base}/commercial-invoice.pdf", f"{base}/contract.pdf", dossier):
        paper = await client.get(url)
        assert paper.status_code == 200, url
        text = flat(paper.content)
        assert squash("Astana Motors") not in text, url
        assert squash("+7 701") not in text, url
        assert squash("收货人信息仅出口商可见") in text, url


async def test_a_dealer_without_a_verified_filing_sets_no_card_payee_by_any_route(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=0, payee=False)
    await Filing.filter(id=ex.filing.id).update(status="pending")
    body = {"account": "acct_1032D82eZvKYlo2C"}
    r = await client.put(f"/api/export/dealers/{ex.org.id}/card-payee", json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "filing_not_verified"), r.text
    # The settlement desk's route is an auction house's: a dealer naming its own id there skips no filing check.
    for method, url in (("PUT", f"/api/houses/{ex.org.id}/card-payee"),
                        ("POST", f"/api/houses/{ex.org.id}/card-payee/verify")):  # fmt: skip
        r = await client.request(method, url, json=body if method == "PUT" else None)
        assert (r.status_code, r.json()["error"]["code"]) == (403, "card_payee_not_a_house"), (url, r.text)
    await Filing.filter(id=ex.filing.id).update(status="verified")
    r = await client.put(f"/api/houses/{ex.org.id}/card-payee", json=body)  # verified: still the export desk's
    assert (r.status_code, r.json()["error"]["code"]) == (403, "card_payee_not_a_house"), r.text
    assert not await PayeeAccount.filter(org_id=ex.org.id).exists()

    # Another organisation's setting answers as a missing one, on either route.
    rival = await make_exporter(client, cars=0, payee=False)  # now logged in as the rival
    for route in ("/api/houses/{}/card-payee", "/api/export/dealers/{}/card-payee"):
        theirs = await client.put(route.format(ex.org.id), json=body)
        nobody = await client.put(route.format(2_147_483_647), json=body)
        assert theirs.status_code == 404, (route, theirs.text)
        assert (theirs.status_code, theirs.json()) == (nobody.status_code, nobody.json()), route
    assert rival.org.id != ex.org.id
