"""ShownChanges: the queued changes laid over the inbox, compared with the journal's."""

from __future__ import annotations

from tests.application.walks import WalkedList, Walks
from tests.factories import inbox, vm
from vm_tui.application.shown_changes import ShownChanges
from vm_tui.inbox import InboxState
from vm_tui.inbox.outbox import Operation

NOT_SENDING: frozenset[str] = frozenset()


def loaded(*ids: str) -> ShownChanges:
    state = InboxState()
    state.apply_poll(inbox(*(vm(vm_id) for vm_id in ids)), state.begin_poll())
    return ShownChanges(state)


def test_a_shown_change_is_in_the_inbox_and_not_fresh_again() -> None:
    shown = loaded("a", "b")
    op = Operation.mark("a", True)
    diff = shown.show([op])
    assert not diff.empty
    assert shown.state.get("a").listened  # type: ignore[union-attr]
    assert shown.compare([op], NOT_SENDING) == ([], [], False)


def test_a_change_queued_elsewhere_is_fresh_once() -> None:
    shown = loaded("a")
    theirs = Operation.mark("a", True, owner="123:456")
    pending = [theirs]
    assert shown.compare(pending, NOT_SENDING) == ([theirs], [], False)
    shown.show([theirs])
    assert shown.compare(pending, NOT_SENDING) == ([], [], False)


def test_a_change_finished_elsewhere_is_answered_once_nothing_of_ours_sends_it() -> None:
    shown = loaded("a", "b")
    op, other = Operation.mark("a", True), Operation.mark("b", True)
    shown.show([op, other])
    seq = shown.state.local_seq("a")
    assert shown.compare([op, other], NOT_SENDING) == ([], [], False)
    # Another process finished it while this one was sending it: our answer counts, not yet.
    pending = [other]
    assert shown.compare(pending, {op.op_id}) == ([], [], False)
    # Our send ended and the journal did not change: the ended send is looked at.
    shown.send_ended(op)
    assert shown.compare(pending, NOT_SENDING) == ([], [("a", None, seq)], True)
    assert shown.settled(op) is None  # no longer shown


def test_nothing_is_answered_while_a_newer_change_to_it_waits() -> None:
    shown = loaded("a")
    old = Operation.mark("a", True)
    shown.show([old])
    newer = Operation.mark("a", False)
    fresh, answers, vanished = shown.compare([newer], NOT_SENDING)
    assert (fresh, answers, vanished) == ([newer], [], True)


def test_the_same_pending_list_is_not_walked_again() -> None:
    """A bulk mark wakes the sender once per answer: a walk per wake made it n * n."""
    shown = loaded(*(f"v{i}" for i in range(100)))
    ops = [Operation.mark(f"v{i}", True) for i in range(100)]
    shown.show(ops)
    walks = Walks()
    pending = WalkedList(ops, walks)
    shown.compare(pending, NOT_SENDING)
    assert walks.count == 1
    for op in ops[:50]:  # answers arrive, the journal is not rewritten yet
        shown.send_ended(op)
        assert shown.compare(pending, NOT_SENDING) == ([], [], False)
    assert walks.count == 1
    assert shown.compare(WalkedList(ops[50:], walks), NOT_SENDING)[2]  # a new list: 50 left it
    assert walks.count == 2


def test_showing_checks_every_change_against_the_journal_next_time() -> None:
    """A change the journal did not take (finished already) leaves the same list behind."""
    shown = loaded("a", "b")
    kept = Operation.mark("b", True)
    pending = [kept]
    shown.show([kept])
    assert shown.compare(pending, NOT_SENDING) == ([], [], False)
    moot = Operation.mark("a", True)
    shown.show([moot])  # the journal skipped it: its pending list is still `pending`
    seq = shown.state.local_seq("a")
    assert shown.compare(pending, NOT_SENDING) == ([], [("a", None, seq)], True)
