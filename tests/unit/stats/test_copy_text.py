"""The first pass's child writes PostgreSQL's COPY text for the parent to forward (`staging.copy_text`): a batch
with nothing to escape is joined as it is, anything else field by field with COPY's escapes; both give what the
escaping path gives, so the fast join can never change a value."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from marketplace.stats.services import staging


def escaped(records: list[tuple[Any, ...]]) -> bytes:
    return ("\n".join("\t".join(map(staging._field, r)) for r in records) + "\n").encode()


def test_a_plain_batch_is_joined_as_it_is() -> None:
    records = [(1, "杭州机动车拍卖有限公司", "S-1", "P-1", "2023-05-06 02:00:00+00", 4_527_100, "大众"),
               (2, "宁波", "S-2", "P-1", "2023-05-06 03:00:00+00", 1, "")]  # fmt: skip
    batch = staging.copy_text(records)
    assert (batch.first, batch.last, batch.rows) == (1, 2, 2)
    assert (
        batch.data
        == (
            "1\t杭州机动车拍卖有限公司\tS-1\tP-1\t2023-05-06 02:00:00+00\t4527100\t大众\n"
            "2\t宁波\tS-2\tP-1\t2023-05-06 03:00:00+00\t1\t\n"
        ).encode()
    )


def test_tabs_newlines_backslashes_and_nulls_are_escaped() -> None:
    records = [(7, "a\tb", "c\nd", "e\\f", "g\rh", None, "\\N")]
    assert staging.copy_text(records).data == b"7\ta\\tb\tc\\nd\te\\\\f\tg\\rh\t\\N\t\\\\N\n"


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**12),
            st.text(max_size=8),
            st.one_of(st.none(), st.text(max_size=8)),
            st.integers(-(10**15), 10**15),
        ),  # fmt: skip
        min_size=1,
        max_size=20,
    )
)
def test_the_fast_join_gives_what_escaping_gives(records: list[tuple[Any, ...]]) -> None:
    assert staging.copy_text(records).data == escaped(records)
