"""Small cells linked across versions, periods and breakdowns: no hidden cell comes out by differencing.

The attacker of the property tests holds every published table and solves the linear system they make: a shown
cell is an equation, a table's total is one, a key a table does not list is a published 0, a year's (or half's)
cell is the sum of its months' (the same data), and a cell a revision did not change is the same unknown in both
versions. A small cell is recovered when its value is fixed by that system. The tests exempt only what the
published totals give away alone (a table with a single key: its cell is its total)."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.stats.domain.figures import Levels, Tally
from marketplace.stats.domain.periods import Period
from marketplace.stats.domain.report import build, rankings
from marketplace.stats.domain.suppression import (
    Links,
    Published,
    derivable,
    links,
    record,
    suppress,
    suppress_linked,
)

K = 5
YEAR = Period.whole_year(2023)
H1 = Period.half(2023, 1)
MONTHS = H1.months()

Vector = dict[object, Fraction]


class Attacker:
    """The row space of the published equations (Gauss–Jordan over the rationals)."""

    def __init__(self) -> None:
        self.rows: dict[object, Vector] = {}  # pivot variable -> row with 1 there and 0 at the other pivots

    def _reduce(self, vector: Mapping[object, int | Fraction]) -> Vector:
        v = {var: Fraction(c) for var, c in vector.items() if c}
        for pivot, row in self.rows.items():
            factor = v.get(pivot)
            if factor:
                for var, c in row.items():
                    v[var] = v.get(var, Fraction(0)) - factor * c
                v = {var: c for var, c in v.items() if c}
        return v

    def learn(self, vector: Mapping[object, int | Fraction]) -> None:
        v = self._reduce(vector)
        if not v:
            return
        pivot = min(v, key=repr)
        v = {var: c / v[pivot] for var, c in v.items()}
        for other, row in list(self.rows.items()):
            factor = row.get(pivot)
            if factor:
                merged = dict(row)
                for var, c in v.items():
                    merged[var] = merged.get(var, Fraction(0)) - factor * c
                self.rows[other] = {var: c for var, c in merged.items() if c}
        self.rows[pivot] = v

    def knows(self, vector: Mapping[object, int | Fraction]) -> bool:
        return not self._reduce(vector)


def _cells(units: Mapping[str, int]) -> dict[str, tuple[int, int]]:
    return {key: (n, n * 100_000 + 7) for key, n in units.items() if n > 0}


def _publish(period: Period, version: int, units: Mapping[str, int], published: list[Published]) -> Published:
    cells = _cells(units)
    link = links(period, cells, published)
    out = suppress({key: c[0] for key, c in cells.items()}, K, hidden=link.hidden, known=link.known,
                   blocks=link.blocks)  # fmt: skip
    hidden = {key for key, n in out.items() if n is None}
    table = record(period, version, cells, hidden, set(out) - hidden, link.known)
    published.append(table)
    return table


# --- the pure rule, case by case -------------------------------------------------------------------------------


def test_one_table_keeps_its_rule() -> None:
    assert suppress({"浙江": 100, "江苏": 40, "西藏": 2}, 5) == {"浙江": 100, "江苏": None, "西藏": None}
    assert suppress({"a": 9, "b": 8}, 5) == {"a": 9, "b": 8}
    assert suppress({"a": 3}, 5) == {"a": None}


def test_a_revision_keeps_hidden_what_an_earlier_version_hid() -> None:
    # v1 hides {A, B}; were v2 to show A, B would be (A + B from v1) − A.
    v1 = suppress({"A": 3, "B": 6, "C": 50, "D": 60}, K)
    assert (v1["A"], v1["B"]) == (None, None)
    p1 = Published(YEAR, 1, frozenset({"A", "B"}), {"C": (50, 5), "D": (60, 6)})
    now = {"A": (9, 9), "B": (6, 6), "C": (2, 2), "D": (60, 6)}  # A grew; C fell small
    link = links(YEAR, now, [p1])
    assert link.hidden == {"A", "B"}
    assert link.known == {"D"}  # D unchanged: its v1 value is public, hiding it would protect nothing
    v2 = suppress({key: c[0] for key, c in now.items()}, K, hidden=link.hidden, known=link.known)
    assert v2 == {"A": None, "B": None, "C": None, "D": 60}


def test_a_cell_hidden_before_and_gone_now_stays_a_hidden_cell() -> None:
    out = suppress({"B": 7, "C": 50, "D": 60}, K, hidden={"A", "B"})
    assert out == {"A": None, "B": None, "C": 50, "D": 60}
    # Hidden cells that are all empty now would show their sum, 0: the rule adds a partner as for any small group.
    assert suppress({"C": 50, "D": 60}, K, hidden={"A", "B"}) == {"A": None, "B": None, "C": None, "D": 60}


def test_without_the_links_the_revision_attack_works() -> None:
    """The failure the links fix: v2 suppressed alone shows A, and B follows from v1's hidden pair."""
    v1 = suppress({"A": 3, "B": 2, "C": 50}, K)
    v2 = suppress({"A": 9, "B": 2, "C": 50, "E": 3}, K)  # a revision: A corrected, a new province E
    assert (v1["A"], v2["A"]) == (None, 9)  # alone, v2 would show A ...
    fixed = suppress({"A": 9, "B": 2, "C": 50, "E": 3}, K, hidden={"A", "B", "C"})
    assert fixed["A"] is None  # ... linked, it stays hidden


