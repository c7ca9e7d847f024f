"""What the inbox shows: the last server view with pending local changes laid over it.

Pure state, no I/O and no UI. Every change returns an ``InboxDiff`` so the list widget can touch
only the rows that changed (and nothing at all when a poll brought nothing new).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from vm_tui.api.models import Inbox, Voicemail


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

    def server_version(self, voicemail_id: str) -> Voicemail | None:
        return self._server.get(voicemail_id)

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[Voicemail]:
        return (self._shown[i] for i in self._order)

    def server_inbox(self) -> Inbox:
        """The server's last word (no local overlays): what the offline cache keeps."""
        return Inbox(self._server_unlistened, tuple(self._server[i] for i in self._server_order))

    def pending_ids(self) -> set[str]:
        return {i for i, o in self._overlays.items() if o.confirmed_at_poll is None}

    def is_hidden(self, voicemail_id: str) -> bool:
        overlay = self._overlays.get(voicemail_id)
        return bool(overlay and overlay.hidden)

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
        old = self._server[voicemail.id]
        self._server[voicemail.id] = voicemail
        if old.listened != voicemail.listened:
            self._server_unlistened += 1 if old.listened else -1
            self._server_unlistened = max(self._server_unlistened, 0)
        return self._recompute()

    def forget(self, voicemail_id: str) -> InboxDiff:
        """The server says it is gone (404): drop it and anything pending on it."""
        self._overlays.pop(voicemail_id, None)
        old = self._server.pop(voicemail_id, None)
        if old is not None:
            self._server_order.remove(voicemail_id)
            if not old.listened:
                self._server_unlistened = max(self._server_unlistened - 1, 0)
        return self._recompute()

    # -- local changes ------------------------------------------------------------------------

    def local_seq(self, voicemail_id: str) -> int:
        """The number of the latest local change to this voicemail (pass it to confirm/revert)."""
        overlay = self._overlays.get(voicemail_id)
        return overlay.seq if overlay else 0

    def set_listened(self, voicemail_id: str, listened: bool) -> InboxDiff:
        """Optimistic: show it at once; ``confirm`` or ``revert`` when the server answers."""
        overlay = self._overlays.setdefault(voicemail_id, _Overlay())
        overlay.listened = listened
        overlay.confirmed_at_poll = None
        overlay.seq = self._next_seq()
        return self._recompute()

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
        if server_copy is not None:
            self.apply_voicemail(server_copy)
        overlay = self._overlays.get(voicemail_id)
        if overlay is not None and (seq is None or seq == overlay.seq):
            overlay.confirmed_at_poll = self._poll_generation
            if overlay.hidden:
                # A confirmed delete: the voicemail is gone for good.
                gone = self._server.pop(voicemail_id, None)
                if gone is not None:
                    self._server_order.remove(voicemail_id)
                    if not gone.listened:
                        self._server_unlistened = max(self._server_unlistened - 1, 0)
        return self._recompute()

    def revert(self, voicemail_id: str, *, seq: int | None = None) -> InboxDiff:
        """The server refused (or the user pressed undo): show the server's version again.

        With ``seq``, only if no newer local change superseded the refused one.
        """
        overlay = self._overlays.get(voicemail_id)
        if overlay is not None and (seq is None or seq == overlay.seq):
            del self._overlays[voicemail_id]
        return self._recompute()

    # -- internals ----------------------------------------------------------------------------

    def _display(self, vm: Voicemail, overlay: _Overlay | None) -> Voicemail | None:
        if overlay is None:
            return vm
        if overlay.hidden:
            return None
        if overlay.listened is None or overlay.listened == vm.listened:
            return vm
        listened_at = (vm.listened_at or self.clock()) if overlay.listened else None
        return dataclasses.replace(vm, listened_at=listened_at)

    def _recompute(self) -> InboxDiff:
        shown: dict[str, Voicemail] = {}
        order: list[str] = []
        unlistened = self._server_unlistened
        for vm_id in self._server_order:
            vm = self._server[vm_id]
            overlay = self._overlays.get(vm_id)
            display = self._display(vm, overlay)
            if display is None:
                unlistened -= 0 if vm.listened else 1
                continue
            if display.listened != vm.listened:
                unlistened += -1 if display.listened else 1
            shown[vm_id] = display
            order.append(vm_id)
        previous, previous_order = self._shown, self._order
        added = tuple(i for i in order if i not in previous)
        removed = tuple(i for i in previous_order if i not in shown)
        changed = tuple(
            i for i in order if i in previous and not _looks_same(previous[i], shown[i])
        )
        unlistened = max(unlistened, 0)
        count_changed = unlistened != self._unlistened
        kept_old = [i for i in previous_order if i in shown]
        kept_new = [i for i in order if i in previous]
        diff = InboxDiff(
            added=added,
            changed=changed,
            removed=removed,
            unlistened_count=unlistened,
            count_changed=count_changed,
            order_changed=kept_old != kept_new,
        )
        self._shown, self._order, self._unlistened = shown, order, unlistened
        return diff


def _looks_same(a: Voicemail, b: Voicemail) -> bool:
    # recording_url is re-signed on every response: compare only whether there is one.
    return a == b and a.recording_ready == b.recording_ready
