"""Test helpers for the payment rails: invoices made straight from a sale (no auction needed), statement files in
the built-in layouts' shapes (GBK CSV as ICBC-like exports are, XLSX as CCB-like ones are)."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from marketplace.settlement.domain import fees as fee_rules
from marketplace.settlement.models import Invoice
from marketplace.settlement.services import invoices

_refs = itertools.count(900_000)

ICBC_HEADER = ["交易流水号", "交易时间", "对方户名", "对方账号", "借方发生额", "贷方发生额", "余额", "币种", "用途"]
CCB_HEADER = ["账户明细编号-交易流水号", "交易时间", "借方发生额（支取）", "贷方发生额（收入）", "余额", "币种",
              "对方户名", "对方账号", "摘要"]  # fmt: skip


def rules(currency: str = "CNY") -> fee_rules.FeeRules:
    """Buyer premium 5 % and a document fee: invoices with fee lines, so fees-first allocation shows."""
    return fee_rules.parse_rules(
        {
            "currency": currency,
            "buyer_premium": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 500}],
            "seller_commission": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 300}],
            "fixed": [{"kind": "document", "side": "buyer", "amount_fen": 5_000}],
        }
    )


async def make_invoice(house_org_id: int, buyer_user_id: int, hammer_fen: int, currency: str = "CNY",
                       seller_org_id: int = 999_999) -> Invoice:  # fmt: skip
    ref = next(_refs)
    sale: dict[str, Any] = {
        "source": "listing", "source_ref": ref, "house_org_id": house_org_id, "seller_org_id": seller_org_id,
        "buyer_user_id": buyer_user_id, "buyer_org_id": None, "listing_id": ref, "vehicle_id": None,
        "hammer_fen": hammer_fen, "currency": currency, "sold_at": datetime.now(UTC),
    }  # fmt: skip
    async with in_transaction() as conn:
        invoice = await invoices.record_sale(conn, sale, rules(currency), None)
    assert invoice is not None
    return invoice


def icbc_csv(rows: list[list[str]], encoding: str = "gbk") -> bytes:
    """An ICBC-like export: two title lines above the header, GBK by default, CRLF as Excel writes."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["账户明细查询"])
    w.writerow(["账号: 1202 0000 0000 0000 000", "币种: 人民币"])
    w.writerow(ICBC_HEADER)
    w.writerows(rows)
    w.writerow(["合计", "", "", "", "", "", "", "", ""])
    return out.getvalue().encode(encoding)


def icbc_row(serial: str, at: str, amount_yuan: str, balance_yuan: str, reference: str,
             payer: str = "某某汽车贸易有限公司", out: bool = False) -> list[str]:  # fmt: skip
    return [serial, at, payer, "6222 0000 1111", amount_yuan if out else "", "" if out else amount_yuan,
            balance_yuan, "人民币", reference]  # fmt: skip


def ccb_xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["中国建设银行 账户明细"])
    ws.append(CCB_HEADER)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
