from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support import ApiClient


@pytest.fixture
async def lclient(client: ApiClient) -> AsyncIterator[ApiClient]:
    """The app client with an empty search index (the index file outlives each test's database)."""
    await client.app.state.services.search.clear()
    return client
