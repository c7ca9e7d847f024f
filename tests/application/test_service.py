"""The inbox service without a terminal: deletes and their undo window, the recording library,
the playback session, and how they meet (heard to the end: marked listened).

Real HTTP to the demo server and real ffmpeg decoding; the player's sound goes to a stand-in
backend (real ALSA playback is tested in tests/audio and through the CLI in a subprocess).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.audio.audio_helpers import FakeBackend
from vm_tui.api import NotFoundError, PhoneIncClient, RetryPolicy
from vm_tui.application.events import (
    AppEvent,
    InboxChanged,
    PendingChanged,
    PlaybackChanged,
    PlaybackFinished,
    RecordingChanged,
)
from vm_tui.application.service import InboxService, ServiceOptions
from vm_tui.application.undo import UndoWindow
from vm_tui.audio.player import Player
from vm_tui.audio.track import FileTrack
from vm_tui.demo import DemoServer, Fault, recordings


@contextlib.asynccontextmanager
async def service_for(server: DemoServer, **options: Any) -> AsyncIterator[InboxService]:
    backend = FakeBackend()
    player = Player(backend=backend, poll_interval=0.005)
    service = InboxService(
        PhoneIncClient(server.api_key, server.base_url, retry=RetryPolicy(max_attempts=1)),
        player=player,
        options=ServiceOptions(poll_interval=60, **options),
    )
    service.events: list[AppEvent] = []  # type: ignore[misc]
    service.listen(service.events.append)  # type: ignore[attr-defined]
    service.backend = backend  # type: ignore[attr-defined]
    service.start()
    sender = asyncio.create_task(service.run_sender())
    await service.poller.poll_once()
    try:
        yield service
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender
        service.playback.close()
        player.close()
        await service.aclose()


async def until(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        await asyncio.sleep(0.01)


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def on_server(server: DemoServer, vm_id: str) -> dict[str, Any] | None:
    return next((v for v in server.voicemails() if v["id"] == vm_id), None)


def ready(server: DemoServer, *, listened: bool = False) -> str:
    return next(
        v["id"]
        for v in server.voicemails()
        if v["recording_url"] and (v["listened_at"] is not None) == listened
    )


# -- the undo window ---------------------------------------------------------------------------


async def test_the_undo_window_commits_when_it_closes_and_not_before() -> None:
    committed: list[list[str]] = []
    window = UndoWindow(0.05, committed.append)
    window.start("a")
    window.start("b")
    assert len(window) == 2 and "a" in window
    assert window.undo() == "b"  # the latest one
    await asyncio.sleep(0.1)
    assert committed == [["a"]]
    assert window.undo() is None


async def test_quitting_commits_every_delete_still_waiting() -> None:
    committed: list[list[str]] = []
    window = UndoWindow(60, committed.append)
    window.start("a")
    window.start("b")
    window.forget("b")  # deleted by someone else meanwhile: nothing to send
    assert window.commit_all() == ["a"]
    assert committed == [["a"]] and len(window) == 0


async def test_delete_hides_at_once_and_deletes_after_the_window(demo_server: DemoServer) -> None:
    async with service_for(demo_server, undo_seconds=0.1) as service:
        vm_id = service.state.order[0]
        service.delete(vm_id)
        assert vm_id not in service.state.order
        pending = [e for e in service.events if isinstance(e, PendingChanged)]  # type: ignore[attr-defined]
        assert pending[-1].count == 1  # waiting in its window counts as pending
        assert on_server(demo_server, vm_id) is not None
        await until(lambda: on_server(demo_server, vm_id) is None)


async def test_undo_brings_it_back_and_nothing_is_sent(demo_server: DemoServer) -> None:
    async with service_for(demo_server, undo_seconds=0.1) as service:
        vm_id = service.state.order[0]
        service.delete(vm_id)
        restored = service.undo_delete()
        assert restored is not None and restored.id == vm_id
        assert service.state.order[0] == vm_id
        await asyncio.sleep(0.2)
        assert not [r for r in demo_server.requests if r.method == "DELETE"]


async def test_shutting_down_sends_deletes_still_in_their_window(demo_server: DemoServer) -> None:
    async with service_for(demo_server, undo_seconds=60) as service:
        vm_id = service.state.order[0]
        service.delete(vm_id)
        await service.shut_down(flush_seconds=5)
        assert on_server(demo_server, vm_id) is None


# -- the recording library ---------------------------------------------------------------------


async def test_two_loads_of_one_recording_are_one_download(demo_server: DemoServer) -> None:
    async with service_for(demo_server) as service:
        vm_id = ready(demo_server)
        first, second = await asyncio.gather(
            service.library.load(vm_id), service.library.load(vm_id)
        )
        assert first is second
        assert len(demo_server.storage_requests) == 1
        assert first.duration > 1.0
        assert first.path is not None and first.path.read_bytes() == demo_server.recording_bytes(
            vm_id
        )
        assert service.library.duration(vm_id) == first.duration
        changed = [e for e in service.events if isinstance(e, RecordingChanged)]  # type: ignore[attr-defined]
        assert [e.voicemail_id for e in changed] == [vm_id]


async def test_a_prefetch_cancelled_never_cancels_the_load_play_waits_for(
    demo_server: DemoServer,
) -> None:
    async with service_for(demo_server) as service:
        vm_id = ready(demo_server)
        demo_server.inject_storage(Fault.delay(0.3))
        service.library.prefetch(vm_id)
        await asyncio.sleep(0.05)
        waiting = asyncio.ensure_future(service.library.load(vm_id))
        service.library.cancel_prefetch()  # the cursor moved on
        recording = await waiting
        assert recording.mp3() == demo_server.recording_bytes(vm_id)


async def test_save_gets_the_mp3_without_decoding(demo_server: DemoServer) -> None:
    async with service_for(demo_server) as service:
        vm_id = ready(demo_server)
        vm, data = await service.library.mp3(vm_id)
        assert vm.id == vm_id and data == demo_server.recording_bytes(vm_id)
        assert service.library.envelope(vm_id) is None  # nothing was decoded


# -- playback ----------------------------------------------------------------------------------


async def test_heard_to_the_end_is_marked_listened(demo_server: DemoServer) -> None:
    async with service_for(demo_server) as service:
        vm_id = ready(demo_server)
        service.play(vm_id)
        backend: FakeBackend = service.backend  # type: ignore[attr-defined]
        await until(lambda: backend.handles)
        states = [e.status.state for e in service.events if isinstance(e, PlaybackChanged)]  # type: ignore[attr-defined]
        assert states[0] == "downloading" and states[-1] == "playing"
        backend.last.finish()  # the sound ran out by itself
        await until(lambda: any(isinstance(e, PlaybackFinished) for e in service.events))  # type: ignore[attr-defined]
        await until(lambda: (on_server(demo_server, vm_id) or {}).get("listened_at"))


async def test_stopped_is_not_heard(demo_server: DemoServer) -> None:
    async with service_for(demo_server) as service:
        vm_id = ready(demo_server)
        service.play(vm_id)
        backend: FakeBackend = service.backend  # type: ignore[attr-defined]
        await until(lambda: backend.handles)
        service.playback.stop()
        await asyncio.sleep(0.1)
        assert not any(isinstance(e, PlaybackFinished) for e in service.events)  # type: ignore[attr-defined]
        assert not [r for r in demo_server.requests if r.method == "PATCH"]


async def test_play_to_end_reports_the_natural_end_and_failures(demo_server: DemoServer) -> None:
    async with service_for(demo_server) as service:
        vm_id = ready(demo_server)
        backend: FakeBackend = service.backend  # type: ignore[attr-defined]
        playing = asyncio.ensure_future(service.playback.play_to_end(vm_id))
        await until(lambda: backend.handles)
        backend.last.finish()
        assert await playing is True
        demo_server.remove_voicemail(vm_id)
        with pytest.raises(NotFoundError):
            await service.playback.play_to_end(ready(demo_server, listened=True) + "x")


async def test_a_voicemail_gone_when_played_leaves_the_inbox(demo_server: DemoServer) -> None:
    async with service_for(demo_server) as service:
        vm_id = ready(demo_server)
        demo_server.remove_voicemail(vm_id)
        service.play(vm_id)
        await until(lambda: vm_id not in service.state.order)
        removed = [i for e in service.events if isinstance(e, InboxChanged) for i in e.diff.removed]  # type: ignore[attr-defined]
        assert removed == [vm_id]


async def test_speed_steps_and_is_kept(demo_server: DemoServer) -> None:
    async with service_for(demo_server, default_speed=1.0) as service:
        assert service.playback.change_speed(+1) == 1.25
        assert service.playback.change_speed(+1) == 1.5
        for _ in range(10):
            service.playback.change_speed(+1)
        assert service.playback.speed == 2.0
        for _ in range(10):
            service.playback.change_speed(-1)
        assert service.playback.speed == 0.75


@pytest.fixture
def long_id(demo_server: DemoServer, half_hour_mp3: Path) -> str:
    """A voicemail whose recording lasts 30 minutes: decoded in windows, scanned in a pass."""
    recordings.add("half-hour", half_hour_mp3.read_bytes())
    return str(demo_server.add_voicemail(recording="half-hour")["id"])


async def test_moving_on_kills_the_prefetchs_ffmpeg(demo_server: DemoServer, long_id: str) -> None:
    async with service_for(demo_server) as service:
        await service.poller.poll_once()
        service.prefetch(long_id)

        def track() -> FileTrack | None:
            recording = service.library.cached(long_id)
            found = recording.track if recording is not None else None
            return found if isinstance(found, FileTrack) else None

        await until(lambda: (t := track()) is not None and t.scanning)  # its waveform pass
        pids = track().background_pids()  # type: ignore[union-attr]
        service.cancel_prefetch()  # the cursor moved on
        await until(lambda: not any(alive(pid) for pid in pids), timeout=2)
        await asyncio.sleep(1.5)  # a pass left running would have measured it all by now
        assert not track().duration_known  # type: ignore[union-attr]  # cut short
        assert service.library.envelope(long_id) is None


async def test_moving_on_never_stops_what_plays(demo_server: DemoServer, long_id: str) -> None:
    async with service_for(demo_server) as service:
        await service.poller.poll_once()
        service.prefetch(long_id)
        service.play(long_id)
        backend: FakeBackend = service.backend  # type: ignore[attr-defined]
        await until(lambda: backend.handles)
        recording = service.library.cached(long_id)
        assert recording is not None and isinstance(recording.track, FileTrack)
        await until(lambda: recording.track.background_pids())  # the next window, decoding
        pids = recording.track.background_pids()
        service.cancel_prefetch()  # the cursor moves on while it plays
        await asyncio.sleep(0.05)
        assert all(alive(pid) for pid in pids)  # not killed
        recording.track.cancel_background()  # not decoded to the end of the window for nothing


async def test_a_signal_during_a_bulk_mark_journals_all_of_it() -> None:
    # The signal path: commit_deletes_now, then the process may end at once.
    with DemoServer(count=600, new_every=None, fill_in_after=None) as server:
        async with service_for(server) as service:
            server.inject(Fault.status(503), times=100_000)
            ids = list(service.state.order)
            service.mark_many(ids, False)
            service.commit_deletes_now()
            assert {op.voicemail_id for op in service.journal.live()} == set(ids)


async def test_enter_during_the_prefetchs_waveform_pass_shares_it(
    demo_server: DemoServer, long_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Play asks for the waveform too: it waits for the pass the prefetch began, and does not
    start a second 30-minute decode beside it (which slowed Enter on a long recording)."""
    passes: list[None] = []
    real_scan = FileTrack.scan

    def counted_scan(track: FileTrack, *args: Any) -> Any:
        passes.append(None)
        return real_scan(track, *args)

    monkeypatch.setattr(FileTrack, "scan", counted_scan)
    async with service_for(demo_server) as service:
        await service.poller.poll_once()
        service.prefetch(long_id)
        await until(lambda: service.library.cached(long_id) is not None)
        recording = service.library.cached(long_id)
        assert recording is not None and isinstance(recording.track, FileTrack)
        track = recording.track
        await until(lambda: track.scanning)
        service.play(long_id)
        backend: FakeBackend = service.backend  # type: ignore[attr-defined]
        await until(lambda: backend.handles)
        first = asyncio.ensure_future(service.library.measure(long_id))
        second = asyncio.ensure_future(service.library.measure(long_id))
        await asyncio.sleep(0.05)
        first.cancel()  # one caller gone: the pass goes on for the others
        envelope = await asyncio.wait_for(second, 30)
        assert envelope is not None and envelope.complete
        assert service.library.envelope(long_id) is envelope
        assert len(passes) == 1  # the prefetch's pass, and no second one
        assert first.cancelled()


async def test_a_cancel_before_the_waveform_pass_has_its_thread_stops_it(
    demo_server: DemoServer, long_id: str
) -> None:
    """The pass is asked for on the loop and started in a thread a moment later: a cancel in
    that moment (the cursor moved on) stops it, instead of a 30-minute decode nobody wants."""
    from vm_tui.audio.track import Cancelled

    async with service_for(demo_server) as service:
        await service.poller.poll_once()
        recording = await service.library.load(long_id)
        assert isinstance(recording.track, FileTrack)
        measuring = asyncio.ensure_future(service.library.measure(long_id))
        await asyncio.sleep(0)  # measure() has asked for the pass; its thread has not begun
        recording.track.cancel_background()
        with pytest.raises(Cancelled):
            await asyncio.wait_for(measuring, 10)
        assert not recording.track.duration_known  # cut short, not measured to the end
