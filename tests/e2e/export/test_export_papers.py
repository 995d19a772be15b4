"""The export papers over HTTP, read back with pypdf: the order's commercial invoice and contract and a vehicle's
dossier for the exporter's members (figures in the order's currency, VINs, the consignee, steps and MISSING
papers); another exporter and a missing id get the same 404."""

from __future__ import annotations

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
