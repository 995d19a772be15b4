"""What the desk's Bank tab calls beyond a plain import: a file's first rows previewed to map its columns, the
mapping saved and used for the next import, and one statement line split across several invoices by hand (exact
splits only). A rival house gets the same 404 as a missing one."""

from __future__ import annotations

import csv
import io

from marketplace.settlement.models import BankMapping, Invoice
from tests.support import ApiClient, make_member, make_org
from tests.support_bank import ccb_xlsx, make_invoice


def other_bank_csv(rows: list[list[str]]) -> bytes:
    """A bank the app has no layout for: a title row, then 日期/金额/付款人/附言/流水号, signed amounts, UTF-8."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["某农商银行 交易明细"])
    w.writerow(["流水号", "日期", "金额", "付款人", "附言"])
    w.writerows(rows)
    return out.getvalue().encode()


async def staff(client: ApiClient) -> int:
    house = await make_org("auction_house")
    member = await make_member(client.app, house, ["auctioneer"], "auc")
    assert (await client.login(member.login)).status_code == 200
    return house.id


async def test_a_previewed_file_mapped_saved_and_imported(client: ApiClient) -> None:
    house = await staff(client)
    inv = await make_invoice(house, 4242, 100_000)
    data = other_bank_csv([["NS-1", "2026-03-02 10:00", f"{inv.total_fen / 100:.2f}", "张三", f"付 {inv.number}"]])
    preview = await client.post(f"/api/houses/{house}/bank/statements/preview?format=csv", content=data,
                                headers={"Content-Type": "text/csv"})  # fmt: skip
    assert preview.status_code == 200, preview.text
    rows = preview.json()["rows"]
    assert rows[0] == ["某农商银行 交易明细"]
    assert rows[1] == ["流水号", "日期", "金额", "付款人", "附言"]
    assert rows[2][0] == "NS-1"

    mapping = {"format": "csv", "serial": "流水号", "booked_at": "日期", "amount": "金额", "payer": "付款人",
               "reference": "附言"}  # fmt: skip
    saved = await client.post(f"/api/houses/{house}/bank/layouts", json={"name": "农商行", "mapping": mapping})
    assert saved.status_code == 200, saved.text
    names = [(x["name"], x["builtin"]) for x in (await client.get(f"/api/houses/{house}/bank/layouts")).json()["items"]]
    assert ("农商行", False) in names
    done = await client.post(f"/api/houses/{house}/bank/statements", params={"layout": "农商行"}, content=data,
                             headers={"Content-Type": "text/csv"})  # fmt: skip
    assert done.status_code == 201, done.text
    assert done.json()["outcomes"] == {"applied": 1}
    assert (await Invoice.get(id=inv.id)).status == "paid"

    bad = await client.post(f"/api/houses/{house}/bank/layouts",
                            json={"name": "x", "mapping": {**mapping, "debit": "金额"}})  # fmt: skip
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_bank_mapping")
    assert await BankMapping.filter(house_org_id=house).count() == 1


async def test_a_preview_reads_xlsx_and_refuses_what_it_cannot_read(client: ApiClient) -> None:
    house = await staff(client)
    url = f"/api/houses/{house}/bank/statements/preview"
    book = ccb_xlsx([["CCB-1", "2026-03-02 09:00:00", "", "1.00", "1.00", "人民币", "甲", "1", "x"]])
    r = await client.post(f"{url}?format=xlsx", content=book)
    assert r.status_code == 200, r.text
    assert any("摘要" in row for row in r.json()["rows"])
    assert any(row[:1] == ["CCB-1"] for row in r.json()["rows"])
    empty = await client.post(f"{url}?format=csv", content=b"")
    assert (empty.status_code, empty.json()["error"]["code"]) == (422, "invalid_file")
    broken = await client.post(f"{url}?format=xlsx", content=b"PK\x03\x04 not a workbook")
    assert (broken.status_code, broken.json()["error"]["code"]) == (422, "invalid_file")
    blank = await client.post(f"{url}?format=csv", content=b"\r\n,,\r\n")
    assert (blank.status_code, blank.json()["error"]["code"]) == (422, "invalid_file")


async def test_a_rival_house_previews_nothing(client: ApiClient) -> None:
    house = await make_org("auction_house")
    await staff(client)  # logged in as another house's auctioneer
    data = other_bank_csv([["NS-1", "2026-03-02", "1.00", "a", "b"]])
    rival = await client.post(f"/api/houses/{house.id}/bank/statements/preview?format=csv", content=data)
    missing = await client.post("/api/houses/2147483647/bank/statements/preview?format=csv", content=data)
    assert rival.status_code == missing.status_code == 404
    assert rival.json() == missing.json()


async def test_one_line_split_across_invoices_by_hand(client: ApiClient) -> None:
    house = await staff(client)
    a, b = await make_invoice(house, 4242, 100_000), await make_invoice(house, 4242, 50_000)
    c = await make_invoice(house, 4242, 70_000)
    total = a.total_fen + b.total_fen
    data = other_bank_csv([
        ["NS-1", "2026-03-02 10:00", f"{total / 100:.2f}", "张三", "两台车的款"],
        ["NS-2", "2026-03-02 11:00", f"{(a.total_fen + c.total_fen - 1) / 100:.2f}", "张三", "车款"],
    ])  # fmt: skip
    mapping = {"format": "csv", "serial": "流水号", "booked_at": "日期", "amount": "金额", "payer": "付款人",
               "reference": "附言"}  # fmt: skip
    assert (await client.post(f"/api/houses/{house}/bank/layouts", json={"name": "ns", "mapping": mapping})).is_success
    r = await client.post(f"/api/houses/{house}/bank/statements?layout=ns", content=data)
    assert r.json()["outcomes"] == {"queued": 2}
    lines = {
        x["serial"]: x for x in (await client.get(f"/api/houses/{house}/bank/lines?status=queued")).json()["items"]
    }

    inexact = await client.post(f"/api/houses/{house}/bank/lines/{lines['NS-2']['id']}/resolve",
                                json={"action": "apply", "invoices": [a.number, c.number]})  # fmt: skip
    assert (inexact.status_code, inexact.json()["error"]["code"]) == (409, "split_inexact")
    assert (await Invoice.get(id=a.id)).paid_fen == 0

    exact = await client.post(f"/api/houses/{house}/bank/lines/{lines['NS-1']['id']}/resolve",
                              json={"action": "apply", "invoices": [a.number, b.number]})  # fmt: skip
    assert exact.status_code == 200, exact.text
    assert exact.json()["invoices"] == [[a.number, a.total_fen], [b.number, b.total_fen]]
    assert [(await Invoice.get(id=i.id)).status for i in (a, b, c)] == ["paid", "paid", "open"]
