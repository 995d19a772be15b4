from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from marketplace.settings import Settings
from tests.support_auctions import drop_close_jobs


@pytest.fixture(autouse=True)
async def _no_lingering_close_jobs(settings: Settings) -> AsyncIterator[None]:
    yield
    await drop_close_jobs(settings.redis_url, settings.redis_namespace)
