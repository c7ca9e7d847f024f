"""Player logic against a fake backend and a clock the test moves. No sleeps: sync() waits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.audio.audio_helpers import FakeBackend, FakeClock, ramp_pcm
from vm_tui.audio import (
    AudioError,
    NoSoundDeviceError,
    Pcm,
    PlaybackEnded,
    PlaybackFailed,
    Player,
    PlayerEvent,
    PlayerState,
    change_speed,
)
from vm_tui.audio import track as track_module

PCM = ramp_pcm(10.0)


class Rig:
    def __init__(self) -> None:
        self.backend = FakeBackend()
        self.clock = FakeClock()
        self.events: list[PlayerEvent] = []
        self.event_threads: list[str] = []
        self.player = Player(self.backend, clock=self.clock, on_event=self._on_event)

    def _on_event(self, event: PlayerEvent) -> None:
        self.event_threads.append(threading.current_thread().name)
        self.events.append(event)

    def sync(self) -> None:
        assert self.player.sync(5.0), "owner thread did not answer"


@pytest.fixture
def rig() -> Iterator[Rig]:
    r = Rig()
    yield r
    r.player.close()
    assert not r.player._thread.is_alive()


def started(rig: Rig, key: str = "vm1", pcm: Pcm = PCM, start: float = 0.0) -> Player:
    rig.player.play(key, pcm, start=start)
    rig.sync()
    return rig.player


def test_play_hands_the_whole_pcm_to_the_backend(rig: Rig) -> None:
    p = started(rig)
    h = rig.backend.last
    assert (h.data, h.channels, h.sample_width, h.sample_rate) == (PCM.data, 1, 2, 8000)
    assert (p.state, p.key, p.position, p.duration, p.speed) == (
        PlayerState.PLAYING,
        "vm1",
        0.0,
        10.0,
        1.0,
    )
    rig.clock.advance(2.5)
    assert p.position == 2.5


def test_play_from_start_offset(rig: Rig) -> None:
    p = started(rig, start=4.0)
    assert rig.backend.last.data == PCM.slice_from(4.0)
    assert p.position == 4.0


def test_idle_player() -> None:
    r = Rig()
    p = r.player
    assert (p.state, p.key, p.position, p.duration) == (PlayerState.IDLE, None, 0.0, 0.0)
    for op in (p.pause, p.resume, p.toggle_pause, lambda: p.seek(5), lambda: p.seek_to(3), p.stop):
        op()
    r.sync()
    assert p.state is PlayerState.IDLE and r.backend.handles == []
    p.close()


def test_pause_freezes_position_and_resume_restarts_from_it(rig: Rig) -> None:
    p = started(rig)
    rig.clock.advance(2.0)
    p.pause()
    rig.sync()
    assert p.state is PlayerState.PAUSED
    assert rig.backend.last.stopped
    rig.clock.advance(30.0)
    assert p.position == 2.0

    p.resume()
    rig.sync()
    assert p.state is PlayerState.PLAYING
    assert len(rig.backend.handles) == 2
    assert rig.backend.last.data == PCM.slice_from(2.0)
    rig.clock.advance(1.0)
    assert p.position == 3.0
    assert rig.events == []


def test_toggle_pause(rig: Rig) -> None:
    p = started(rig)
    rig.clock.advance(1.0)
    p.toggle_pause()
    assert p.state is PlayerState.PAUSED
    p.toggle_pause()
    rig.sync()
    assert p.state is PlayerState.PLAYING
    assert rig.backend.last.data == PCM.slice_from(1.0)


@pytest.mark.parametrize(
    ("delta", "expected"), [(5.0, 7.0), (-1.5, 0.5), (-100.0, 0.0), (7.999, 9.999)]
)
def test_seek_while_playing(rig: Rig, delta: float, expected: float) -> None:
    p = started(rig)
    rig.clock.advance(2.0)
    p.seek(delta)
    rig.sync()
    assert p.position == pytest.approx(expected)
    assert rig.backend.handles[0].stopped
    assert rig.backend.last.data == PCM.slice_from(expected)
    assert p.state is PlayerState.PLAYING
    rig.clock.advance(0.5)
    assert p.position == pytest.approx(min(expected + 0.5, 10.0))


def test_seek_past_the_end_while_playing_ends(rig: Rig) -> None:
    p = started(rig)
    p.seek(100.0)
    rig.sync()
    assert p.state is PlayerState.ENDED
    assert p.position == 10.0
    assert rig.events == [PlaybackEnded("vm1")]


def test_seek_while_paused_moves_without_playing(rig: Rig) -> None:
    p = started(rig)
    rig.clock.advance(2.0)
    p.pause()
    p.seek(3.0)
    rig.sync()
    assert (p.state, p.position, len(rig.backend.handles)) == (PlayerState.PAUSED, 5.0, 1)
    p.seek(-10.0)
    assert p.position == 0.0
    p.seek_to(6.25)
    p.resume()
    rig.sync()
    assert rig.backend.last.data == PCM.slice_from(6.25)


def test_seek_to_clamps(rig: Rig) -> None:
    p = started(rig)
    p.seek_to(-3)
    assert p.position == 0.0
    p.seek_to(4.5)
    rig.sync()
    assert rig.backend.last.data == PCM.slice_from(4.5)


def test_speed_change_keeps_position(rig: Rig) -> None:
    p = started(rig)
    rig.clock.advance(2.0)
    p.set_speed(1.5)
    assert p.speed == 1.5
    rig.sync()
    assert p.position == 2.0
    fast = change_speed(PCM, 1.5)
    assert rig.backend.last.data == fast.slice_from(2.0 / 1.5)
    assert rig.backend.handles[0].stopped
    rig.clock.advance(2.0)  # 2 s of wall time at 1.5x is 3 s of the recording
    assert p.position == pytest.approx(5.0)

    p.set_speed(1.0)
    rig.sync()
    assert rig.backend.last.data == PCM.slice_from(5.0)


def test_speed_is_clamped_and_applies_on_resume(rig: Rig) -> None:
    p = started(rig)
    p.pause()
    p.set_speed(5.0)
    assert p.speed == 2.0
    p.set_speed(0.1)
    assert p.speed == 0.75
    rig.sync()
    assert len(rig.backend.handles) == 1  # paused: nothing rendered or played
    p.resume()
    rig.sync()
    assert rig.backend.last.data == change_speed(PCM, 0.75).data


def test_rendered_speed_is_cached_per_key_and_speed(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[float] = []
    real = track_module.apply_filters

    def counting(pcm: Pcm, speed: float = 1.0, voice_boost: bool = False) -> Pcm:
        calls.append(speed)
        return real(pcm, speed, voice_boost)

    monkeypatch.setattr(track_module, "apply_filters", counting)
    p = started(rig)
    for speed in (1.5, 1.0, 1.5, 2.0, 1.5):
        p.set_speed(speed)
        rig.sync()
    assert calls == [1.5, 2.0]
    other = ramp_pcm(3.0)
    p.play("vm2", other)
    rig.sync()
    assert calls == [1.5, 2.0, 1.5]
    assert rig.backend.last.data == change_speed(other, 1.5).data


def test_natural_end(rig: Rig) -> None:
    p = started(rig)
    rig.clock.advance(0.05)  # the null device ends long before the clock says so
    rig.backend.last.finish()
    rig.sync()
    assert rig.events == [PlaybackEnded("vm1")]
    assert rig.event_threads == ["vm-tui-audio"]
    assert (p.state, p.position, p.key) == (PlayerState.ENDED, 10.0, "vm1")
    rig.clock.advance(5)
    assert p.position == 10.0


def test_natural_end_is_noticed_by_polling(rig: Rig) -> None:
    started(rig)
    done = threading.Event()
    rig.player._on_event = lambda event: done.set()
    rig.backend.last.finish()
    assert done.wait(5.0)  # no sync(): the owner thread polls is_playing()


def test_resume_after_end_replays(rig: Rig) -> None:
    p = started(rig)
    rig.backend.last.finish()
    rig.sync()
    p.toggle_pause()
    rig.sync()
    assert p.state is PlayerState.PLAYING
    assert rig.backend.last.data == PCM.data


def test_stop_is_not_an_end(rig: Rig) -> None:
    p = started(rig)
    rig.clock.advance(3)
    handle = rig.backend.last
    p.stop()
    rig.sync()
    assert handle.stopped
    assert (p.state, p.position, p.key) == (PlayerState.STOPPED, 0.0, "vm1")
    rig.sync()
    assert rig.events == []


def test_pause_is_not_an_end(rig: Rig) -> None:
    started(rig)
    rig.player.pause()
    rig.sync()
    rig.sync()
    assert rig.events == []


def test_replacing_is_not_an_end(rig: Rig) -> None:
    p = started(rig, key="vm1")
    first = rig.backend.last
    other = ramp_pcm(2.0)
    p.play("vm2", other)
    rig.sync()
    assert first.stopped
    assert (p.key, p.duration, rig.backend.last.data) == ("vm2", 2.0, other.data)
    rig.backend.last.finish()
    rig.sync()
    assert rig.events == [PlaybackEnded("vm2")]


def test_backend_failure_becomes_an_event(rig: Rig) -> None:
    rig.backend.fail_with = NoSoundDeviceError("Error opening PCM device")
    p = started(rig)
    assert p.state is PlayerState.STOPPED
    assert len(rig.events) == 1
    event = rig.events[0]
    assert isinstance(event, PlaybackFailed) and event.key == "vm1"
    assert isinstance(event.error, NoSoundDeviceError)
    assert str(event.error).startswith("No sound device available")

    rig.backend.fail_with = None  # the owner thread survived: playing works again
    p.play("vm1", PCM)
    rig.sync()
    assert p.state is PlayerState.PLAYING


def test_unexpected_backend_exception_is_wrapped(rig: Rig) -> None:
    rig.backend.fail_with = RuntimeError("boom")
    started(rig)
    [event] = rig.events
    assert isinstance(event, PlaybackFailed)
    assert type(event.error) is AudioError
    assert str(event.error) == "Playback failed: boom"


def test_is_playing_failure_becomes_an_event(rig: Rig) -> None:
    started(rig)

    def broken() -> bool:
        raise OSError("device unplugged")

    rig.backend.last.is_playing = broken  # type: ignore[method-assign]
    rig.sync()
    assert rig.player.state is PlayerState.STOPPED
    assert [type(e) for e in rig.events] == [PlaybackFailed]


def test_event_callback_errors_do_not_kill_the_owner_thread(rig: Rig) -> None:
    def bad(event: PlayerEvent) -> None:
        raise ValueError("UI bug")

    rig.player._on_event = bad
    started(rig)
    rig.backend.last.finish()
    rig.sync()
    p = started(rig)
    assert p.state is PlayerState.PLAYING and rig.player._thread.is_alive()


def test_backend_is_only_touched_by_the_owner_thread(rig: Rig) -> None:
    p = started(rig)
    p.seek(1)
    p.pause()
    p.resume()
    rig.sync()
    rig.backend.last.finish()
    rig.sync()
    threads = set(rig.backend.threads)
    for h in rig.backend.handles:
        threads |= h.threads
    assert threads == {"vm-tui-audio"}


def test_caller_never_waits_for_a_slow_backend(rig: Rig) -> None:
    rig.backend.gate = threading.Event()
    p = rig.player
    p.play("vm1", PCM)
    assert rig.backend.entered.wait(5)  # the owner thread is now stuck inside backend.play()
    t0 = time.monotonic()
    p.seek(1.0)
    p.seek(1.0)
    p.pause()
    p.resume()
    p.set_speed(1.0)
    assert p.position == 2.0 and p.state is PlayerState.PLAYING
    assert time.monotonic() - t0 < 1.0
    rig.backend.gate.set()
    rig.sync()
    # the stale start was stopped and the rapid commands collapsed into one restart
    assert len(rig.backend.handles) == 2
    assert rig.backend.handles[0].stopped
    assert rig.backend.last.data == PCM.slice_from(2.0)


def test_close(rig: Rig) -> None:
    p = started(rig)
    handle = rig.backend.last
    p.close()
    assert not p._thread.is_alive()
    assert p._thread.daemon
    assert handle.stopped
    assert p.state is PlayerState.STOPPED
    p.close()  # idempotent
    assert p.sync(0.1)
    for op in (p.pause, lambda: p.seek(1), p.stop):  # harmless after close
        op()
    with pytest.raises(RuntimeError):
        p.play("vm1", PCM)
    assert rig.events == []


def test_close_from_the_event_callback() -> None:
    r = Rig()
    r.player._on_event = lambda event: r.player.close()
    r.player.play("vm1", PCM)
    r.sync()
    r.backend.last.finish()
    r.player._thread.join(5)
    assert not r.player._thread.is_alive()


Op = Callable[[Player], None]
OPS: dict[str, Callable[[float], Op]] = {
    "pause": lambda x: lambda p: p.pause(),
    "resume": lambda x: lambda p: p.resume(),
    "toggle": lambda x: lambda p: p.toggle_pause(),
    "seek": lambda x: lambda p: p.seek(x),
    "seek_to": lambda x: lambda p: p.seek_to(x),
    "stop": lambda x: lambda p: p.stop(),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(sorted(OPS)),
            st.floats(-12, 12, allow_nan=False),
            st.floats(0, 3, allow_nan=False),
        ),
        max_size=12,
    )
)
def test_position_and_playing_bytes_stay_consistent(
    steps: list[tuple[str, float, float]],
) -> None:
    r = Rig()
    p = r.player
    try:
        p.play("vm1", PCM)
        r.sync()
        started_from = {id(r.backend.last): (0.0, r.clock.now)}
        for name, arg, wait in steps:
            OPS[name](arg)(p)
            r.sync()
            pos = p.position
            assert 0.0 <= pos <= PCM.duration
            live = [h for h in r.backend.handles if h.playing]
            if p.state is PlayerState.PLAYING:
                assert len(live) == 1
                if id(live[0]) not in started_from:  # restarted by this op: starts at `pos`
                    started_from[id(live[0])] = (pos, r.clock.now)
                start, at = started_from[id(live[0])]
                assert live[0].data == PCM.slice_from(start)
                assert pos == pytest.approx(min(start + r.clock.now - at, PCM.duration))
            else:
                assert live == []
            if p.state is PlayerState.ENDED:  # seeking to the very end finishes the message
                assert pos == PCM.duration and isinstance(r.events[-1], PlaybackEnded)
            r.clock.advance(wait)
            if p.state is not PlayerState.PLAYING:
                assert p.position == pos
        assert all(isinstance(e, PlaybackEnded) for e in r.events)
    finally:
        p.close()
