"""A house's submission file with control characters in its cells (a NUL pasted from another program): PostgreSQL's
text refuses NUL, so the import failed with a driver error (a 500 over HTTP) after reading the whole file."""

from __future__ import annotations

import pytest

from marketplace.settings import Settings
from marketplace.stats.models import SaleFact
from tests.integration.stats.test_imports import SALE_COLUMNS, SALES, SESSION_COLUMNS, SESSIONS, csv_bytes, run

pytestmark = pytest.mark.usefixtures("database")


async def test_a_control_character_in_a_cell_is_dropped_not_a_driver_error(database: Settings) -> None:
    sales = [[*SALES[0][:5], "比亚\x00迪", "B\x07YD", *SALES[0][7:]], SALES[1]]
    report = await run(csv_bytes(SESSION_COLUMNS, SESSIONS), csv_bytes(SALE_COLUMNS, sales))
    assert (report.error_count, report.imported) == (0, True)
    sale = await SaleFact.get(sale_key="S-1")
    assert (sale.make, sale.make_en) == ("比亚迪", "BYD")