def test_a_year_hides_what_a_month_hid_and_a_month_what_the_year_hid() -> None:
    month = Published(Period.month(2023, 3), 1, frozenset({"西藏", "青海"}), {"浙江": (90, 9)})
    assert links(YEAR, {"浙江": (900, 90)}, [month]).hidden == {"西藏", "青海"}
    year = Published(YEAR, 1, frozenset({"宁夏"}), {"浙江": (900, 90)})
    assert links(Period.month(2023, 7), {}, [year]).hidden == {"宁夏"}
    assert links(Period.half(2023, 2), {}, [month]).hidden == frozenset()  # March is not in H2 ...
    # ... but once the year is out, H2 = the year − H1, and H1's March with it: they are linked through the year.
    assert links(Period.half(2023, 2), {}, [year, month]).hidden == {"宁夏", "西藏", "青海"}
    other_year = Published(Period.whole_year(2022), 1, frozenset({"海南"}), {})
    assert links(YEAR, {}, [other_year]).hidden == frozenset()


def test_a_cell_that_follows_from_published_pieces_is_known() -> None:
    assert derivable(frozenset(range(1, 13)), [frozenset(range(1, 7)), frozenset(range(7, 13))])  # H1 + H2
    year, others = frozenset(range(1, 13)), [frozenset({m}) for m in range(1, 12)]
    assert derivable(frozenset({12}), [year, *others])  # December = the year − 11 months
    assert not derivable(frozenset({12}), [year, *others[1:]])
    assert derivable(frozenset(range(7, 13)), [year, frozenset(range(1, 7))])  # H2 = the year − H1
    assert not derivable(year, [frozenset(range(1, 7))])
    months = [Published(m, 1, frozenset(), {"浙江": (10, 1)}) for m in YEAR.months()]
    assert links(YEAR, {"浙江": (120, 12)}, months).known == {"浙江"}
    # A month not listing a key published a 0 for it: still a piece of the sum.
    months[4] = Published(Period.month(2023, 5), 1, frozenset(), {})
    assert links(YEAR, {"浙江": (110, 11)}, months).known == {"浙江"}
    months[5] = Published(Period.month(2023, 6), 1, frozenset({"浙江"}), {})
    assert links(YEAR, {"浙江": (110, 11)}, months).known == frozenset()


def test_a_known_cell_is_never_the_partner_of_a_hidden_one() -> None:
    # Without the link the year would hide 江苏 (the smallest) as 西藏's partner; 江苏's year is the sum of its
    # published months, so 西藏 = total − shown − 江苏. The partner must be one whose year is not published.
    alone = suppress({"西藏": 2, "江苏": 40, "浙江": 60, "上海": 80}, K)
    assert (alone["江苏"], alone["浙江"]) == (None, 60)
    linked = suppress({"西藏": 2, "江苏": 40, "浙江": 60, "上海": 80}, K, known={"江苏"})
    assert linked == {"西藏": None, "江苏": 40, "浙江": None, "上海": 80}


