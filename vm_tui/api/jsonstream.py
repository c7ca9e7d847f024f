"""Decode a big list response item by item, so a thread parsing it does not hold the GIL.

``json.loads`` of a 6 MB body is one C call of ~40 ms that never releases the GIL: run in a
thread, it still freezes the event loop for that long. Decoding each array element with its own
``raw_decode`` call gives the interpreter a chance to switch threads between elements.
"""

from __future__ import annotations

import json
from typing import Any

_DECODER = json.JSONDecoder()
_WS = " \t\n\r"


def loads_object_streaming(text: str, array_key: str) -> Any:
    """Like ``json.loads`` for a top-level object; ``array_key``'s list is decoded per element.

    Raises ValueError on malformed JSON, as json.loads does.
    """
    index = _skip(text, 0)
    if not text.startswith("{", index):
        return json.loads(text)  # not the shape we expect: let the plain decoder judge it
    result: dict[str, Any] = {}
    index = _skip(text, index + 1)
    if text.startswith("}", index):
        return _end(result, text, index + 1)
    while True:
        key, index = _DECODER.raw_decode(text, index)
        if not isinstance(key, str):
            raise ValueError("object keys must be strings")
        index = _expect(text, _skip(text, index), ":")
        index = _skip(text, index)
        if key == array_key and text.startswith("[", index):
            result[key], index = _decode_array(text, index + 1)
        else:
            result[key], index = _DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if text.startswith("}", index):
            return _end(result, text, index + 1)
        index = _skip(text, _expect(text, index, ","))


def _decode_array(text: str, index: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    append, decode, length = items.append, _DECODER.raw_decode, len(text)
    index = _skip(text, index)
    if text.startswith("]", index):
        return items, index + 1
    while True:
        item, index = decode(text, index)
        append(item)
        # The common case, compact JSON: "," or "]" right after the element.
        char = text[index] if index < length else ""
        if char == ",":
            index += 1
            if index < length and text[index] in _WS:
                index = _skip(text, index)
            continue
        if char == "]":
            return items, index + 1
        index = _skip(text, index)
        if text.startswith("]", index):
            return items, index + 1
        index = _skip(text, _expect(text, index, ","))


def _skip(text: str, index: int) -> int:
    length = len(text)
    while index < length and text[index] in _WS:
        index += 1
    return index


def _expect(text: str, index: int, char: str) -> int:
    if not text.startswith(char, index):
        raise ValueError(f"expected {char!r} at position {index}")
    return index + 1


def _end(result: dict[str, Any], text: str, index: int) -> dict[str, Any]:
    if _skip(text, index) != len(text):
        raise ValueError("extra data after the JSON object")
    return result
