"""What the inbox shows: the last server view with pending local changes laid over it.

Pure state, no I/O and no UI. Every change returns an ``InboxDiff`` so the list widget can touch
only the rows that changed (and nothing at all when a poll brought nothing new). A change that
keeps the membership and order (a mark, its confirmation) costs what the voicemails it names
cost, not what the inbox costs: marking 3,000 of 10,000 is one pass over 3,000.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from vm_tui.api.models import Inbox, Voicemail, same_voicemail


@dataclass(frozen=True, slots=True)
class InboxDiff:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unlistened_count: int = 0
    count_changed: bool = False
    order_changed: bool = False

    @property
    def empty(self) -> bool:
        return not (
            self.added or self.changed or self.removed or self.count_changed or self.order_changed
        )

    def then(self, later: InboxDiff) -> InboxDiff:
        """This diff followed by ``later``, as one (for changes applied in a batch)."""
        if self.empty:
            return later
        if later.empty:
            return dataclasses.replace(self, unlistened_count=later.unlistened_count)
        removed = set(later.removed)
        return InboxDiff(
            added=_unique(a for a in (*self.added, *later.added) if a not in removed),
            changed=_unique(c for c in (*self.changed, *later.changed) if c not in removed),
            removed=_unique((*self.removed, *later.removed)),
            unlistened_count=later.unlistened_count,
            count_changed=self.count_changed or later.count_changed,
            order_changed=self.order_changed or later.order_changed,
        )


def _unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


@dataclass(slots=True)
class _Overlay:
    """A local change the server has not confirmed yet (or confirmed after the last poll began)."""

    listened: bool | None = None  # None: no listened override
    hidden: bool = False  # deleted locally (undo window or DELETE in flight)
    confirmed_at_poll: int | None = None  # poll generation when the server confirmed it
    seq: int = 0  # bumped by every local change, so a stale answer cannot settle a newer one


@dataclass
class InboxState:
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _server: dict[str, Voicemail] = field(default_factory=dict)
    _server_order: list[str] = field(default_factory=list)
    _server_unlistened: int = 0
    _overlays: dict[str, _Overlay] = field(default_factory=dict)
    _shown: dict[str, Voicemail] = field(default_factory=dict)
    _order: list[str] = field(default_factory=list)
    # What the overlays add to the server's unread count, per voicemail (non-zero only).
    _adjust: dict[str, int] = field(default_factory=dict)
    _adjust_total: int = 0
    _unlistened: int = 0
    _poll_generation: int = 0
    _last_seq: int = 0  # one counter for every local change: a number never comes back
    loaded: bool = False

    # -- reading ------------------------------------------------------------------------------

    @property
    def order(self) -> list[str]:
        """Ids as shown, newest first."""
        return self._order

    @property
    def unlistened_count(self) -> int:
        return self._unlistened

    def get(self, voicemail_id: str) -> Voicemail | None:
        return self._shown.get(voicemail_id)

    def server_copy(self, voicemail_id: str) -> Voicemail | None:
        """The server's last word on it, without local changes (None: not on the server)."""
        return self._server.get(voicemail_id)

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[Voicemail]:
        return (self._shown[i] for i in self._order)

    def server_voicemails(self) -> dict[str, Voicemail]:
        """The server's last answer by id: a copy, for a thread parsing the next one."""
        return dict(self._server)

    def server_inbox(self) -> Inbox:
        """The server's last word (no local overlays): what the offline cache keeps."""
        return Inbox(self._server_unlistened, tuple(self._server[i] for i in self._server_order))

    def pending_ids(self) -> set[str]:
        return {i for i, o in self._overlays.items() if o.confirmed_at_poll is None}

    # -- the server's view --------------------------------------------------------------------

    def begin_poll(self) -> int:
        """Call when a poll request starts; pass the token to ``apply_poll``."""
        self._poll_generation += 1
        return self._poll_generation

    def apply_poll(self, inbox: Inbox, token: int | None = None) -> InboxDiff:
        """Merge a fresh list. Overlays confirmed before this poll began are now redundant."""
        self.loaded = True
        self._server = {vm.id: vm for vm in inbox.voicemails}
        self._server_order = [vm.id for vm in inbox.voicemails]
        self._server_unlistened = inbox.unlistened_count
        for vm_id, overlay in list(self._overlays.items()):
            confirmed = overlay.confirmed_at_poll
            if token is not None and confirmed is not None and token > confirmed:
                del self._overlays[vm_id]
            elif vm_id not in self._server and not overlay.hidden:
                # Deleted elsewhere: a pending mark on it has nothing left to mark.
                del self._overlays[vm_id]
        return self._recompute()

    def apply_voicemail(self, voicemail: Voicemail) -> InboxDiff:
        """A single fresher copy (from retrieve or PATCH) replaces the server's version."""
        if voicemail.id not in self._server:
            return InboxDiff(unlistened_count=self._unlistened)
        self._take_server_copy(voicemail)
        return self._refresh((voicemail.id,))

    def _take_server_copy(self, voicemail: Voicemail) -> None:
        old = self._server[voicemail.id]
        self._server[voicemail.id] = voicemail
        if old.listened != voicemail.listened:
            self._server_unlistened += 1 if old.listened else -1
            self._server_unlistened = max(self._server_unlistened, 0)

    def forget(self, voicemail_id: str) -> InboxDiff:
        """The server says it is gone (404): drop it and anything pending on it."""
        self._overlays.pop(voicemail_id, None)
        self._drop_from_server(voicemail_id)
        return self._recompute()

    def _drop_from_server(self, voicemail_id: str) -> None:
        old = self._server.pop(voicemail_id, None)
        if old is not None:
            self._server_order.remove(voicemail_id)
            if not old.listened:
                self._server_unlistened = max(self._server_unlistened - 1, 0)

    # -- local changes ------------------------------------------------------------------------

    def local_seq(self, voicemail_id: str) -> int:
        """The number of the latest local change to this voicemail (pass it to confirm/revert)."""
        overlay = self._overlays.get(voicemail_id)
        return overlay.seq if overlay else 0

    def set_listened(self, voicemail_id: str, listened: bool) -> InboxDiff:
        """Optimistic: show it at once; ``confirm`` or ``revert`` when the server answers."""
        return self.set_listened_many((voicemail_id,), listened)

    def set_listened_many(self, voicemail_ids: Iterable[str], listened: bool) -> InboxDiff:
        ids = tuple(voicemail_ids)
        for vm_id in ids:
            overlay = self._overlays.setdefault(vm_id, _Overlay())
            overlay.listened = listened
            overlay.confirmed_at_poll = None
            overlay.seq = self._next_seq()
        return self._refresh(ids)

    def hide(self, voicemail_id: str) -> InboxDiff:
        """Optimistic delete (undo window, then DELETE)."""
        overlay = self._overlays.setdefault(voicemail_id, _Overlay())
        overlay.hidden = True
        overlay.confirmed_at_poll = None
        overlay.seq = self._next_seq()
        return self._recompute()

    def unhide(self, voicemail_id: str) -> InboxDiff:
        """Undo a local delete, keeping any listened change still on its way to the server."""
        overlay = self._overlays.get(voicemail_id)
        if overlay is not None:
            overlay.hidden = False
            if overlay.listened is None:
                del self._overlays[voicemail_id]
        return self._recompute()

    def _next_seq(self) -> int:
        self._last_seq += 1
        return self._last_seq

    def confirm(
        self, voicemail_id: str, server_copy: Voicemail | None = None, *, seq: int | None = None
    ) -> InboxDiff:
        """The server accepted the change. Keep showing it until a poll started after now.

        With ``seq``, a newer local change made meanwhile stays pending (its own answer settles
        it); the server's copy is still recorded.
        """
        return self.confirm_many([(voicemail_id, server_copy, seq)])

    def confirm_many(
        self, answers: Iterable[tuple[str, Voicemail | None, int | None]]
    ) -> InboxDiff:
        """Several ``confirm`` calls, one diff: for a batch of answers to a bulk change."""
        touched: list[str] = []
        gone = False
        for vm_id, server_copy, seq in answers:
            touched.append(vm_id)
            if server_copy is not None and server_copy.id in self._server:
                self._take_server_copy(server_copy)
            overlay = self._overlays.get(vm_id)
            if overlay is not None and (seq is None or seq == overlay.seq):
                overlay.confirmed_at_poll = self._poll_generation
                if overlay.hidden:  # a confirmed delete: the voicemail is gone for good
                    self._drop_from_server(vm_id)
                    gone = True
        return self._recompute() if gone else self._refresh(touched)

    def revert(self, voicemail_id: str, *, seq: int | None = None) -> InboxDiff:
        """The server refused (or the user pressed undo): show the server's version again.

        With ``seq``, only if no newer local change superseded the refused one.
        """
        overlay = self._overlays.get(voicemail_id)
        if overlay is None or (seq is not None and seq != overlay.seq):
            return self._refresh(())
        del self._overlays[voicemail_id]
        return self._recompute() if overlay.hidden else self._refresh((voicemail_id,))

    # -- internals ----------------------------------------------------------------------------

    def _display(self, vm: Voicemail, overlay: _Overlay | None) -> Voicemail | None:
        if overlay is None:
            return vm
        if overlay.hidden:
            return None
        if overlay.listened is None or overlay.listened == vm.listened:
            return vm
        listened_at = (vm.listened_at or self.clock()) if overlay.listened else None
        return vm.heard_at(listened_at)

    @staticmethod
    def _adjustment(vm: Voicemail, display: Voicemail | None) -> int:
        """What showing ``display`` instead of the server's ``vm`` does to the unread count."""
        if display is None:
            return 0 if vm.listened else -1
        if display.listened != vm.listened:
            return -1 if display.listened else 1
        return 0

    def _refresh(self, ids: Iterable[str]) -> InboxDiff:
        """Re-derive only ``ids``; falls back to ``_recompute`` if one appears or disappears."""
        changed: list[str] = []
        for vm_id in dict.fromkeys(ids):
            vm = self._server.get(vm_id)
            was_shown = vm_id in self._shown
            display = None if vm is None else self._display(vm, self._overlays.get(vm_id))
            if (display is not None) != was_shown:
                return self._recompute()
            if vm is None:
                continue
            # Hidden ones too: what hiding takes off the count depends on the server's copy.
            self._adjust_total -= self._adjust.pop(vm_id, 0)
            adjust = self._adjustment(vm, display)
            if adjust:
                self._adjust[vm_id] = adjust
                self._adjust_total += adjust
            if display is None:
                continue
            if not same_voicemail(self._shown[vm_id], display):
                changed.append(vm_id)
            self._shown[vm_id] = display
        return self._diff(changed=tuple(changed))

    def _recompute(self) -> InboxDiff:
        shown: dict[str, Voicemail] = {}
        order: list[str] = []
        adjust: dict[str, int] = {}
        for vm_id in self._server_order:
            vm = self._server[vm_id]
            overlay = self._overlays.get(vm_id)
            display = vm if overlay is None else self._display(vm, overlay)
            if overlay is not None:
                delta = self._adjustment(vm, display)
                if delta:
                    adjust[vm_id] = delta
            if display is None:
                continue
            shown[vm_id] = display
            order.append(vm_id)
        previous, previous_order = self._shown, self._order
        added = tuple(i for i in order if i not in previous)
        removed = tuple(i for i in previous_order if i not in shown)
        changed = tuple(
            i for i in order if i in previous and not same_voicemail(previous[i], shown[i])
        )
        kept_old = [i for i in previous_order if i in shown]
        kept_new = [i for i in order if i in previous]
        self._shown, self._order = shown, order
        self._adjust, self._adjust_total = adjust, sum(adjust.values())
        return self._diff(
            added=added, changed=changed, removed=removed, order_changed=kept_old != kept_new
        )

    def _diff(
        self,
        *,
        added: tuple[str, ...] = (),
        changed: tuple[str, ...] = (),
        removed: tuple[str, ...] = (),
        order_changed: bool = False,
    ) -> InboxDiff:
        unlistened = max(self._server_unlistened + self._adjust_total, 0)
        count_changed = unlistened != self._unlistened
        self._unlistened = unlistened
        return InboxDiff(
            added=added,
            changed=changed,
            removed=removed,
            unlistened_count=unlistened,
            count_changed=count_changed,
            order_changed=order_changed,
        )
