"""Merging polls with pending local changes: diffs, no flicker, conflicts."""

from __future__ import annotations

from tests.factories import T0, inbox, vm
from vm_tui.inbox import InboxState


def loaded(*voicemails: object) -> InboxState:
    state = InboxState(clock=lambda: T0)
    state.apply_poll(inbox(*voicemails), state.begin_poll())  # type: ignore[arg-type]
    return state


def test_first_poll_adds_everything_in_server_order() -> None:
    state = InboxState(clock=lambda: T0)
    diff = state.apply_poll(inbox(vm("a"), vm("b", minutes_ago=5)), state.begin_poll())
    assert diff.added == ("a", "b")
    assert state.order == ["a", "b"]
    assert state.unlistened_count == 2


def test_unchanged_poll_gives_an_empty_diff() -> None:
    state = loaded(vm("a"), vm("b"))
    # A re-signed recording URL is not a change.
    again = inbox(vm("a"), vm("b"))
    diff = state.apply_poll(again, state.begin_poll())
    assert diff.empty


def test_new_changed_and_removed() -> None:
    state = loaded(vm("a"), vm("b"), vm("c"))
    diff = state.apply_poll(
        inbox(vm("n"), vm("a", listened=True), vm("c", transcription="now")), state.begin_poll()
    )
    assert diff.added == ("n",)
    assert set(diff.changed) == {"a", "c"}
    assert diff.removed == ("b",)
    assert state.order == ["n", "a", "c"]


def test_recording_becoming_ready_is_a_change() -> None:
    state = loaded(vm("a", recording=False))
    diff = state.apply_poll(inbox(vm("a")), state.begin_poll())
    assert diff.changed == ("a",)


def test_server_count_drives_the_badge() -> None:
    state = InboxState(clock=lambda: T0)
    state.apply_poll(inbox(vm("a"), unlistened=42), state.begin_poll())
    assert state.unlistened_count == 42


def test_optimistic_mark_survives_a_poll_that_has_not_seen_it() -> None:
    state = loaded(vm("a"), vm("b"))
    token = state.begin_poll()  # a poll is in flight before the user presses m
    diff = state.set_listened("a", True)
    assert diff.changed == ("a",) and diff.unlistened_count == 1
    seq = state.local_seq("a")
    state.confirm("a", vm("a", listened=True), seq=seq)
    # The old poll answers with the pre-PATCH view: no flicker back to unlistened.
    diff = state.apply_poll(inbox(vm("a"), vm("b")), token)
    assert state.get("a") is not None and state.get("a").listened  # type: ignore[union-attr]
    assert diff.empty
    # A poll that started after the confirmation is authoritative again.
    state.apply_poll(inbox(vm("a"), vm("b")), state.begin_poll())
    assert not state.get("a").listened  # type: ignore[union-attr]


def test_revert_restores_the_server_version() -> None:
    state = loaded(vm("a"))
    state.set_listened("a", True)
    diff = state.revert("a", seq=state.local_seq("a"))
    assert diff.changed == ("a",)
    assert not state.get("a").listened  # type: ignore[union-attr]
    assert state.unlistened_count == 1


def test_a_stale_answer_does_not_settle_a_newer_change() -> None:
    state = loaded(vm("a"))
    state.set_listened("a", True)
    first = state.local_seq("a")
    state.set_listened("a", False)
    state.revert("a", seq=first)  # the first PATCH failed; the second is still pending
    assert state.pending_ids() == {"a"}
    state.set_listened("a", True)
    state.confirm("a", vm("a", listened=True), seq=first)
    assert state.pending_ids() == {"a"}


def test_hide_and_undo() -> None:
    state = loaded(vm("a"), vm("b"))
    diff = state.hide("a")
    assert diff.removed == ("a",) and state.order == ["b"]
    assert state.unlistened_count == 1
    # A poll during the undo window does not bring it back.
    assert state.apply_poll(inbox(vm("a"), vm("b")), state.begin_poll()).empty
    diff = state.revert("a")
    assert diff.added == ("a",) and state.order == ["a", "b"]


def test_confirmed_delete_stays_gone_even_for_an_older_poll() -> None:
    state = loaded(vm("a"), vm("b"))
    token = state.begin_poll()
    state.hide("a")
    state.confirm("a")
    assert state.apply_poll(inbox(vm("a"), vm("b")), token).empty
    state.apply_poll(inbox(vm("b")), state.begin_poll())
    assert state.order == ["b"] and state.pending_ids() == set()


def test_deleted_elsewhere_drops_a_pending_mark() -> None:
    state = loaded(vm("a"), vm("b"))
    state.set_listened("a", True)
    diff = state.apply_poll(inbox(vm("b")), state.begin_poll())
    assert diff.removed == ("a",)
    assert state.pending_ids() == set()


def test_forget_after_404() -> None:
    state = loaded(vm("a"), vm("b"))
    diff = state.forget("a")
    assert diff.removed == ("a",)
    assert state.unlistened_count == 1


def test_apply_voicemail_updates_one() -> None:
    state = loaded(vm("a"), vm("b"))
    diff = state.apply_voicemail(vm("a", transcription="fresh"))
    assert diff.changed == ("a",)
    assert state.get("a").transcription == "fresh"  # type: ignore[union-attr]
