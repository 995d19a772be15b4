"""Meilisearch adapter (production profile). The only module that imports `meilisearch`.

The official client is synchronous (requests), so calls run in a worker thread. Every write
waits for its task with a timeout, so a caller knows the document is searchable when it returns.
Meilisearch has no conditional writes: a document carries its version and the reconciler in the
listings package repairs any out-of-order write within one pass.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from typing import Any

from marketplace.ports.search.base import (
    KEYWORD_FIELDS,
    RANGE_FIELDS,
    SORTS,
    TEXT_FIELDS,
    Document,
    SearchQuery,
    SearchResult,
)

BATCH = 1000


def index_settings(synonyms: Sequence[Sequence[str]]) -> dict[str, Any]:
    """The index's settings: what is searchable, filterable, sortable and faceted, synonyms and typos."""
    syn: dict[str, list[str]] = {}
    for group in synonyms:
        words = [w.strip().lower() for w in group if w.strip()]
        for w in words:
            others = [o for o in words if o != w]
            if others:
                syn.setdefault(w, [])
                syn[w] += [o for o in others if o not in syn[w]]
    sortable = sorted({f for f, _ in SORTS.values() if f})
    return {
        "searchableAttributes": list(TEXT_FIELDS),
        "filterableAttributes": sorted({*KEYWORD_FIELDS, *RANGE_FIELDS, "accident", "id"}),
        "sortableAttributes": sortable,
        "displayedAttributes": ["*"],
        "rankingRules": ["words", "typo", "proximity", "attribute", "sort", "exactness", "published_at:desc"],
        "synonyms": syn,
        "typoTolerance": {
            "enabled": True,
            "minWordSizeForTypos": {"oneTypo": 4, "twoTypos": 8},
            "disableOnAttributes": ["vin"],
        },
        "faceting": {"maxValuesPerFacet": 200},
        "pagination": {"maxTotalHits": 100_000},
    }


def quote(value: str) -> str:
    """A filter string literal: JSON quoting escapes quotes and backslashes, so values cannot inject."""
    return json.dumps(value, ensure_ascii=False)


def filter_expression(q: SearchQuery) -> list[str]:
    clauses: list[str] = []
    for f, values in sorted(q.filters.items()):
        if f not in KEYWORD_FIELDS:
            raise ValueError(f"unknown filter {f}")
        if values:
            clauses.append(f"{f} IN [{', '.join(quote(v) for v in values)}]")
    for f, (lo, hi) in sorted(q.ranges.items()):
        if f not in RANGE_FIELDS:
            raise ValueError(f"unknown range {f}")
        if lo is not None:
            clauses.append(f"{f} >= {int(lo)}")
        if hi is not None:
            clauses.append(f"{f} <= {int(hi)}")
    if q.no_accident:
        clauses.append("accident = false")
    if q.ids:
        clauses.append(f"id IN [{', '.join(str(int(i)) for i in q.ids)}]")
    return clauses


def search_params(q: SearchQuery) -> dict[str, Any]:
    """Translate a port query into Meilisearch search parameters (page mode gives an exact total)."""
    field, desc = SORTS[q.sort]
    params: dict[str, Any] = {
        "filter": filter_expression(q),
        "facets": list(q.facets),
        "hitsPerPage": max(q.limit, 1),
        "page": q.offset // max(q.limit, 1) + 1,
    }
    if field:
        params["sort"] = [f"{field}:{'desc' if desc else 'asc'}", "published_at:desc"]
    elif not q.text.strip():
        params["sort"] = ["published_at:desc"]
    return params


def to_result(raw: Mapping[str, Any], q: SearchQuery) -> SearchResult:
    facets = {f: {str(k): int(v) for k, v in raw.get("facetDistribution", {}).get(f, {}).items()} for f in q.facets}
    hits = [dict(h) for h in raw.get("hits", [])][: q.limit]
    return SearchResult(hits, int(raw.get("totalHits", raw.get("estimatedTotalHits", 0))), facets)


class MeiliSearch:
    name = "meilisearch"

    def __init__(
        self,
        url: str,
        key: str | None,
        *,
        synonyms: Sequence[Sequence[str]] = (),
        index: str = "listings",
        timeout_ms: int = 10_000,
    ) -> None:
        import meilisearch

        self._client = meilisearch.Client(url, key, timeout=max(1, timeout_ms // 1000))
        self._uid = index
        self._synonyms = synonyms
        self._timeout_ms = timeout_ms

    def _wait(self, task: Any) -> None:
        done = self._client.wait_for_task(task.task_uid, timeout_in_ms=self._timeout_ms, interval_in_ms=20)
        if done.status != "succeeded":
            raise RuntimeError(f"meilisearch task {task.task_uid} {done.status}: {done.error}")

    def _setup(self) -> None:
        from meilisearch.errors import MeilisearchApiError

        try:
            self._client.get_index(self._uid)
        except MeilisearchApiError:
            self._wait(self._client.create_index(self._uid, {"primaryKey": "id"}))
        self._wait(self._client.index(self._uid).update_settings(index_settings(self._synonyms)))

    async def start(self) -> None:
        await asyncio.to_thread(self._setup)

    async def close(self) -> None:
        return None

    def _add(self, docs: list[dict[str, Any]]) -> None:
        index = self._client.index(self._uid)
        for start in range(0, len(docs), BATCH):
            self._wait(index.add_documents(docs[start : start + BATCH], primary_key="id"))

    async def upsert(self, docs: Sequence[Document]) -> None:
        if docs:
            await asyncio.to_thread(self._add, [dict(d) for d in docs])

    async def delete(self, items: Sequence[tuple[int, int]]) -> None:
        if items:
            expr = f"id IN [{', '.join(str(int(i)) for i, _ in items)}]"  # `id` is filterable for this
            await asyncio.to_thread(lambda: self._wait(self._client.index(self._uid).delete_documents(filter=expr)))

    async def search(self, query: SearchQuery) -> SearchResult:
        params = search_params(query)
        raw = await asyncio.to_thread(self._client.index(self._uid).search, query.text, params)
        return to_result(raw, query)

    async def versions(self) -> dict[int, int]:
        def fetch() -> dict[int, int]:
            out: dict[int, int] = {}
            index, offset = self._client.index(self._uid), 0
            while True:
                page = index.get_documents({"offset": offset, "limit": BATCH, "fields": ["id", "version"]})
                for doc in page.results:
                    out[int(doc.id)] = int(doc.version)
                if len(page.results) < BATCH:
                    return out
                offset += BATCH

        return await asyncio.to_thread(fetch)

    async def clear(self) -> None:
        await asyncio.to_thread(lambda: self._wait(self._client.index(self._uid).delete_all_documents()))
