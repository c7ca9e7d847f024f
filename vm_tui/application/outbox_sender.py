"""Sends queued changes to the server: optimistic in the inbox at once, settled by the answer.

Every change goes through the journal first (``vm_tui.local.outbox_journal``), so a network
drop, a crash or a restart loses nothing, and other vm-tui processes see it. Up to
``concurrency`` changes are in flight at once, each with its own backoff: one stuck change does
not hold the others. Answers are settled in batches (one journal write, one diff), so marking
thousands of voicemails costs one pass, not one rewrite per mark.

2xx confirms; 404 means gone; 408, 421, 425, 429, 5xx and network errors retry later; 401
pauses every change until the key works again; any other refusal ends the change, shows the
server's version again and says why. A queued "unlistened" that someone overtook (the server
shows it listened after the change was made) is dropped and reported, never replayed over them.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from enum import Enum

from vm_tui.api import ApiError, AuthError, NotFoundError, PhoneIncClient, Voicemail
from vm_tui.api.backoff import backoff_delay
from vm_tui.api.errors import is_retryable
from vm_tui.inbox.outbox import Operation
from vm_tui.inbox.state import InboxDiff, InboxState
from vm_tui.local.files import StorageError
from vm_tui.local.outbox_journal import OutboxJournal
from vm_tui.text.safe import MESSAGE_CHARACTERS, one_line
from vm_tui.text.times import absolute

from .events import Emit, InboxChanged, Notice, PendingChanged, ignore
from .shown_changes import ShownChanges
from .waiting import wait_for_event

SETTLE_EVERY = 0.05  # seconds: answers arriving together are settled together
LOOK_AROUND_EVERY = 2.0  # seconds between looks at what other processes queued
# Changes shown and journaled per turn of the event loop: marking 3,000 (or 30,000) voicemails
# at once takes turns of ~15 ms each instead of one stall that grows with the count.
BULK_SLICE = 250
RETRY_BASE, RETRY_CEILING = 2.0, 300.0


class Outcome(Enum):
    SENT = "sent"
    GONE = "gone"  # 404: deleted (by a colleague, or our own earlier attempt)
    REFUSED = "refused"
    OVERTAKEN = "overtaken"
    SUPERSEDED = "superseded"
    RETRY = "retry"  # kept; try again later
    KEY_REJECTED = "key rejected"


class OutboxSender:
    def __init__(
        self,
        client: PhoneIncClient,
        state: InboxState,
        journal: OutboxJournal,
        *,
        emit: Emit = ignore,
        concurrency: int = 8,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        retry_base: float = RETRY_BASE,
        retry_ceiling: float = RETRY_CEILING,
    ) -> None:
        self.client = client
        self.state = state
        self.journal = journal
        self.emit = emit
        self.concurrency = concurrency
        self.clock = clock
        self.rng = rng
        self.retry_base, self.retry_ceiling = retry_base, retry_ceiling
        self.started = time.time()
        self.key_rejected = False
        self.inbox_loaded = False  # changes from before this start wait for a fresh inbox
        self.last_error: str | None = None  # one line, for the header
        self.last_exception: ApiError | None = None
        self.shown = ShownChanges(state)
        self._tasks: dict[str, asyncio.Task[Outcome]] = {}
        self._retry_at: dict[str, float] = {}
        self._failures: dict[str, int] = {}
        self._settled: list[tuple[Operation, Voicemail | None]] = []
        self._answered: set[str] = set()  # confirmed, waiting for the batch that settles them
        self._settle_handle: asyncio.TimerHandle | None = None
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._bulk_total = 0
        self._bulk_done = 0
        # Submitted, waiting for their turn to be shown and journaled (in order: a change made
        # after a bulk one must land after it).
        self._queued: collections.deque[list[Operation]] = collections.deque()
        self._queued_count = 0
        self._queue_handle: asyncio.Handle | None = None
        self._storage_reported = False

    # -- queueing -----------------------------------------------------------------------------

    def submit(self, op: Operation) -> None:
        self.submit_many([op])

    def submit_many(self, ops: Iterable[Operation]) -> None:
        """Show the changes, write them to the journal and send them: at once for the first
        ``BULK_SLICE``, the rest a slice per turn of the event loop (``write_queued`` writes
        them all now)."""
        batch = list(ops)
        if not batch:
            return
        if len(batch) > 1:
            self._bulk_total += len(batch)
        for start in range(0, len(batch), BULK_SLICE):
            self._queued.append(batch[start : start + BULK_SLICE])
        self._queued_count += len(batch)
        self._idle.clear()
        if self._queue_handle is None:
            self._take_slice()

    def write_queued(self) -> None:
        """Show and journal every submitted change now (quitting, a signal: before the process
        may end)."""
        if self._queue_handle is not None:
            self._queue_handle.cancel()
            self._queue_handle = None
        while self._queued:
            self._put(self._queued.popleft())

    def _take_slice(self) -> None:
        self._queue_handle = None
        if self._queued:
            self._put(self._queued.popleft())
        if self._queued:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop to take turns with: all at once
                self.write_queued()
                return
            self._queue_handle = loop.call_soon(self._take_slice)

    def _put(self, batch: list[Operation]) -> None:
        self._queued_count -= len(batch)
        self._apply(self.shown.show(batch))
        try:
            self.journal.put(batch)
        except StorageError as error:
            self._storage_failed(error)
        self._pending_changed()
        self._wake.set()

    def replay(self) -> None:
        """Show what the journal holds (left by an earlier run, or queued by other processes)."""
        self._look_around()

    def key_works(self) -> None:
        """A poll succeeded: the key is good and the inbox is fresh; send what waited."""
        self.key_rejected = False
        self.inbox_loaded = True
        self._wake.set()

    def pending_count(self) -> int:
        return len(self.journal) + self._queued_count

    # -- the loop -----------------------------------------------------------------------------

    async def run(self) -> None:
        """Forever: send what is due, at most ``concurrency`` at a time."""
        try:
            while True:
                self._wake.clear()
                self._look_around()
                waits = self._start_due()
                if not self._tasks and waits is None and not self._queued:
                    self._idle.set()
                timeout = LOOK_AROUND_EVERY if waits is None else min(waits, LOOK_AROUND_EVERY)
                await wait_for_event(self._wake, max(timeout, 0.0))
        finally:
            self.write_queued()  # into the journal: the next start sends them
            for task in self._tasks.values():
                task.cancel()
            self._settle_now()

    async def flush(self, timeout: float) -> bool:
        """Send now and wait until nothing this process can send is pending (True), or time."""
        self.write_queued()
        self._wake.set()
        try:
            return await wait_for_event(self._idle, timeout)
        finally:
            self._settle_now()

    def _start_due(self) -> float | None:
        """Start the sends that are due; seconds until the next retry, or None if none waits."""
        now = self.clock()
        next_retry: float | None = None
        for op in self.journal.live():
            if op.op_id in self._tasks or op.op_id in self._answered or not self.journal.mine(op):
                continue
            if self.key_rejected or (op.created < self.started and not self.inbox_loaded):
                next_retry = LOOK_AROUND_EVERY if next_retry is None else next_retry
                continue
            due = self._retry_at.get(op.op_id, now)
            if due > now:
                wait = due - now
                next_retry = wait if next_retry is None else min(next_retry, wait)
                continue
            if len(self._tasks) >= self.concurrency:
                return 0.0 if next_retry is None else next_retry
            self._tasks[op.op_id] = asyncio.ensure_future(self._send_task(op))
        return next_retry

    async def _send_task(self, op: Operation) -> Outcome:
        try:
            return await self.send(op)
        finally:
            self._tasks.pop(op.op_id, None)
            self.shown.send_ended(op)
            self._wake.set()

    # -- one change ---------------------------------------------------------------------------

    async def send(self, op: Operation) -> Outcome:
        """Send ``op`` once and settle what its answer means (also used by the CLI)."""
        vm_id = op.voicemail_id
        if not self.journal.is_live(op):
            self._finish(op)
            return Outcome.SUPERSEDED
        if self._overtaken(op):
            return Outcome.OVERTAKEN
        try:
            if op.kind == "delete":
                await self.client.delete_voicemail(vm_id)
                server_copy = None
            else:
                assert op.listened is not None
                server_copy = await self.client.set_listened(vm_id, op.listened)
        except NotFoundError:
            self._finish(op)
            self._apply(self.state.forget(vm_id))
            if op.kind != "delete":
                self.emit(Notice("That voicemail was deleted by someone else.", "warning"))
            return Outcome.GONE
        except AuthError as error:
            self.key_rejected = True
            self.last_error = one_line(str(error), MESSAGE_CHARACTERS)
            self.last_exception = error
            return Outcome.KEY_REJECTED
        except ApiError as error:
            self.last_exception = error
            if is_retryable(error):
                self._retry_later(op, error)
                return Outcome.RETRY
            self._finish(op)
            self._apply(self.state.revert(vm_id, seq=self.shown.settled(op)))
            what = "delete it" if op.kind == "delete" else _mark_words(op.listened)
            self.emit(
                Notice(f"Could not {what}: {one_line(str(error), MESSAGE_CHARACTERS)}", "error")
            )
            return Outcome.REFUSED
        self._failures.pop(op.op_id, None)
        self._retry_at.pop(op.op_id, None)
        self.last_error = None
        self.last_exception = None
        self._settled.append((op, server_copy))
        self._answered.add(op.op_id)
        self._schedule_settle()
        return Outcome.SENT

    def _overtaken(self, op: Operation) -> bool:
        """A queued "unlistened" made before the server's ``listened_at``: someone listened
        since; sending it would undo that."""
        if op.kind != "listened" or op.listened:
            return False
        server = self.state.server_copy(op.voicemail_id)
        if server is None or server.listened_at is None:
            return False
        if _timestamp(server.listened_at) <= op.created:
            return False
        self._finish(op)
        self._apply(self.state.revert(op.voicemail_id, seq=self.shown.settled(op)))
        self.emit(
            Notice(
                "Not marked unlistened: it was listened to "
                f"{absolute(server.listened_at)}, after you asked.",
                "warning",
            )
        )
        return True

    def _retry_later(self, op: Operation, error: ApiError) -> None:
        failures = self._failures.get(op.op_id, 0) + 1
        self._failures[op.op_id] = failures
        delay = backoff_delay(
            failures,
            base=self.retry_base,
            ceiling=self.retry_ceiling,
            rng=self.rng,
            retry_after=getattr(error, "retry_after", None),
            minimum=1.0,
        )
        self._retry_at[op.op_id] = self.clock() + delay
        self.last_error = one_line(str(error), MESSAGE_CHARACTERS)

    # -- settling -----------------------------------------------------------------------------

    def _schedule_settle(self) -> None:
        if self._settle_handle is None:
            loop = asyncio.get_running_loop()
            self._settle_handle = loop.call_later(SETTLE_EVERY, self._settle_now)

    def drop(self, op: Operation) -> None:
        """Give up on ``op`` (the CLI, after a rejected key): nobody sends it."""
        self._finish(op)

    def settle(self) -> None:
        """Settle the answers that arrived (they are settled in batches otherwise)."""
        self._settle_now()

    def _settle_now(self) -> None:
        if self._settle_handle is not None:
            self._settle_handle.cancel()
            self._settle_handle = None
        settled, self._settled = self._settled, []
        if not settled:
            return
        self._answered.difference_update(op.op_id for op, _ in settled)
        self._finish_many([op for op, _ in settled])
        answers = [(op.voicemail_id, copy, self.shown.settled(op)) for op, copy in settled]
        self._apply(self.state.confirm_many(answers))

    def _finish(self, op: Operation) -> None:
        self._finish_many([op])

    def _finish_many(self, ops: list[Operation]) -> None:
        for op in ops:
            self._failures.pop(op.op_id, None)
            self._retry_at.pop(op.op_id, None)
        if self._bulk_total:
            self._bulk_done += len(ops)
            if self._bulk_done >= self._bulk_total:
                self._bulk_total = self._bulk_done = 0
        try:
            self.journal.finish(ops)
        except StorageError as error:
            self._storage_failed(error)
        self._pending_changed()

    def _storage_failed(self, error: StorageError) -> None:
        if not self._storage_reported:  # once: the header keeps showing what is pending
            self._storage_reported = True
            self.emit(
                Notice(
                    f"{one_line(str(error), 160)}; changes are kept in memory until it can write.",
                    "error",
                    timeout=15,
                )
            )

    # -- what other processes did -------------------------------------------------------------

    def _look_around(self) -> None:
        """Show changes queued elsewhere (or before this start); settle those finished there."""
        if self.journal.unsaved:
            with contextlib.suppress(StorageError):
                self.journal.retry_unsaved()
        self.journal.refresh()
        fresh, finished_elsewhere, vanished = self.shown.compare(self.journal.live(), self._tasks)
        if fresh:
            self._apply(self.shown.show(fresh))
            self._idle.clear()
        if finished_elsewhere:
            self._apply(self.state.confirm_many(finished_elsewhere))
        if fresh or vanished:
            self._pending_changed()

    def _apply(self, diff: InboxDiff) -> None:
        if not diff.empty:
            self.emit(InboxChanged(diff))

    def _pending_changed(self) -> None:
        self.emit(PendingChanged(len(self.journal), self._bulk_done, self._bulk_total))


def _mark_words(listened: bool | None) -> str:
    return "mark it listened" if listened else "mark it unlistened"


def _timestamp(moment: datetime) -> float:
    try:
        return moment.timestamp()
    except (OverflowError, OSError, ValueError):
        return float("inf")
