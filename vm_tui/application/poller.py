"""The poller: one long-running loop that keeps the inbox fresh, and the offline cache.

Never ``set_interval``: a poll slower than the interval would be cancelled every time. Between
polls it sleeps (jittered); after a failure it backs off (honouring ``Retry-After``); a rejected
key stops it until the user asks again (``refresh``), which also replaces a poll that hangs.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import replace

from vm_tui.api import NO_RETRY, ApiError, AuthError, PhoneIncClient
from vm_tui.api.backoff import Backoff, jittered
from vm_tui.api.models import Inbox, SkippedItem
from vm_tui.inbox.state import InboxState
from vm_tui.local.files import StorageError, describe_os_error
from vm_tui.local.inbox_cache import InboxCache
from vm_tui.text.safe import MESSAGE_CHARACTERS, one_line

from .announcements import Announcements
from .connection import ConnectionStatus, Link
from .events import ConnectionChanged, Emit, InboxChanged, Notice
from .head_start import HeadStart
from .waiting import wait_for_event

FIRST_CACHE_SAVE_AFTER = 2.0  # seconds after the first poll: the user waits for the inbox first
CACHE_SAVE_AT_MOST_EVERY = 30.0
# A poll waits this long at most for a cache write in flight (see _cache_written).
CACHE_WRITE_WAIT = 1.0


class Poller:
    def __init__(
        self,
        client: PhoneIncClient,
        state: InboxState,
        *,
        emit: Emit,
        interval: float,
        cache: InboxCache | None = None,
        announcements: Announcements | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        on_success: Callable[[], None] | None = None,
        on_storage_error: Callable[[StorageError], None] | None = None,
        head_start: HeadStart | None = None,
    ) -> None:
        self.client = client
        self.head_start = head_start  # the first inbox, asked for before the UI was built
        self._shown_head_start: float | None = None  # the delay its answer asked for
        self.state = state
        self.emit = emit
        self.interval = interval
        self.cache = cache
        self.announcements = announcements or Announcements()
        self.clock = clock
        self.rng = rng
        self.on_success = on_success  # e.g. the outbox sender resumes after a rejected key
        self.on_storage_error = on_storage_error  # the cache could not be written
        self.backoff = Backoff(base=2.0, ceiling=300.0, rng=rng)
        self.status = ConnectionStatus()
        self.polls_completed = 0
        self._refresh = asyncio.Event()
        self._skipped_reported: frozenset[str] = frozenset()
        self._cache_saved_at = float("-inf")
        self._cache_task: asyncio.Task[None] | None = None

    # -- the loop -----------------------------------------------------------------------------

    async def run(self) -> None:
        if self._shown_head_start is not None:  # the first inbox is on screen already
            await self._wait(self._shown_head_start)
        else:
            await self.show_cached_inbox()
        while True:
            delay = await self._poll_until_answered()
            await self._wait(delay)

    def refresh(self) -> None:
        """Poll now: also retries at once when offline, and replaces a poll that hangs."""
        if self.status.link in (Link.OFFLINE, Link.KEY_REJECTED):
            self._set_status(replace(self.status, link=Link.REFRESHING))
        self._refresh.set()

    async def _poll_until_answered(self) -> float | None:
        while True:
            self._refresh.clear()
            poll = asyncio.ensure_future(self.poll_once())
            asked = asyncio.ensure_future(self._refresh.wait())
            try:
                done, _ = await asyncio.wait({poll, asked}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                asked.cancel()
            if poll in done:
                return poll.result()
            poll.cancel()  # the user asked for a fresh one
            with contextlib.suppress(asyncio.CancelledError):
                await poll

    async def _wait(self, delay: float | None) -> None:
        await wait_for_event(self._refresh, delay)

    # -- one poll -----------------------------------------------------------------------------

    async def poll_once(self) -> float | None:
        """Poll once; return seconds until the next poll (None: wait for ``refresh``)."""
        token = self.state.begin_poll()
        if not self.state.loaded:
            self._set_status(replace(self.status, link=Link.CONNECTING))
        try:
            inbox = await self._fetch()
        except ApiError as error:
            return self._failed(error)
        return self._answered(inbox, token)

    def show_head_start_if_ready(self) -> bool:
        """Apply the first inbox now if the head start already has it (before ``run``, on the
        loop): the first frame then shows rows, with no "Loading" frame before them. ``run``
        then waits a poll interval before it asks again."""
        if self.head_start is None or (inbox := self.head_start.take_if_ready()) is None:
            return False
        self.head_start = None
        token = self.state.begin_poll()
        self._shown_head_start = self._answered(inbox, token)
        return True

    def _answered(self, inbox: Inbox, token: int) -> float:
        self.backoff.reset()
        first = not self.polls_completed
        diff = self.state.apply_poll(inbox, token)
        announce = self.announcements.arrived(self.state.order)
        if not diff.empty:
            self.emit(InboxChanged(diff, announce))
        self._report_skipped(inbox.skipped)
        self.polls_completed += 1
        self._set_status(ConnectionStatus(Link.LIVE))
        if self.on_success is not None:
            self.on_success()
        if first:
            asyncio.get_running_loop().call_later(
                FIRST_CACHE_SAVE_AFTER, self.save_cache_soon, CACHE_SAVE_AT_MOST_EVERY
            )
        elif not diff.empty:
            self.save_cache_soon(CACHE_SAVE_AT_MOST_EVERY)
        return jittered(self.interval, self.rng)

    async def _fetch(self) -> Inbox:
        head_start, self.head_start = self.head_start, None
        if head_start is not None and (inbox := await head_start.take()) is not None:
            return inbox
        await self._cache_written(CACHE_WRITE_WAIT)
        # Before the first inbox there is nothing on screen to keep smooth: parse at speed.
        # After it, the parsing thread also finds what did not change (see parse_inbox).
        loaded = self.state.loaded
        return await self.client.list_voicemails(
            retry=NO_RETRY,
            incremental=loaded,
            reuse=self.state.server_voicemails() if loaded else None,
        )

    def _failed(self, error: ApiError) -> float | None:
        message = one_line(str(error), MESSAGE_CHARACTERS)
        loaded = self.state.loaded
        if isinstance(error, AuthError):  # a rejected key will not fix itself
            self._set_status(ConnectionStatus(Link.KEY_REJECTED, message, stale=loaded))
            self.emit(
                Notice(
                    "Phone.inc rejected the API key. Log in again with `vm-tui auth login` (or "
                    "set PHONE_INC_API_KEY) and restart, or press r to try again.",
                    "error",
                    title="API key rejected",
                    timeout=20,
                )
            )
            return None
        delay = self.backoff.next_delay(getattr(error, "retry_after", None))
        self._set_status(
            ConnectionStatus(Link.OFFLINE, message, retry_at=self.clock() + delay, stale=loaded)
        )
        return delay

    def _report_skipped(self, skipped: Iterable[SkippedItem]) -> None:
        reasons = frozenset(one_line(item.reason, 80) for item in skipped)
        if reasons and reasons != self._skipped_reported:
            self.emit(
                Notice(
                    f"{len(reasons)} voicemail(s) could not be read and are not shown "
                    f"({sorted(reasons)[0]}).",
                    "warning",
                )
            )
        self._skipped_reported = reasons

    def _set_status(self, status: ConnectionStatus) -> None:
        if status != self.status:
            self.status = status
            self.emit(ConnectionChanged(status))

    # -- the offline cache --------------------------------------------------------------------

    async def show_cached_inbox(self) -> None:
        """Offline start: the last inbox from disk, marked stale until a poll succeeds.

        Read and parsed in a thread (10,000 voicemails take ~100 ms), before the first poll.
        """
        if self.cache is None or self.state.loaded:
            return
        cached: Inbox | None = await asyncio.to_thread(self.cache.load)
        if cached is None or self.state.loaded:
            return
        diff = self.state.apply_poll(cached)
        self.announcements.arrived(self.state.order)
        self.emit(InboxChanged(diff))
        self._set_status(ConnectionStatus(Link.CONNECTING, stale=True))

    def save_cache_soon(self, at_most_every: float = 0.0) -> None:
        """Write the cache off the loop (10,000 voicemails take ~150 ms to serialise)."""
        if self.cache is None or not self.state.loaded:
            return
        now = self.clock()
        if now - self._cache_saved_at < at_most_every:
            return
        if self._cache_task is not None and not self._cache_task.done():
            return  # one writer at a time; the next change writes again
        self._cache_saved_at = now
        self._cache_task = asyncio.ensure_future(self._write_cache())

    async def save_cache_now(self) -> None:
        """For quitting: the last word of the server on disk before the process ends."""
        if self._cache_task is not None and not self._cache_task.done():
            await self._cache_task
        self._cache_saved_at = float("-inf")
        self.save_cache_soon()
        if self._cache_task is not None:
            await self._cache_task

    async def _write_cache(self) -> None:
        """Write the cache in a thread; a failure is reported (the inbox stays in memory and the
        next save tries again), never raised into the loop."""
        # The snapshot is immutable, so a thread may serialise it while the loop goes on.
        if self.cache is None:
            return
        try:
            await asyncio.to_thread(self.cache.save, self.state.server_inbox())
        except StorageError as error:
            self._storage_failed(error)
        except OSError as error:  # the writer names the path itself; this is a fallback
            self._storage_failed(
                StorageError(self.cache.path, describe_os_error(error), error.errno)
            )

    async def _cache_written(self, at_most: float) -> None:
        """Let a cache write in flight finish before the poll that follows it (a refresh right
        after a change). Both are CPU work in a thread: side by side under one GIL each takes
        as long as both, the event loop gets the GIL less often, and a second worker thread
        starts. A disk that hangs holds the poll back ``at_most`` seconds, no longer."""
        task = self._cache_task
        if task is not None and not task.done():
            await asyncio.wait({task}, timeout=at_most)

    def _storage_failed(self, error: StorageError) -> None:
        if self.on_storage_error is not None:
            self.on_storage_error(error)