def test_a_province_that_is_one_house_shares_its_fate() -> None:
    provinces = {"浙江": (100, 1000), "江苏": (40, 400), "西藏": (2, 20)}
    houses = {"h1": (100, 1000), "h2": (40, 400), "h3": (2, 20)}  # each house sells in one province only
    hidden = suppress_linked({"provinces": provinces, "houses": houses}, K)
    assert hidden == {"provinces": {"江苏", "西藏"}, "houses": {"h2", "h3"}}
    # A house hidden in an earlier version hides its twin province too.
    hidden = suppress_linked({"provinces": provinces, "houses": houses}, K, {"houses": Links(frozenset({"h1"}))})
    assert "浙江" in hidden["provinces"]
    # Equal units but another turnover: not the same cell.
    houses = {"h1": (100, 1001), "h2": (40, 401), "h3": (2, 21), "h4": (50, 50)}
    assert suppress_linked({"provinces": provinces, "houses": houses}, K)["houses"] == {"h2", "h3"}


def test_a_house_of_fewer_than_k_sales_is_left_out_of_the_public_lists() -> None:
    levels = Levels(Period.month(2023, 5))
    for key, units in (("a", 40), ("b", 9), ("c", 2)):
        levels.houses[key] = Tally(units, units * 5_000_000)
        levels.house_names[key] = f"{key} 拍卖行"
    hidden = suppress_linked({"houses": {k: (t.units, t.turnover_fen) for k, t in levels.houses.items()}}, K)
    assert hidden["houses"] == {"b", "c"}  # c is small; b alone would be the total minus a
    report = build(levels, None, None, hidden["houses"])
    assert [r.house_key for r in report.rankings.units] == [r.house_key for r in report.rankings.turnover] == ["a"]
    assert [r.house_key for r in rankings(levels).units] == ["a", "b", "c"]  # the analysts' preview


# --- the property: no differencing attack recovers a small cell ------------------------------------------------

KEYS = st.sampled_from("ABCDEF")
UNITS = st.dictionaries(KEYS, st.integers(0, 14), max_size=6)


Equation = dict[object, int]


def _audit(published: list[tuple[list[Equation], list[Equation]]], sensitive: list[tuple[int, Equation]]) -> None:
    """`published`: per table in publication order, (the equations it publishes: its total and its shown cells, a
    key it does not list counting as a shown 0; of those, the ones no suppression could withhold: the total and the
    zeros). `sensitive`: (table index, cell) of every small cell.

    A small cell must not follow from everything published, unless it follows already from what was published
    before its table plus what no table could withhold: then no suppression of its table or a later one could hide
    it (a revision that changes one cell alone: its change is the total's; a month alone in its breakdown; a month
    published after its half, its cell the half's minus the other months')."""
    attacker = Attacker()
    for equations, _ in published:
        for eq in equations:
            attacker.learn(eq)
    for index, cell in sensitive:
        inherent = Attacker()
        for i, (equations, fixed) in enumerate(published):
            for eq in equations if i < index else fixed:
                inherent.learn(eq)
        if not inherent.knows(cell):
            assert not attacker.knows(cell), (index, cell)


@settings(max_examples=500, deadline=None)
@given(UNITS, st.dictionaries(KEYS, st.integers(0, 14), max_size=6), st.integers(2, 4))
def test_no_revision_reveals_a_small_cell(v1: dict[str, int], changes: dict[str, int], versions: int) -> None:
    """Versions 1..n of one release, each revising some cells; a cell unchanged between two versions is one unknown."""
    data = [dict(v1)]
    for i in range(1, versions):  # each revision changes a rotating part of `changes`
        step = dict(data[-1])
        step.update({key: n for j, (key, n) in enumerate(sorted(changes.items())) if j % (versions - 1) == i - 1})
        data.append(step)
    published: list[Published] = []
    tables = [_publish(YEAR, v + 1, units, published) for v, units in enumerate(data)]
    keys = set().union(*data)

    def var(key: str, version: int) -> tuple[str, int]:
        first = version  # the version since which the cell has had this value
        while first > 0 and data[first - 1].get(key, 0) == data[version].get(key, 0):
            first -= 1
        return (key, first)

    equations: list[tuple[list[Equation], list[Equation]]] = []
    sensitive: list[tuple[int, Equation]] = []
    for v, table in enumerate(tables):
        total: Equation = {var(key, v): 1 for key in keys}
        shown = [{var(key, v): 1} for key in keys if key not in table.hidden]
        zeros = [{var(key, v): 1} for key in keys if key not in table.hidden and not data[v].get(key)]
        equations.append(([total, *shown], [total, *zeros]))
        sensitive += [(v, {var(key, v): 1}) for key, n in data[v].items() if 0 < n < K]
    _audit(equations, sensitive)


