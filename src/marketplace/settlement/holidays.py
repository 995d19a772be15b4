"""The shipped holiday table (data/holidays_cn.json), read once into the pure calendar."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from importlib import resources

from marketplace.settlement.domain.calendar import WorkingCalendar


@cache
def china() -> WorkingCalendar:
    data = json.loads(resources.files("marketplace.settlement").joinpath("data/holidays_cn.json").read_text("utf-8"))
    holidays: list[date] = []
    workdays: list[date] = []
    for year in data["years"].values():
        holidays.extend(date.fromisoformat(d) for h in year["holidays"] for d in h["days"])
        workdays.extend(date.fromisoformat(d) for d in year["workdays"])
    return WorkingCalendar.build(holidays, workdays, (int(y) for y in data["years"]))
