"""Which voicemails are new to the user: each is announced once, never again.

Not "added since the last poll": a voicemail that comes back after an empty or partial answer,
or after a restart, is not new. The ids already seen are remembered on disk (bounded), so a
restart announces only what arrived while vm-tui was closed. The very first inbox a machine
ever sees is the baseline: nothing in it is announced.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

REMEMBERED = 50_000  # ids kept; far more than any inbox, bounded all the same


class SeenStore(Protocol):
    def load(self) -> list[str] | None: ...  # None: nothing saved yet

    def save_soon(self, ids: list[str]) -> None: ...


class Announcements:
    def __init__(self, store: SeenStore | None = None) -> None:
        self._store = store
        saved = store.load() if store is not None else None
        self._seen: dict[str, None] = dict.fromkeys(saved or ())
        self._baseline_taken = saved is not None

    def arrived(self, ids: Iterable[str]) -> tuple[str, ...]:
        """Note every id shown now; return those the user has never been shown before."""
        new = tuple(vm_id for vm_id in ids if vm_id not in self._seen)
        if not new:
            if not self._baseline_taken:
                self._baseline_taken = True
                self._save()
            return ()
        self._seen.update(dict.fromkeys(new))
        if len(self._seen) > REMEMBERED:
            for old in list(self._seen)[: len(self._seen) - REMEMBERED]:
                del self._seen[old]
        announce = new if self._baseline_taken else ()
        self._baseline_taken = True
        self._save()
        return announce

    def _save(self) -> None:
        if self._store is not None:
            self._store.save_soon(list(self._seen))
