"""Property tests: InboxState keeps its invariants under any sequence of polls and local changes.

A model tracks, per voicemail, the local changes the state should still be showing. Each change
returns a handle (its seq number); answers (confirm/revert) arrive for the latest handle or for a
superseded one, in any order, interleaved with polls that began before or after them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.factories import T0, inbox, vm
from vm_tui.api.models import Inbox, Voicemail
from vm_tui.inbox import InboxState

POOL = ("a", "b", "c", "d", "e", "f")
MAX_OUTSTANDING = 3


@dataclass(frozen=True)
class Handle:
    """One local change, as the outbox runner remembers it."""

    number: int  # unique, for identity
    vm_id: str
    kind: str  # "mark" or "hide"
    listened: bool
    seq: int  # what the state said local_seq was right after the change
    epoch: int  # the model's overlay lifetime it belongs to


class InboxMachine(RuleBasedStateMachine):
    # Subclasses may allow answers for changes from an earlier overlay lifetime.
    any_epoch = False

    def __init__(self) -> None:
        super().__init__()
        self.state = InboxState(clock=lambda: T0)
        self.counter = itertools.count()
        self.outstanding: list[int] = []
        self.server_view: set[str] = set()
        self.server_vms: dict[str, Voicemail] = {}
        self.deleted_at: dict[str, int] = {}  # server deleted it before polls > this began
        # The model of what should be overlaid.
        self.latest: dict[str, Handle] = {}
        self.epoch: dict[str, int] = dict.fromkeys(POOL, 0)
        self.pending: dict[str, bool] = {}
        self.hidden: set[str] = set()
        self.confirmed_gen: dict[str, int] = {}
        self.handles: list[Handle] = []
        self._generation = 0

    # -- helpers ------------------------------------------------------------------------------

    def generation(self) -> int:
        # The state's poll generation: begin_poll numbers polls 1, 2, ...
        return self._generation

    def clear_overlay(self, vm_id: str) -> None:
        self.latest.pop(vm_id, None)
        self.pending.pop(vm_id, None)
        self.hidden.discard(vm_id)
        self.confirmed_gen.pop(vm_id, None)
        self.epoch[vm_id] += 1

    def draw_inbox(self, data: st.DataObject, token: int) -> Inbox:
        allowed = [i for i in POOL if not (i in self.deleted_at and token > self.deleted_at[i])]
        ids = data.draw(st.lists(st.sampled_from(allowed), unique=True) if allowed else st.just([]))
        vms = [
            vm(
                i,
                minutes_ago=n,
                listened=data.draw(st.booleans()),
                transcription=data.draw(st.sampled_from([None, "hello", "call me"])),
                recording=data.draw(st.booleans()),
            )
            for n, i in enumerate(ids)
        ]
        count = data.draw(st.none() | st.integers(min_value=0, max_value=20))
        return inbox(*vms, unlistened=count)

    def apply(self, data: st.DataObject, token: int) -> None:
        server = self.draw_inbox(data, token)
        self.state.apply_poll(server, token)
        self.server_view = {v.id for v in server.voicemails}
        self.server_vms = {v.id: v for v in server.voicemails}
        for vm_id in list(self.latest):
            confirmed = self.confirmed_gen.get(vm_id)
            settled = confirmed is not None and token > confirmed
            gone_elsewhere = vm_id not in self.server_view and vm_id not in self.hidden
            if settled or gone_elsewhere:
                self.clear_overlay(vm_id)
        if data.draw(st.booleans()):
            again = self.state.apply_poll(server, token)
            assert again.empty, again

    def record(self, vm_id: str, kind: str, listened: bool) -> None:
        handle = Handle(
            next(self.counter),
            vm_id,
            kind,
            listened,
            self.state.local_seq(vm_id),
            self.epoch[vm_id],
        )
        self.handles.append(handle)
        self.latest[vm_id] = handle
        self.confirmed_gen.pop(vm_id, None)

    def pick_handle(self, data: st.DataObject) -> Handle | None:
        usable = [h for h in self.handles if self.any_epoch or h.epoch == self.epoch[h.vm_id]]
        return data.draw(st.sampled_from(usable)) if usable else None

    # -- polls --------------------------------------------------------------------------------

    @precondition(lambda self: len(self.outstanding) < MAX_OUTSTANDING)
    @rule()
    def begin_poll(self) -> None:
        self.outstanding.append(self.state.begin_poll())
        self._generation += 1

    @precondition(lambda self: bool(self.outstanding))
    @rule(data=st.data())
    def finish_poll(self, data: st.DataObject) -> None:
        self.apply(data, self.outstanding.pop(0))  # one poller: answers arrive in order

    @precondition(lambda self: not self.outstanding)
    @rule(data=st.data())
    def poll(self, data: st.DataObject) -> None:
        token = self.state.begin_poll()
        self._generation += 1
        self.apply(data, token)

    # -- local changes ------------------------------------------------------------------------

    @rule(vm_id=st.sampled_from(POOL), listened=st.booleans())
    def set_listened(self, vm_id: str, listened: bool) -> None:
        if vm_id in self.hidden:
            return  # a hidden row cannot be selected, so it cannot be marked
        self.state.set_listened(vm_id, listened)
        self.pending[vm_id] = listened
        self.record(vm_id, "mark", listened)

    @rule(vm_id=st.sampled_from(POOL))
    def hide(self, vm_id: str) -> None:
        self.state.hide(vm_id)
        self.hidden.add(vm_id)
        self.record(vm_id, "hide", False)

    @rule(data=st.data())
    def confirm(self, data: st.DataObject) -> None:
        handle = self.pick_handle(data)
        if handle is None:
            return
        vm_id = handle.vm_id
        current = self.latest.get(vm_id) == handle
        seq = None if current and data.draw(st.booleans()) else handle.seq
        copy = None
        if handle.kind == "mark" and vm_id in self.server_vms and data.draw(st.booleans()):
            copy = replace(self.server_vms[vm_id], listened_at=T0 if handle.listened else None)
        self.state.confirm(vm_id, copy, seq=seq)
        gen = self.generation()
        if copy is not None and vm_id in self.server_view:
            self.server_vms[vm_id] = copy
        if handle.kind == "hide":
            self.deleted_at[vm_id] = min(self.deleted_at.get(vm_id, gen), gen)
        if current:
            self.pending.pop(vm_id, None)
            self.confirmed_gen[vm_id] = gen
            if vm_id in self.hidden:
                self.server_view.discard(vm_id)
                self.server_vms.pop(vm_id, None)

    @rule(data=st.data())
    def revert(self, data: st.DataObject) -> None:
        handle = self.pick_handle(data)
        if handle is None:
            return
        current = self.latest.get(handle.vm_id) == handle
        seq = None if current and data.draw(st.booleans()) else handle.seq
        self.state.revert(handle.vm_id, seq=seq)
        if current:
            self.clear_overlay(handle.vm_id)

    @rule(vm_id=st.sampled_from(POOL))
    def forget(self, vm_id: str) -> None:
        """A 404: the server no longer has it."""
        self.state.forget(vm_id)
        self.clear_overlay(vm_id)
        self.server_view.discard(vm_id)
        self.server_vms.pop(vm_id, None)
        gen = self.generation()
        self.deleted_at[vm_id] = min(self.deleted_at.get(vm_id, gen), gen)

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def order_is_the_server_view_minus_hidden(self) -> None:
        order = self.state.order
        assert len(order) == len(set(order)), order
        assert len(self.state) == len(order)
        assert set(order) <= self.server_view
        assert set(order) == self.server_view - self.hidden

    @invariant()
    def hidden_never_shown(self) -> None:
        for vm_id in self.hidden:
            assert vm_id not in self.state.order
            assert self.state.get(vm_id) is None

    @invariant()
    def pending_marks_are_shown(self) -> None:
        for vm_id, listened in self.pending.items():
            if vm_id in self.server_view and vm_id not in self.hidden:
                shown = self.state.get(vm_id)
                assert shown is not None, vm_id
                assert shown.listened == listened, (vm_id, listened)
                assert vm_id in self.state.pending_ids()

    @invariant()
    def without_overlay_the_server_is_shown(self) -> None:
        for vm_id in self.state.order:
            if vm_id not in self.latest:
                shown = self.state.get(vm_id)
                assert shown is not None
                assert shown.listened == self.server_vms[vm_id].listened, vm_id

    @invariant()
    def count_is_sane(self) -> None:
        assert self.state.unlistened_count >= 0

    @invariant()
    def incremental_updates_match_a_full_recompute(self) -> None:
        """Marks and their answers re-derive only the rows they name: the result must be
        what deriving the whole inbox again gives."""
        shown, order, count = (
            dict(self.state._shown),
            list(self.state.order),
            self.state._unlistened,
        )
        again = self.state._recompute()
        assert again.empty, again
        assert self.state._shown == shown and self.state.order == order
        assert self.state._unlistened == count


InboxMachine.TestCase.settings = settings(
    deadline=None,
    max_examples=200,
    stateful_step_count=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestInboxState = InboxMachine.TestCase


# -- a stale answer from an earlier overlay ----------------------------------------------------


def test_a_late_answer_from_before_an_undo_does_not_settle_a_newer_change() -> None:
    state = InboxState(clock=lambda: T0)
    state.apply_poll(inbox(vm("a")), state.begin_poll())
    state.set_listened("a", True)  # op A, in flight
    seq_a = state.local_seq("a")
    state.hide("a")  # d ...
    state.revert("a")  # ... u: the undo drops the whole overlay
    # A landed meanwhile; a poll shows it, and the user toggles back to unlistened: op C.
    state.apply_poll(inbox(vm("a", listened=True)), state.begin_poll())
    state.set_listened("a", False)
    # A's answer arrives late and must not settle C.
    state.confirm("a", vm("a", listened=True), seq=seq_a)
    # A poll that began after that answer, before C reached the server:
    state.apply_poll(inbox(vm("a", listened=True)), state.begin_poll())
    shown = state.get("a")
    assert shown is not None
    assert shown.listened is False  # C is still pending: it must stay visible
    assert "a" in state.pending_ids()


class StaleAnswerMachine(InboxMachine):
    """Answers may also come for changes made before the overlay was dropped and re-created."""

    any_epoch = True


def test_answers_from_an_earlier_overlay_never_settle_a_newer_change() -> None:
    run_state_machine_as_test(
        StaleAnswerMachine,
        settings=settings(
            deadline=None,
            max_examples=200,
            stateful_step_count=40,
            derandomize=True,  # deterministic: the same sequences every run
            database=None,
            phases=[Phase.generate],  # no shrinking: keeps the run short
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
