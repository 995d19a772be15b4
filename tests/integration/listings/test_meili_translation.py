"""The Meilisearch adapter without a Meilisearch server.

No Meilisearch server can be installed in this environment, so these tests replace only the HTTP
server: a tiny local HTTP server records what the official client sends and answers like
Meilisearch would. Everything above the socket (the `meilisearch` client, our adapter) is real.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from listings.domain.catalogue import synonym_groups
from marketplace.ports.search.base import SearchQuery
from marketplace.ports.search.meili import MeiliSearch, filter_expression, index_settings, quote, search_params

T = "2026-01-01T00:00:00.000000Z"
NOT_FOUND = {"message": "Index not found", "code": "index_not_found", "type": "invalid_request", "link": ""}


class FakeMeili:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, Any]] = []
        self.has_index = False
        self.search_response: dict[str, Any] = {"hits": [], "totalHits": 0, "facetDistribution": {}}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def _reply(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                fake.requests.append((self.command, self.path, body))
                if self.command == "GET" and self.path.startswith("/tasks/"):
                    uid = int(self.path.rsplit("/", 1)[1])
                    self._reply(200, {"uid": uid, "taskUid": uid, "status": "succeeded", "type": "x", "indexUid": "l",
                                      "enqueuedAt": T, "error": None})  # fmt: skip
                elif self.command == "GET" and self.path.startswith("/indexes/") and "/" not in self.path[9:]:
                    if fake.has_index:
                        self._reply(200, {"uid": "listings", "primaryKey": "id", "createdAt": T,
                                          "updatedAt": T})  # fmt: skip
                    else:
                        self._reply(404, NOT_FOUND)
                elif self.path.endswith("/search"):
                    self._reply(200, fake.search_response)
                else:
                    fake.has_index = fake.has_index or self.path == "/indexes"
                    uid = len(fake.requests)
                    self._reply(202, {"taskUid": uid, "indexUid": "listings", "status": "enqueued", "type": "x",
                                      "enqueuedAt": T})  # fmt: skip

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def of(self, method: str, suffix: str) -> list[Any]:
        return [b for m, p, b in self.requests if m == method and p.split("?")[0].endswith(suffix)]


@pytest.fixture
def fake() -> Iterator[FakeMeili]:
    server = FakeMeili()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_index_settings() -> None:
    s = index_settings([["宝马", "BMW", "bimmer"], ["3系", "3 series", "320Li"]])
    assert s["synonyms"]["宝马"] == ["bmw", "bimmer"]
    assert s["synonyms"]["320li"] == ["3系", "3 series"]
    assert s["searchableAttributes"][0] == "title"
    assert {"make", "energy_type", "province", "price_band", "price_fen", "year", "accident", "id"} <= set(
        s["filterableAttributes"]
    )
    assert set(s["sortableAttributes"]) == {"price_fen", "mileage_km", "year", "published_at"}
    assert s["typoTolerance"]["minWordSizeForTypos"] == {"oneTypo": 4, "twoTypos": 8}
    assert "sort" in s["rankingRules"]


def test_filter_translation_quotes_values() -> None:
    q = SearchQuery(
        filters={"make": ("宝马", 'x" OR id > 0 OR make = "'), "province": ("浙江",)},
        ranges={"price_fen": (100, None), "year": (2018, 2022)},
        no_accident=True,
        ids=(7,),
    )
    assert filter_expression(q) == [
        'make IN ["宝马", "x\\" OR id > 0 OR make = \\""]',
        'province IN ["浙江"]',
        "price_fen >= 100",
        "year >= 2018",
        "year <= 2022",
        "accident = false",
        "id IN [7]",
    ]
    assert quote("a\\b") == '"a\\\\b"'


def test_search_params_sort_and_pages() -> None:
    p = search_params(SearchQuery(text="bmw", sort="price_desc", offset=40, limit=20))
    assert p["sort"] == ["price_fen:desc", "published_at:desc"]
    assert (p["page"], p["hitsPerPage"]) == (3, 20)
    assert set(p["facets"]) == {"make", "energy_type", "province", "body_type", "price_band"}
    assert "sort" not in search_params(SearchQuery(text="bmw"))  # relevance
    assert search_params(SearchQuery())["sort"] == ["published_at:desc"]


async def test_adapter_over_http(fake: FakeMeili) -> None:
    adapter = MeiliSearch(fake.url, "key", synonyms=synonym_groups(), index="listings", timeout_ms=2000)
    await adapter.start()
    assert fake.of("POST", "/indexes") == [{"uid": "listings", "primaryKey": "id"}]
    settings = fake.of("PATCH", "/indexes/listings/settings")[0]
    assert "bmw" in settings["synonyms"]["宝马"]

    docs = [{"id": i, "version": 1, "title": f"car {i}"} for i in range(2500)]
    await adapter.upsert(docs)
    batches = fake.of("POST", "/indexes/listings/documents")
    assert [len(b) for b in batches] == [1000, 1000, 500]  # batched, each task awaited

    fake.search_response = {
        "hits": [{"id": 1, "title": "宝马 3系"}],
        "totalHits": 41,
        "facetDistribution": {"make": {"宝马": 41}, "energy_type": {"ice": 40, "bev": 1}},
    }
    result = await adapter.search(SearchQuery(text="宝马 3系", filters={"energy_type": ("ice",)}, limit=1))
    sent = fake.of("POST", "/indexes/listings/search")[-1]
    assert sent["q"] == "宝马 3系"
    assert sent["filter"] == ['energy_type IN ["ice"]']
    assert result.total == 41
    assert result.facets["make"] == {"宝马": 41}
    assert result.facets["province"] == {}
    await adapter.delete([(3, 1)])
    assert fake.of("POST", "/indexes/listings/documents/delete") == [{"filter": "id IN [3]"}]
