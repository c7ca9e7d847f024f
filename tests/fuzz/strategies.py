"""Hypothesis strategies for whole API responses, valid and hostile, as they come off the wire.

A response is a status, headers and body bytes. The bodies range from well-formed inboxes to
what a broken proxy, a bug or an attacker could send: any JSON, odd types in any field, lone
surrogates (as JSON escapes and as raw bytes), dates at the calendar's edges and in any offset,
absurd counts, nesting thousands deep, invalid UTF-8, bodies cut short, gzip on top.
"""

from __future__ import annotations

import gzip
import json
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
from hypothesis import example
from hypothesis import strategies as st

from vm_tui.demo.faults import EDGE_EARLY, EDGE_FIRST, EDGE_LAST, EDGE_LATE

JSON_TYPE = (("Content-Type", "application/json"),)


@dataclass(frozen=True)
class WireResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def httpx(self) -> httpx.Response:
        """As a transport hands it over: not read yet."""
        return httpx.Response(
            self.status, headers=list(self.headers), stream=httpx.ByteStream(self.body)
        )


# -- text ----------------------------------------------------------------------------------------

# Every category: controls, format characters, private use, unassigned, lone surrogates.
any_char = st.characters(categories=["L", "M", "N", "P", "S", "Z", "C"])
hostile_text = st.text(any_char, max_size=40) | st.sampled_from(
    [
        "\ud800",
        "a\udfffb",
        "\udbff\udc00",  # a pair: valid once joined
        "\x1b]52;c;aGk=\x07",
        "[@click=app.quit]x[/]",
        "\u202eevil",
        "line\nbreak\r\n",
        "",
        " " * 50,
    ]
)
# Lone surrogates are rare among all code points: mixed in on purpose.
surrogate_text = st.text(
    st.sampled_from(["\ud800", "\udfff", "\udbff", "a", "é", " ", "\x1b"]), max_size=8
)
plain_text = st.text(string.ascii_letters + string.digits + " .,'-", max_size=60)
texts = plain_text | hostile_text | surrogate_text
ids = st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=40) | hostile_text
huge_text = st.integers(10_000, 400_000).flatmap(
    lambda n: st.sampled_from(["x" * n, "word " * (n // 5), "\ud800" * (n // 10), "é" * n])
)

# -- dates ---------------------------------------------------------------------------------------

offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
moments = st.datetimes(
    min_value=datetime(1, 1, 1),
    max_value=datetime(9999, 12, 31, 23, 59, 59, 999999),
    timezones=st.just(UTC) | offsets,
)
EDGES = [
    EDGE_LATE,
    EDGE_EARLY,
    EDGE_LAST,
    EDGE_FIRST,
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-14:00",
    "0001-01-01T00:00:00+14:00",  # before year 1 in UTC: not a real moment
    "9999-12-31T23:59:59-14:00",  # after year 9999 in UTC
    "2026-05-11T13:48:02",  # no zone
    "2026-05-11 13:48:02Z",
    "2026-13-01T00:00:00Z",
    "not a date",
]
dates = (
    st.sampled_from(EDGES)
    | moments.map(lambda m: m.isoformat())
    | moments.map(lambda m: m.astimezone(UTC).isoformat().replace("+00:00", "Z"))
)

# -- JSON values ---------------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**18, max_value=10**300)
    | st.floats(allow_nan=True, allow_infinity=True)
    | texts
)
json_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=12,
)
counts = (
    st.integers(0, 10_000)
    | st.integers()
    | st.just(10**100)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.none()
    | texts
    | json_values
)

FIELDS = {
    "id": ids,
    "from": texts | ids,
    "created_at": dates,
    "listened_at": st.none() | dates,
    "transcription": st.none() | texts,
    "recording_url": st.none()
    | st.just("https://app.phone.inc/rails/active_storage/blobs/x/voicemail.mp3")
    | texts,
    "main_number_id": st.none() | ids,
    "main_number_name": st.none() | texts,
    "main_number": st.none() | texts,
    "main_number_formatted": st.none() | texts,
    "main_number_number": st.none() | texts,
    "main_number_number_formatted": st.none() | texts,
    "listened": st.booleans() | json_values,
}


@st.composite
def voicemails(draw: st.DrawFn) -> Any:
    """Mostly a voicemail (some fields dropped, some of another type, some huge), sometimes
    anything at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    vm = {name: draw(strategy) for name, strategy in FIELDS.items()}
    for name in draw(st.sets(st.sampled_from(sorted(FIELDS)), max_size=3)):
        if draw(st.booleans()):
            vm.pop(name, None)
        else:
            vm[name] = draw(json_values | dates)
    if draw(st.integers(0, 19)) == 0:
        vm[draw(st.sampled_from(["id", "from", "transcription", "main_number_name"]))] = draw(
            huge_text
        )
    return vm


@st.composite
def nested(draw: st.DrawFn, inner: Any) -> Any:
    """``inner`` at the bottom of lists/objects nested up to thousands deep."""
    depth = draw(st.sampled_from([2, 900, 1100, 5000, 50_000]))
    value = inner
    for _ in range(depth):
        value = [value]
    return value


def _encode(doc: Any, ascii_only: bool) -> bytes:
    """JSON as a server might send it: escapes (``\\ud800``) or raw bytes (surrogatepass, as a
    sloppy encoder writes them)."""
    text = json.dumps(doc, ensure_ascii=ascii_only, allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def _documents(draw: st.DrawFn, one: bool) -> Any:
    if one:
        return draw(voicemails())
    doc: dict[str, Any] = {
        "unlistened_count": draw(counts),
        "voicemails": draw(st.lists(voicemails(), max_size=8) | json_values),
    }
    if draw(st.booleans()):
        doc.update(draw(st.dictionaries(texts, json_values, max_size=2)))
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    return doc


@st.composite
def bodies(draw: st.DrawFn, one: bool = False) -> bytes:
    """The body of a list answer (or of one voicemail, ``one``), valid or spoiled."""
    doc = draw(_documents(one))
    spoil = draw(
        st.sampled_from(
            ["none"] * 4
            + ["nested-field", "nested-all", "nested-all", "invalid-utf8", "cut", "raw", "empty"]
        )
    )
    if spoil == "nested-field" and isinstance(doc, dict):
        key = draw(st.sampled_from(["voicemails", "unlistened_count", "transcription", "id"]))
        doc[key] = draw(nested(doc.get(key)))
    elif spoil == "nested-all":
        doc = draw(nested(doc))
    try:
        body = _encode(doc, draw(st.booleans()))
    except RecursionError:  # too deep for json.dumps: write the brackets by hand
        depth = draw(st.integers(1000, 100_000))
        body = b'{"voicemails":' + b"[" * depth + b"]" * depth + b"}"
    if spoil == "invalid-utf8":
        at = draw(st.integers(0, len(body)))
        body = (
            body[:at]
            + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80"]))
            + body[at:]
        )
    elif spoil == "cut":
        body = body[: draw(st.integers(0, max(len(body) - 1, 0)))]
    elif spoil == "raw":
        body = draw(st.binary(max_size=200))
    elif spoil == "empty":
        body = b""
    return body


@st.composite
def responses(draw: st.DrawFn, one: bool = False) -> WireResponse:
    """A whole answer: mostly 200, sometimes an error status; sometimes gzipped; odd types."""
    body = draw(bodies(one))
    status = draw(st.sampled_from([200] * 8 + [400, 404, 421, 422, 429, 500, 502, 503]))
    headers: list[tuple[str, str]] = [
        ("Content-Type", draw(st.sampled_from(["application/json", "text/html", "", "x/y"])))
    ]
    if draw(st.integers(0, 4)) == 0:
        body = gzip.compress(body)
        headers.append(("Content-Encoding", "gzip"))
    if status == 429:
        headers.append(("Retry-After", draw(st.sampled_from(["0", "1", "soon", "-1"]))))
    return WireResponse(status, tuple(headers), body)


def _inbox(*items: bytes, count: bytes = b"1") -> WireResponse:
    return WireResponse(
        200,
        JSON_TYPE,
        b'{"unlistened_count":' + count + b',"voicemails":[' + b",".join(items) + b"]}",
    )


_VM = (
    b'{"id":"vm-9","from":"+14155550100","created_at":"2026-05-11T13:00:00Z","transcription":"Hi"}'
)
# One of each hostile kind: the quick runs always try these (``@example``), whatever they draw.
HOSTILE_EXAMPLES = {
    "surrogates": _inbox(
        b'{"id":"a\\ud800","from":"\\ud800","created_at":"2026-05-11T13:00:00Z",'
        b'"transcription":"\\udfff","main_number_name":"\\udbff"}',
        _VM,
    ),
    "raw-surrogates": _inbox(
        b'{"id":"b","from":"\xed\xa0\x80","created_at":"2026-05-11T13:00:00Z"}', _VM
    ),
    "edge-dates": _inbox(
        b'{"id":"c","from":"+1","created_at":"9999-12-31T23:30:00Z",'
        b'"listened_at":"9999-12-31T23:59:59.999999Z"}',
        b'{"id":"d","from":"+1","created_at":"0001-01-01T00:30:00Z",'
        b'"listened_at":"0001-01-01T00:00:00Z"}',
        _VM,
    ),
    "nested": _inbox(b"[" * 5000 + b"]" * 5000, _VM),
    "invalid-utf8": _inbox(_VM.replace(b"Hi", b"H\xffi")),
    "absurd-count": _inbox(_VM, count=b"1" + b"0" * 100),
    "gzip": WireResponse(
        200, (*JSON_TYPE, ("Content-Encoding", "gzip")), gzip.compress(_inbox(_VM).body)
    ),
}
_ONE = b'"id":"vm-1","from":"+1","main_number_number":"\\ud800"'
HOSTILE_ONE_EXAMPLES = {
    "surrogates": WireResponse(
        200,
        JSON_TYPE,
        b"{" + _ONE + b',"created_at":"2026-05-11T13:00:00Z","transcription":"\\udfff"}',
    ),
    "edge-dates": WireResponse(
        200,
        JSON_TYPE,
        b"{" + _ONE + b',"created_at":"9999-12-31T23:30:00Z","listened_at":"0001-01-01T00:00:00Z"}',
    ),
    "nested": WireResponse(200, JSON_TYPE, b'{"id":' + b"[" * 5000 + b"]" * 5000 + b"}"),
}


def with_hostile_examples(
    one: bool = False, **fixed: object
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Hypothesis ``@example`` for each hostile kind above (as ``answer``, plus ``fixed``)."""
    chosen = HOSTILE_ONE_EXAMPLES if one else HOSTILE_EXAMPLES

    def decorate(test: Callable[..., None]) -> Callable[..., None]:
        for answer in chosen.values():
            test = example(answer=answer, **fixed)(test)
        return test

    return decorate


ZONES = [
    "Asia/Tokyo",
    "America/New_York",
    "Pacific/Kiritimati",
    "Etc/GMT+12",
    "Pacific/Apia",
    "America/St_Johns",
    "UTC",
]
