"""A listing's title from its vehicle: make, model, 年款 and series, each word once.

Dealers (and spreadsheets) often repeat the make or the model in the series ("宝马 3系 2021款 3系 320Li"), and a
year written in the series would otherwise appear twice; a title that reads like a stutter looks careless.
"""

from __future__ import annotations


def _key(word: str) -> str:
    return "".join(ch for ch in word.casefold() if ch.isalnum())


def compose(make: str, model: str, model_year: int | None, series: str) -> str:
    """'宝马', '3系', 2021, '2021款 3系 320Li 豪华版' -> '宝马 3系 2021款 320Li 豪华版'."""
    words = [*make.split(), *model.split(), *([f"{model_year}款"] if model_year else []), *series.split()]
    seen: set[str] = set()
    kept: list[str] = []
    for word in words:
        key = _key(word)
        if key and key in seen:
            continue
        seen.add(key)
        kept.append(word)
    return " ".join(kept)
