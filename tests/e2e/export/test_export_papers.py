"""The export papers over HTTP, read back with pypdf: the order's commercial invoice and contract and a vehicle's
dossier for the exporter's members (figures in the order's currency, VINs, the consignee, steps and MISSING
papers); another exporter and a missing id get the same 404."""

from __future__ import annotations

from datetime import date

import pytest

from export.domain import clocks
from export.services import papers
from marketplace import documents, offload
from tests.support import ApiClient, make_member, make_org
from tests.support_export import login_as, make_exporter, make_order
from tests.unit.documents.samples import flat, squash


async def test_exporter_downloads_the_papers_and_a_rival_gets_404(client: ApiClient) -> None:
    ex = await make_exporter(client, cars=2)
    order = await make_order(client, ex)  # two cars at US$12,500.00 each, CIF Aktau, contract CT-2026-17
    oid = order["id"]
    vehicle = order["vehicles"][0]
    vins = [v["vin"] for v in order["vehicles"]]

    r = await client.get(f"/api/export/orders/{oid}/commercial-invoice.pdf")
    assert r.status_code == 200, r.text[:200]
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'attachment; filename="commercial-invoice-CI-EX-2026-001.pdf"'
    assert r.headers["cache-control"] == "private, no-store"
    text = flat(r.content)
    for needle in ("商业发票", "CI-EX-2026-001", "Astana Motors LLP", "CT-2026-17", "CIF", "Aktau", "US$12,500.00",
                   "US$25,000.00", ex.org.name, *vins):  # fmt: skip
        assert squash(needle) in text, needle

    r = await client.get(f"/api/export/orders/{oid}/contract.pdf")
    assert r.status_code == 200, r.text[:200]
    text = flat(r.content)
    for needle in ("CT-2026-17", "Astana Motors LLP", "US$25,000.00", "T/T", "中国国际经济贸易仲裁委员会", *vins):
        assert squash(needle) in text, needle

    r = await client.get(f"/api/export/vehicles/{vehicle['id']}/dossier.pdf")
    assert r.status_code == 200, r.text[:200]
    text = flat(r.content)
    # a new vehicle: bought, every later step pending, every required paper missing
    for needle in (vehicle["vin"], "EX-2026-001", "注销登记", "出口许可证", "MISSING", "KZ"):
        assert squash(needle) in text, needle

    # a read-only member of the exporter reads them too
    member = await make_member(client.app, ex.org, ["buyer"], "ro")
    await login_as(client, member.user.id)
    assert (await client.get(f"/api/export/orders/{oid}/contract.pdf")).status_code == 200

    rival = await make_member(client.app, await make_org("dealer"), ["dealer_admin"], "rival")
    await login_as(client, rival.user.id)
    for path, missing in (
        (f"/api/export/orders/{oid}/commercial-invoice.pdf", "/api/export/orders/2147483000/commercial-invoice.pdf"),
        (f"/api/export/orders/{oid}/contract.pdf", "/api/export/orders/2147483000/contract.pdf"),
        (f"/api/export/vehicles/{vehicle['id']}/dossier.pdf", "/api/export/vehicles/2147483000/dossier.pdf"),
    ):
        r = await client.get(path)
        assert r.status_code == 404, path
        assert r.json()["error"]["code"] == "not_found"
        assert r.json() == (await client.get(missing)).json()


@pytest.mark.parametrize(
    "error", [documents.DocumentTooLarge("past 20 pages"), MemoryError(), offload.CpuBudgetExceeded("20 s")]
)
async def test_a_paper_too_large_to_produce_is_413(
    client: ApiClient, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    ex = await make_exporter(client, cars=1)
    order = await make_order(client, ex)

    async def refuse(content: object) -> bytes:
        raise error

    monkeypatch.setattr(documents, "render_offloaded", refuse)
    r = await client.get(f"/api/export/orders/{order['id']}/commercial-invoice.pdf")
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "document_too_large"


def test_dossier_steps_take_their_state_from_the_clock_they_close() -> None:
    today = date(2026, 12, 1)
    found = [clocks.Deadline("plate", date(2026, 11, 30)), clocks.Deadline("licence", date(2026, 12, 5))]
    rows = {r.code: r for r in papers._step_rows({"bought": date(2026, 11, 1)}, found, today)}
    assert (rows["bought"].state, rows["bought"].done_on) == ("done", date(2026, 11, 1))
    assert (rows["inspected"].state, rows["inspected"].due_on) == ("overdue", date(2026, 11, 30))
    assert (rows["declared"].state, rows["declared"].due_on) == ("due_soon", date(2026, 12, 5))
    assert (rows["loaded"].state, rows["loaded"].due_on) == ("pending", None)
    assert list(rows)[-1] == "vat_refund_filed"  # the final step shown until one is recorded
    far = [clocks.Deadline("licence", date(2027, 3, 1))]
    assert {r.code: r for r in papers._step_rows({}, far, today)}["declared"].state == "pending"
