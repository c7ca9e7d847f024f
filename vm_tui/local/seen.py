"""The ids of voicemails already announced, kept across restarts (see
``vm_tui.application.announcements``). Written in a thread, latest list wins.

A write that fails (read-only folder, disk full) keeps the list in memory, is told to
``on_error`` (from the writer thread), and the next list tries again."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from .files import StorageError, read_json, write_private_json

WRITE_AFTER = 0.5  # seconds a list waits before it is written (quitting writes at once)


class SeenFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # guards _next and _writing
        self._write_lock = threading.Lock()  # held while a list is being written
        self._next: list[str] | None = None
        self._writing = False
        self.last_error: StorageError | None = None
        self.on_error: Callable[[StorageError], None] | None = None

    def load(self) -> list[str] | None:
        data = read_json(self.path)
        if not isinstance(data, dict) or not isinstance(data.get("ids"), list):
            return None
        return [item for item in data["ids"] if isinstance(item, str)]

    def save_soon(self, ids: list[str]) -> None:
        """Write ``ids`` off the caller's thread; a newer list replaces one not written yet."""
        with self._lock:
            self._next = ids
            if self._writing:
                return
            self._writing = True
        threading.Thread(target=self._write_latest, name="vm-tui-seen", daemon=True).start()

    def flush(self) -> None:
        """Write now what is waiting, and wait for a write under way (quitting)."""
        with self._write_lock:
            with self._lock:
                ids, self._next = self._next, None
            if ids is not None:
                self._write(ids)

    def _write_latest(self) -> None:
        # Not at once: the first list comes with the first inbox, whose frame it would slow
        # (10,000 ids take ~20 ms to write); later lists of a burst are written once.
        time.sleep(WRITE_AFTER)
        while True:
            with self._write_lock:
                with self._lock:
                    ids, self._next = self._next, None
                    if ids is None:
                        self._writing = False
                        return
                self._write(ids)

    def _write(self, ids: list[str]) -> None:
        try:
            write_private_json(self.path, {"version": 1, "ids": ids})
            self.last_error = None
        except StorageError as error:  # best effort: announcing twice beats crashing
            self.last_error = error
            if self.on_error is not None:
                self.on_error(error)
