from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.stats.domain.facts import House, SaleFact, SessionFact
from marketplace.stats.domain.figures import compute, price_band
from marketplace.stats.domain.periods import Period
from marketplace.stats.domain.ranking import positions, rank
from marketplace.stats.domain.suppression import suppress

A = House("a", "甲拍卖")
B = House("b", "乙拍卖")


def sale(key: str, fen: int, *, house: House = A, energy: str = "ICE", transfer: str = "unknown",
         at: datetime | None = None) -> SaleFact:  # fmt: skip
    return SaleFact(key, house, "s1", at or datetime(2023, 5, 1, 2, tzinfo=UTC), fen, "比亚迪", energy,  # type: ignore[arg-type]
                    "浙江", "宁波", transfer)  # type: ignore[arg-type]  # fmt: skip


def test_definitions_over_a_small_period() -> None:
    sales = [
        sale("1", 4_000_000, transfer="in_province"),
        sale("2", 20_000_000, energy="BEV", transfer="cross_province"),
        sale("3", 6_000_000, house=B, transfer="none"),
        sale("4", 9_000_000, house=B),  # transfer not known yet
        sale("5", 1_000_000, at=datetime(2024, 1, 1, tzinfo=UTC)),  # another year
    ]
    sessions = [
        SessionFact("s1", A, "online", date(2023, 5, 1)),
        SessionFact("s2", A, "hybrid", date(2023, 5, 2)),  # counts as on-site
        SessionFact("s3", B, "onsite", date(2023, 6, 1)),  # held, nothing sold: still a session
    ]
    levels = compute(Period.whole_year(2023), sales, sessions)
    assert (levels.units, levels.turnover_fen, levels.houses_active) == (4, 39_000_000, 2)
    assert levels.average_fen == Fraction(39_000_000, 4)
    assert levels.transfer_ratio == Fraction(2, 4)  # unknown counts in the denominator only
    assert (levels.transfer_in_province_ratio, levels.transfer_cross_province_ratio) == (Fraction(1, 4),) * 2
    assert levels.transfer_unknown == 1
    assert levels.high_price_share == Fraction(1, 4)  # 20 万元 exactly is "above 20 万"
    assert levels.online_share == Fraction(1, 3)
    assert levels.energy["BEV"].units == 1
    assert {k: t.units for k, t in levels.bands.items()} == {"<5万": 1, "5-10万": 2, "10-20万": 0, "≥20万": 1}
    assert levels.months["2023-05"].units == 4


def test_an_empty_period_has_no_average_and_no_ratios() -> None:
    levels = compute(Period.parse("2023-02"), [], [])
    assert (levels.average_fen, levels.transfer_ratio, levels.online_share) == (None, None, None)


@pytest.mark.parametrize(
    ("fen", "band"),
    [(1, "<5万"), (4_999_999, "<5万"), (5_000_000, "5-10万"), (10_000_000, "10-20万"), (20_000_000, "≥20万")],
)
def test_price_bands_include_their_lower_bound(fen: int, band: str) -> None:
    assert price_band(fen) == band


def test_a_sale_needs_a_positive_integer_price_and_an_offset() -> None:
    with pytest.raises(ValueError, match="positive integer"):
        sale("x", 0)
    with pytest.raises(ValueError, match="offset"):
        sale("x", 1, at=datetime(2023, 1, 1))  # noqa: DTZ001


def test_rankings_break_ties_by_name_in_code_point_order_at_the_cut() -> None:
    houses = [House(f"h{i:02d}", f"House {i:02d}") for i in range(32)]
    sales = [sale(f"{h.key}-{n}", 1_000_000, house=h) for h in houses for n in range(10 if h.key < "h29" else 5)]
    levels = compute(Period.whole_year(2023), sales, [])
    top = rank(levels.houses, levels.house_names, "units")
    assert len(top) == 30
    # h29, h30, h31 tie on 5 units; only "House 29" fits at 30th.
    assert (top[28].house, top[29].house, top[29].rank) == ("House 28", "House 29", 30)


def test_rank_movement_and_new_entries() -> None:
    sales = [sale("1", 1_000_000, house=A), sale("2", 1_000_000, house=B), sale("3", 1_000_000, house=B)]
    levels = compute(Period.whole_year(2023), sales, [])
    last_year = {"a": 1}
    rows = rank(levels.houses, levels.house_names, "units", previous=last_year)
    assert [(r.house_key, r.rank, r.movement) for r in rows] == [("b", 1, None), ("a", 2, -1)]
    assert positions(rows) == {"b": 1, "a": 2}
    by_turnover = rank(levels.houses, levels.house_names, "turnover")
    assert {r.house_key for r in by_turnover} == {r.house_key for r in rows}  # the same population


@given(st.dictionaries(st.text("abcdef", min_size=1, max_size=3), st.integers(0, 40), max_size=12),
       st.integers(1, 12))  # fmt: skip
def test_suppressed_cells_cannot_be_recovered_from_the_total(counts: dict[str, int], k: int) -> None:
    out = suppress(counts, k)
    hidden = [key for key, value in out.items() if value is None]
    assert all(out[key] == n for key, n in counts.items() if key not in hidden)
    assert all(counts[key] >= k or counts[key] == 0 for key in counts if key not in hidden)
    if hidden and len(hidden) < len(counts):
        assert len(hidden) >= 2
        assert sum(counts[key] for key in hidden) >= k


def test_suppression_of_one_small_cell_takes_the_next_smallest_with_it() -> None:
    assert suppress({"浙江": 100, "江苏": 40, "西藏": 2}, 5) == {"浙江": 100, "江苏": None, "西藏": None}
    assert suppress({"a": 9, "b": 8}, 5) == {"a": 9, "b": 8}


def test_a_revision_note_lists_every_changed_figure_with_old_and_new() -> None:
    from marketplace.stats.domain.releases import Change, revision_note

    old = {"units": 10, "yoy": {"units": Fraction(1, 10)}, "top30_units": [{"rank": 1, "units": 10}]}
    new = {"units": 11, "yoy": {"units": Fraction(1, 5)}, "top30_units": [{"rank": 1, "units": 11}], "x": 1}
    assert revision_note(old, new) == [
        Change("top30_units[0].units", 10, 11),
        Change("units", 10, 11),
        Change("x", None, 1),
        Change("yoy.units", Fraction(1, 10), Fraction(1, 5)),
    ]
    assert revision_note(old, old) == []


def test_an_embargoed_release_is_visible_only_inside_the_association_before_its_time() -> None:
    from marketplace.stats.domain.releases import next_version, visible

    embargo = datetime(2024, 10, 15, 9, tzinfo=UTC)
    before, after = datetime(2024, 10, 15, 8, 59, 59, tzinfo=UTC), datetime(2024, 10, 15, 9, tzinfo=UTC)
    assert not visible(embargo, before, inside_association=False)
    assert visible(embargo, before, inside_association=True)
    assert visible(embargo, after, inside_association=False)
    assert next_version([]) == 1
    assert next_version([1, 2]) == 3
