"""Parsing: the seed's examples, both field spellings, bad items skipped and named."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from vm_tui.api import ProtocolError, parse_inbox, parse_voicemail
from vm_tui.api.models import Voicemail

LIST_ITEM = {
    "id": "0193f4cb-7777-7c00-9e3d-2b2b8a7f1c33",
    "from": "+14085550199",
    "listened_at": None,
    "transcription": "Hi, this is Dana from Acme.",
    "created_at": "2026-05-11T13:48:02Z",
    "recording_url": "https://app.phone.inc/rails/active_storage/blobs/redirect/x/voicemail.mp3",
    "main_number_id": "0193f4a9-7c34-7c00-9e3d-2b2b8a7f1c01",
    "main_number_name": "Sales",
    "main_number": "+14155551234",
    "main_number_formatted": "+1 415-555-1234",
}


def retrieve_item() -> dict[str, object]:
    item = dict(LIST_ITEM)
    item["main_number_number"] = item.pop("main_number")
    item["main_number_number_formatted"] = item.pop("main_number_formatted")
    item["listened_at"] = "2026-05-11T16:42:18Z"
    return item


def test_list_spelling_parses_to_canonical_fields() -> None:
    vm = parse_voicemail(LIST_ITEM)
    assert vm.id == LIST_ITEM["id"]
    assert vm.caller == "+14085550199"
    assert vm.created_at == datetime(2026, 5, 11, 13, 48, 2, tzinfo=UTC)
    assert vm.listened_at is None and not vm.listened
    assert vm.line_name == "Sales"
    assert vm.line_number == "+14155551234"
    assert vm.line_number_formatted == "+1 415-555-1234"
    assert vm.recording_ready


def test_retrieve_spelling_gives_the_same_canonical_fields() -> None:
    vm = parse_voicemail(retrieve_item())
    assert vm.line_number == "+14155551234"
    assert vm.line_number_formatted == "+1 415-555-1234"
    assert vm.listened and vm.listened_at == datetime(2026, 5, 11, 16, 42, 18, tzinfo=UTC)


def test_nulls_and_unknown_fields() -> None:
    item = dict(LIST_ITEM, transcription=None, recording_url=None, surprise={"a": 1})
    vm = parse_voicemail(item)
    assert vm.transcription is None
    assert not vm.recording_ready


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"created_at": None}, "created_at"),
        ({"created_at": "yesterday"}, "created_at"),
        ({"from": 14085550199}, "from"),
        ({"id": ""}, "id"),
        ({"transcription": ["a"]}, "transcription"),
        ({"listened_at": 5}, "listened_at"),
        ({"listened_at": ""}, "listened_at"),
        ({"recording_url": 7}, "recording_url"),
        ({"main_number_id": 7}, "main_number_id"),
        ({"main_number_name": 7}, "main_number_name"),
        ({"main_number": 7}, "main_number"),
        ({"main_number_formatted": False}, "main_number_formatted"),
    ],
)
def test_bad_field_is_named(change: dict[str, object], field: str) -> None:
    with pytest.raises(ProtocolError, match=f"'{field}'"):
        parse_voicemail(dict(LIST_ITEM, **change))


def test_missing_field_is_named() -> None:
    item = dict(LIST_ITEM)
    del item["created_at"]
    with pytest.raises(ProtocolError, match="'created_at': missing"):
        parse_voicemail(item)


def test_one_bad_item_does_not_hide_the_inbox() -> None:
    bad = dict(LIST_ITEM, id="bad-1", created_at=12)
    good2 = dict(LIST_ITEM, id="good-2")
    inbox = parse_inbox({"unlistened_count": 7, "voicemails": [LIST_ITEM, bad, good2]})
    assert [vm.id for vm in inbox.voicemails] == [LIST_ITEM["id"], "good-2"]
    assert inbox.unlistened_count == 7
    assert len(inbox.skipped) == 1
    assert inbox.skipped[0].id == "bad-1"
    assert "created_at" in inbox.skipped[0].reason


def test_duplicate_ids_are_skipped() -> None:
    inbox = parse_inbox({"unlistened_count": 1, "voicemails": [LIST_ITEM, LIST_ITEM]})
    assert len(inbox.voicemails) == 1
    assert inbox.skipped[0].reason == "duplicate id"


@pytest.mark.parametrize("body", [[], "x", None, {"voicemails": "nope"}, {"unlistened_count": 1}])
def test_wrong_shape_is_a_protocol_error(body: object) -> None:
    with pytest.raises(ProtocolError):
        parse_inbox(body)


def test_missing_count_is_derived() -> None:
    listened = dict(LIST_ITEM, id="b", listened_at="2026-05-11T16:42:18Z")
    inbox = parse_inbox({"voicemails": [LIST_ITEM, listened]})
    assert inbox.unlistened_count == 1


def test_to_json_uses_canonical_names_and_no_url() -> None:
    data = parse_voicemail(retrieve_item()).to_json()
    assert data["main_number"] == "+14155551234"
    assert data["from"] == "+14085550199"
    assert data["listened"] is True
    assert data["created_at"] == "2026-05-11T13:48:02Z"
    assert "recording_url" not in data  # signed URLs are never persisted or printed


def test_recording_url_is_not_part_of_equality() -> None:
    a = parse_voicemail(LIST_ITEM)
    b = parse_voicemail(dict(LIST_ITEM, recording_url="https://app.phone.inc/other"))
    assert a == b


def test_any_mapping_parses_like_a_dict() -> None:
    """Dicts take a fast path of plain type checks; other mappings the general one: same result."""
    from types import MappingProxyType

    assert parse_voicemail(MappingProxyType(LIST_ITEM)) == parse_voicemail(LIST_ITEM)
    assert parse_voicemail(MappingProxyType(retrieve_item())) == parse_voicemail(retrieve_item())


class _Text(str):
    """A str subclass: not the exact type the fast path expects."""


def test_str_subclasses_are_still_strings() -> None:
    item = {
        key: _Text(value) if isinstance(value, str) else value for key, value in LIST_ITEM.items()
    }
    assert parse_voicemail(item) == parse_voicemail(LIST_ITEM)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-11T13:48:02Z", datetime(2026, 5, 11, 13, 48, 2, tzinfo=UTC)),
        ("2026-05-11T13:48:02+00:00", datetime(2026, 5, 11, 13, 48, 2, tzinfo=UTC)),
        ("2026-05-11T15:48:02+02:00", datetime(2026, 5, 11, 13, 48, 2, tzinfo=UTC)),
        ("2026-05-11T13:48:02", datetime(2026, 5, 11, 13, 48, 2, tzinfo=UTC)),
        (" 2026-05-11T13:48:02z ", datetime(2026, 5, 11, 13, 48, 2, tzinfo=UTC)),
        ("2026-05-11T13:48:02.250Z", datetime(2026, 5, 11, 13, 48, 2, 250000, tzinfo=UTC)),
    ],
)
def test_times_come_out_in_utc(text: str, expected: datetime) -> None:
    parsed = parse_voicemail(dict(LIST_ITEM, created_at=text)).created_at
    assert parsed == expected
    assert parsed.utcoffset() is not None and parsed.utcoffset().total_seconds() == 0


def test_the_first_bad_field_is_the_one_named() -> None:
    """In the order of the fields: from, created_at, listened_at, then the others."""
    item = dict(LIST_ITEM, created_at="bad", transcription=5, listened_at=7)
    with pytest.raises(ProtocolError, match="'created_at'"):
        parse_voicemail(item)
    with pytest.raises(ProtocolError, match="'listened_at'"):
        parse_voicemail(dict(item, created_at="2026-05-11T13:48:02Z"))


def test_heard_at_changes_only_listened_at() -> None:
    # Every field set to something other than its default, so a field heard_at forgot to
    # carry over (one added later, say) shows up as a difference.
    values = {
        field.name: datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        if field.name in ("created_at", "listened_at")
        else f"value of {field.name}"
        for field in dataclasses.fields(Voicemail)
    }
    vm = Voicemail(**values)
    later = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
    for when in (later, None):
        copy = vm.heard_at(when)
        expected = dataclasses.replace(vm, listened_at=when)
        assert all(
            getattr(copy, field.name) == getattr(expected, field.name)
            for field in dataclasses.fields(Voicemail)
        )


def test_lone_surrogates_are_replaced_in_text_of_any_width() -> None:
    from vm_tui.api.models import _text

    latin = "Hola, soy Lucía " * 1000  # one byte per character: the quick path
    assert _text(latin) is latin
    wide = "☎ call me " * 1000  # two bytes per character: checked by encoding
    assert _text(wide) is wide
    for text in ("Lucía \ud800", "☎ \udfff x", "\U0001f600 \ud83d"):
        assert "\ufffd" in _text(text) and not any(0xD800 <= ord(c) <= 0xDFFF for c in _text(text))


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"recording_url": "https://app.phone.inc/rails/active_storage/blobs/redirect/y/v.mp3"},
        {"listened_at": "2026-05-11T16:42:18Z"},
        {"transcription": "Hi, this is Dana from Acme, again."},
        {"recording_url": None},
        {"main_number_name": "Support"},
        {"from": "+14085550100"},
    ],
    ids=["same", "re-signed", "heard", "edited", "url-gone", "line", "caller"],
)
def test_an_unchanged_voicemail_comes_back_as_the_same_object(change: dict[str, object]) -> None:
    """The parse (a poll's thread) hands back last answer's object for what did not change:
    the loop then finds it unchanged by identity, and compares nothing."""
    other = dict(LIST_ITEM, id="0193f4cb-7777-7c00-9e3d-2b2b8a7f1c34")
    last = parse_inbox({"voicemails": [LIST_ITEM, other]})
    reuse = {vm.id: vm for vm in last.voicemails}
    fresh = parse_inbox({"voicemails": [{**LIST_ITEM, **change}, other]}, reuse)
    unchanged = not change or (set(change) == {"recording_url"} and change["recording_url"])
    assert (fresh.voicemails[0] is last.voicemails[0]) == bool(unchanged)
    assert fresh.voicemails[1] is last.voicemails[1]
    if not unchanged:
        assert fresh.voicemails[0] == parse_voicemail({**LIST_ITEM, **change})
