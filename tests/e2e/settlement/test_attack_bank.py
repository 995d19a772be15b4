"""Hostile input at the house's bank desk: statement previews and imports of files no bank makes, saved column
mappings with formulas and control characters, a queued line split across invoices it must not pay (another
buyer's, another house's), and the same line decided twice at once. Each answer is a 4xx with a stable code and
nothing half-written, never a 500."""

from __future__ import annotations

import asyncio

import pytest

from marketplace.settlement.models import BankImport, BankLine, BankMapping, Invoice, Receipt
from tests.conftest import PG_URL
from tests.e2e.settlement.test_bank_desk_api import other_bank_csv, staff
from tests.support import ApiClient, make_org
from tests.support_bank import make_invoice

MAPPING = {"format": "csv", "serial": "流水号", "booked_at": "日期", "amount": "金额", "payer": "付款人",
           "reference": "附言"}  # fmt: skip


async def import_ns(client: ApiClient, house: int, data: bytes, **params: str) -> dict[str, object]:
    saved = await client.post(f"/api/houses/{house}/bank/layouts", json={"name": "ns", "mapping": MAPPING})
    assert saved.status_code == 200, saved.text
    r = await client.post(f"/api/houses/{house}/bank/statements", params={"layout": "ns", **params}, content=data)
    assert r.status_code in (200, 201), r.text
    body: dict[str, object] = r.json()
    return body


async def queued(client: ApiClient, house: int) -> dict[str, dict[str, object]]:
    items = (await client.get(f"/api/houses/{house}/bank/lines?status=queued")).json()["items"]
    return {x["serial"]: x for x in items}


async def test_previews_of_files_no_bank_makes_are_refused_with_a_code(client: ApiClient) -> None:
    house = await staff(client)
    url = f"/api/houses/{house}/bank/statements/preview"
    cases = {
        "huge cell": (b'"' + b"x" * 200_000 + b'"\r\n', "csv", 422, "invalid_file"),
        "utf-16": ("流水号,日期\r\n".encode("utf-16"), "csv", 422, "invalid_file"),
        "csv as xlsx": (other_bank_csv([["1", "2026-03-02", "1.00", "a", "b"]]), "xlsx", 422, "invalid_file"),
        "over the body limit": (b"a,b\r\n" * 300_000, "csv", 413, "payload_too_large"),
    }
    for name, (data, fmt, status, code) in cases.items():
        r = await client.post(f"{url}?format={fmt}", content=data, headers={"Content-Type": "text/csv"})
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), name
    unknown = await client.post(f"{url}?format=ods", content=b"a,b\r\n")
    assert unknown.status_code == 422
    missing = await client.post(url, content=b"a,b\r\n")
    assert missing.status_code == 422
    # A huge cell within the CSV limit is shown clipped, never whole.
    long = await client.post(f"{url}?format=csv", content=b"x" * 100_000 + b",y\r\n")
    assert long.status_code == 200
    assert [len(c) for c in long.json()["rows"][0]] == [80, 1]


