"""Tracks: a recording decoded a window at a time within a byte budget, started before it is
decoded whole; effects in the recording's own timeline; the waveform. Real ffmpeg."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest

from tests.audio.audio_helpers import FakeBackend, FakeClock, ffmpeg_pcm, ramp_pcm
from vm_tui.audio import PlaybackEnded, Player, PlayerEvent, Rendering
from vm_tui.audio.effects import TimeMap, silence_map
from vm_tui.audio.mp3info import probe
from vm_tui.audio.pcm import Pcm
from vm_tui.audio.stream import BACKGROUND_NICENESS, Decoding
from vm_tui.audio.track import LEAD, WINDOW, Cancelled, FileTrack, MemoryTrack, PcmCache
from vm_tui.audio.waveform import bars

RATE = 8000  # the test files are 8 kHz: decoded at 8 kHz, never upsampled


def file_track(path: Path, cache: PcmCache | None = None) -> FileTrack:
    data = path.read_bytes()
    info = probe(data[:65536], len(data))
    assert info is not None
    return FileTrack(
        path.stem,
        path,
        source_rate=info.sample_rate,
        duration=info.duration,
        cache=cache or PcmCache(),
    )


def test_the_cache_keeps_within_its_budget_and_drops_the_oldest() -> None:
    cache = PcmCache(budget=1000)
    for n in range(10):
        cache.put(("raw", "vm", n), n, 300)
        assert cache.size <= 1000
    assert cache.get(("raw", "vm", 9)) == 9
    assert cache.get(("raw", "vm", 0)) is None
    cache.put(("raw", "vm", "huge"), "x", 5000)  # larger than the whole budget: not kept
    assert cache.get(("raw", "vm", "huge")) is None and cache.size <= 1000
    cache.forget("vm")
    assert cache.size == 0


def test_a_long_recording_starts_with_a_short_window(half_hour_mp3: Path) -> None:
    track = file_track(half_hour_mp3)
    first = track.chunk(0.0, Rendering())
    assert first.end == pytest.approx(LEAD, abs=0.1)  # not the 30 minutes: it starts now
    assert first.pcm.sample_rate == RATE and first.pcm.channels == 1
    nxt = track.chunk(first.end, Rendering())
    assert nxt.window_start == pytest.approx(LEAD, abs=0.1)
    assert nxt.end - nxt.window_start == pytest.approx(WINDOW, abs=0.1)  # then long windows
    whole = ffmpeg_pcm(half_hour_mp3.read_bytes(), RATE)
    assert first.pcm.data == whole[: len(first.pcm.data)]
    assert track.duration == pytest.approx(1800, abs=1)


def test_decoded_audio_stays_within_the_budget_while_it_plays_on(half_hour_mp3: Path) -> None:
    cache = PcmCache(budget=6 * 1024 * 1024)
    track = file_track(half_hour_mp3, cache)
    chunk = track.chunk(0.0, Rendering())
    for _ in range(4):
        chunk = track.chunk(chunk.end, Rendering(speed=1.5))
        assert cache.size <= cache.budget
    assert chunk.end == pytest.approx(LEAD + 4 * WINDOW, abs=0.5)


def test_seeking_far_decodes_from_there_not_from_the_start(half_hour_mp3: Path) -> None:
    track = file_track(half_hour_mp3)
    chunk = track.chunk(1700.0, Rendering())
    assert chunk.window_start == 1700.0 and chunk.end == pytest.approx(1720.0, abs=0.1)
    assert chunk.position_at(2.0) == pytest.approx(1702.0)


def test_the_player_plays_on_from_one_chunk_to_the_next_and_ends_once(
    three_minutes_mp3: Path,
) -> None:
    backend, clock, events = FakeBackend(), FakeClock(), []
    ended = threading.Event()

    def on_event(event: PlayerEvent) -> None:
        events.append(event)
        ended.set()

    player = Player(backend, clock=clock, on_event=on_event, poll_interval=0.005)
    try:
        player.play("vm", file_track(three_minutes_mp3))
        assert player.sync()
        first = backend.last
        assert len(first.data) == pytest.approx(LEAD * RATE * 2, abs=RATE)
        first.finish()
        for _ in range(200):
            if len(backend.handles) == 2:
                break
            threading.Event().wait(0.01)
        assert len(backend.handles) == 2 and events == []  # the next chunk, no end yet
        whole = ffmpeg_pcm(three_minutes_mp3.read_bytes(), RATE)
        assert first.data == whole[: len(first.data)]
        # Together they are the whole recording (ffmpeg's seek lands within a few samples).
        assert abs(len(first.data) + len(backend.last.data) - len(whole)) < RATE // 10
        backend.last.finish()
        assert ended.wait(5)
        assert events == [PlaybackEnded("vm")]
    finally:
        player.close()


@pytest.mark.parametrize("work", ["scan", "warm"])
def test_a_cancel_while_ffmpeg_starts_still_stops_it(
    half_hour_mp3: Path, monkeypatch: pytest.MonkeyPatch, work: str
) -> None:
    """A cancel that comes while the decode's ffmpeg is being started (before the track knows
    of it) used to miss it: the 3-hour waveform pass then ran to its end, and the CLI, at
    Ctrl-C, waited for it. The moment is made certain by cancelling from inside the start."""
    import vm_tui.audio.track as track_module

    track = file_track(half_hour_mp3)
    started: list[Decoding] = []

    class CancelledWhileStarting(Decoding):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            started.append(self)
            track.cancel_background()

    monkeypatch.setattr(track_module, "Decoding", CancelledWhileStarting)
    with pytest.raises(Cancelled):
        track.scan() if work == "scan" else track.warm(Rendering())
    assert len(started) == 1 and started[0].cancelled


def test_the_prefetch_kills_its_ffmpeg_when_cancelled(half_hour_mp3: Path) -> None:
    track = file_track(half_hour_mp3)
    outcome: list[object] = []

    def scan() -> None:
        try:
            outcome.append(track.scan())
        except Cancelled as cancelled:
            outcome.append(cancelled)

    scanning = threading.Thread(target=scan, daemon=True)
    scanning.start()
    for _ in range(400):
        if track.background_pids():
            break
        threading.Event().wait(0.002)
    (pid,) = track.background_pids()
    track.cancel_background()
    scanning.join(5)
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)  # cut short, not finished
    assert not Path(f"/proc/{pid}").exists()  # killed, and reaped


def test_the_waveform_pass_yields_the_cpu_to_what_plays_now(half_hour_mp3: Path) -> None:
    """On two cores a 3-hour scan competed with the decode Enter waits for (1.7x slower)."""
    track = file_track(half_hour_mp3)

    def scan() -> None:
        with contextlib.suppress(Cancelled):  # cut short at the end of the test
            track.scan()

    scanning = threading.Thread(target=scan, daemon=True)
    scanning.start()
    try:
        for _ in range(400):
            if track.background_pids():
                break
            threading.Event().wait(0.002)
        (pid,) = track.background_pids()
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, pid) == min(ours + BACKGROUND_NICENESS, 19) > ours
        played = Decoding(half_hour_mp3, rate=8000, duration=0.5)  # what Enter decodes
        assert os.getpriority(os.PRIO_PROCESS, played.pid) == ours
        played.read_all()
    finally:
        track.cancel_background()
        scanning.join(5)


def test_ffmpeg_writes_its_pcm_in_blocks_not_a_write_per_frame(half_hour_mp3: Path) -> None:
    """Each write ffmpeg makes wakes the reading thread, which then takes the GIL from the
    event loop: a waveform pass over a 3-hour recording woke it ~400,000 times (one write per
    decoded frame, ~400 bytes at 8 kHz). In 32 KB blocks, a megabyte takes a few dozen reads."""
    decoding = Decoding(half_hour_mp3, rate=8000, background=True)
    stdout = decoding._process.stdout
    assert stdout is not None
    fd, got, reads = stdout.fileno(), 0, 0
    try:
        while got < 1024 * 1024:
            data = os.read(fd, 1024 * 1024)  # what is in the pipe, however it was written
            assert data, "ffmpeg ended early"
            got += len(data)
            reads += 1
    finally:
        decoding.cancel()
        decoding.read_all()
    assert reads < 200  # 31 here; a write per frame: ~1,900


def test_skip_silence_maps_back_to_the_recordings_own_time() -> None:
    tone = ramp_pcm(1.0)  # "loud"
    silent = Pcm(bytes(8000 * 2 * 3), 8000, 1)  # 3 s of silence
    pcm = Pcm(tone.data + silent.data + tone.data, 8000, 1)
    time_map = silence_map(pcm, at_start=True, at_end=True)
    assert time_map.saved == pytest.approx(3.0 - 0.25, abs=0.05)
    assert time_map.to_recording(0.5) == pytest.approx(0.5)
    assert time_map.to_recording(1.5) == pytest.approx(4.25, abs=0.05)  # past the cut pause
    assert time_map.to_played(4.5) == pytest.approx(1.75, abs=0.05)
    assert TimeMap.identity(5.0).to_recording(2.0) == 2.0


def test_the_position_stays_in_the_recordings_timeline_with_skip_silence() -> None:
    tone = ramp_pcm(1.0)
    pcm = Pcm(tone.data + bytes(8000 * 2 * 3) + tone.data, 8000, 1)
    clock = FakeClock()
    player = Player(FakeBackend(), clock=clock)
    try:
        player.set_rendering(skip_silence=True)
        player.play("vm", MemoryTrack("vm", pcm, PcmCache()))
        assert player.sync()
        clock.advance(1.5)  # 1 s of tone, then the quarter second left of the pause, then tone
        assert player.position == pytest.approx(4.25, abs=0.05)
        assert player.duration == pytest.approx(5.0)
    finally:
        player.close()


def test_the_waveform_follows_the_loudness(loud_then_silent_mp3: Path) -> None:
    envelope = file_track(loud_then_silent_mp3).scan()
    heights = envelope.columns(12)
    assert min(heights[:5]) > 0.8  # the loud half draws high
    assert max(heights[7:]) < 0.05  # the silent half low
    assert bars(heights).startswith("██") and bars(heights).endswith("▁▁")
    assert envelope.duration == pytest.approx(6.0, abs=0.2)


def test_skip_silence_measures_what_it_saves(paused_speech_mp3: Path) -> None:
    saved = file_track(paused_speech_mp3).scan().saved_by_skipping_silence()
    assert 2.5 <= saved <= 4.5  # the 3 s pause (less what is kept), and the edges
