"""Buyer search over the index, and matching one listing against saved searches."""

from __future__ import annotations

from typing import Any

from listings.domain.query import LIST_FILTERS, RANGES, Params, QueryError, to_search_query
from listings.schemas import SearchIn, hit_from_doc
from marketplace.errors import ValidationFailed
from marketplace.ports.search.base import SearchIndex, SearchQuery


def to_query(body: SearchIn) -> SearchQuery:
    bounds = {name: getattr(body, name) for pair in RANGES.values() for name in pair}
    params = Params(
        q=body.q,
        lists={f: getattr(body, f) for f in LIST_FILTERS},
        bounds=bounds,
        transfers_max=body.transfers_max,
        no_accident=body.no_accident,
        sort=body.sort,
        page=body.page,
        per_page=body.per_page,
    )
    try:
        return to_search_query(params)
    except QueryError as exc:
        detail = {
            "loc": ["query", exc.field],
            "msg": str(exc),
            "type": exc.kind,
            **({"ctx": exc.ctx} if exc.ctx else {}),
        }
        raise ValidationFailed("search parameters are invalid", details=[detail]) from None


async def search(index: SearchIndex, body: SearchIn) -> dict[str, Any]:
    """The `SearchOut` document as plain data (see `hit_from_doc` for why not models)."""
    result = await index.search(to_query(body))
    facets = {
        f: [{"value": v, "count": c} for v, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        for f, counts in result.facets.items()
    }
    return {
        "total": result.total,
        "page": body.page,
        "per_page": body.per_page,
        "hits": [hit_from_doc(d) for d in result.hits],
        "facets": facets,
    }


async def matches(index: SearchIndex, body: SearchIn, listing_id: int) -> bool:
    """Does the indexed listing match a saved search? The engine decides, so alerts agree with search."""
    q = to_query(body.model_copy(update={"page": 1}))
    probe = SearchQuery(
        text=q.text,
        filters=q.filters,
        ranges=q.ranges,
        no_accident=q.no_accident,
        limit=0,
        facets=(),
        ids=(listing_id,),
    )
    return (await index.search(probe)).total == 1
