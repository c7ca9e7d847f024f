"""The recording library: retrieve (a freshly signed URL), download, decode, keep a few.

Shared by play, prefetch (the cursor rests on a voicemail), save, and the CLI's ``play`` and
``download``. Two callers asking for the same recording share one load; a prefetch the cursor
moved away from is cancelled, but never a load that a play is waiting for.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from vm_tui.api import PhoneIncClient, RecordingDownloader, Voicemail, fetch_recording
from vm_tui.audio.pcm import Pcm

from .events import Emit, RecordingChanged, ignore

Decoder = Callable[[bytes], Pcm]
# (stage, bytes received, total bytes or None); stage is "downloading" or "decoding".
LoadProgress = Callable[[str, int, int | None], None]
KEEP = 8  # recordings kept decoded


def decode_mp3(data: bytes) -> Pcm:
    from vm_tui.audio.decode import decode

    return decode(data, "mp3")


@dataclass(frozen=True)
class Recording:
    voicemail: Voicemail  # the copy retrieved for it (fresher than the inbox's, maybe)
    mp3: bytes
    pcm: Pcm

    @property
    def duration(self) -> float:
        return self.pcm.duration


class RecordingLibrary:
    def __init__(
        self,
        client: PhoneIncClient,
        downloader: RecordingDownloader,
        *,
        emit: Emit = ignore,
        decoder: Decoder = decode_mp3,
        on_retrieved: Callable[[Voicemail], None] | None = None,
        keep: int = KEEP,
    ) -> None:
        self.client = client
        self.downloader = downloader
        self.emit = emit
        self.decoder = decoder
        self.on_retrieved = on_retrieved
        self.keep = keep
        self.durations: dict[str, float] = {}
        self._recordings: OrderedDict[str, Recording] = OrderedDict()
        self._loading: dict[str, asyncio.Task[Recording]] = {}
        self._progress: dict[str, LoadProgress] = {}
        self._prefetch: asyncio.Task[None] | None = None

    def cached(self, voicemail_id: str) -> Recording | None:
        return self._recordings.get(voicemail_id)

    def duration(self, voicemail_id: str) -> float | None:
        return self.durations.get(voicemail_id)

    async def load(self, voicemail_id: str, progress: LoadProgress | None = None) -> Recording:
        """The recording, loaded once however many ask; raises ApiError or AudioError."""
        cached = self._recordings.get(voicemail_id)
        if cached is not None:
            self._recordings.move_to_end(voicemail_id)
            return cached
        if progress is not None:
            self._progress[voicemail_id] = progress
        task = self._loading.get(voicemail_id)
        if task is None:
            task = asyncio.ensure_future(self._fetch_and_decode(voicemail_id))
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
        """The recording as downloaded, without decoding it (saving, ``vm-tui download``)."""
        cached = self._recordings.get(voicemail_id)
        if cached is not None:
            return cached.voicemail, cached.mp3

        def downloading(received: int, total: int | None) -> None:
            if progress is not None:
                progress("downloading", received, total)

        downloading(0, None)
        fresh, data = await fetch_recording(self.client, self.downloader, voicemail_id, downloading)
        if self.on_retrieved is not None:
            self.on_retrieved(fresh)
        return fresh, data

    def prefetch(self, voicemail_id: str) -> None:
        """Load it in the background, so play starts at once; replaces the previous prefetch."""
        self.cancel_prefetch()
        if voicemail_id in self._recordings:
            return
        self._prefetch = asyncio.ensure_future(self._prefetch_quietly(voicemail_id))

    def cancel_prefetch(self) -> None:
        if self._prefetch is not None:
            self._prefetch.cancel()
            self._prefetch = None

    async def _prefetch_quietly(self, voicemail_id: str) -> None:
        from vm_tui.api import ApiError
        from vm_tui.audio.errors import AudioError

        with contextlib.suppress(ApiError, AudioError):  # play says what went wrong, if asked
            await self.load(voicemail_id)

    def forget(self, voicemail_id: str) -> None:
        if self._recordings.pop(voicemail_id, None) is not None:
            self.emit(RecordingChanged(voicemail_id, self.durations.get(voicemail_id)))

    async def aclose(self) -> None:
        self.cancel_prefetch()
        for task in list(self._loading.values()):
            task.cancel()

    async def _fetch_and_decode(self, voicemail_id: str) -> Recording:
        self._report(voicemail_id, "downloading", 0, None)
        fresh, mp3 = await fetch_recording(
            self.client,
            self.downloader,
            voicemail_id,
            lambda received, total: self._report(voicemail_id, "downloading", received, total),
        )
        if self.on_retrieved is not None:
            self.on_retrieved(fresh)
        self._report(voicemail_id, "decoding", len(mp3), len(mp3))
        pcm = await asyncio.to_thread(self.decoder, mp3)
        recording = Recording(fresh, mp3, pcm)
        self._remember(voicemail_id, recording)
        return recording

    def _report(self, voicemail_id: str, stage: str, received: int, total: int | None) -> None:
        progress = self._progress.get(voicemail_id)
        if progress is not None:
            progress(stage, received, total)

    def _remember(self, voicemail_id: str, recording: Recording) -> None:
        self._recordings[voicemail_id] = recording
        self._recordings.move_to_end(voicemail_id)
        while len(self._recordings) > self.keep:
            self._recordings.popitem(last=False)
        if self.durations.get(voicemail_id) != recording.duration:
            self.durations[voicemail_id] = recording.duration
            self.emit(RecordingChanged(voicemail_id, recording.duration))
