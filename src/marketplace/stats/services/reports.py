"""Reports from approved facts, and releases: immutable versioned snapshots with an embargo.

A release's document is computed once, when the analyst publishes or schedules it, from the facts approved at
that moment (the current year and the year before, so YoY and rank movement come from one and the same
version), and stored; reading a published report reads that row, never recomputes. A release scheduled for
later is stored the same way and becomes visible by itself at its embargo time: nobody outside the association
sees it (or learns its figures) before then.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from marketplace.errors import Conflict, NotFound
from marketplace.stats.domain import facts as f
from marketplace.stats.domain.figures import Levels, ReturnFigures, Tally, add_returns, add_sales, add_sessions
from marketplace.stats.domain.periods import CST, Period, beijing_date
from marketplace.stats.domain.releases import embargo_conflict, next_version, revision_note, visible
from marketplace.stats.domain.report import build, rankings
from marketplace.stats.domain.suppression import Cell, Links, Published, links, record, suppress_linked
from marketplace.stats.models import MonthlyReturn, Release, SaleFact, SessionFact
from marketplace.stats.services import levels as sql_levels
from marketplace.stats.services import pagecache

PAGE = 20_000


def _bounds(period: Period) -> tuple[datetime, datetime]:
    start = datetime.combine(period.start(), time.min, CST).astimezone(UTC)
    end = datetime.combine(period.end() + timedelta(days=1), time.min, CST).astimezone(UTC)
    return start, end


def _approved() -> Q:
    # Platform facts carry no submission; a house's rows count once an analyst approved their submission.
    return Q(submission_id=None) | Q(submission__status="approved")


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


async def platform_months(period: Period) -> set[tuple[int, str]]:
    """(house id, YYYY-MM) of every month in which a house has platform facts: for those months the platform's
    own record is the house's figures, and rows it imported for them do not count (never twice)."""
    start, end = _bounds(period)
    found = {
        (hid, _month(beijing_date(at)))
        for hid, at in await SaleFact.filter(source="platform", sold_at__gte=start, sold_at__lt=end).values_list(
            "house_id", "sold_at"
        )
    }
    found |= {
        (hid, _month(day))
        for hid, day in await SessionFact.filter(
            source="platform", held_on__gte=period.start(), held_on__lte=period.end()
        ).values_list("house_id", "held_on")
    }
    return found


async def approved_returns(period: Period) -> list[ReturnFigures]:
    months = _months_of(period)
    rows = await MonthlyReturn.filter(month__in=months, submission__status="approved").prefetch_related("house")
    return [
        ReturnFigures(
            f.House(str(r.house.id), r.house.name, r.house.province, r.house.city),
            r.month,
            r.sessions_online,
            r.sessions_onsite,
            r.units,
            int(r.turnover_fen),
            r.bev_units,
            int(r.bev_turnover_fen),
            r.transfer_in_province,
            r.transfer_cross_province,
            dict(r.units_by_band),
        )  # fmt: skip
        for r in rows
    ]


def _months_of(period: Period) -> list[str]:
    first, last = period.start(), period.end()
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


async def levels_of(period: Period) -> Levels:
    """The period's levels: approved facts summed by the database (`levels.levels_of`), without the rows a house
    imported for a month the platform itself recorded, plus approved monthly returns (for months without rows)."""
    return (await levels_of_each([period]))[0]


async def levels_of_each(periods: list[Period]) -> list[Levels]:
    """`levels_of` of each of some disjoint periods, their sales summed in one scan on PostgreSQL."""
    platform: set[tuple[int, str]] = set()
    for period in periods:
        platform |= await platform_months(period)  # a month is in one period: the union excludes the same rows
    each = await sql_levels.levels_of_each(periods, platform)
    for period, levels in zip(periods, each, strict=True):
        returns = await approved_returns(period)
        add_returns(levels, (r for r in returns if (int(r.house.key), r.month) not in platform))
    return each