@settings(max_examples=1000, deadline=None)
@given(
    st.dictionaries(KEYS, st.lists(st.integers(0, 5), min_size=6, max_size=6), max_size=4),
    st.permutations(list(range(7))),
    st.integers(1, 7),
)
def test_no_period_reveals_a_small_cell(data: dict[str, list[int]], order: list[int], count: int) -> None:
    """H1 and its six months, some of them published, in any order (a month may come after its half)."""
    periods = [*MONTHS, H1]
    published: list[Published] = []
    equations: list[tuple[list[Equation], list[Equation]]] = []
    sensitive: list[tuple[int, Equation]] = []
    for index, period in enumerate(periods[i] for i in order[:count]):
        months = [m.index for m in period.months()]
        units = {key: sum(series[m - 1] for m in months) for key, series in data.items()}
        table = _publish(period, 1, units, published)
        total: Equation = {(key, m): 1 for key in data for m in months}
        shown = [{(key, m): 1 for m in months} for key in data if key not in table.hidden]
        zeros = [{(key, m): 1 for m in months} for key in data if key not in table.hidden and not units[key]]
        equations.append(([total, *shown], [total, *zeros]))
        sensitive += [(index, {(key, m): 1 for m in months}) for key in data if 0 < units[key] < K]
    _audit(equations, sensitive)


def test_the_attacker_finds_what_unlinked_suppression_leaks() -> None:
    """The property test's attacker is not blind: months suppressed alone and a year shown whole leak a month."""
    attacker = Attacker()
    attacker.learn({("A", 1): 1, ("A", 2): 1})  # the half-year shows A = A(1) + A(2)
    attacker.learn({("A", 2): 1})  # February shows A
    assert attacker.knows({("A", 1): 1})  # January's hidden A = the half − February


def test_a_release_records_its_suppression_and_the_next_version_keeps_it() -> None:
    """The service's pure half: the record a release stores, read back as the next version's links."""
    from types import SimpleNamespace

    from marketplace.stats.services.reports import public_document, stored_breakdowns

    def levels(houses: dict[str, int]) -> Levels:
        lv = Levels(YEAR)
        for key, n in houses.items():
            lv.houses[key], lv.house_names[key] = Tally(n, n * 1_000_000 + ord(key)), f"{key} 拍卖行"
            lv.provinces[f"省{key}"] = Tally(n * 2, n * 2_000_000)
        lv.total = Tally(sum(houses.values()), sum(t.turnover_fen for t in lv.houses.values()))
        return lv

    v1 = levels({"a": 40, "b": 30, "c": 2, "d": 3})
    doc1, stored1 = public_document(YEAR, v1, Levels(YEAR.year_earlier()), K)
    assert [r["house"] for r in doc1["top30_units"]] == ["a 拍卖行", "b 拍卖行"]
    assert stored1["houses"]["hidden"] == ["c", "d"]
    assert stored1["houses"]["unpublished"] == {"c": [2, 2_000_000 + ord("c")], "d": [3, 3_000_000 + ord("d")]}
    release = SimpleNamespace(period="2023", version=1, suppressed=stored1, document=doc1)
    tables = stored_breakdowns(release, {})  # type: ignore[arg-type]
    # v2: c and d grew to 9 and 8 sales; they stay out of the lists, as v1 left them.
    v2 = levels({"a": 40, "b": 30, "c": 9, "d": 8})
    doc2, _ = public_document(YEAR, v2, Levels(YEAR.year_earlier()), K, {n: [t] for n, t in tables.items()})
    assert [r["house"] for r in doc2["top30_units"]] == ["a 拍卖行", "b 拍卖行"]
    alone, _ = public_document(YEAR, v2, Levels(YEAR.year_earlier()), K)
    assert [r["house"] for r in alone["top30_units"]] == ["a 拍卖行", "b 拍卖行", "c 拍卖行", "d 拍卖行"]  # unlinked
