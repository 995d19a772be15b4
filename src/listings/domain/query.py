"""Buyer search parameters → a search-port query: validation of ranges, lists and text."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from marketplace.ports.search.analysis import MAX_QUERY_CHARS
from marketplace.ports.search.base import FACET_FIELDS, SORTS, SearchQuery

MAX_VALUES = 20
MAX_VALUE_CHARS = 40
LIST_FILTERS = (
    "make",
    "model",
    "energy_type",
    "body_type",
    "transmission",
    "emission_standard",
    "province",
    "city",
    "price_band",
)
# name of the lower and upper parameter -> the document field
RANGES = {
    "year": ("year_min", "year_max"),
    "price_fen": ("price_min_fen", "price_max_fen"),
    "mileage_km": ("mileage_min_km", "mileage_max_km"),
}
LIMITS = {"year": (1980, 2100), "price_fen": (0, 10**12), "mileage_km": (0, 5_000_000)}


class QueryError(ValueError):
    """A search parameter the rules refuse: its field, and a kind with its limits (ctx) that a client words in its
    reader's language, as it does pydantic's (docs/api.md)."""

    def __init__(self, field: str, message: str, kind: str = "value_error", ctx: Mapping[str, int | str] | None = None):
        super().__init__(message)
        self.field = field
        self.kind = kind
        self.ctx = dict(ctx or {})


@dataclass(frozen=True)
class Params:
    """What the buyer asked, after the schema's type checks."""

    q: str = ""
    lists: Mapping[str, str] = field(default_factory=dict)  # comma-separated values per list filter
    bounds: Mapping[str, int | None] = field(default_factory=dict)  # year_min … mileage_max_km
    transfers_max: int | None = None
    no_accident: bool = False
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20


def clean_text(text: str) -> str:
    """Drop control and format characters; the engines treat the rest as plain words, never as syntax."""
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            "q", f"the search text is limited to {MAX_QUERY_CHARS} characters", "string_too_long",
            {"max_length": MAX_QUERY_CHARS},
        )  # fmt: skip
    return text


def split_values(field: str, raw: str) -> tuple[str, ...]:
    values = tuple(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))
    if len(values) > MAX_VALUES:
        raise QueryError(field, f"at most {MAX_VALUES} values", "too_many_values", {"max": MAX_VALUES})
    for v in values:
        if len(v) > MAX_VALUE_CHARS or any(unicodedata.category(ch)[0] == "C" for ch in v):
            raise QueryError(
                field,
                "a filter value is too long or has control characters",
                "filter_value",
                {"max_length": MAX_VALUE_CHARS},
            )
    return values


def to_search_query(p: Params) -> SearchQuery:
    lists, bounds = p.lists, p.bounds
    filters = {f: vals for f in LIST_FILTERS if (vals := split_values(f, lists.get(f) or ""))}
    ranges: dict[str, tuple[int | None, int | None]] = {}
    for name_, (lo_name, hi_name) in RANGES.items():
        lo, hi = bounds.get(lo_name), bounds.get(hi_name)
        floor, ceiling = LIMITS[name_]
        for name, value in ((lo_name, lo), (hi_name, hi)):
            if value is not None and not floor <= value <= ceiling:
                raise QueryError(
                    name, f"must be between {floor} and {ceiling}", "out_of_range", {"min": floor, "max": ceiling}
                )
        if lo is not None and hi is not None and lo > hi:
            raise QueryError(lo_name, f"{lo_name} is greater than {hi_name}", "min_above_max", {"max_field": hi_name})
        if lo is not None or hi is not None:
            ranges[name_] = (lo, hi)
    if p.transfers_max is not None:
        if not 0 <= p.transfers_max <= 50:
            raise QueryError("transfers_max", "must be between 0 and 50", "out_of_range", {"min": 0, "max": 50})
        ranges["transfers"] = (None, p.transfers_max)
    if p.sort not in SORTS:
        raise QueryError("sort", f"one of {', '.join(SORTS)}", "literal_error", {"expected": ", ".join(SORTS)})
    if not 1 <= p.per_page <= 100 or p.page < 1 or (p.page - 1) * p.per_page > 10_000:
        raise QueryError(
            "page", "page must be >= 1, per_page 1..100, and results beyond 10,000 are not served", "page_too_deep",
            {"max_results": 10_000, "last_page": max(1, 10_000 // max(1, p.per_page))},
        )  # fmt: skip
    return SearchQuery(
        text=clean_text(p.q),
        filters=filters,
        ranges=ranges,
        no_accident=p.no_accident,
        sort=p.sort,
        offset=(p.page - 1) * p.per_page,
        limit=p.per_page,
        facets=FACET_FIELDS,
    )