async def levels_by_rows(period: Period) -> Levels:
    """The same levels summed by `figures.add_sales` one row at a time, read in pages by id (a year of rows is never
    held at once): the reference the SQL path is tested against (`tests/integration/stats/test_levels_sql.py`)."""
    levels = Levels(period)
    start, end = _bounds(period)
    houses: dict[int, f.House] = {}
    platform = await platform_months(period)
    last = 0
    while True:
        page = await (
            SaleFact.filter(_approved(), id__gt=last, sold_at__gte=start, sold_at__lt=end, undone=False)
            .order_by("id")
            .limit(PAGE)
            .values_list(
                "id",
                "house_id",
                "house__name",
                "sale_key",
                "session_key",
                "sold_at",
                "hammer_fen",
                "make",
                "energy",
                "seller_province",
                "seller_city",
                "transfer",
                "source",
            )  # fmt: skip
        )
        if not page:
            break
        add_sales(levels, _sales(page, houses, platform))
        last = page[-1][0]
    first_day, last_day = period.start(), period.end()
    sessions = await SessionFact.filter(_approved(), held_on__gte=first_day, held_on__lte=last_day).values_list(
        "house_id", "house__name", "session_key", "kind", "held_on", "source"
    )
    add_sessions(
        levels,
        (
            f.SessionFact(key, houses.setdefault(hid, f.House(str(hid), name)), kind, day)
            for hid, name, key, kind, day, source in sessions
            if source == "platform" or (hid, _month(day)) not in platform
        ),  # fmt: skip
    )
    add_returns(levels, (r for r in await approved_returns(period) if (int(r.house.key), r.month) not in platform))
    return levels


def _sales(page: list[Any], houses: dict[int, f.House], platform: set[tuple[int, str]]) -> Iterator[f.SaleFact]:
    for _, hid, name, key, session, sold_at, fen, make, energy, province, city, transfer, source in page:
        if source != "platform" and platform and (hid, _month(beijing_date(sold_at))) in platform:
            continue
        house = houses.setdefault(hid, f.House(str(hid), name))
        yield f.SaleFact(key, house, session, sold_at, int(fen), make, energy, province, city, transfer)


def plain(value: Any) -> Any:
    """A report document as JSON: money stays integer fen; ratios and averages (exact fractions) are written as
    numbers rounded to 12 decimal places, far below any published precision; nothing else is rounded."""
    if isinstance(value, Fraction):
        return round(float(value), 12)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


async def document(period: Period, small_cell_k: int = 1) -> dict[str, Any]:
    """The report of a period from the facts approved now, with its year-earlier base from the same data.

    With `small_cell_k` above 1 the breakdowns by province and by house (the top-30 lists) hide cells of fewer
    sales (`suppression`), as the table stands alone; `publish` links them with the stored releases."""
    current, base = await _levels_and_base(period)
    return document_of(period, current, base, small_cell_k)


async def _levels_and_base(period: Period) -> tuple[Levels, Levels]:
    async with pagecache.large():  # SQLite sorts a year of sales in memory, not in temporary files
        current, base = await levels_of_each([period, period.year_earlier()])  # one scan on PostgreSQL
    return current, base


BREAKDOWNS = ("provinces", "houses")


def document_of(
    period: Period,
    current: Levels,
    base: Levels,
    small_cell_k: int = 1,
    published: Mapping[str, list[Published]] | None = None,
) -> dict[str, Any]:
    """The report document from a period's levels and its year-earlier base, however they were summed."""
    return public_document(period, current, base, small_cell_k, published)[0]


def _cells(tallies: Mapping[str, Tally]) -> dict[str, Cell]:
    return {key: (t.units, t.turnover_fen) for key, t in tallies.items()}


