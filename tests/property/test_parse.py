"""Property tests: whatever JSON the server sends, the parser raises only ProtocolError."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vm_tui.api.errors import ProtocolError
from vm_tui.api.models import Voicemail, parse_inbox, parse_voicemail

SETTINGS = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
json_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)

offsets: st.SearchStrategy[tzinfo] = st.integers(
    min_value=-(24 * 60 - 1), max_value=24 * 60 - 1
).map(lambda minutes: timezone(timedelta(minutes=minutes)))
zones: st.SearchStrategy[Any] = st.none() | st.just(UTC) | offsets  # Any: hypothesis' stub


def iso_strings(min_year: int = 1, max_year: int = 9999) -> st.SearchStrategy[str]:
    moments = st.datetimes(
        min_value=datetime(min_year, 1, 1),
        max_value=datetime(max_year, 12, 31, 23, 59, 59),
        timezones=zones,
    )
    return moments.map(lambda m: m.isoformat()) | moments.map(
        lambda m: m.isoformat().replace("+00:00", "Z")
    )


timestamp_like = (
    iso_strings()
    | st.text(alphabet="0123456789-:TZz+. ", max_size=32)
    | st.sampled_from(["", "Z", "now", "2026-13-01T00:00:00Z", "2026-02-30", "24:00"])
)

FIELDS = (
    "id",
    "from",
    "created_at",
    "listened",
    "listened_at",
    "transcription",
    "recording_url",
    "main_number_id",
    "main_number_name",
    "main_number",
    "main_number_formatted",
    "main_number_number",
    "main_number_number_formatted",
)


def valid_fields(min_year: int = 1, max_year: int = 9999) -> dict[str, st.SearchStrategy[Any]]:
    text = st.text(max_size=40)
    return {
        "id": st.text(min_size=1, max_size=20),
        "from": st.text(min_size=1, max_size=20),
        "created_at": iso_strings(min_year, max_year),
        "listened": st.booleans(),
        "listened_at": st.none() | iso_strings(min_year, max_year),
        "transcription": st.none() | text,
        "recording_url": st.none() | st.just("https://app.phone.inc/rails/x/voicemail.mp3"),
        "main_number_id": st.none() | text,
        "main_number_name": st.none() | text,
        "main_number": st.none() | text,
        "main_number_formatted": st.none() | text,
        "main_number_number": st.none() | text,
        "main_number_number_formatted": st.none() | text,
    }


@st.composite
def near_valid_voicemails(draw: st.DrawFn) -> dict[str, Any]:
    """A valid voicemail with some fields dropped, some replaced by junk, some extras added."""
    base = {name: draw(strategy) for name, strategy in valid_fields().items()}
    for name in draw(st.sets(st.sampled_from(FIELDS), max_size=4)):
        base.pop(name, None)
    for name in draw(st.sets(st.sampled_from(FIELDS), max_size=4)):
        base[name] = draw(json_values | timestamp_like)
    base.update(draw(st.dictionaries(st.text(max_size=8), json_values, max_size=2)))
    return base


inbox_like = (
    st.fixed_dictionaries(
        {
            "voicemails": st.lists(near_valid_voicemails() | json_values, max_size=6) | json_values,
            "unlistened_count": json_values | st.integers(),
        }
    )
    | json_values
)


@SETTINGS
@given(json_values)
def test_arbitrary_json_into_parse_voicemail(data: Any) -> None:
    try:
        result = parse_voicemail(data)
    except ProtocolError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert isinstance(result, Voicemail)


@SETTINGS
@given(json_values)
def test_arbitrary_json_into_parse_inbox(data: Any) -> None:
    try:
        parse_inbox(data)
    except ProtocolError as error:
        assert str(error)


@SETTINGS
@given(near_valid_voicemails())
def test_near_valid_voicemails_parse_or_raise_protocol_error(data: dict[str, Any]) -> None:
    try:
        vm = parse_voicemail(data)
    except ProtocolError as error:
        message = str(error)
        assert message.startswith("field '") or "expected" in message
        return
    assert vm.id == data["id"] and vm.caller == data["from"]
    assert vm.created_at.tzinfo is not None
    assert vm.listened == (data.get("listened_at") is not None)
    assert vm.recording_ready == (data.get("recording_url") is not None)


@SETTINGS
@given(inbox_like)
def test_near_valid_inboxes_never_raise_anything_else(data: Any) -> None:
    try:
        inbox = parse_inbox(data)
    except ProtocolError:
        return
    assert isinstance(data, dict) and isinstance(data["voicemails"], list)
    items = data["voicemails"]
    assert len(inbox.voicemails) + len(inbox.skipped) == len(items)
    ids = [vm.id for vm in inbox.voicemails]
    assert len(ids) == len(set(ids))
    assert inbox.unlistened_count >= 0
    assert all(0 <= s.index < len(items) for s in inbox.skipped)


@st.composite
def sane_voicemails(draw: st.DrawFn) -> dict[str, Any]:
    """Valid voicemails with timestamps in any plausible range (1971-2200), any offset."""
    return {name: draw(s) for name, s in valid_fields(1971, 2200).items()}


def assert_round_trip(data: dict[str, Any]) -> None:
    original = parse_voicemail(data)
    again = parse_voicemail(original.to_json())
    assert again == original
    assert again.recording_ready is False  # to_json never carries the URL
    assert "recording_url" not in original.to_json()


@SETTINGS
@given(sane_voicemails())
def test_to_json_round_trips(data: dict[str, Any]) -> None:
    assert_round_trip(data)


@SETTINGS
@given(st.builds(dict, st.just({"id": "a", "from": "+1"}), created_at=iso_strings()))
@example({"id": "a", "from": "+1", "created_at": "0001-01-01T00:00:00+05:00"})
def test_every_parsed_voicemail_can_be_serialised(data: dict[str, Any]) -> None:
    try:
        parse_voicemail(data)
    except ProtocolError:
        return  # refusing it at parse time is a fine fix
    assert_round_trip(data)
