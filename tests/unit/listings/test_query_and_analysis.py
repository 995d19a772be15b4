from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from listings.domain.catalogue import synonym_groups
from listings.domain.query import Params, QueryError, clean_text, to_search_query
from marketplace.ports.search.analysis import Synonyms, doc_tokens, query_terms, typo_candidates

SYN = Synonyms(synonym_groups())


def _groups(text: str) -> list[list[str]]:
    return query_terms(text, SYN)


def test_chinese_and_latin_names_fold_to_the_same_terms() -> None:
    expected = _groups("宝马 3系")
    assert len(expected) == 2
    for q in ("BMW 320Li", "bmw 3 series", "宝马3系", "ＢＭＷ　３系", "Bmw 3 Series"):
        assert _groups(q) == expected, q


def test_latin_phrase_needs_word_boundaries() -> None:
    assert _groups("audi")[0] != _groups("audiophile")[0]


def test_cjk_bigrams_and_latin_words() -> None:
    assert doc_tokens("白色 Model Y") >= {"白", "色", "白色", "model", "y"}
    assert _groups("杭州白色") == [["杭州"], ["州白"], ["白色"]]


def test_typo_candidates() -> None:
    vocab = {"toyota", "tiguan", "teana", "corolla", "highlander"}
    index: dict[str, set[str]] = {}
    from marketplace.ports.search.analysis import deletes

    for w in vocab:
        for k in (w, *deletes(w)):
            index.setdefault(k, set()).add(w)
    assert typo_candidates("toyta", vocab, index) == ["toyota"]
    assert typo_candidates("corola", vocab, index) == ["corolla"]
    assert typo_candidates("higlandr", vocab, index) == ["highlander"]  # two edits for a long word
    assert typo_candidates("bmw", vocab, index) == []  # too short to guess


def test_params_translate_to_port_query() -> None:
    q = to_search_query(
        Params(
            q="  宝马\x00 3系 ",
            lists={"make": "宝马,奔驰,宝马", "energy_type": "bev"},
            bounds={"year_min": 2018, "price_max_fen": 30_000_000},
            transfers_max=1,
            no_accident=True,
            sort="price_asc",
            page=3,
            per_page=10,
        )
    )
    assert q.text == "宝马 3系"
    assert q.filters == {"make": ("宝马", "奔驰"), "energy_type": ("bev",)}
    assert q.ranges == {"year": (2018, None), "price_fen": (None, 30_000_000), "transfers": (None, 1)}
    assert (q.offset, q.limit, q.sort, q.no_accident) == (20, 10, "price_asc", True)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        (Params(bounds={"year_min": 2020, "year_max": 2019}), "year_min"),
        (Params(bounds={"price_min_fen": -1}), "price_min_fen"),
        (Params(bounds={"mileage_max_km": 10**8}), "mileage_max_km"),
        (Params(transfers_max=-1), "transfers_max"),
        (Params(sort="nope"), "sort"),
        (Params(page=2000, per_page=100), "page"),
        (Params(lists={"make": ",".join("abcdefghijklmnopqrstuvwxyz")}), "make"),
        (Params(q="x" * 101), "q"),
    ],
)
def test_absurd_parameters(params: Params, field: str) -> None:
    with pytest.raises(QueryError) as exc:
        to_search_query(params)
    assert exc.value.field == field


@given(st.text(max_size=120))
def test_text_parsing_is_total(text: str) -> None:
    try:
        cleaned = clean_text(text)
    except QueryError:
        return
    assert all(ch.isprintable() or ch == " " for ch in cleaned)
    for term in query_terms(cleaned, SYN):
        assert term
        assert all(tok for tok in term)


@given(
    st.dictionaries(
        st.sampled_from(["year_min", "year_max", "price_min_fen", "price_max_fen"]), st.integers(-10, 10**13)
    ),
    st.text(alphabet="宝马奔驰,ab ", max_size=40),
)
def test_param_translation_raises_only_query_error(bounds: dict[str, int], makes: str) -> None:
    try:
        q = to_search_query(Params(bounds=bounds, lists={"make": makes}))
    except QueryError:
        return
    for lo, hi in q.ranges.values():
        assert lo is None or hi is None or lo <= hi
