"""The undo window of deletes: a deleted voicemail is hidden at once, deleted only later.

Deletes are permanent on the server, so each waits ``seconds`` before it is queued; ``undo``
takes back the latest one still waiting. Quitting (or a signal) commits every waiting delete
first: the user asked for it, and closing the terminal must not lose it.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable


class UndoWindow:
    def __init__(self, seconds: float, commit: Callable[[list[str]], None]) -> None:
        self.seconds = seconds
        self._commit = commit
        self._waiting: OrderedDict[str, asyncio.TimerHandle] = OrderedDict()

    def __len__(self) -> int:
        return len(self._waiting)

    def __contains__(self, voicemail_id: object) -> bool:
        return voicemail_id in self._waiting

    def start(self, voicemail_id: str) -> None:
        """Start the window for ``voicemail_id`` (call on the event loop)."""
        loop = asyncio.get_running_loop()
        previous = self._waiting.pop(voicemail_id, None)
        if previous is not None:
            previous.cancel()
        self._waiting[voicemail_id] = loop.call_later(self.seconds, self._close, voicemail_id)

    def undo(self) -> str | None:
        """Take back the latest delete still waiting; its id, or None when there is none."""
        if not self._waiting:
            return None
        voicemail_id, handle = self._waiting.popitem()
        handle.cancel()
        return voicemail_id

    def forget(self, voicemail_id: str) -> None:
        """It is gone anyway (deleted elsewhere): nothing to commit."""
        handle = self._waiting.pop(voicemail_id, None)
        if handle is not None:
            handle.cancel()

    def commit_all(self) -> list[str]:
        """Close every window now (quitting); returns the ids committed."""
        ids = list(self._waiting)
        for handle in self._waiting.values():
            handle.cancel()
        self._waiting.clear()
        if ids:
            self._commit(ids)
        return ids

    def _close(self, voicemail_id: str) -> None:
        if self._waiting.pop(voicemail_id, None) is not None:
            self._commit([voicemail_id])
