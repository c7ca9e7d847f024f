"""The piecewise encoder writes exactly what json.dumps would mean."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vm_tui.local.files import encode_json as _encode

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=15,
)


@settings(deadline=None, max_examples=150)
@given(VALUES | st.dictionaries(st.text(), VALUES))
def test_round_trips_and_stays_ascii(data: Any) -> None:
    text = "".join(_encode(data))
    assert text.isascii()
    assert json.loads(text) == data


@settings(deadline=None, max_examples=50)
@given(st.dictionaries(st.text(), st.lists(VALUES, max_size=6)))
def test_iterators_are_written_as_lists(data: dict[str, list[Any]]) -> None:
    lazy = {key: iter(value) for key, value in data.items()}
    assert json.loads("".join(_encode(lazy))) == data


def test_a_long_list_is_encoded_a_thousand_elements_a_piece() -> None:
    """Never the whole list as one string: its size is the writer's peak memory."""
    data = {"voicemails": iter([{"id": n} for n in range(10_000)])}
    pieces = list(_encode(data))
    assert 10 <= len(pieces) <= 16  # and "{", the key, "[", "}"
    assert max(len(piece) for piece in pieces) < 15_000  # ~1,000 elements of ~12 characters
