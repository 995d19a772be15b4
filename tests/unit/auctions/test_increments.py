from __future__ import annotations

import pytest

from auctions.domain.increments import Ladder, LadderError, PremiumTable

# 0–10,000 元 in 100 元 steps, 10,000–100,000 元 in 500 元, above in 1,000 元 (amounts in fen).
LADDER = Ladder.build([(0, 10_000), (1_000_000, 50_000), (10_000_000, 100_000)])


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([], "at least one band"),
        ([(100, 10)], "start at 0"),
        ([(0, 0)], "positive"),
        ([(0, 10), (0, 20)], "ascending"),
        ([(0, 10), (50, 20), (40, 5)], "ascending"),
        ([(0, 300), (1000, 500)], "not on band 0"),
    ],
)
def test_ladder_validation(pairs: list[tuple[int, int]], message: str) -> None:
    with pytest.raises(LadderError, match=message):
        Ladder.build(pairs)


@pytest.mark.parametrize(
    ("amount", "step"),
    [(0, 10_000), (999_999, 10_000), (1_000_000, 50_000), (9_999_999, 50_000), (10_000_000, 100_000)],
)
def test_increment_at_band_boundaries(amount: int, step: int) -> None:
    assert LADDER.increment(amount) == step


def test_grid_and_nearest() -> None:
    assert LADDER.on_grid(990_000)
    assert LADDER.on_grid(1_000_000)
    assert not LADDER.on_grid(1_010_000)  # 100 元 steps stop at 10,000 元
    assert LADDER.nearest(1_010_000) == (1_000_000, 1_050_000)
    assert LADDER.nearest(12_345) == (10_000, 20_000)
    assert not LADDER.on_grid(-10_000)


def test_next_above_crosses_into_a_coarser_band() -> None:
    assert LADDER.next_above(990_000) == 1_000_000
    assert LADDER.next_above(1_000_000) == 1_050_000
    coarse = Ladder.build([(0, 300), (900, 500)])
    # 600 + 300 = 900 is the band start; 900 + 500 = 1400
    assert coarse.next_above(600) == 900
    assert coarse.next_above(900) == 1_400


def test_premium_bands_percentage_and_fixed() -> None:
    table = PremiumTable.build([(0, 500, 0), (10_000_000, 300, 50_000)])
    assert table.premium(1_000_000) == 50_000  # 5 % of 10,000 元
    assert table.premium(10_000_000) == 300_000 + 50_000
    assert table.premium(1) == 0  # 0.05 fen rounds down
    assert PremiumTable.build([(0, 5_000, 0)]).premium(1) == 1  # 0.5 fen rounds half up


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "at least one"),
        ([(5, 1, 0)], "start at 0"),
        ([(0, -1, 0)], "negative"),
        ([(0, 20_000, 0)], "100"),
        ([(0, 1, 0), (0, 1, 0)], "ascending"),
    ],
)
def test_premium_validation(rows: list[tuple[int, int, int]], message: str) -> None:
    with pytest.raises(LadderError, match=message):
        PremiumTable.build(rows)
