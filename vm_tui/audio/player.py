"""Pause, seek, speed and a position for a backend that can only start and stop a buffer.

The caller's methods only change the *wanted* state (under a lock) and wake the owner thread;
they never block on audio. The owner thread is the only one that touches the backend: it makes
the audio match the wanted state (restarting from a frame-aligned slice of the PCM rendered for
the current speed) and notices when the audio ends by itself.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from vm_tui.audio.backend import Backend, PlayHandle, SimpleaudioBackend
from vm_tui.audio.decode import change_speed
from vm_tui.audio.errors import AudioError
from vm_tui.audio.pcm import Pcm

log = logging.getLogger(__name__)

MIN_PLAYER_SPEED = 0.75
MAX_PLAYER_SPEED = 2.0
_CACHE_SIZE = 8  # rendered (key, speed) variants; a minute of 44.1 kHz mono is ~5 MB


class PlayerState(Enum):
    IDLE = "idle"  # nothing loaded yet
    PLAYING = "playing"
    PAUSED = "paused"
    STOPPED = "stopped"  # by stop(), close() or a failure
    ENDED = "ended"  # played to the natural end


@dataclass(frozen=True)
class PlaybackEnded:
    key: str


@dataclass(frozen=True)
class PlaybackFailed:
    key: str
    error: AudioError


PlayerEvent = PlaybackEnded | PlaybackFailed

_CLOSE = object()


class Player:
    def __init__(
        self,
        backend: Backend | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_event: Callable[[PlayerEvent], None] | None = None,
        poll_interval: float = 0.05,
    ) -> None:
        self._backend: Backend = backend if backend is not None else SimpleaudioBackend()
        self._clock = clock
        self._on_event = on_event
        self._poll_interval = poll_interval
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()

        # Wanted state, shared with callers: guarded by _lock.
        self._lock = threading.Lock()
        self._state = PlayerState.IDLE
        self._key: str | None = None
        self._pcm: Pcm | None = None
        self._speed = 1.0
        self._offset = 0.0  # seconds of the original recording where the current run starts
        self._started_at: float | None = None  # clock() when audio really started, else None
        self._gen = 0  # bumped by every change the owner thread must apply
        self._closed = False

        # Owner-thread-only state.
        self._handle: PlayHandle | None = None
        self._handle_gen = -1
        self._cache: OrderedDict[tuple[str, float], tuple[Pcm, Pcm]] = OrderedDict()

        self._thread = threading.Thread(target=self._run, name="vm-tui-audio", daemon=True)
        self._thread.start()

    # ----- read-only view -------------------------------------------------------------------

    @property
    def state(self) -> PlayerState:
        with self._lock:
            return self._state

    @property
    def key(self) -> str | None:
        with self._lock:
            return self._key

    @property
    def duration(self) -> float:
        with self._lock:
            return self._pcm.duration if self._pcm is not None else 0.0

    @property
    def speed(self) -> float:
        with self._lock:
            return self._speed

    @property
    def position(self) -> float:
        """Seconds into the original recording (not the sped-up one)."""
        with self._lock:
            return self._position_locked()

    # ----- commands (any thread, never block) -----------------------------------------------

    def play(self, key: str, pcm: Pcm, *, start: float = 0.0) -> None:
        """Play ``pcm`` from ``start``, replacing (stopping, not ending) whatever played."""
        with self._lock:
            if self._closed:
                raise RuntimeError("Player is closed")
            self._key, self._pcm = key, pcm
            self._offset = _clamp(start, pcm.duration)
            self._run_locked()
        self._wake()

    def pause(self) -> None:
        with self._lock:
            self._pause_locked()
        self._wake()

    def resume(self) -> None:
        with self._lock:
            self._resume_locked()
        self._wake()

    def toggle_pause(self) -> None:
        with self._lock:
            if self._state is PlayerState.PLAYING:
                self._pause_locked()
            else:
                self._resume_locked()
        self._wake()

    def stop(self) -> None:
        with self._lock:
            if self._state in (PlayerState.PLAYING, PlayerState.PAUSED):
                self._halt_locked(PlayerState.STOPPED)
                self._offset = 0.0
        self._wake()

    def seek(self, delta_seconds: float) -> None:
        with self._lock:
            self._seek_locked(self._position_locked() + delta_seconds)
        self._wake()

    def seek_to(self, seconds: float) -> None:
        with self._lock:
            self._seek_locked(seconds)
        self._wake()

    def set_speed(self, speed: float) -> None:
        """Clamp to 0.75..2.0 and keep the position; pitch is kept (ffmpeg atempo)."""
        speed = round(min(max(speed, MIN_PLAYER_SPEED), MAX_PLAYER_SPEED), 2)
        with self._lock:
            if speed == self._speed:
                return
            if self._state is PlayerState.PLAYING:
                self._offset = self._position_locked()
                self._speed = speed
                self._run_locked()
            else:
                self._speed = speed
        self._wake()

    def set_listener(self, on_event: Callable[[PlayerEvent], None] | None) -> None:
        """Where PlaybackEnded / PlaybackFailed go (called on the owner thread)."""
        with self._lock:
            self._on_event = on_event

    def sync(self, timeout: float = 5.0) -> bool:
        """Wait until the owner thread has applied every earlier command (for tests and CLI)."""
        if not self._thread.is_alive():
            return True
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def close(self, timeout: float = 2.0) -> None:
        """Stop the audio and the owner thread. Idempotent."""
        with self._lock:
            if not self._closed:
                self._closed = True
                if self._state in (PlayerState.PLAYING, PlayerState.PAUSED):
                    self._halt_locked(PlayerState.STOPPED)
                self._queue.put(_CLOSE)
        if threading.current_thread() is not self._thread:  # on_event may call close()
            self._thread.join(timeout)

    # ----- wanted-state transitions (caller holds _lock) ------------------------------------

    def _position_locked(self) -> float:
        if self._pcm is None:
            return 0.0
        pos = self._offset
        if self._state is PlayerState.PLAYING and self._started_at is not None:
            pos += (self._clock() - self._started_at) * self._speed
        return _clamp(pos, self._pcm.duration)

    def _run_locked(self) -> None:
        self._state = PlayerState.PLAYING
        self._started_at = None  # the position holds still until the audio really starts
        self._gen += 1

    def _halt_locked(self, state: PlayerState) -> None:
        self._offset = self._position_locked()
        self._state = state
        self._started_at = None
        self._gen += 1

    def _pause_locked(self) -> None:
        if self._state is PlayerState.PLAYING:
            self._halt_locked(PlayerState.PAUSED)

    def _resume_locked(self) -> None:
        if self._pcm is None or self._closed or self._state is PlayerState.PLAYING:
            return
        if self._offset >= self._pcm.duration:  # resuming at the end replays
            self._offset = 0.0
        self._run_locked()

    def _seek_locked(self, seconds: float) -> None:
        if self._pcm is None or self._closed:
            return
        self._offset = _clamp(seconds, self._pcm.duration)
        if self._state is PlayerState.PLAYING:
            self._run_locked()
        else:  # paused, stopped or ended: remember the spot, resume() starts there
            self._state = PlayerState.PAUSED

    def _wake(self) -> None:
        self._queue.put(None)

    # ----- owner thread -----------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            try:
                timeout = self._poll_interval if self._handle is not None else None
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                item = None
            if item is _CLOSE:
                break
            try:
                self._apply()
                self._check_end()
            except Exception:  # a bug here must not kill the thread and strand the UI
                log.exception("audio owner thread")
            if isinstance(item, threading.Event):
                item.set()
        self._stop_handle()
        while True:  # release anyone blocked in sync()
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, threading.Event):
                item.set()

    def _apply(self) -> None:
        """Make the audio match the wanted state; loops while callers keep changing it."""
        while True:
            with self._lock:
                gen, state, key, pcm = self._gen, self._state, self._key, self._pcm
                speed, offset = self._speed, self._offset
            if self._handle_gen == gen:
                return  # already applied (the handle may since have ended by itself)
            self._stop_handle()
            self._handle_gen = gen
            if state is not PlayerState.PLAYING or pcm is None or key is None:
                return
            try:
                rendered = self._render(key, pcm, speed)
                # The sped-up recording runs 1/speed as long: scale the offset with it.
                data = rendered.slice_from(offset / speed)
                if not self._current(gen):
                    continue  # superseded while rendering
                if not data:  # started at the very end
                    self._finish(gen)
                    continue
                handle = self._backend.play(
                    data, rendered.channels, rendered.sample_width, rendered.sample_rate
                )
            except Exception as e:
                self._fail(gen, key, e)
                continue
            self._handle = handle
            with self._lock:
                if self._gen == gen:
                    self._started_at = self._clock()
                    return
            # superseded during backend.play(): loop to stop it and apply the newer state

    def _check_end(self) -> None:
        handle = self._handle
        if handle is None:
            return
        try:
            if handle.is_playing():
                return
        except Exception as e:
            self._handle = None
            with self._lock:
                key = self._key
            if key is not None:
                self._fail(self._handle_gen, key, e)
            return
        # Trust the backend, not the clock: ALSA's null device ends far sooner than real time.
        self._handle = None
        self._finish(self._handle_gen)

    def _finish(self, gen: int) -> None:
        with self._lock:
            if self._gen != gen or self._state is not PlayerState.PLAYING or self._key is None:
                return  # stopped, paused or replaced: not a natural end
            assert self._pcm is not None
            self._state = PlayerState.ENDED
            self._offset = self._pcm.duration
            self._started_at = None
            key = self._key
        self._emit(PlaybackEnded(key))

    def _fail(self, gen: int, key: str, exc: Exception) -> None:
        if isinstance(exc, AudioError):
            error = exc
        else:
            log.warning("audio backend failed", exc_info=exc)
            error = AudioError(f"Playback failed: {exc}")
        with self._lock:
            if self._gen != gen:
                return  # the attempt was already superseded; the newer one reports its own
            self._halt_locked(PlayerState.STOPPED)
            self._handle_gen = self._gen  # the stop needs no further work
        self._emit(PlaybackFailed(key, error))

    def _current(self, gen: int) -> bool:
        with self._lock:
            return self._gen == gen

    def _stop_handle(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            try:
                handle.stop()
            except Exception:
                log.warning("stopping audio failed", exc_info=True)

    def _render(self, key: str, pcm: Pcm, speed: float) -> Pcm:
        if speed == 1.0:
            return pcm
        cached = self._cache.get((key, speed))
        if cached is not None and cached[0] is pcm:
            self._cache.move_to_end((key, speed))
            return cached[1]
        rendered = change_speed(pcm, speed)
        self._cache[(key, speed)] = (pcm, rendered)
        while len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return rendered

    def _emit(self, event: PlayerEvent) -> None:
        with self._lock:
            listener = self._on_event
        if listener is None:
            return
        try:
            listener(event)
        except Exception:  # the callback's bug must not kill the owner thread
            log.exception("on_event callback failed")


def _clamp(seconds: float, duration: float) -> float:
    if not seconds > 0:  # also NaN
        return 0.0
    return min(seconds, duration)
