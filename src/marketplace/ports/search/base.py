"""The search port: documents in, ranked ids with facet counts out.

The port knows the shape of a listing document (the fields below) but nothing of the listings
package: the listings package builds documents and passes its brand/series synonyms in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

# Exact-match fields, each filterable with a set of values.
KEYWORD_FIELDS = (
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
RANGE_FIELDS = ("year", "price_fen", "mileage_km", "transfers")
FACET_FIELDS = ("make", "energy_type", "province", "body_type", "price_band")
# Free-text fields, most important first.
TEXT_FIELDS = ("title", "make", "make_en", "model", "model_en", "series", "city", "province", "colour", "body_type")
SORTS: dict[str, tuple[str, bool]] = {
    "relevance": ("", False),
    "price_asc": ("price_fen", False),
    "price_desc": ("price_fen", True),
    "mileage_asc": ("mileage_km", False),
    "year_desc": ("year", True),
    "newest": ("published_at", True),
}

Document = Mapping[str, Any]  # must carry every field above plus id, version, accident, published_at (epoch s)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ranges: Mapping[str, tuple[int | None, int | None]] = field(default_factory=dict)
    no_accident: bool = False
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    facets: tuple[str, ...] = FACET_FIELDS
    ids: tuple[int, ...] = ()  # restrict to these documents (e.g. does one listing match a saved search?)

    def __post_init__(self) -> None:
        unknown = (set(self.filters) - set(KEYWORD_FIELDS)) | (set(self.ranges) - set(RANGE_FIELDS))
        if unknown or self.sort not in SORTS or set(self.facets) - set(FACET_FIELDS):
            raise ValueError(f"unsupported search fields: {sorted(unknown) or self.sort or self.facets}")
        if self.offset < 0 or not 0 <= self.limit <= 100:
            raise ValueError("offset must be >= 0 and limit 0..100")


@dataclass
class SearchResult:
    hits: list[dict[str, Any]]  # the stored documents, in rank order
    total: int
    facets: dict[str, dict[str, int]]


class SearchIndex(Protocol):
    name: str

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def upsert(self, docs: Sequence[Document]) -> None:
        """Add or replace documents; a document older (lower `version`) than the stored one is ignored."""
        ...

    async def delete(self, items: Sequence[tuple[int, int]]) -> None:
        """Remove (id, version) pairs; a removal older than the stored document is ignored."""
        ...

    async def search(self, query: SearchQuery) -> SearchResult: ...

    async def versions(self) -> dict[int, int]:
        """id -> version of every live document (for reconciliation with the database)."""
        ...

    async def clear(self) -> None: ...
