"""Pause, seek, speed, skip silence, voice boost and a position for a backend that can only
start and stop a buffer.

The caller's methods only change the *wanted* state (under a lock) and wake the owner thread;
they never block on audio. The owner thread is the only one that touches the backend: it makes
the audio match the wanted state (restarting from the track's chunk at the position, rendered
the current way) and notices when the audio ends by itself: then it plays the track's next
chunk, prepared while this one played, or reports the natural end.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from vm_tui.audio.backend import Backend, PlayHandle, SimpleaudioBackend
from vm_tui.audio.effects import Rendering
from vm_tui.audio.errors import AudioError
from vm_tui.audio.pcm import Pcm
from vm_tui.audio.track import Chunk, MemoryTrack, Track

log = logging.getLogger(__name__)

MIN_PLAYER_SPEED = 0.75
MAX_PLAYER_SPEED = 2.0
_NEAR_THE_END = 0.002  # seconds: how close to a chunk's end the owner thread looks again


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
        self._track: Track | None = None
        self._speed = 1.0
        self._skip_silence = False
        self._voice_boost = False
        self._offset = 0.0  # seconds of the original recording where the current run starts
        self._chunk: Chunk | None = None  # what plays now (set with _started_at)
        self._started_at: float | None = None  # clock() when audio really started, else None
        self._gen = 0  # bumped by every change the owner thread must apply
        self._closed = False

        # Owner-thread-only state.
        self._handle: PlayHandle | None = None
        self._handle_gen = -1

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
            return self._track.duration if self._track is not None else 0.0

    @property
    def speed(self) -> float:
        with self._lock:
            return self._speed

    @property
    def rendering(self) -> Rendering:
        with self._lock:
            return self._rendering_locked()

    @property
    def position(self) -> float:
        """Seconds into the original recording (not the sped-up one)."""
        with self._lock:
            return self._position_locked()

    # ----- commands (any thread, never block) -----------------------------------------------

    def play(self, key: str, source: Pcm | Track, *, start: float = 0.0) -> None:
        """Play ``source`` from ``start``, replacing (stopping, not ending) whatever played."""
        track = MemoryTrack(key, source) if isinstance(source, Pcm) else source
        with self._lock:
            if self._closed:
                raise RuntimeError("Player is closed")
            self._key, self._track = key, track
            self._offset = _clamp(start, track.duration)
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
        self.set_rendering(speed=speed)

    def set_rendering(
        self,
        *,
        speed: float | None = None,
        skip_silence: bool | None = None,
        voice_boost: bool | None = None,
    ) -> None:
        """Change how it sounds from the current position on (or from the next play)."""
        with self._lock:
            wanted = Rendering(
                self._speed if speed is None else speed,
                self._skip_silence if skip_silence is None else skip_silence,
                self._voice_boost if voice_boost is None else voice_boost,
            )
            if wanted == self._rendering_locked():
                return
            playing = self._state is PlayerState.PLAYING
            if playing:
                self._offset = self._position_locked()
            self._speed = wanted.speed
            self._skip_silence, self._voice_boost = wanted.skip_silence, wanted.voice_boost
            if playing:
                self._run_locked()
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

    def _rendering_locked(self) -> Rendering:
        return Rendering(self._speed, self._skip_silence, self._voice_boost)

    def _position_locked(self) -> float:
        if self._track is None:
            return 0.0
        pos = self._offset
        if self._state is PlayerState.PLAYING and self._started_at is not None:
            elapsed = self._clock() - self._started_at
            pos = self._chunk.position_at(elapsed) if self._chunk else pos + elapsed * self._speed
        return _clamp(pos, self._track.duration)

    def _run_locked(self) -> None:
        self._state = PlayerState.PLAYING
        self._started_at = None  # the position holds still until the audio really starts
        self._chunk = None
        self._gen += 1

    def _halt_locked(self, state: PlayerState) -> None:
        self._offset = self._position_locked()
        self._state = state
        self._started_at = None
        self._chunk = None
        self._gen += 1

    def _pause_locked(self) -> None:
        if self._state is PlayerState.PLAYING:
            self._halt_locked(PlayerState.PAUSED)

    def _resume_locked(self) -> None:
        if self._track is None or self._closed or self._state is PlayerState.PLAYING:
            return
        if self._offset >= self._track.duration:  # resuming at the end replays
            self._offset = 0.0
        self._run_locked()

    def _seek_locked(self, seconds: float) -> None:
        if self._track is None or self._closed:
            return
        self._offset = _clamp(seconds, self._track.duration)
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
                item = self._queue.get(timeout=self._next_look())
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

    def _next_look(self) -> float | None:
        """Seconds until the owner thread looks at the audio again (None: only when asked).

        Close to a chunk's end it looks every few ms, so the next chunk follows at once."""
        if self._handle is None:
            return None
        with self._lock:
            chunk, started = self._chunk, self._started_at
        if chunk is None or started is None:
            return self._poll_interval
        left = started + chunk.pcm.duration - self._clock()
        return max(_NEAR_THE_END, min(self._poll_interval, left - _NEAR_THE_END))

    def _apply(self) -> None:
        """Make the audio match the wanted state; loops while callers keep changing it."""
        while True:
            with self._lock:
                gen, state, key, track = self._gen, self._state, self._key, self._track
                rendering, offset = self._rendering_locked(), self._offset
            if self._handle_gen == gen:
                return  # already applied (the handle may since have ended by itself)
            self._stop_handle()
            self._handle_gen = gen
            if state is not PlayerState.PLAYING or track is None or key is None:
                return
            try:
                chunk = track.chunk(offset, rendering)
                if not self._current(gen):
                    continue  # superseded while rendering
                data = chunk.pcm.data
                if not data:  # started at the very end
                    self._finish(gen)
                    continue
                handle = self._backend.play(
                    data, chunk.pcm.channels, chunk.pcm.sample_width, chunk.pcm.sample_rate
                )
            except Exception as e:
                self._fail(gen, key, e)
                continue
            self._handle = handle
            with self._lock:
                if self._gen == gen:
                    self._started_at = self._clock()
                    self._chunk = chunk
                    started = True
                else:
                    started = False
            if started:
                track.prepare_after(chunk, rendering)  # the next chunk, while this one plays
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
        if not self._next_chunk(self._handle_gen):
            self._finish(self._handle_gen)

    def _next_chunk(self, gen: int) -> bool:
        """The chunk ended but the track goes on: play on from where it ended."""
        with self._lock:
            chunk, track = self._chunk, self._track
            if self._gen != gen or self._state is not PlayerState.PLAYING or chunk is None:
                return False
            if track is None or chunk.end >= track.duration - 0.01:
                return False
            self._offset = chunk.end
            self._run_locked()
        self._apply()
        return True

    def _finish(self, gen: int) -> None:
        with self._lock:
            if self._gen != gen or self._state is not PlayerState.PLAYING or self._key is None:
                return  # stopped, paused or replaced: not a natural end
            assert self._track is not None
            self._state = PlayerState.ENDED
            self._offset = self._track.duration
            self._chunk = None
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
