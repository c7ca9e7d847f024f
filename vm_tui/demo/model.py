"""The demo server's voicemail record and its two JSON spellings (list vs retrieve)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Line:
    """A company main number that callers dial."""

    id: str
    name: str
    number: str  # E.164
    formatted: str


@dataclass
class Voicemail:
    id: str
    caller: str  # "from" on the wire
    created_at: datetime
    line: Line
    listened_at: datetime | None = None
    transcription: str | None = None
    recording: str | None = None  # recording name; None while "processing"
    # What fill-in will set once processing / transcription "finishes".
    pending_recording: str | None = None
    pending_transcription: str | None = None


def iso(moment: datetime | None) -> str | None:
    """ISO 8601, UTC, seconds precision, ``Z`` suffix: the seed's timestamp format."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_moment(value: datetime | str | None) -> datetime | None:
    """Accept a datetime or an ISO string from test hooks; store UTC at second precision."""
    if value is None:
        return None
    moment = (
        datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _head(vm: Voicemail) -> dict[str, Any]:
    return {
        "id": vm.id,
        "from": vm.caller,
        "listened_at": iso(vm.listened_at),
        "transcription": vm.transcription,
        "created_at": iso(vm.created_at),
    }


def _line_fields(line: Line, *, retrieve: bool) -> dict[str, Any]:
    # The seed spells the number differently in list items and in retrieve/update answers.
    prefix = "main_number_number" if retrieve else "main_number"
    return {
        "main_number_id": line.id,
        "main_number_name": line.name,
        prefix: line.number,
        f"{prefix}_formatted": line.formatted,
    }


def to_dict(vm: Voicemail, recording_url: str | None, *, retrieve: bool) -> dict[str, Any]:
    return {**_head(vm), "recording_url": recording_url, **_line_fields(vm.line, retrieve=retrieve)}


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Fragment:
    """A list item serialised once, with a hole for the per-request signed URL."""

    before: str  # up to and including ``"recording_url":``
    after: str  # from the comma after the URL to the closing brace
    has_recording: bool

    def render(self, recording_url: str | None) -> str:
        # Signed URLs hold only URL-safe ASCII (origin, base64url, digits, hex): no escaping
        # needed, which keeps a 10k-item list fast.
        url = "null" if recording_url is None else f'"{recording_url}"'
        return self.before + url + self.after


@lru_cache(maxsize=64)
def _list_tail(line: Line) -> str:
    return "," + _dumps(_line_fields(line, retrieve=False))[1:]


def fragment(vm: Voicemail) -> Fragment:
    head = _dumps(_head(vm))
    return Fragment(
        before=head[:-1] + ',"recording_url":',
        after=_list_tail(vm.line),
        has_recording=vm.recording is not None,
    )
