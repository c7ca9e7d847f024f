"""What the list shows: a search query, a line, unlistened only. Pure; survives every poll."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from vm_tui.api.models import Voicemail

NameLookup = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class LineInfo:
    number: str  # line_key(): the line's E.164 number (or its name when there is none)
    name: str
    total: int
    unlistened: int


@dataclass(frozen=True, slots=True)
class InboxFilter:
    query: str = ""
    line: str | None = None  # a line number, None for every line
    unlistened_only: bool = False

    @property
    def active(self) -> bool:
        return bool(self.query.strip()) or self.line is not None or self.unlistened_only

    def with_query(self, query: str) -> InboxFilter:
        return replace(self, query=query)

    def matches(self, vm: Voicemail, name_for: NameLookup | None = None) -> bool:
        if self.unlistened_only and vm.listened:
            return False
        if self.line is not None and line_key(vm) != self.line:
            return False
        words = self.query.casefold().split()
        if not words:
            return True
        haystack = _haystack(vm, name_for(vm.caller) if name_for is not None else None)
        return all(word in haystack for word in words)

    def visible(
        self,
        order: Iterable[str],
        get: Callable[[str], Voicemail | None],
        name_for: NameLookup | None = None,
    ) -> list[str]:
        if not self.active:
            return list(order)
        shown: list[str] = []
        for vm_id in order:
            vm = get(vm_id)
            if vm is not None and self.matches(vm, name_for):
                shown.append(vm_id)
        return shown


def line_key(vm: Voicemail) -> str:
    """A line's identity: its number, or its name when the server sent no number."""
    return vm.line_number or vm.line_name


@lru_cache(maxsize=16384)
def _haystack(vm: Voicemail, name: str | None) -> str:
    """Everything a search looks in, folded once per voicemail (and contact name): typing a
    query must not fold a megabyte transcription again at every key."""
    from vm_tui.text.phone import format_number

    parts = [
        vm.caller,
        format_number(vm.caller),
        vm.caller.lstrip("+"),
        vm.line_name,
        vm.line_number,
        vm.line_number_formatted,
        vm.transcription or "",
    ]
    parts.append(name or "")
    return "\n".join(parts).casefold()


def lines_of(voicemails: Iterable[Voicemail]) -> list[LineInfo]:
    """Every line seen in the inbox with its totals, busiest first."""
    totals: Counter[str] = Counter()
    unread: Counter[str] = Counter()
    names: dict[str, str] = {}
    for vm in voicemails:
        key = line_key(vm)
        totals[key] += 1
        unread[key] += 0 if vm.listened else 1
        names.setdefault(key, vm.line_name or vm.line_number_formatted or key)
    return [
        LineInfo(number, names[number], totals[number], unread[number])
        for number, _ in totals.most_common()
    ]


def next_unlistened(
    order: Sequence[str],
    get: Callable[[str], Voicemail | None],
    after: str | None,
    *,
    step: int = 1,
) -> str | None:
    """The first unlistened voicemail after (``step=1``) or before (``-1``) ``after`` in
    ``order``, the ids shown, so every filter applies; from the top (or the bottom) when
    ``after`` is not shown. Used by n / N and by auto-advance: one walk for both."""
    try:
        index = order.index(after) if after is not None else None
    except ValueError:
        index = None
    if index is None:
        index = -1 if step > 0 else len(order)
    index += step
    while 0 <= index < len(order):
        vm = get(order[index])
        if vm is not None and not vm.listened:
            return order[index]
        index += step
    return None
