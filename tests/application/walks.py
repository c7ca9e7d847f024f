"""A list of pending changes that counts the walks over the whole of it (the outbox tests)."""

from __future__ import annotations

from collections.abc import Iterator

from vm_tui.inbox.outbox import Operation


class Walks:
    count = 0


class WalkedList(list[Operation]):
    def __init__(self, ops: list[Operation], walks: Walks) -> None:
        super().__init__(ops)
        self.walks = walks

    def __iter__(self) -> Iterator[Operation]:
        yield from super().__iter__()
        self.walks.count += 1  # only a walk that reached the end
