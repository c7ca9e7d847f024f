"""The per-element decoder gives exactly what json.loads gives, and fails where it fails."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vm_tui.api.jsonstream import loads_object_streaming

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@settings(deadline=None, max_examples=150)
@given(
    st.dictionaries(st.text(), JSON, max_size=4),
    st.lists(JSON, max_size=6),
    st.sampled_from([None, 2]),
)
def test_same_result_as_json_loads(
    extra: dict[str, Any], items: list[Any], indent: int | None
) -> None:
    document = {**extra, "voicemails": items}
    text = json.dumps(document, indent=indent)
    assert loads_object_streaming(text, "voicemails") == json.loads(text)


@pytest.mark.parametrize(
    "text",
    ['{"voicemails": [1, 2', '{"voicemails": [1 2]}', '{"a" 1}', '{"voicemails": []} x', "{", ""],
)
def test_malformed_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        loads_object_streaming(text, "voicemails")


@pytest.mark.parametrize("text", ["[1, 2]", '"x"', "5", '{"voicemails": 5}', "{}", " {} "])
def test_other_shapes_are_decoded_plainly(text: str) -> None:
    assert loads_object_streaming(text, "voicemails") == json.loads(text)
