"""The inbox as the user works it: the poller, the outbox sender, the undo window of deletes,
the recording library and the playback session, wired to one inbox state.

A face (the TUI screen) builds one, starts its two loops (``run_poller``, ``run_sender``) in
its own workers, calls its commands, and shows the events it emits. Everything runs on the
event loop; nothing here knows Textual.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import Callable, Coroutine, Iterable
from datetime import datetime
from typing import Any

from vm_tui.api import PhoneIncClient, RecordingDownloader, Voicemail
from vm_tui.audio.effects import Rendering
from vm_tui.audio.player import Player
from vm_tui.inbox.outbox import Operation
from vm_tui.inbox.state import InboxState
from vm_tui.local.files import StorageError
from vm_tui.local.inbox_cache import InboxCache
from vm_tui.local.outbox_journal import OutboxJournal
from vm_tui.local.seen import SeenFile
from vm_tui.text.safe import one_line

from .announcements import Announcements, SeenStore
from .events import (
    AppEvent,
    Emit,
    InboxChanged,
    Notice,
    PendingChanged,
    RecordingChanged,
    ignore,
)
from .head_start import HeadStart
from .library import RecordingLibrary
from .outbox_sender import OutboxSender
from .playback import PlaybackSession
from .poller import Poller
from .undo import UndoWindow


class StorageNotices:
    """Local files that could not be written (the journal, the cache, the announced ids, the
    theme), told once each: the same path, or the same reason in the same folder (a read-only
    or full state folder fails every file in it), is not told again. The changes stay in
    memory meanwhile, and every writer tries again on its next write."""

    def __init__(self, emit: Emit) -> None:
        self._emit = emit
        self._told: set[tuple[str, str]] = set()

    def report(self, error: StorageError) -> None:
        keys = {(str(error.path), ""), (str(error.path.parent), error.reason)}
        if keys & self._told:
            return
        self._told |= keys
        self._emit(
            Notice(
                f"{one_line(str(error), 160)}; changes are kept in memory until it can write.",
                "error",
                timeout=15,
            )
        )


class _Sender(OutboxSender):
    """The outbox sender, telling its storage failures through the service's one reporter."""

    report_storage: Callable[[StorageError], None] | None = None

    def _storage_failed(self, error: StorageError) -> None:
        if self.report_storage is None:
            super()._storage_failed(error)
        else:
            self.report_storage(error)


@dataclasses.dataclass(frozen=True)
class ServiceOptions:
    poll_interval: float = 15.0
    undo_seconds: float = 5.0
    default_speed: float = 1.0
    skip_silence: bool = False
    voice_boost: bool = False


