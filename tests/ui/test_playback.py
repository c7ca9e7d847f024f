"""Enter plays: fresh URL, key-less download, decode, play; listened only after a natural end.

The player runs its real owner thread over a fake backend (tests/audio's FakeBackend) so the
test decides when audio "ends"; real ALSA output is covered in test_playback_alsa.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.audio.audio_helpers import FakeBackend, FakeClock, ffmpeg_pcm
from tests.ui.conftest import LoadedApp, MakeApp, loaded, wait_for_notice, wait_until
from vm_tui.audio.errors import NoSoundDeviceError
from vm_tui.audio.player import Player, PlayerState
from vm_tui.demo import DemoServer, Fault
from vm_tui.ui.app import VoicemailApp
from vm_tui.ui.widgets.player_bar import PlayerBar
from vm_tui.ui.widgets.voicemail_list import VoicemailList


def unlistened_with_recording(server: DemoServer) -> dict[str, Any]:
    return next(v for v in server.voicemails() if v["listened_at"] is None and v["recording_url"])


def backend_of(app: VoicemailApp) -> FakeBackend:
    assert app.player is not None
    backend = app.player._backend
    assert isinstance(backend, FakeBackend)
    return backend


async def play(pilot: Pilot[Any], vm_id: str) -> FakeBackend:
    app = pilot.app
    assert isinstance(app, VoicemailApp)
    app.query_one(VoicemailList).select(vm_id)
    await pilot.press("enter")
    backend = backend_of(app)
    await wait_until(pilot, lambda: backend.handles, what="audio handed to the backend")
    return backend


def patches(server: DemoServer) -> list[tuple[str, bytes]]:
    return [(r.path, r.body) for r in server.requests if r.method == "PATCH"]


async def test_enter_retrieves_downloads_without_the_key_and_plays_the_decoded_pcm(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    target = unlistened_with_recording(fixed_server)
    app, pilot = loaded_app
    fixed_server.clear_requests()
    backend = await play(pilot, target["id"])
    expected = ffmpeg_pcm(fixed_server.recording_bytes(target["id"]))
    assert backend.last.data == expected
    assert (backend.last.sample_rate, backend.last.channels) == (16000, 1)  # never upsampled
    # A fresh retrieve came before the download, and storage never saw the key.
    paths = [r.path for r in fixed_server.requests]
    assert paths[0] == f"/api/v1/voicemails/{target['id']}"
    assert any(p.startswith("/rails/active_storage/") for p in paths[1:])
    assert fixed_server.storage_requests
    for request in [*fixed_server.storage_requests, *fixed_server.requests[1:]]:
        assert "x-api-key" not in request.headers
        assert fixed_server.api_key not in request.path
    # The duration is now known, in the list and the player bar.
    # (From the mp3's header: within a few frames of the decoded length.)
    assert app.service.library.durations[target["id"]] == pytest.approx(
        len(expected) / 2 / 16000, abs=0.1
    )
    await wait_until(pilot, lambda: app.query_one(PlayerBar).view.state == "playing")


async def test_natural_end_marks_listened(loaded_app: LoadedApp, fixed_server: DemoServer) -> None:
    target = unlistened_with_recording(fixed_server)
    app, pilot = loaded_app
    backend = await play(pilot, target["id"])
    assert patches(fixed_server) == []
    backend.last.finish()  # the audio ran out by itself
    await wait_until(pilot, lambda: patches(fixed_server), what="PATCH")
    assert patches(fixed_server) == [(f"/api/v1/voicemails/{target['id']}", b"listened=true")]
    await wait_until(pilot, lambda: app.service.state.get(target["id"]).listened)  # type: ignore[union-attr]


async def test_stop_and_switch_mark_nothing(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    first = unlistened_with_recording(fixed_server)
    other = next(v for v in fixed_server.voicemails() if v["recording_url"] and v != first)
    app, pilot = loaded_app
    backend = await play(pilot, first["id"])
    await pilot.press("x")  # stop
    assert app.player is not None and app.player.sync()
    assert app.player.state is PlayerState.STOPPED
    handle = backend.last
    assert handle.stopped
    backend = await play(pilot, first["id"])
    count = len(backend.handles)
    app.query_one(VoicemailList).select(other["id"])
    await pilot.press("enter")  # switch to another voicemail
    await wait_until(pilot, lambda: len(backend.handles) > count)
    assert backend.handles[count - 1].stopped
    await pilot.pause(0.2)
    assert patches(fixed_server) == []


async def test_already_listened_is_not_patched_again(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    done = next(v for v in fixed_server.voicemails() if v["listened_at"] and v["recording_url"])
    app, pilot = loaded_app
    backend = await play(pilot, done["id"])
    backend.last.finish()
    await wait_until(
        pilot, lambda: app.player is not None and app.player.state is PlayerState.ENDED
    )
    await pilot.pause(0.2)
    assert patches(fixed_server) == []


async def test_pause_seek_and_speed_keys(loaded_app: LoadedApp, fixed_server: DemoServer) -> None:
    target = unlistened_with_recording(fixed_server)
    app, pilot = loaded_app
    await play(pilot, target["id"])
    player = app.player
    assert player is not None
    await pilot.press("space")
    assert player.sync() and player.state is PlayerState.PAUSED
    await pilot.press("right")
    assert player.sync() and player.position == pytest.approx(5.0, abs=0.3)
    await pilot.press("left")
    assert player.sync() and player.position == pytest.approx(0.0, abs=0.3)
    await pilot.press("right_square_bracket")
    assert app.service.playback.speed == 1.25 and player.sync() and player.speed == 1.25
    await pilot.press("space")
    assert player.sync() and player.state is PlayerState.PLAYING


async def test_speed_is_kept_across_voicemails(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    ids = [v["id"] for v in fixed_server.voicemails() if v["recording_url"]][:2]
    app, pilot = loaded_app
    await pilot.press("left_square_bracket")
    assert app.service.playback.speed == 0.75
    await play(pilot, ids[1])
    assert app.player is not None and app.player.sync() and app.player.speed == 0.75


async def test_expired_signed_url_is_fetched_again_once(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    target = unlistened_with_recording(fixed_server)
    _app, pilot = loaded_app
    fixed_server.clear_requests()
    fixed_server.inject_storage(Fault.status(403, b"<Error>AccessDenied</Error>"))
    await play(pilot, target["id"])
    retrieves = [r for r in fixed_server.requests if r.path == f"/api/v1/voicemails/{target['id']}"]
    assert len(retrieves) == 2


async def test_storage_failure_shows_a_message_and_marks_nothing(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    target = unlistened_with_recording(fixed_server)
    app, pilot = loaded_app
    fixed_server.inject_storage(Fault.status(500))
    app.query_one(VoicemailList).select(target["id"])
    await pilot.press("enter")
    await wait_for_notice(pilot, "Could not load the recording", "HTTP 500")
    assert app.query_one(PlayerBar).view.state == "error"
    assert patches(fixed_server) == []
    assert backend_of(app).handles == []


async def test_processing_recording(loaded_app: LoadedApp, fixed_server: DemoServer) -> None:
    processing = next(v for v in fixed_server.voicemails() if v["recording_url"] is None)
    app, pilot = loaded_app
    app.query_one(VoicemailList).select(processing["id"])
    await pilot.press("enter")
    await wait_until(pilot, lambda: "still processing" in app.query_one(PlayerBar).view.message)


async def test_no_sound_device_suggests_saving(make_app: MakeApp, fixed_server: DemoServer) -> None:
    backend = FakeBackend()
    backend.fail_with = NoSoundDeviceError("No sound device available")
    player = Player(backend=backend, poll_interval=0.01)
    app = make_app(player=player)
    target = unlistened_with_recording(fixed_server)
    try:
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            await loaded(pilot)
            app.query_one(VoicemailList).select(target["id"])
            await pilot.press("enter")
            await wait_for_notice(pilot, "No sound device", "Press s to save")
            assert app.is_running
            assert patches(fixed_server) == []
    finally:
        player.close()


async def test_no_ffmpeg_names_the_install_command(
    loaded_app: LoadedApp, fixed_server: DemoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    target = unlistened_with_recording(fixed_server)
    app, pilot = loaded_app
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without ffmpeg: the real lookup fails
    app.query_one(VoicemailList).select(target["id"])
    await pilot.press("enter")
    await wait_for_notice(pilot, "ffmpeg", "apt-get install ffmpeg")
    assert backend_of(app).handles == []


async def test_s_saves_the_recording(
    make_app: MakeApp, fixed_server: DemoServer, tmp_path: Any
) -> None:
    from vm_tui.local.config import Settings

    app = make_app(settings=Settings(download_dir=str(tmp_path)))
    target = unlistened_with_recording(fixed_server)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        app.query_one(VoicemailList).select(target["id"])
        await pilot.press("s")
        await wait_for_notice(pilot, "Saved to")
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].suffix == ".mp3"
    assert files[0].read_bytes() == fixed_server.recording_bytes(target["id"])
    assert target["from"].lstrip("+") in files[0].name


async def test_prefetch_makes_play_start_without_a_download(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    app = make_app(prefetch=True)
    target = unlistened_with_recording(fixed_server)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        app.query_one(VoicemailList).select(target["id"])
        await wait_until(
            pilot, lambda: target["id"] in app.service.library.durations, what="prefetch"
        )
        downloads = len(fixed_server.storage_requests)
        await pilot.press("enter")
        backend = backend_of(app)
        await wait_until(pilot, lambda: backend.handles)
        assert len(fixed_server.storage_requests) == downloads


async def test_auto_advance_plays_the_next_unlistened(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    from vm_tui.local.config import Settings

    app = make_app(settings=Settings(poll_interval=60, auto_advance=True))
    ready = [
        v for v in fixed_server.voicemails() if v["listened_at"] is None and v["recording_url"]
    ]
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        backend = await play(pilot, ready[0]["id"])
        backend.last.finish()
        await wait_until(pilot, lambda: len(backend.handles) == 2, what="the next one plays")
        assert app.inbox.selected_id == ready[1]["id"]
        assert backend.last.data == ffmpeg_pcm(fixed_server.recording_bytes(ready[1]["id"]))


async def test_auto_advance_keeps_to_the_line_filter(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    """The next voicemail played is the next one shown: with a line filter set, from that line
    (it once came from another line, while the cursor stayed put)."""
    from vm_tui.inbox.filters import InboxFilter
    from vm_tui.local.config import Settings

    app = make_app(settings=Settings(poll_interval=60, auto_advance=True))
    served = fixed_server.voicemails()
    sales = [v for v in served if v["main_number_name"] == "Sales"]
    ready = [v for v in sales if v["listened_at"] is None and v["recording_url"]]
    first = ready[-2]
    everywhere = served[served.index(first) + 1 :]
    next_anywhere = next(v for v in everywhere if v["listened_at"] is None and v["recording_url"])
    assert next_anywhere["main_number_name"] != "Sales"  # what the bug played
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        app.inbox.set_filter(InboxFilter(line=first["main_number"]))
        backend = await play(pilot, first["id"])
        backend.last.finish()
        await wait_until(pilot, lambda: len(backend.handles) == 2, what="the next one plays")
        assert app.inbox.selected_id == ready[-1]["id"]
        assert backend.last.data == ffmpeg_pcm(fixed_server.recording_bytes(ready[-1]["id"]))


@dataclass
class Playing:
    pilot: Pilot[Any]
    player: Player
    clock: FakeClock
    backend: FakeBackend
    bar: PlayerBar


@contextlib.asynccontextmanager
async def playing_over_its_waveform(
    make_app: MakeApp, server: DemoServer
) -> AsyncIterator[Playing]:
    """A voicemail playing (on a clock the test moves), its waveform drawn in the player bar."""
    clock = FakeClock()
    player = Player(FakeBackend(), clock=clock)
    app = make_app(player=player, prefetch=True)
    target = unlistened_with_recording(server)
    try:
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            await loaded(pilot)
            backend = await play(pilot, target["id"])
            await wait_until(
                pilot, lambda: app.service.library.envelope(target["id"]), what="waveform"
            )
            yield Playing(pilot, player, clock, backend, app.query_one(PlayerBar))
    finally:
        player.close()


async def test_clicking_the_waveform_seeks_there(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    async with playing_over_its_waveform(make_app, fixed_server) as playing:
        player, bar = playing.player, playing.bar
        await playing.pilot.pause()
        columns = bar.size.width - 2
        await playing.pilot.click(PlayerBar, offset=(1 + columns * 3 // 4, 1))
        assert player.sync()
        assert player.position == pytest.approx(
            player.duration * 0.75, abs=player.duration / columns
        )
        backend = playing.backend
        assert backend.last.data != backend.handles[0].data  # restarted from there


async def test_the_bar_repaints_only_when_what_it_draws_changes(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    async with playing_over_its_waveform(make_app, fixed_server) as playing:
        pilot, bar, clock = playing.pilot, playing.bar, playing.clock
        await pilot.pause(0.3)
        before = bar.repaints
        column = playing.player.duration / (bar.size.width - 2)
        for _ in range(4):  # the position moves, but within one column and one second
            clock.advance(column / 10)
            await pilot.pause(0.25)  # the refresh ticks every 0.2 s
        assert bar.repaints == before
        clock.advance(column * 0.8)  # the playhead crosses into the next column
        await pilot.pause(0.4)
        assert bar.repaints == before + 1
