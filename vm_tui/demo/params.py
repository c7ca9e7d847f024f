"""Parse the ``listened`` parameter of PATCH the way the provider documents it."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

MISSING = "param is missing or the value is empty: listened"

_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


class ParamError(Exception):
    def __init__(self, status: int, body: dict[str, object]) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


def _raw_value(content_type: str, body: bytes, query: str) -> object:
    """The raw ``listened`` value from a JSON or form body (query string as a fallback)."""
    if "json" in content_type.lower():
        try:
            doc = json.loads(body.decode("utf-8")) if body.strip() else {}
        except (UnicodeDecodeError, ValueError):
            raise ParamError(400, {"error": "Malformed JSON in request body"}) from None
        if isinstance(doc, dict) and "listened" in doc:
            return doc["listened"]
    else:
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        if "listened" in form:
            return form["listened"][-1]  # Rack keeps the last of repeated params
    # Like Rails, query-string params count too.
    query_params = parse_qs(query, keep_blank_values=True)
    return query_params["listened"][-1] if "listened" in query_params else None


def parse_listened(content_type: str, body: bytes, query: str = "") -> bool:
    """True/False, or ParamError: 400 when missing/empty, 422 when not a boolean."""
    value = _raw_value(content_type, body, query)
    if value is None or value == "":
        raise ParamError(400, {"error": MISSING})
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    raise ParamError(422, {"errors": {"listened": ["must be a boolean"]}})