class InboxService:
    def __init__(
        self,
        client: PhoneIncClient,
        *,
        emit: Emit = ignore,
        journal: OutboxJournal | None = None,
        downloader: RecordingDownloader | None = None,
        player: Player | None = None,
        cache: InboxCache | None = None,
        seen: SeenStore | None = None,
        options: ServiceOptions | None = None,
        now: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        head_start: HeadStart | None = None,
    ) -> None:
        options = options or ServiceOptions()
        self.client = client
        self._emit = emit
        self.state = InboxState(clock=now) if now is not None else InboxState()
        self.journal = journal if journal is not None else OutboxJournal(None)
        self.downloader = downloader or RecordingDownloader()
        self.storage = StorageNotices(self._relay)
        self.sender = _Sender(client, self.state, self.journal, emit=self._relay)
        self.sender.report_storage = self.storage.report
        if isinstance(seen, SeenFile):
            seen.on_error = self._storage_failed_elsewhere  # it writes in a thread
        self.poller = Poller(
            client,
            self.state,
            emit=self._relay,
            interval=options.poll_interval,
            cache=cache,
            announcements=Announcements(seen),
            clock=monotonic,
            on_success=self.sender.key_works,
            on_storage_error=self.storage.report,
            head_start=head_start,
        )
        self.undo = UndoWindow(options.undo_seconds, self._commit_deletes)
        self.library = RecordingLibrary(
            client,
            self.downloader,
            emit=self._relay,
            on_retrieved=self._fresher_copy,
        )
        self.playback = PlaybackSession(
            self.library,
            player,
            emit=self._relay,
            on_finished=self._heard_to_the_end,
            on_gone=self.gone,
            speed=options.default_speed,
            skip_silence=options.skip_silence,
            voice_boost=options.voice_boost,
        )
        self._loop: asyncio.AbstractEventLoop | None = None  # set by start()
        self._hurry: asyncio.Event | None = None

    # -- running ------------------------------------------------------------------------------

    def listen(self, emit: Emit) -> None:
        """Where the events go (the face that shows them)."""
        self._emit = emit

    def start(self) -> None:
        """Call on the running loop before the two loops start."""
        self._loop = asyncio.get_running_loop()
        self._hurry = asyncio.Event()
        self.playback.start()
        self.sender.replay()
        self._pending_changed()

    async def run_poller(self) -> None:
        await self.poller.run()

    async def run_sender(self) -> None:
        await self.sender.run()

    def commit_deletes_now(self) -> list[str]:
        """Deletes still in their undo window are queued at once (quitting, a signal): written
        to the journal before this returns, so the process may end right after."""
        committed = self.undo.commit_all()
        self.sender.write_queued()  # a bulk mark still taking its turns, too
        return committed

    async def shut_down(self, flush_seconds: float) -> None:
        """Like quitting: commit deletes, give the outbox a moment, save the cache, stop audio.

        Whatever the server has not confirmed stays in the journal for the next start.
        ``hurry`` (a second signal) cuts the outbox's moment and the cache save short.
        """
        self.commit_deletes_now()
        if self.sender.pending_count():
            self._relay(Notice("Sending pending changes…"))
            await self._unless_hurried(self.sender.flush(timeout=flush_seconds))
        await self._unless_hurried(self.poller.save_cache_now())
        self.playback.close()
        await self.library.aclose()

    def hurry(self) -> None:
        """Stop waiting for the server or the cache: the process is about to end (what is not
        confirmed is in the journal already)."""
        if self._hurry is not None:
            self._hurry.set()

    async def _unless_hurried(self, work: Coroutine[Any, Any, object]) -> None:
        task = asyncio.ensure_future(work)
        if self._hurry is None:
            await task
            return
        hurry = asyncio.ensure_future(self._hurry.wait())
        try:
            await asyncio.wait({task, hurry}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            hurry.cancel()
            if not task.done():
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def report_storage_error(self, error: StorageError) -> None:
        """A local file of the face's could not be written (the theme): told like the others."""
        self.storage.report(error)

    async def aclose(self) -> None:
        await self.client.aclose()
        await self.downloader.aclose()

    # -- commands -----------------------------------------------------------------------------

    def mark(self, voicemail_id: str, listened: bool) -> None:
        """Optimistic: the row changes now; the sender sends the PATCH and survives restarts."""
        self.sender.submit(Operation.mark(voicemail_id, listened, owner=self.journal.owner))

    def mark_many(self, voicemail_ids: Iterable[str], listened: bool) -> int:
        owner = self.journal.owner
        ops = [Operation.mark(vm_id, listened, owner=owner) for vm_id in voicemail_ids]
        self.sender.submit_many(ops)
        return len(ops)

    def delete(self, voicemail_id: str) -> Voicemail | None:
        """Hidden at once; sent when its undo window closes. Returns what was deleted."""
        vm = self.state.get(voicemail_id)
        if vm is None:
            return None
        self._relay(InboxChanged(self.state.hide(voicemail_id)))
        self.undo.start(voicemail_id)
        self._pending_changed()
        return vm

    def undo_delete(self) -> Voicemail | None:
        """Take back the latest delete still in its window; the voicemail, or None."""
        voicemail_id = self.undo.undo()
        if voicemail_id is None:
            return None
        self._relay(InboxChanged(self.state.unhide(voicemail_id)))
        self._pending_changed()
        return self.state.get(voicemail_id)

    def gone(self, voicemail_id: str) -> None:
        """The server says 404: a colleague deleted it."""
        self.undo.forget(voicemail_id)
        self._relay(InboxChanged(self.state.forget(voicemail_id)))
        self.library.forget(voicemail_id)
        self.playback.forget(voicemail_id)

    def play(self, voicemail_id: str) -> None:
        vm = self.state.get(voicemail_id)
        if vm is not None:
            self.playback.play(voicemail_id, recording_ready=vm.recording_ready)

    def prefetch(self, voicemail_id: str) -> None:
        vm = self.state.get(voicemail_id)
        if vm is not None and vm.recording_ready:
            playback = self.playback
            rendering = Rendering(playback.speed, playback.skip_silence, playback.voice_boost)
            self.library.prefetch(voicemail_id, rendering)

    def cancel_prefetch(self) -> None:
        """The cursor moved on: stop loading what it rested on (not what plays)."""
        self.library.cancel_prefetch(keep=self.playback.playing_id)

    def refresh(self) -> None:
        self.poller.refresh()

    # -- internals ----------------------------------------------------------------------------

    def _commit_deletes(self, voicemail_ids: list[str]) -> None:
        owner = self.journal.owner
        for vm_id in voicemail_ids:
            self.library.forget(vm_id)
            self.playback.forget(vm_id)
        self.sender.submit_many([Operation.delete(vm_id, owner=owner) for vm_id in voicemail_ids])

    def _storage_failed_elsewhere(self, error: StorageError) -> None:
        """From a writer thread: told on the loop (not at all once the loop is gone)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # closed between the check and the call
            loop.call_soon_threadsafe(self.storage.report, error)

    def _heard_to_the_end(self, voicemail_id: str) -> None:
        vm = self.state.get(voicemail_id)
        if vm is not None and not vm.listened:
            self.mark(voicemail_id, True)

    def _fresher_copy(self, voicemail: Voicemail) -> None:
        self._relay(InboxChanged(self.state.apply_voicemail(voicemail)))

    def _pending_changed(self) -> None:
        self._relay(PendingChanged(self.sender.pending_count()))

    def _relay(self, event: AppEvent) -> None:
        """Everything the parts emit passes here: deletes in their undo window count as
        pending too, and empty diffs go nowhere."""
        if isinstance(event, PendingChanged):
            event = dataclasses.replace(event, count=event.count + len(self.undo))
        elif (isinstance(event, InboxChanged) and event.diff.empty and not event.announce) or (
            isinstance(event, RecordingChanged) and self.state.get(event.voicemail_id) is None
        ):
            return
        self._emit(event)
