"""Voicemail models: frozen dataclasses parsed explicitly from the API's JSON."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .errors import ProtocolError

# More than this many unlistened voicemails is not a count but nonsense (10**100, 2**63): the
# badge is then counted from the voicemails received instead.
MAX_COUNT = 10**9
# A lone surrogate (from a JSON escape such as "\ud800") cannot be encoded: not to the
# terminal, nor to a file, nor into a URL. Each becomes U+FFFD when the voicemail is parsed.
_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Voicemail:
    """One voicemail, with one canonical name per field whichever spelling the server used."""

    id: str
    caller: str
    created_at: datetime
    listened_at: datetime | None = None
    transcription: str | None = None
    # Signed per request: never cache or persist it (see API-NOTES.md).
    recording_url: str | None = field(default=None, compare=False)
    line_id: str | None = None
    line_name: str = ""
    line_number: str = ""
    line_number_formatted: str = ""

    @property
    def listened(self) -> bool:
        return self.listened_at is not None

    @property
    def recording_ready(self) -> bool:
        return self.recording_url is not None

    def heard_at(self, listened_at: datetime | None) -> Voicemail:
        """This voicemail with ``listened_at`` changed (None: unlistened). What
        ``dataclasses.replace`` does, at a third of its cost: a bulk mark makes thousands."""
        return Voicemail(
            self.id,
            self.caller,
            self.created_at,
            listened_at,
            self.transcription,
            self.recording_url,
            self.line_id,
            self.line_name,
            self.line_number,
            self.line_number_formatted,
        )

    def to_json(self) -> dict[str, Any]:
        """The canonical JSON form (the list endpoint's spelling), for --json and the cache."""
        return {
            "id": self.id,
            "from": self.caller,
            "created_at": _format_time(self.created_at),
            "listened": self.listened,
            "listened_at": _format_time(self.listened_at) if self.listened_at else None,
            "transcription": self.transcription,
            "recording_ready": self.recording_ready,
            "main_number_id": self.line_id,
            "main_number_name": self.line_name,
            "main_number": self.line_number,
            "main_number_formatted": self.line_number_formatted,
        }


@dataclass(frozen=True, slots=True)
class SkippedItem:
    """A list item that could not be parsed; the rest of the inbox is still shown."""

    index: int
    id: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Inbox:
    """The list endpoint's answer."""

    unlistened_count: int
    voicemails: tuple[Voicemail, ...]
    skipped: tuple[SkippedItem, ...] = ()


def parse_voicemail(data: object) -> Voicemail:
    """Parse one voicemail object; raise ProtocolError naming the field on bad data.

    Every poll parses the whole inbox (10,000 voicemails are ~35 ms): well-formed values take a
    fast path of plain type checks, and anything else goes through the checks that explain it.
    Lone surrogates in any text become U+FFFD (an ASCII string, most of them, is known to have
    none at once).
    """
    if type(data) is not dict and not isinstance(data, Mapping):
        raise ProtocolError(f"expected a voicemail object, got {_type_name(data)}")
    get = data.get
    vm_id, caller = get("id"), get("from")
    if type(vm_id) is not str or not vm_id:
        vm_id = _required_str(data, "id")
    if type(caller) is not str or not caller:
        caller = _required_str(data, "from")
    # In the order of the checks before the fast path: the first bad field is the one named.
    # Times as the API sends them ("...Z") are read in one call; others take the long way.
    created_at = get("created_at")
    if type(created_at) is not str or (created_at := _utc_or_none(created_at)) is None:
        created_at = _required_time(data, "created_at")
    listened_at = get("listened_at")
    if listened_at is not None and (
        type(listened_at) is not str or (listened_at := _utc_or_none(listened_at)) is None
    ):
        listened_at = _optional_time(data, "listened_at")
    transcription, recording_url = get("transcription"), get("recording_url")
    line_id, line_name = get("main_number_id"), get("main_number_name")
    if transcription is not None and type(transcription) is not str:
        transcription = _optional_str(data, "transcription")
    if recording_url is not None and type(recording_url) is not str:
        recording_url = _optional_str(data, "recording_url")
    if line_id is not None and type(line_id) is not str:
        line_id = _optional_str(data, "main_number_id")
    if type(line_name) is not str:
        line_name = _optional_str(data, "main_number_name") or ""
    # The list spells it main_number, retrieve and update main_number_number.
    line_number = get("main_number")
    if type(line_number) is not str or not line_number:
        line_number = _first_str(data, "main_number", "main_number_number")
    line_formatted = get("main_number_formatted")
    if type(line_formatted) is not str or not line_formatted:
        line_formatted = _first_str(data, "main_number_formatted", "main_number_number_formatted")
    # An ASCII string (most of them) has no lone surrogate; only the others are looked into.
    if transcription is not None and not transcription.isascii():
        transcription = _text(transcription)
    short = (
        vm_id,
        caller,
        line_name,
        line_number,
        line_formatted,
        recording_url or "",
        line_id or "",
    )
    if not "".join(short).isascii():  # one check for the short fields together
        vm_id, caller = _text(vm_id), _text(caller)
        line_name, line_number = _text(line_name), _text(line_number)
        line_formatted = _text(line_formatted)
        recording_url = None if recording_url is None else _text(recording_url)
        line_id = None if line_id is None else _text(line_id)
    return Voicemail(
        vm_id,
        caller,
        created_at,
        listened_at,
        transcription,
        recording_url,
        line_id,
        line_name,
        line_number,
        line_formatted,
    )


def parse_inbox(data: object, reuse: Mapping[str, Voicemail] | None = None) -> Inbox:
    """Parse the list response. One bad item is skipped and reported, not fatal.

    ``reuse``: the voicemails of the last answer. One that has not changed is returned as that
    same object, so whoever compares the two answers (on the event loop) finds it unchanged by
    identity; the comparing is done here, where the parse is (a thread, for a poll)."""
    if not isinstance(data, Mapping):
        raise ProtocolError(f"expected a JSON object with voicemails, got {_type_name(data)}")
    items = data.get("voicemails")
    if not isinstance(items, list):
        raise ProtocolError("field 'voicemails': expected a list, got " + _type_name(items))
    voicemails: list[Voicemail] = []
    skipped: list[SkippedItem] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        try:
            vm = parse_voicemail(item)
        except ProtocolError as error:
            raw_id = item.get("id") if isinstance(item, Mapping) else None
            shown_id = _text(raw_id[:200]) if isinstance(raw_id, str) else None
            skipped.append(SkippedItem(index, shown_id, str(error)))
            continue
        if vm.id in seen:
            skipped.append(SkippedItem(index, vm.id, "duplicate id"))
            continue
        seen.add(vm.id)
        if (
            reuse is not None
            and (last := reuse.get(vm.id)) is not None
            and same_voicemail(last, vm)
        ):
            vm = last
        voicemails.append(vm)
    count = data.get("unlistened_count")
    if type(count) is not int or not 0 <= count <= MAX_COUNT:
        # Missing, negative, absurd, a float, a bool: the badge can still be derived from what
        # we have; do not hide the inbox over it.
        count = sum(1 for vm in voicemails if not vm.listened)
    return Inbox(count, tuple(voicemails), tuple(skipped))


def same_voicemail(a: Voicemail, b: Voicemail) -> bool:
    """Nothing a user sees differs. The recording URL is signed anew in every answer: only
    whether there is one counts (a fresh URL is asked for when it plays)."""
    return a is b or (a == b and a.recording_ready == b.recording_ready)


def _utc_or_none(value: str) -> datetime | None:
    """A time in the API's own form ("...Z"), or None for anything that needs a closer look."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is UTC else None


def parse_time(value: str) -> datetime:
    """ISO 8601 to an aware datetime (naive times are taken as UTC)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        pass  # the slower checks below explain or repair it
    else:
        if parsed.tzinfo is UTC:  # what the API sends ("...Z"): nothing to convert
            return parsed
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        # In UTC from here on: a time that cannot be expressed in UTC is not a real one.
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError("timestamp out of range") from None


def _text(value: str) -> str:
    """``value`` with every lone surrogate replaced by U+FFFD."""
    if value.isascii() or _one_byte_per_character(value):
        return value  # every code point below 256: no surrogate
    try:
        value.encode("utf-8")  # C speed; only a lone surrogate makes it fail
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", value)
    return value


# CPython keeps a string whose code points are all below 256 at one byte per character, so its
# size is a constant plus its length: an O(1) test that spares a 20 MB transcription in Latin
# script the 20 ms encode below. Anything else (wider strings, another Python) takes the encode.
_ONE_BYTE_OVERHEAD = sys.getsizeof("\xe9") - 1


def _one_byte_per_character(value: str) -> bool:
    return sys.getsizeof(value) - len(value) == _ONE_BYTE_OVERHEAD


def _format_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def _required_str(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        problem = "missing" if name not in data else f"expected a string, got {_type_name(value)}"
        raise ProtocolError(f"field '{name}': {problem}")
    return value


def _optional_str(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProtocolError(f"field '{name}': expected a string, got {_type_name(value)}")
    return value


def _first_str(data: Mapping[str, Any], *names: str) -> str:
    for name in names:
        value = data.get(name)
        if type(value) is not str:
            value = _optional_str(data, name)
        if value:
            return value
    return ""


def _required_time(data: Mapping[str, Any], name: str) -> datetime:
    value = data.get(name)
    if type(value) is not str or not value:
        value = _required_str(data, name)
    try:
        return parse_time(value)
    except ValueError:
        raise ProtocolError(f"field '{name}': not an ISO 8601 timestamp") from None


def _optional_time(data: Mapping[str, Any], name: str) -> datetime | None:
    value = _optional_str(data, name)
    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError:
        raise ProtocolError(f"field '{name}': not an ISO 8601 timestamp") from None
