"""What the player plays: a recording, handed over a piece (a ``Chunk``) at a time.

A ``FileTrack`` is a recording on disk, decoded in windows: a short first window so that a
3-hour recording starts as fast as a 30-second one, then long windows decoded in the background
while the previous one plays; a short recording is decoded whole. A ``MemoryTrack`` is audio
already decoded. Decoded windows and their renderings (speed, skip silence, voice boost) are
kept in one ``PcmCache`` budgeted in bytes, never a second full copy per speed. Positions are
always in the recording's own timeline.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from vm_tui.audio.effects import Rendering, TimeMap, apply_filters, cut, silence_map
from vm_tui.audio.pcm import Pcm
from vm_tui.audio.stream import Decoding, decode_rate
from vm_tui.audio.waveform import Envelope, envelope_of

LEAD = 20.0  # seconds decoded to start playing from a position not decoded yet
WINDOW = 300.0  # seconds decoded at a time after that
WHOLE_BELOW = 120.0  # a recording this short is decoded whole
SCAN_RATE = 8000  # the waveform's decoding pass: peaks need no more
DEFAULT_BUDGET = 64 * 1024 * 1024


class PcmCache:
    """Decoded and rendered audio by key, least recently used first out, within ``budget``."""

    def __init__(self, budget: int = DEFAULT_BUDGET) -> None:
        self.budget = budget
        self._items: OrderedDict[tuple[object, ...], tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.size = 0

    def get(self, key: tuple[object, ...]) -> object | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: tuple[object, ...], value: object, nbytes: int) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= old[1]
            if nbytes > self.budget:
                return  # larger than the whole budget: used once, never kept
            self._items[key] = (value, nbytes)
            self.size += nbytes
            while self.size > self.budget and self._items:
                _, (_, dropped) = self._items.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0

    def forget(self, owner: object) -> None:
        """Drop everything of ``owner`` (the second element of every key)."""
        with self._lock:
            for key in [k for k in self._items if len(k) > 1 and k[1] == owner]:
                self.size -= self._items.pop(key)[1]


SHARED_CACHE = PcmCache()


@dataclass(frozen=True)
class Chunk:
    """Audio to hand the backend, and how its playing time maps to the recording."""

    pcm: Pcm  # rendered at ``speed``, from the chunk's start
    window_start: float  # recording time where the rendered window starts
    played_offset: float  # where ``pcm`` starts in the window's rendered time (at 1x)
    end: float  # recording time where ``pcm`` ends
    speed: float
    time_map: TimeMap  # the window's rendered time (at 1x) -> its recording time

    def position_at(self, elapsed: float) -> float:
        """Recording time after ``elapsed`` seconds of playing this chunk."""
        played = self.played_offset + max(elapsed, 0.0) * self.speed
        return min(self.window_start + self.time_map.to_recording(played), self.end)


class Track(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def duration(self) -> float: ...

    def chunk(self, start: float, rendering: Rendering) -> Chunk: ...

    def prepare_after(self, chunk: Chunk, rendering: Rendering) -> None: ...


@dataclass(frozen=True)
class _Rendered:
    pcm: Pcm
    time_map: TimeMap


def _render(raw: Pcm, rendering: Rendering, *, at_start: bool, at_end: bool) -> _Rendered:
    if rendering.skip_silence:
        time_map = silence_map(raw, at_start=at_start, at_end=at_end)
        kept = cut(raw, time_map)
    else:
        time_map, kept = TimeMap.identity(raw.duration), raw
    return _Rendered(apply_filters(kept, rendering.speed, rendering.voice_boost), time_map)


def _chunk_of(rendered: _Rendered, window_start: float, start: float, speed: float) -> Chunk:
    played = rendered.time_map.to_played(start - window_start)
    pcm = rendered.pcm
    data = pcm.data[pcm.offset_bytes(played / speed) :]
    return Chunk(
        Pcm(data, pcm.sample_rate, pcm.channels, pcm.sample_width),
        window_start,
        played,
        window_start + rendered.time_map.recording_length,
        speed,
        rendered.time_map,
    )


class MemoryTrack:
    """Audio already decoded (tests, the CLI, a recording that could not go to disk)."""

    def __init__(self, key: str, pcm: Pcm, cache: PcmCache = SHARED_CACHE) -> None:
        self._key, self.pcm, self._cache = key, pcm, cache

    @property
    def key(self) -> str:
        return self._key

    @property
    def duration(self) -> float:
        return self.pcm.duration

    def chunk(self, start: float, rendering: Rendering) -> Chunk:
        cache_key = ("memory", self._key, rendering)
        cached = self._cache.get(cache_key)
        if isinstance(cached, tuple) and cached[0] is self.pcm:
            rendered: _Rendered = cached[1]
        elif rendering == Rendering(speed=rendering.speed) and rendering.speed == 1.0:
            rendered = _Rendered(self.pcm, TimeMap.identity(self.pcm.duration))
        else:
            rendered = _render(self.pcm, rendering, at_start=True, at_end=True)
            self._cache.put(cache_key, (self.pcm, rendered), len(rendered.pcm.data))
        return _chunk_of(rendered, 0.0, start, rendering.speed)

    def prepare_after(self, chunk: Chunk, rendering: Rendering) -> None:
        return None  # one chunk holds all of it


class FileTrack:
    """A recording on disk, decoded (mono, at most 16 kHz) a window at a time."""

    def __init__(
        self,
        key: str,
        path: Path,
        *,
        source_rate: int | None,
        duration: float,
        cache: PcmCache = SHARED_CACHE,
    ) -> None:
        self._key = key
        self.path = path
        self.rate = decode_rate(source_rate)
        self._duration = duration  # an estimate until a decode reaches the end
        self._exact = False
        self._cache = cache
        self._lock = threading.Lock()
        self._windows: dict[float, float] = {}  # start -> end of windows decoded so far
        # Windows being decoded: start -> (set when done, length or None for "to the end").
        self._inflight: dict[float, tuple[threading.Event, float | None]] = {}
        self._background: set[Decoding] = set()
        # Bumped by each cancel_background: a decode whose ffmpeg was still starting when it
        # came (not yet in _background) sees it changed and kills itself.
        self._cancels = 0
        self.scanning = False  # the waveform pass runs (for tests and the bench)
        self._background_thread: threading.Thread | None = None

    @property
    def key(self) -> str:
        return self._key

    @property
    def duration(self) -> float:
        return self._duration

    @property
    def duration_known(self) -> bool:
        """Measured to the end (a scan, or a decode that reached it), not the header's guess."""
        return self._exact

    # -- playing --------------------------------------------------------------------------------

    def chunk(self, start: float, rendering: Rendering) -> Chunk:
        start = max(0.0, start)
        window_start, raw = self._raw_window(start, background=False)
        cache_key = ("render", self._key, window_start, rendering)
        rendered = self._cache.get(cache_key)
        if not isinstance(rendered, _Rendered):
            end = window_start + raw.duration
            rendered = _render(
                raw,
                rendering,
                at_start=window_start == 0.0,
                at_end=self._exact and end >= self._duration - 0.05,
            )
            if rendering != Rendering():
                self._cache.put(cache_key, rendered, len(rendered.pcm.data))
        return _chunk_of(rendered, window_start, start, rendering.speed)

    def prepare_after(self, chunk: Chunk, rendering: Rendering) -> None:
        """Decode (and render) the window after ``chunk`` in the background, while it plays."""
        if chunk.end >= self._duration - 0.05 and self._exact:
            return
        thread = threading.Thread(
            target=self._prepare, args=(chunk.end, rendering), name="vm-tui-decode", daemon=True
        )
        self._background_thread = thread
        thread.start()

    def _prepare(self, start: float, rendering: Rendering) -> None:
        with contextlib.suppress(Exception):  # the player decodes it itself if this failed
            self._raw_window(start, background=True)
            self.chunk(start, rendering)

    def warm(self, rendering: Rendering) -> None:
        """Decode the start now (a prefetch: killed by ``cancel_background``)."""
        self._raw_window(0.0, background=True)

    # -- decoding -------------------------------------------------------------------------------

    def _raw_window(self, start: float, *, background: bool) -> tuple[float, Pcm]:
        """The decoded window that holds ``start`` (decoding it if need be)."""
        while True:
            with self._lock:
                found = self._cached_window(start)
                if found is not None:
                    return found
                waiting = next(
                    (
                        event
                        for ws, (event, span) in self._inflight.items()
                        if ws <= start and (span is None or start < ws + span)
                    ),
                    None,
                )
                if waiting is None:
                    window_start, length = self._plan(start)
                    event = threading.Event()
                    self._inflight[window_start] = (event, length)
                    break
            waiting.wait()  # someone decodes it: use theirs (or decode it if that failed)
        try:
            raw = self._decode(window_start, length, background=background)
        finally:
            with self._lock:
                self._inflight.pop(window_start, None)
            event.set()
        with self._lock:
            end = window_start + raw.duration
            self._windows[window_start] = end
            if length is None or (raw.duration < length - 0.05):
                self._duration, self._exact = end, True  # it ended before the window did
            self._cache.put(("raw", self._key, window_start), raw, len(raw.data))
        return window_start, raw

    def _cached_window(self, start: float) -> tuple[float, Pcm] | None:
        for window_start, end in self._windows.items():
            at_the_end = self._exact and end == self._duration and start >= end
            if window_start <= start and (start < end or at_the_end):
                raw = self._cache.get(("raw", self._key, window_start))
                if isinstance(raw, Pcm):
                    return window_start, raw
        return None

    def _plan(self, start: float) -> tuple[float, float | None]:
        """Where the window to decode starts and how long it is (None: to the end)."""
        if self._duration <= WHOLE_BELOW:
            return 0.0, None
        continuing = any(abs(end - start) < 0.001 for end in self._windows.values())
        return start, WINDOW if continuing else LEAD

    def _decode(self, start: float, length: float | None, *, background: bool) -> Pcm:
        cancels = self._cancels
        decoding = Decoding(
            self.path, rate=self.rate, start=start, duration=length, background=background
        )
        if background:
            self._register(decoding, cancels)
        try:
            data = decoding.read_all()
        finally:
            with self._lock:
                self._background.discard(decoding)
        if decoding.cancelled:
            raise _Cancelled()
        return Pcm(data, self.rate, 1, 2)

    @property
    def cancels(self) -> int:
        """How many cancels were asked for so far: a scan started later (a thread's) with this
        count stops if one came in between (see ``scan``)."""
        return self._cancels

    def scan(self, cancels: int | None = None) -> Envelope:
        """The waveform (and the exact duration) from one pass over the whole recording.

        ``cancels``: ``self.cancels`` when the pass was asked for, if it starts later (in a
        thread): a cancel_background in between then stops it too."""
        with self._lock:
            whole = self._cache.get(("raw", self._key, 0.0))
            if isinstance(whole, Pcm) and self._exact and self._windows.get(0.0) == self._duration:
                return envelope_of([whole.data], self.rate)
        cancels = self._cancels if cancels is None else cancels
        decoding = Decoding(self.path, rate=SCAN_RATE, background=True)
        with self._lock:
            self.scanning = True
        self._register(decoding, cancels)
        try:
            envelope = envelope_of(decoding.chunks(), SCAN_RATE)
        finally:
            with self._lock:
                self._background.discard(decoding)
                self.scanning = False
        if decoding.cancelled:
            raise _Cancelled()
        with self._lock:
            self._duration, self._exact = envelope.duration, True
        return envelope

    def _register(self, decoding: Decoding, cancels: int) -> None:
        """Track a background decode started when ``cancels`` cancels had been asked for;
        one asked for since, while its ffmpeg started, kills it now."""
        with self._lock:
            self._background.add(decoding)
            missed = self._cancels != cancels
        if missed:
            decoding.cancel()

    def cancel_background(self) -> None:
        """Kill the prefetch's and the scan's ffmpeg processes (the cursor moved on)."""
        with self._lock:
            self._cancels += 1
            running = list(self._background)
        for decoding in running:
            decoding.cancel()

    def background_pids(self) -> list[int]:
        with self._lock:
            return [d.pid for d in self._background]

    def forget(self) -> None:
        self.cancel_background()
        self._cache.forget(self._key)
        with self._lock:
            self._windows.clear()


class _Cancelled(Exception):
    """A background decode was killed on purpose."""


Cancelled = _Cancelled
