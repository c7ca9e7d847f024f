"""Sends the outbox to the server: optimistic in the state at once, confirmed or undone later.

No UI here: effects reach the screen through two callbacks (a diff to apply, a notice to show).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from vm_tui.api.client import PhoneIncClient
from vm_tui.api.errors import ApiError, AuthError, NotFoundError, is_retryable
from vm_tui.safe_text import one_line

from .connection import Backoff
from .outbox import Operation, Outbox
from .state import InboxDiff, InboxState

OnDiff = Callable[[InboxDiff], None]
OnNotice = Callable[[str, str], None]  # (message, severity)
Sleep = Callable[[float], Awaitable[None]]


class OutboxRunner:
    def __init__(
        self,
        client: PhoneIncClient,
        state: InboxState,
        outbox: Outbox,
        *,
        on_diff: OnDiff,
        on_notice: OnNotice,
        backoff: Backoff | None = None,
    ) -> None:
        self.client = client
        self.state = state
        self.outbox = outbox
        self.on_diff = on_diff
        self.on_notice = on_notice
        self.backoff = backoff or Backoff(base=2.0, ceiling=300.0)
        self.last_error: str | None = None
        self._seq: dict[str, int] = {}  # op_id -> the state's change number it stands for
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()

    # -- enqueueing ---------------------------------------------------------------------------

    def submit(self, op: Operation) -> None:
        """Show the change now, persist it, and let the loop send it."""
        self._show(op)
        self.outbox.put(op)
        self._idle.clear()
        self._wake.set()

    def replay(self) -> None:
        """Operations left from an earlier run: show them again; the loop sends them."""
        for op in self.outbox.pending():
            self._show(op)
        if len(self.outbox):
            self._idle.clear()
            self._wake.set()

    def _show(self, op: Operation) -> None:
        if op.kind == "delete":
            diff = self.state.hide(op.voicemail_id)
        else:
            assert op.listened is not None
            diff = self.state.set_listened(op.voicemail_id, op.listened)
        self._seq[op.op_id] = self.state.local_seq(op.voicemail_id)
        self.on_diff(diff)

    # -- sending ------------------------------------------------------------------------------

    async def run(self) -> None:
        """Forever: send what is pending, in order; on trouble back off and keep it."""
        while True:
            error = await self._send_all()
            if error is None:
                self.backoff.reset()
                self.last_error = None
                self._idle.set()
                delay: float | None = None
            else:
                self.last_error = one_line(str(error), 120)
                delay = self.backoff.next_delay(error)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def flush(self, timeout: float) -> bool:
        """Ask the loop to send now and wait until nothing is pending (True) or time is up."""
        self._wake.set()
        try:
            await asyncio.wait_for(self._idle.wait(), timeout=timeout)
        except TimeoutError:
            return False
        return True

    async def _send_all(self) -> ApiError | None:
        # Loop until empty: operations submitted while we were sending go out in this pass too.
        while pending := self.outbox.pending():
            for op in pending:
                if not self.outbox.contains(op):
                    continue  # superseded while we were busy
                error = await self._send(op)
                if error is not None:
                    return error
        return None

    async def _send(self, op: Operation) -> ApiError | None:
        """Send one operation; return the error when it should be retried later."""
        vm_id = op.voicemail_id
        seq = self._seq.get(op.op_id)
        try:
            if op.kind == "delete":
                await self.client.delete_voicemail(vm_id)
                server_copy = None
            else:
                assert op.listened is not None
                server_copy = await self.client.set_listened(vm_id, op.listened)
        except NotFoundError:
            # Deleted by a colleague (or our earlier DELETE landed): nothing left to do.
            self._done(op)
            self.on_diff(self.state.forget(vm_id))
            if op.kind != "delete":
                self.on_notice("That voicemail was deleted by someone else.", "warning")
            return None
        except ApiError as error:
            if is_retryable(error) or isinstance(error, AuthError):
                return error
            # A definite refusal (400, 403, 422, a bad id): show the server's version again.
            self._done(op)
            self.on_diff(self.state.revert(vm_id, seq=seq))
            what = "delete it" if op.kind == "delete" else _mark_words(op.listened)
            self.on_notice(f"Could not {what}: {one_line(str(error), 120)}", "error")
            return None
        self._done(op)
        self.on_diff(self.state.confirm(vm_id, server_copy, seq=seq))
        return None

    def _done(self, op: Operation) -> None:
        self.outbox.remove(op)
        self._seq.pop(op.op_id, None)


def _mark_words(listened: bool | None) -> str:
    return "mark it listened" if listened else "mark it unlistened"
