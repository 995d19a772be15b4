"""Response classes shared by the HTTP handlers."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse


class FastJSONResponse(JSONResponse):
    """JSON encoded by orjson, for large read-mostly payloads on hot paths (buyer search).

    The standard encoder spent more time on a page of hits and facets than routing, validation and
    authentication together (see docs/benchmarks.md). Same wire format: UTF-8, no ASCII escaping.
    """

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
