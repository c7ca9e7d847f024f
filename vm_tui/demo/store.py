"""Thread-safe voicemail state, newest first, with list items serialised once per change."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable
from datetime import datetime

from vm_tui.demo.model import Fragment, Voicemail, fragment


class VoicemailStore:
    def __init__(self, items: Iterable[Voicemail] = ()) -> None:
        self._lock = threading.RLock()
        self._items: dict[str, Voicemail] = {}
        self._order: list[str] = []  # newest first
        self._frags: dict[str, Fragment] = {}
        self._snapshot: tuple[int, list[tuple[str, Fragment]]] | None = None
        for vm in sorted(items, key=lambda v: v.created_at, reverse=True):
            self._put(vm, append=True)

    # -- internals (call with the lock held) ---------------------------------------------------

    def _put(self, vm: Voicemail, *, append: bool = False) -> None:
        if vm.id in self._items:
            raise ValueError(f"duplicate voicemail id {vm.id!r}")
        self._items[vm.id] = vm
        self._frags[vm.id] = fragment(vm)
        if append:
            self._order.append(vm.id)
        else:
            # Newest first by created_at; a tie goes on top, so a new arrival is always first.
            pos = 0
            while (
                pos < len(self._order) and self._items[self._order[pos]].created_at > vm.created_at
            ):
                pos += 1
            self._order.insert(pos, vm.id)
        self._snapshot = None

    def _changed(self, vm: Voicemail) -> None:
        self._frags[vm.id] = fragment(vm)
        self._snapshot = None

    # -- reads ---------------------------------------------------------------------------------

    def snapshot(self) -> tuple[int, list[tuple[str, Fragment]]]:
        """(unlistened count, [(id, list-item fragment)] newest first); rebuilt only on change."""
        with self._lock:
            if self._snapshot is None:
                unlistened = sum(1 for vm in self._items.values() if vm.listened_at is None)
                self._snapshot = (unlistened, [(i, self._frags[i]) for i in self._order])
            return self._snapshot

    def get(self, vm_id: str) -> Voicemail | None:
        with self._lock:
            vm = self._items.get(vm_id)
            return None if vm is None else dataclasses.replace(vm)

    def all(self) -> list[Voicemail]:
        with self._lock:
            return [dataclasses.replace(self._items[i]) for i in self._order]

    def __len__(self) -> int:
        with self._lock:
            return len(self._order)

    # -- writes --------------------------------------------------------------------------------

    def add(self, vm: Voicemail) -> None:
        with self._lock:
            self._put(vm)

    def remove(self, vm_id: str) -> bool:
        with self._lock:
            if self._items.pop(vm_id, None) is None:
                return False
            del self._frags[vm_id]
            self._order.remove(vm_id)
            self._snapshot = None
            return True

    def set_listened(self, vm_id: str, listened: bool, now: datetime) -> Voicemail | None:
        """The API's PATCH: listened=true keeps the first listened_at; returns a copy."""
        with self._lock:
            vm = self._items.get(vm_id)
            if vm is None:
                return None
            new = (vm.listened_at or now) if listened else None
            if new != vm.listened_at:
                vm.listened_at = new
                self._changed(vm)
            return dataclasses.replace(vm)

    def modify(self, vm_id: str, change: Callable[[Voicemail], None]) -> Voicemail:
        """Apply ``change`` to the stored voicemail in place (test hooks); KeyError if unknown."""
        with self._lock:
            vm = self._items[vm_id]
            before = vm.created_at
            change(vm)
            if vm.created_at != before:  # re-sort
                self._order.remove(vm_id)
                del self._items[vm_id]
                self._put(vm)
            self._changed(vm)
            return dataclasses.replace(vm)

    def fill_in(self, ids: Iterable[str]) -> None:
        """Processing and transcription "finish": pending values become visible."""
        with self._lock:
            for vm_id in ids:
                vm = self._items.get(vm_id)
                if vm is None:
                    continue
                if vm.pending_recording is not None:
                    vm.recording, vm.pending_recording = vm.pending_recording, None
                if vm.pending_transcription is not None:
                    vm.transcription, vm.pending_transcription = vm.pending_transcription, None
                self._changed(vm)
