"""What the statistics' route modules share."""

from __future__ import annotations

from typing import Any

from marketplace.errors import Forbidden, NotFound
from marketplace.stats.domain.access import is_analyst
from marketplace.stats.domain.periods import MAX_YEAR, Period
from marketplace.web.endpoint import Call

TAG = "stats"


def require_analyst(call: Call[Any, Any]) -> int:
    if not is_analyst(call.principal):
        raise Forbidden("only the association's analysts may do this", code="not_analyst")
    return call.user.user_id


def year_of(call: Call[Any, Any]) -> Period:
    year = int(call.request.path_params["year"])
    if not 1900 <= year <= MAX_YEAR:
        raise NotFound("no published release for this period", code="release_not_found")
    return Period.whole_year(year)