def public_document(
    period: Period,
    current: Levels,
    base: Levels,
    small_cell_k: int = 1,
    published: Mapping[str, list[Published]] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The document, and what its breakdowns hide and show (`Release.suppressed`).

    With `small_cell_k` above 1 (a public release) a province cell or a house of fewer sales is suppressed
    (`suppression.suppress_linked`), linked with `published` (per breakdown, the stored releases of the same year):
    a hidden province reads `{"units": null, "turnover_fen": null, "status": "Q"}`, a hidden house is left out of
    both top-30 lists (which then rank the other houses). The year-earlier ranks (movement) come from the base's
    lists suppressed the same way, so a house hidden last year is "new", never a rank nobody saw."""
    tables = {"provinces": _cells(current.provinces), "houses": _cells(current.houses)}
    hidden = {name: frozenset[str]() for name in BREAKDOWNS}
    linked = {name: Links() for name in BREAKDOWNS}
    base_hidden: frozenset[str] = frozenset()
    if small_cell_k > 1:
        linked = {name: links(period, tables[name], (published or {}).get(name, [])) for name in BREAKDOWNS}
        hidden = suppress_linked(tables, small_cell_k, linked)
        base_hidden = suppress_linked({"houses": _cells(base.houses)}, small_cell_k)["houses"]
    report = build(current, base, rankings(base, hidden=base_hidden), hidden["houses"])
    doc: dict[str, Any] = plain(report.headline())
    doc["period"] = period.key
    if period.kind == "year":
        doc["year"] = period.year
    doc["monthly_yoy"] = plain(report.monthly_yoy)
    doc["monthly_mom"] = plain(report.monthly_mom)
    provinces = tables["provinces"]
    doc["provinces"] = {
        key: {"units": None, "turnover_fen": None, "status": "Q"}
        if key in hidden["provinces"]
        else {"units": provinces[key][0], "turnover_fen": provinces[key][1]}
        for key in sorted(provinces.keys() | hidden["provinces"])
    }
    listed = {row.house_key for row in (*report.rankings.units, *report.rankings.turnover)}
    shown = {"provinces": provinces.keys() - hidden["provinces"], "houses": listed}
    stored: dict[str, Any] = {}
    for name in BREAKDOWNS:
        known = linked[name].known if small_cell_k > 1 else frozenset()
        table = record(period, 0, tables[name], hidden[name], shown[name], known)
        stored[name] = {
            "hidden": sorted(table.hidden),
            "shown": {key: list(cell) for key, cell in sorted(table.shown.items())},
            "derived": {key: list(cell) for key, cell in sorted(table.derived.items())},
            "unpublished": {key: list(cell) for key, cell in sorted(table.unpublished.items())},
        }
    return doc, stored


def _cell(value: list[int]) -> Cell:
    return (int(value[0]), int(value[1]))


def stored_breakdowns(release: Release, house_keys: Mapping[str, str]) -> dict[str, Published]:
    """What a stored release's breakdowns hide and show. One stored before `suppressed` was recorded is read from
    its document: provinces by their status Q, houses from the top-30 lists (by name: `house_keys`)."""
    period = Period.parse(release.period)
    stored = release.suppressed or {}
    if not stored:
        doc = release.document
        provinces = doc.get("provinces", {})
        rows = (*doc.get("top30_units", []), *doc.get("top30_turnover", []))
        houses = {house_keys[r["house"]]: [r["units"], r["turnover_fen"]] for r in rows if r["house"] in house_keys}
        stored = {
            "provinces": {
                "hidden": [key for key, cell in provinces.items() if cell.get("status") == "Q"],
                "shown": {
                    key: [cell["units"], cell["turnover_fen"]]
                    for key, cell in provinces.items()
                    if cell.get("status") != "Q"
                },  # fmt: skip
            },
            "houses": {"hidden": [], "shown": houses},
        }

    def cells(name: str, part: str) -> dict[str, Cell]:
        return {key: _cell(value) for key, value in stored.get(name, {}).get(part, {}).items()}

    return {
        name: Published(
            period,
            release.version,
            frozenset(stored.get(name, {}).get("hidden", [])),
            cells(name, "shown"),
            cells(name, "derived"),
            cells(name, "unpublished"),
        )  # fmt: skip
        for name in BREAKDOWNS
    }


async def linked_releases(period: Period, house_names: Mapping[str, str]) -> dict[str, list[Published]]:
    """Every stored release (any version, published or scheduled) of the period's year, its months, halves and the
    year itself, per breakdown: what `suppression.links` reads."""
    keys = {name: key for key, name in house_names.items()}
    year = f"{period.year:04d}"
    out: dict[str, list[Published]] = {name: [] for name in BREAKDOWNS}
    for release in await Release.filter(Q(period=year) | Q(period__startswith=f"{year}-")):
        for name, table in stored_breakdowns(release, keys).items():
            out[name].append(table)
    return out


async def publish(
    period: Period,
    embargo_until: datetime | None,
    comment: str,
    by_user: int | None,
    small_cell_k: int = 5,
    *,
    now: datetime | None = None,
) -> Release:
    """A new version of the period's release; its note lists every figure that changed from the last version.

    Without an embargo it goes out at once, or, for a revision of a version still under embargo, at that
    version's time (a revision keeps it). An embargo before the previous version's, or before that of a release
    inside the period, is `409 release_before_embargo` (`releases.embargo_conflict`).

    Its breakdowns are suppressed linked with every stored release of the same year (earlier versions, the
    periods inside and around it), read in the publishing transaction (`suppression.links`)."""
    now = now or datetime.now(UTC)
    current, base = await _levels_and_base(period)
    for _ in range(3):
        try:
            async with in_transaction() as conn:
                if conn.capabilities.dialect == "postgres":
                    # Releases of one year take turns: each reads what the others hid (SQLite runs one at a time).
                    await conn.execute_query("SELECT pg_advisory_xact_lock(hashtext($1))", [f"stats:{period.year}"])
                published = await linked_releases(period, current.house_names)
                doc, record = public_document(period, current, base, small_cell_k, published)
                previous = await Release.filter(period=period.key).order_by("-version").first()
                versions = [previous.version] if previous else []
                # Both documents are public: the note shows no figure that neither version shows.
                note = [
                    {"path": c.path, "old": c.old, "new": c.new}
                    for c in (revision_note(previous.document, doc) if previous else [])
                ]
                if previous is not None and not note:
                    raise Conflict("nothing changed since the last version", code="release_unchanged")
                embargo = embargo_until
                if embargo is None:
                    embargo = max(now, previous.embargo_until) if previous is not None else now
                inside = await Release.filter(period__in=[p.key for p in period.inside()]).values_list(
                    "period", "embargo_until"
                )
                refusal = embargo_conflict(embargo, previous.embargo_until if previous else None, list(inside))
                if refusal is not None:
                    raise Conflict(refusal, code="release_before_embargo")
                return await Release.create(
                    period=period.key, version=next_version(versions), embargo_until=embargo,
                    document=doc, note=note, comment=comment, suppressed=record,
                    created_by_id=by_user,
                )  # fmt: skip
        except IntegrityError:
            continue  # another analyst took the version number at the same moment: take the next
    raise Conflict("the release is being published by someone else; try again", code="release_busy")


async def visible_release(period: Period, version: int | None, *, analyst: bool, now: datetime) -> Release:
    """The latest visible version (or the one asked for); an embargoed one answers as if it did not exist."""
    query = Release.filter(period=period.key)
    if version is not None:
        query = query.filter(version=version)
    for release in await query.order_by("-version"):
        if visible(release.embargo_until, now, inside_association=analyst):
            return release
    raise NotFound("no published release for this period", code="release_not_found")


async def calendar(*, analyst: bool, now: datetime) -> list[dict[str, Any]]:
    """Every release, newest first: what and when for all, and the figures' availability only once public. Before
    its embargo a revision's comment and the size of its note (how much it changes) are the association's only."""
    out = []
    for r in await Release.all().order_by("-embargo_until", "-version"):
        public = visible(r.embargo_until, now, inside_association=False)
        out.append(
            {
                "period": r.period,
                "version": r.version,
                "embargo_until": r.embargo_until,
                "published": public,
                "comment": r.comment if analyst or public else "",
                "changes": len(r.note) if analyst or public else 0,
            }
        )
    return out
