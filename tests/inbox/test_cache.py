"""The offline inbox cache: private, never a recording URL or a key, faithful round trip."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.factories import T0, inbox, vm
from vm_tui.api import PhoneIncClient
from vm_tui.api.models import Inbox, parse_inbox
from vm_tui.demo import DemoServer
from vm_tui.local.inbox_cache import RECORDING_AVAILABLE, InboxCache, to_cache_json

FORBIDDEN = ("active_storage", "/rails/", "/blobs/", "expires=", "sig=", "recording_url")


def test_cache_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "inbox-cache.json"
    InboxCache(path).save(inbox(vm("a")))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["inbox-cache.json"]


def test_round_trip_keeps_fields_and_recording_availability(tmp_path: Path) -> None:
    listened = replace(vm("b", minutes_ago=3, recording=False, transcription=None), listened_at=T0)
    original = inbox(vm("a"), listened, unlistened=17)
    cache = InboxCache(tmp_path / "c.json")
    cache.save(original)
    loaded = cache.load()
    assert loaded is not None
    assert loaded.unlistened_count == 17
    assert loaded.voicemails == original.voicemails  # recording_url is not compared
    a, b = loaded.voicemails
    assert a.recording_url == RECORDING_AVAILABLE and a.recording_ready
    assert b.recording_url is None and not b.recording_ready
    assert b.listened and b.transcription is None


def written(original: Inbox) -> dict[str, object]:
    """to_cache_json with its voicemails iterator drained: what the file should hold."""
    data = to_cache_json(original)
    voicemails = data["voicemails"]
    assert isinstance(voicemails, Iterator)  # encoded one by one, never all held at once
    return {**data, "voicemails": list(voicemails)}


def test_cache_holds_no_url_even_when_the_voicemail_had_one(tmp_path: Path) -> None:
    signed = "https://storage.example/rails/active_storage/blobs/redirect/abc--1--sig/vm.mp3"
    original = inbox(replace(vm("a"), recording_url=signed))
    path = tmp_path / "c.json"
    InboxCache(path).save(original)
    text = path.read_text()
    assert "https://" not in text and "storage.example" not in text
    assert "recording_url" not in text
    assert json.loads(text) == written(original)


async def test_cache_of_a_real_inbox_has_no_url_or_key(
    demo_server: DemoServer, api: PhoneIncClient, tmp_path: Path
) -> None:
    live = await api.list_voicemails()
    assert any(v.recording_url for v in live.voicemails)  # the server did send signed URLs
    path = tmp_path / "c.json"
    cache = InboxCache(path)
    cache.save(live)
    text = path.read_text()
    for needle in (*FORBIDDEN, demo_server.api_key, demo_server.storage_origin, "http"):
        assert needle not in text, needle
    loaded = cache.load()
    assert loaded is not None
    assert loaded.voicemails == live.voicemails
    assert loaded.unlistened_count == live.unlistened_count
    for before, after in zip(live.voicemails, loaded.voicemails, strict=True):
        assert after.recording_ready == before.recording_ready, before.id
        assert after.recording_url in (None, RECORDING_AVAILABLE)


async def test_processing_recordings_round_trip_as_processing(
    demo_server: DemoServer, api: PhoneIncClient, tmp_path: Path
) -> None:
    demo_server.add_voicemail(id="0193f4cb-proc-0000", recording=None)
    live = await api.list_voicemails()
    assert live.voicemails[0].id == "0193f4cb-proc-0000"
    assert live.voicemails[0].recording_url is None
    cache = InboxCache(tmp_path / "c.json")
    cache.save(live)
    loaded = cache.load()
    assert loaded is not None
    assert loaded.voicemails[0].recording_ready is False
    assert loaded.voicemails[0].recording_url is None


def test_missing_cache_is_none(tmp_path: Path) -> None:
    assert InboxCache(tmp_path / "none.json").load() is None


def test_corrupt_cache_is_none_and_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"version": 1, "voicemails": [')
    assert InboxCache(path).load() is None
    assert (tmp_path / "c.json.corrupt").exists()


def test_wrong_version_or_shape_is_none(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    for payload in ({"version": 2, "voicemails": []}, {"version": 1, "voicemails": 3}, [1]):
        path.write_text(json.dumps(payload))
        assert InboxCache(path).load() is None


def test_one_bad_cached_item_does_not_lose_the_others(tmp_path: Path) -> None:
    good = written(inbox(vm("a"), vm("b")))
    items = good["voicemails"]
    assert isinstance(items, list)
    items.insert(1, {"id": "broken", "recording_ready": True})
    path = tmp_path / "c.json"
    path.write_text(json.dumps(good))
    loaded = InboxCache(path).load()
    assert loaded is not None
    assert [v.id for v in loaded.voicemails] == ["a", "b"]


def test_clear_removes_the_file(tmp_path: Path) -> None:
    cache = InboxCache(tmp_path / "c.json")
    cache.save(Inbox(0, ()))
    cache.clear()
    assert not cache.path.exists()
    cache.clear()  # twice is fine


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_any_parsed_inbox_can_be_cached(tmp_path: Path, moment: str) -> None:
    parsed = parse_inbox(
        {
            "unlistened_count": 1,
            "voicemails": [
                {"id": "odd", "from": "+1", "created_at": moment},
                {"id": "ok", "from": "+1", "created_at": "2026-05-11T12:00:00Z"},
            ],
        }
    )
    cache = InboxCache(tmp_path / "c.json")
    cache.save(parsed)  # OverflowError today: the app's _save_cache catches only OSError
    loaded = cache.load()
    assert loaded is not None
    assert loaded.voicemails == parsed.voicemails
