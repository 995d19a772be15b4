"""How figures and lines are written: exact money, capital numerals, Beijing time, CJK line breaking."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from marketplace.documents import render
from marketplace.documents.text import NO_LINE_START, beijing, break_lines, capital, money, percent_bp, price, wan
from tests.unit.documents import samples


def test_money_is_exact_with_separators_and_signs() -> None:
    assert money(12_345_600) == "¥123,456.00"
    assert money(-246_912) == "-¥2,469.12"
    assert money(5, "USD") == "US$0.05"
    assert money(1200, "JPY") == "JP¥1,200"
    assert money(100, "KES") == "KES 1.00"
    assert price(12_345_600) == "¥123,456.00（12.35 万元）"
    assert wan(12_345_000) == "12.35 万元"  # 12.345 → half up
    assert wan(12_344_999) == "12.34 万元"
    assert percent_bp(5) == "0.05%"
    assert percent_bp(600) == "6.00%"


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (0, "零元整"),
        (100, "壹元整"),
        (12_345_600, "壹拾贰万叁仟肆佰伍拾陆元整"),
        (11_765_968, "壹拾壹万柒仟陆佰伍拾玖元陆角捌分"),
        (100_000_000, "壹佰万元整"),
        (100_500_000, "壹佰万伍仟元整"),
        (100_050_000, "壹佰万零伍佰元整"),
        (1_000_000_000_000, "壹佰亿元整"),
        (10_000_100, "壹拾万零壹元整"),
        (105, "壹元零伍分"),
        (50, "伍角"),
        (1_020_304, "壹万零贰佰零叁元零肆分"),
    ],
)
def test_capital_numerals(fen: int, words: str) -> None:
    assert capital(fen) == words


def test_times_are_shown_in_beijing_time_and_must_be_aware() -> None:
    assert beijing(datetime(2026, 12, 31, 16, 30, tzinfo=UTC)) == "2027-01-01 00:30（北京时间）"
    with pytest.raises(ValueError, match="aware"):
        beijing(datetime(2026, 1, 1))  # noqa: DTZ001


def _width(s: str) -> float:
    return float(len(s))  # one unit a character: easy to reason about


def test_chinese_breaks_between_characters_but_latin_words_and_figures_stay_whole() -> None:
    lines = break_lines("买受人应付 ¥123,456.00 元，车辆 LSVNV2182E2100001 交付", 12, _width)
    assert all(len(line) <= 12 for line in lines)
    assert "".join(lines).replace(" ", "") == "买受人应付¥123,456.00元，车辆LSVNV2182E2100001交付"
    assert any("¥123,456.00" in line for line in lines)
    assert any("LSVNV2182E2100001"[:12] in line for line in lines)


def test_closing_punctuation_never_starts_a_line() -> None:
    text = "甲乙双方协商一致，订立本合同。风险自交付时转移；争议提交仲裁。" * 4
    for width in range(5, 20):
        lines = break_lines(text, width, _width)
        assert "".join(lines) == text
        assert all(line[0] not in NO_LINE_START for line in lines if line)


def test_a_word_longer_than_the_line_is_cut_not_lost() -> None:
    lines = break_lines("X" * 30, 8, _width)
    assert lines == ["X" * 8, "X" * 8, "X" * 8, "X" * 6]


def test_a_gate_code_the_barcode_cannot_carry_is_refused() -> None:
    with pytest.raises(ValueError, match="Code 39"):
        render(samples.gate_pass(code="出门/42"))
