"""Search port: `select(settings)` picks Meilisearch when MEILI_URL is set, else the embedded engine."""

from __future__ import annotations

from collections.abc import Sequence

from marketplace.ports.search.base import SearchIndex
from marketplace.settings import Settings


def select(settings: Settings, synonyms: Sequence[Sequence[str]] = ()) -> SearchIndex:
    if settings.meili_url:
        from marketplace.ports.search.meili import MeiliSearch

        return MeiliSearch(
            settings.meili_url,
            settings.meili_key,
            synonyms=synonyms,
            index=settings.meili_index,
            timeout_ms=settings.meili_timeout_ms,
        )
    from marketplace.ports.search.embedded import EmbeddedSearch

    return EmbeddedSearch(settings.var_dir / "search" / "listings.sqlite3", synonyms)
