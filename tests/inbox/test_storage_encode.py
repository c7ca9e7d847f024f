"""The piecewise encoder writes exactly what json.dumps would mean."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vm_tui.inbox.storage import _encode

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=15,
)


@settings(deadline=None, max_examples=300)
@given(VALUES | st.dictionaries(st.text(), VALUES))
def test_round_trips_and_stays_ascii(data: Any) -> None:
    text = "".join(_encode(data))
    assert text.isascii()
    assert json.loads(text) == data


@settings(deadline=None, max_examples=100)
@given(st.dictionaries(st.text(), st.lists(VALUES, max_size=6)))
def test_iterators_are_written_as_lists(data: dict[str, list[Any]]) -> None:
    lazy = {key: iter(value) for key, value in data.items()}
    assert json.loads("".join(_encode(lazy))) == data


def test_a_list_is_encoded_one_element_per_piece() -> None:
    """Never the whole list as one string: its size is the writer's peak memory."""
    pieces = list(_encode({"voicemails": iter([{"id": n} for n in range(1000)])}))
    assert max(len(piece) for piece in pieces) < 20
    assert len(pieces) > 1000