async def test_a_mapping_name_or_column_cannot_carry_a_formula_or_a_control_character(client: ApiClient) -> None:
    house = await staff(client)
    url = f"/api/houses/{house}/bank/layouts"
    for name in ("=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "a b", "", "x" * 61):
        r = await client.post(url, json={"name": name, "mapping": MAPPING})
        assert r.status_code == 422, name
    nul = await client.post(url, json={"name": "ok", "mapping": {**MAPPING, "payer": "付款人\u0000"}})
    assert (nul.status_code, nul.json()["error"]["code"]) == (422, "validation_error")
    for bad in (None, 7, ["x"], {"a": 1}):
        r = await client.post(url, json={"name": "ok", "mapping": {**MAPPING, "payer": bad}})
        assert r.status_code == 422, bad
    r = await client.post(url, json={"name": "ok", "mapping": {**MAPPING, "format": "ods"}})
    assert r.status_code == 422
    assert await BankMapping.filter(house_org_id=house).count() == 0


async def test_a_mapping_to_columns_the_file_lacks_imports_nothing(client: ApiClient) -> None:
    house = await staff(client)
    mapping = {**MAPPING, "reference": "用途"}  # the file has 附言
    assert (await client.post(f"/api/houses/{house}/bank/layouts", json={"name": "wrong", "mapping": mapping})
            ).status_code == 200  # fmt: skip
    data = other_bank_csv([["NS-1", "2026-03-02 10:00", "1.00", "张三", "x"]])
    r = await client.post(f"/api/houses/{house}/bank/statements?layout=wrong", content=data)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_file")
    header_only = await client.post(f"/api/houses/{house}/bank/statements?layout=icbc-csv", content=b"\r\n")
    assert (header_only.status_code, header_only.json()["error"]["code"]) == (422, "invalid_file")
    assert await BankImport.filter(house_org_id=house).count() == 0


async def test_a_huge_or_negative_amount_in_a_statement_is_refused(client: ApiClient) -> None:
    house = await staff(client)
    await import_ns(client, house, other_bank_csv([["NS-0", "2026-03-01 10:00", "1.00", "a", "b"]]))
    for amount in ("1" + "0" * 30, "1e30", "NaN", "-0.001", "1.005"):
        data = other_bank_csv([["NS-1", "2026-03-02 10:00", amount, "张三", "x"]])
        r = await client.post(f"/api/houses/{house}/bank/statements?layout=ns", content=data)
        assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_statement_line"), amount
    assert await BankImport.filter(house_org_id=house).count() == 1


async def test_control_characters_in_a_statement_file_are_not_a_500(client: ApiClient) -> None:
    """A NUL in a cell (a bank's export padded with them): PostgreSQL's text columns refuse it (a 500 there), so
    the reader drops it as the API refuses it in JSON."""
    house = await staff(client)
    data = other_bank_csv([["NS-\x001", "2026-03-02 10:00", "1.00", "张\x00三", "付\x00款\x07"]])
    r = await client.post(f"/api/houses/{house}/bank/statements/preview?format=csv", content=data)
    assert r.status_code == 200
    assert r.json()["rows"][2] == ["NS-1", "2026-03-02 10:00", "1.00", "张三", "付款"]
    await import_ns(client, house, data)
    line = (await client.get(f"/api/houses/{house}/bank/lines")).json()["items"][0]
    assert (line["serial"], line["payer"], line["reference"]) == ("NS-1", "张三", "付款")


async def test_a_control_character_in_the_query_is_refused(client: ApiClient) -> None:
    """The import's file name comes in the query string and is stored: the same refusal as in a JSON body."""
    house = await staff(client)
    saved = await client.post(f"/api/houses/{house}/bank/layouts", json={"name": "ns", "mapping": MAPPING})
    assert saved.status_code == 200
    plain = other_bank_csv([["NS-2", "2026-03-02 11:00", "1.00", "张三", "付款"]])
    named = await client.post(f"/api/houses/{house}/bank/statements", params={"layout": "ns", "filename": "a\x00.csv"},
                              content=plain)  # fmt: skip
    assert (named.status_code, named.json()["error"]["code"]) == (422, "validation_error")
    assert named.json()["error"]["details"][0]["loc"] == ["query", "filename"]
    assert await BankImport.filter(house_org_id=house).count() == 0


async def test_a_line_is_not_split_across_another_house_s_invoices(client: ApiClient) -> None:
    house = await staff(client)
    rival = await make_org("auction_house")
    mine = await make_invoice(house, 4242, 100_000)
    theirs = await make_invoice(rival.id, 4242, 100_000)
    await import_ns(
        client,
        house,
        other_bank_csv(
            [["NS-1", "2026-03-02 10:00", f"{(mine.total_fen + theirs.total_fen) / 100:.2f}", "张三", "车款"]]
        ),
    )
    line = (await queued(client, house))["NS-1"]
    url = f"/api/houses/{house}/bank/lines/{line['id']}/resolve"
    r = await client.post(url, json={"action": "apply", "invoices": [mine.number, theirs.number]})
    missing = await client.post(url, json={"action": "apply", "invoices": [mine.number, "2099-99999-999999"]})
    assert (r.status_code, r.json()) == (404, missing.json())
    assert (await Invoice.get(id=theirs.id)).paid_fen == 0
    assert (await Invoice.get(id=mine.id)).paid_fen == 0
    for body in ({"action": "apply", "invoices": None}, {"action": "apply", "invoices": mine.number},
                 {"action": "apply", "invoices": [mine.number], "amounts": [-1]}, {"action": "pay"},
                 {"action": "apply", "invoices": [10**30]}):  # fmt: skip
        bad = await client.post(url, json=body)
        assert bad.status_code == 422, body
    assert await Receipt.filter(house_org_id=house).count() == 0


async def test_a_line_split_across_two_buyers_invoices_is_refused(client: ApiClient) -> None:
    """One payer's transfer split by hand pays one buyer's invoices (the desk lists one buyer's): crediting a
    second buyer with the first's money is not a split but a mistake the books keep."""
    house = await staff(client)
    a, b = await make_invoice(house, 4242, 100_000), await make_invoice(house, 4343, 50_000)
    await import_ns(
        client,
        house,
        other_bank_csv([["NS-1", "2026-03-02 10:00", f"{(a.total_fen + b.total_fen) / 100:.2f}", "张三", "车款"]]),
    )
    line = (await queued(client, house))["NS-1"]
    r = await client.post(f"/api/houses/{house}/bank/lines/{line['id']}/resolve",
                          json={"action": "apply", "invoices": [a.number, b.number]})  # fmt: skip
    assert (r.status_code, r.json()["error"]["code"]) == (409, "split_buyers_differ")
    assert [(await Invoice.get(id=i.id)).paid_fen for i in (a, b)] == [0, 0]
    assert (await BankLine.get(id=line["id"])).status == "queued"


@pytest.mark.skipif(not PG_URL, reason="two requests at once meet on PostgreSQL's row locks")
async def test_the_same_line_split_twice_at_once_applies_once(client: ApiClient) -> None:
    house = await staff(client)
    a, b = await make_invoice(house, 4242, 100_000), await make_invoice(house, 4242, 50_000)
    c, d = await make_invoice(house, 4242, 100_000), await make_invoice(house, 4242, 50_000)
    await import_ns(
        client,
        house,
        other_bank_csv([["NS-1", "2026-03-02 10:00", f"{(a.total_fen + b.total_fen) / 100:.2f}", "张三", "车款"]]),
    )
    line = (await queued(client, house))["NS-1"]
    url = f"/api/houses/{house}/bank/lines/{line['id']}/resolve"
    results = await asyncio.gather(
        client.post(url, json={"action": "apply", "invoices": [a.number, b.number]}),
        client.post(url, json={"action": "apply", "invoices": [c.number, d.number]}),
        client.post(url, json={"action": "apply", "invoices": [a.number, b.number]}),
    )
    assert sorted(r.status_code for r in results) == [200, 409, 409], [r.text for r in results]
    assert {r.json()["error"]["code"] for r in results if r.status_code == 409} == {"bank_line_decided"}
    assert await Receipt.filter(house_org_id=house).count() == 2
    paid = sum([(await Invoice.get(id=i.id)).paid_fen for i in (a, b, c, d)])
    assert paid == line["amount_fen"]
