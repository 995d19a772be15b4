"""The condition report in a few lines, for the lot page beside the price. Pure."""

from __future__ import annotations

from typing import Any

GRADES = "ABCDE"  # condition grades, best first


def condition_summary(report: str, items: list[dict[str, str]], flags: dict[str, bool]) -> dict[str, Any]:
    """The condition report in a few lines: the house's text, the worst grade, the items graded C or worse,
    and the accident / flood / fire declarations."""
    graded = [i for i in items if i.get("grade", "") in GRADES and len(i.get("grade", "")) == 1]
    worst = max((i["grade"] for i in graded), key=GRADES.index, default=None)
    return {
        "text": report,
        "items": len(graded),
        "worst_grade": worst,
        "flagged": [i for i in graded if GRADES.index(i["grade"]) >= 2][:10],
        "accident": flags.get("accident", False),
        "flood": flags.get("flood", False),
        "fire": flags.get("fire", False),
    }
