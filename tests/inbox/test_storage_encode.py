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
