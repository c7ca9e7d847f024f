"""The recording library: retrieve (a freshly signed URL), download, keep a few, decode as needed.

Shared by play, prefetch (the cursor rests on a voicemail), save, and the CLI's ``play`` and
``download``. A recording goes to a private temporary folder (removed on exit, and at the next
start if a crash left it) and is decoded from there a window at a time (``vm_tui.audio.track``):
memory holds what plays now and what is about to, within the decoded-audio budget, whatever
the recording's length. Its waveform is measured in the background. Two callers asking for the
same recording share one download; a prefetch the cursor moved away from is cancelled, its
ffmpeg killed, but never a load that a play waits for.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vm_tui.api import ApiError, PhoneIncClient, RecordingDownloader, Voicemail, fetch_recording
from vm_tui.audio.effects import Rendering
from vm_tui.audio.errors import AudioError
from vm_tui.audio.mp3info import probe
from vm_tui.audio.track import SHARED_CACHE, FileTrack, MemoryTrack, PcmCache, Track
from vm_tui.audio.waveform import Envelope

from .events import Emit, RecordingChanged, ignore

# (stage, bytes received, total bytes or None); stage is "downloading" or "decoding".
LoadProgress = Callable[[str, int, int | None], None]
KEEP = 8  # recordings kept on disk (and their decoded windows in the budget)
_FOLDER = re.compile(r"^vm-tui-(\d+)-")


@dataclass
class Recording:
    voicemail: Voicemail  # the copy retrieved for it (fresher than the inbox's, maybe)
    track: Track
    path: Path | None  # the mp3 on disk (None: kept in memory, the disk refused it)
    mp3_in_memory: bytes | None = None
    envelope: Envelope | None = field(default=None, repr=False)
    saved_by_skipping: float | None = None

    @property
    def duration(self) -> float:
        return self.track.duration

    def mp3(self) -> bytes:
        if self.mp3_in_memory is not None:
            return self.mp3_in_memory
        assert self.path is not None
        return self.path.read_bytes()


def decode_in_memory(data: bytes) -> object:
    from vm_tui.audio.decode import decode

    return decode(data, "mp3")


class RecordingLibrary:
    def __init__(
        self,
        client: PhoneIncClient,
        downloader: RecordingDownloader,
        *,
        emit: Emit = ignore,
        on_retrieved: Callable[[Voicemail], None] | None = None,
        keep: int = KEEP,
        cache: PcmCache = SHARED_CACHE,
        folder: Path | None = None,
    ) -> None:
        self.client = client
        self.downloader = downloader
        self.emit = emit
        self.on_retrieved = on_retrieved
        self.keep = keep
        self.cache = cache
        self.durations: dict[str, float] = {}
        self._folder = folder
        self._made_folder = False
        self._recordings: OrderedDict[str, Recording] = OrderedDict()
        self._loading: dict[str, asyncio.Task[Recording]] = {}
        self._progress: dict[str, LoadProgress] = {}
        self._prefetch: tuple[str, asyncio.Task[None]] | None = None
        # The waveform pass of each recording being measured: one however many ask (the
        # prefetch's and then Enter's used to run two 3-hour decodes side by side).
        self._scans: dict[str, tuple[Recording, asyncio.Task[None]]] = {}

    def cached(self, voicemail_id: str) -> Recording | None:
        return self._recordings.get(voicemail_id)

    def duration(self, voicemail_id: str) -> float | None:
        return self.durations.get(voicemail_id)

    def envelope(self, voicemail_id: str) -> Envelope | None:
        recording = self._recordings.get(voicemail_id)
        return recording.envelope if recording is not None else None

    # -- loading --------------------------------------------------------------------------------

    async def load(self, voicemail_id: str, progress: LoadProgress | None = None) -> Recording:
        """The recording, downloaded once however many ask; raises ApiError or AudioError."""
        cached = self._recordings.get(voicemail_id)
        if cached is not None:
            self._recordings.move_to_end(voicemail_id)
            return cached
        if progress is not None:
            self._progress[voicemail_id] = progress
        task = self._loading.get(voicemail_id)
        if task is None:
            task = asyncio.ensure_future(self._fetch(voicemail_id))
            self._loading[voicemail_id] = task
            task.add_done_callback(lambda _t: self._loading.pop(voicemail_id, None))
        try:
            # Shielded: cancelling one waiter (a prefetch) must not cancel the load others wait on.
            return await asyncio.shield(task)
        finally:
            if progress is not None and self._progress.get(voicemail_id) is progress:
                del self._progress[voicemail_id]

    async def mp3(
        self, voicemail_id: str, progress: LoadProgress | None = None
    ) -> tuple[Voicemail, bytes]:
        """The recording as downloaded (saving, ``vm-tui download``)."""
        recording = await self.load(voicemail_id, progress)
        return recording.voicemail, await asyncio.to_thread(recording.mp3)

    async def _fetch(self, voicemail_id: str) -> Recording:
        self._report(voicemail_id, "downloading", 0, None)
        fresh, data = await fetch_recording(
            self.client,
            self.downloader,
            voicemail_id,
            lambda received, total: self._report(voicemail_id, "downloading", received, total),
        )
        if self.on_retrieved is not None:
            self.on_retrieved(fresh)
        recording = await asyncio.to_thread(self._store, voicemail_id, fresh, data)
        self._remember(voicemail_id, recording)
        return recording

    def _store(self, voicemail_id: str, voicemail: Voicemail, data: bytes) -> Recording:
        """On disk, to be decoded a window at a time; in memory if the disk refuses it."""
        info = probe(data[: 64 * 1024], len(data))
        try:
            path = self._folder_path() / f"{voicemail_id}.mp3"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except OSError:
            from vm_tui.audio.pcm import Pcm

            self._report(voicemail_id, "decoding", len(data), len(data))
            pcm = decode_in_memory(data)
            assert isinstance(pcm, Pcm)
            return Recording(voicemail, MemoryTrack(voicemail_id, pcm, self.cache), None, data)
        track = FileTrack(
            voicemail_id,
            path,
            source_rate=info.sample_rate if info else None,
            duration=info.duration if info else 0.0,
            cache=self.cache,
        )
        if info is None or info.duration <= 0:
            track.scan()  # not an mp3 we can read the header of: measure it
        return Recording(voicemail, track, path)

    def _folder_path(self) -> Path:
        if self._folder is None:
            base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
            remove_stale_folders(Path(base))
            self._folder = Path(tempfile.mkdtemp(prefix=f"vm-tui-{os.getpid()}-", dir=base))
            self._made_folder = True
        return self._folder

    def _report(self, voicemail_id: str, stage: str, received: int, total: int | None) -> None:
        progress = self._progress.get(voicemail_id)
        if progress is not None:
            progress(stage, received, total)

    def _remember(self, voicemail_id: str, recording: Recording) -> None:
        self._recordings[voicemail_id] = recording
        self._recordings.move_to_end(voicemail_id)
        while len(self._recordings) > self.keep:
            old_id, old = self._recordings.popitem(last=False)
            self._drop(old_id, old)
        self._duration_known(voicemail_id, recording.duration)

    def _duration_known(self, voicemail_id: str, seconds: float) -> None:
        if seconds > 0 and self.durations.get(voicemail_id) != seconds:
            self.durations[voicemail_id] = seconds
            self.emit(RecordingChanged(voicemail_id, seconds))

    # -- prefetch and the waveform --------------------------------------------------------------

    def prefetch(self, voicemail_id: str, rendering: Rendering | None = None) -> None:
        """Download it, decode its start, measure its waveform: so play starts at once and the
        bar shows it. One at a time: a new prefetch replaces the previous one."""
        self.cancel_prefetch()
        task = asyncio.ensure_future(self._prefetch_quietly(voicemail_id, rendering or Rendering()))
        self._prefetch = (voicemail_id, task)

    def cancel_prefetch(self, keep: str | None = None) -> None:
        """Stop the prefetch and kill its ffmpeg, unless it is ``keep`` (it plays)."""
        if self._prefetch is None:
            return
        voicemail_id, task = self._prefetch
        if voicemail_id == keep:
            return
        self._prefetch = None
        task.cancel()
        recording = self._recordings.get(voicemail_id)
        if recording is not None and isinstance(recording.track, FileTrack):
            recording.track.cancel_background()

    async def _prefetch_quietly(self, voicemail_id: str, rendering: Rendering) -> None:
        from vm_tui.audio.track import Cancelled

        with contextlib.suppress(ApiError, AudioError, Cancelled):  # play says what went wrong
            recording = await self.load(voicemail_id)
            track = recording.track
            if isinstance(track, FileTrack):
                await asyncio.to_thread(track.warm, rendering)
            await self.measure(voicemail_id)

    async def measure(self, voicemail_id: str) -> Envelope | None:
        """The recording's waveform (and exact length), measured once, off the event loop.

        Callers share one pass; one that is cancelled leaves it running for the others (what
        stops the pass itself is cancel_prefetch or forgetting the recording)."""
        recording = self._recordings.get(voicemail_id)
        if recording is None:
            return None
        if recording.envelope is None:
            running = self._scans.get(voicemail_id)
            if running is not None and running[0] is recording:
                scan = running[1]
            else:
                # The cancel count now, on the loop: a cancel before the thread starts counts.
                track = recording.track
                cancels = track.cancels if isinstance(track, FileTrack) else 0
                scan = asyncio.ensure_future(self._scan(voicemail_id, recording, cancels))
                self._scans[voicemail_id] = (recording, scan)
                scan.add_done_callback(lambda done: self._scan_done(voicemail_id, done))
            await asyncio.shield(scan)
        return recording.envelope

    async def _scan(self, voicemail_id: str, recording: Recording, cancels: int) -> None:
        track = recording.track
        if isinstance(track, FileTrack):
            envelope = await asyncio.to_thread(track.scan, cancels)
        else:
            from vm_tui.audio.waveform import envelope_of

            assert isinstance(track, MemoryTrack)
            envelope = await asyncio.to_thread(envelope_of, [track.pcm.data], track.pcm.sample_rate)
        recording.envelope = envelope
        recording.saved_by_skipping = envelope.saved_by_skipping_silence()
        self._duration_known(voicemail_id, recording.duration)
        self.emit(RecordingChanged(voicemail_id, recording.duration))

    def _scan_done(self, voicemail_id: str, scan: asyncio.Task[None]) -> None:
        running = self._scans.get(voicemail_id)
        if running is not None and running[1] is scan:
            del self._scans[voicemail_id]
        if not scan.cancelled():
            scan.exception()  # every caller may have gone: it is theirs to report, not asyncio's

    # -- forgetting -----------------------------------------------------------------------------

    def forget(self, voicemail_id: str) -> None:
        self._scans.pop(voicemail_id, None)  # a reload measures its own recording
        recording = self._recordings.pop(voicemail_id, None)
        if recording is not None:
            self._drop(voicemail_id, recording)
            self.emit(RecordingChanged(voicemail_id, self.durations.get(voicemail_id)))

    def _drop(self, voicemail_id: str, recording: Recording) -> None:
        if isinstance(recording.track, FileTrack):
            recording.track.forget()
        if recording.path is not None:
            with contextlib.suppress(OSError):
                recording.path.unlink()

    async def aclose(self) -> None:
        self._scans.clear()
        self.cancel_prefetch()
        for task in list(self._loading.values()):
            task.cancel()
        for voicemail_id, recording in list(self._recordings.items()):
            self._drop(voicemail_id, recording)
        self._recordings.clear()
        if self._made_folder and self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


def remove_stale_folders(base: Path) -> None:
    """Recording folders of vm-tui processes that are gone (a crash, kill -9): removed."""
    from vm_tui.local.files import process_alive

    with contextlib.suppress(OSError):
        for entry in base.iterdir():
            found = _FOLDER.match(entry.name)
            if found and entry.is_dir() and not process_alive(int(found[1])):
                shutil.rmtree(entry, ignore_errors=True)
