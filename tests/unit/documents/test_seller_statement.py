"""The consignor's statement with one house (委托人对账单): rows in order with their states, totals per currency,
English beside the Chinese when bilingual, a statement with no sales, and the table bound (413 upstream)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.documents import DocumentTooLarge, render, sheet_for
from marketplace.documents.model import SellerStatement, StatementRow, StatementTotal
from tests.unit.documents.samples import HOUSE, SELLER, SOLD_AT, flat, squash


def statement(rows: tuple[StatementRow, ...], totals: tuple[StatementTotal, ...], **kw: object) -> SellerStatement:
    return SellerStatement(number="ST-1-2-20260301", house=HOUSE, seller=SELLER, as_of=SOLD_AT, rows=rows,
                           totals=totals, **kw)  # type: ignore[arg-type]  # fmt: skip


PAID = StatementRow("#11 拍品 #3", "LSVAB4BR0NN000001", SOLD_AT, "CNY", 12_345_600, 617_280, 11_728_320, "paid",
                    11_728_320, "ICBC-OUT-1")  # fmt: skip
DUE = StatementRow("#12", "LSVAB4BR0NN000002", SOLD_AT + timedelta(days=1), "USD", 1_250_000, 62_500, 1_187_500,
                   "due")  # fmt: skip
TOTALS = (StatementTotal("CNY", 12_345_600, 617_280, 11_728_320, 0), StatementTotal("USD", 1_250_000, 62_500, 0,
                                                                                    1_187_500))  # fmt: skip


def test_rows_and_totals_per_currency_bilingual() -> None:
    text = flat(render(statement((PAID, DUE), TOTALS, bilingual=True)))
    for needle in ("委托人对账单", "Consignor Statement", "ST-1-2-20260301", SELLER.name, "#11拍品#3", "2026年03月01日",
                   "LSVAB4BR0NN000001", "¥123,456.00", "-¥6,172.80", "¥117,283.20", "已付 paid", "ICBC-OUT-1",
                   "US$12,500.00", "-US$625.00", "US$11,875.00", "应付 due", "Outstanding",
                   "The Chinese text prevails"):  # fmt: skip
        assert squash(needle) in text, needle
    assert text.index("LSVAB4BR0NN000001") < text.index("LSVAB4BR0NN000002")  # sale order


def test_chinese_only_and_no_sales() -> None:
    text = flat(render(statement((), ())))
    assert squash("本期无成交。") in text
    assert "Consignor" not in text


def test_past_the_table_bound_it_is_refused() -> None:
    rows = tuple(PAID for _ in range(301))
    with pytest.raises(DocumentTooLarge):
        render(statement(rows, TOTALS[:1]))
    assert sheet_for(statement(rows[:3], TOTALS[:1])).title == "委托人对账单"
