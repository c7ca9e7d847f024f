"""The queued changes laid over the inbox, and what the shared journal says of them since.

Every queued change, this process's or another's, shows in the inbox as soon as it is known
(optimistic), under the state's change number, so that its answer or its undoing settles that
very overlay. ``ShownChanges`` keeps that record and compares it with the journal's pending
changes: what joined the journal is to be shown; what left it while no send of ours was in
flight was finished by another process.
"""

from __future__ import annotations

from collections.abc import Container

from vm_tui.inbox.outbox import Operation
from vm_tui.inbox.state import InboxDiff, InboxState

# (voicemail id, the server copy or None, the change number) as InboxState.confirm_many takes
Answer = tuple[str, None, int]


class ShownChanges:
    def __init__(self, state: InboxState) -> None:
        self.state = state
        self._shown: dict[str, tuple[str, int]] = {}  # op_id -> (voicemail id, change number)
        # The journal's pending list at the last comparison, by id, and the sends that ended
        # since. A comparison walks every change only when the journal's list is another one:
        # a bulk mark ends a send per answer, and walking 3,000 changes per answer made it
        # quadratic.
        self._compared: list[Operation] | None = None
        self._pending_by_id: dict[str, Operation] = {}
        self._ended: list[str] = []

    def show(self, ops: list[Operation]) -> InboxDiff:
        """Lay the changes over the inbox (marks of the same kind in one pass); the diff."""
        diff = InboxDiff(unlistened_count=self.state.unlistened_count)
        marks: dict[bool, list[str]] = {True: [], False: []}
        for op in ops:
            if op.kind == "delete":
                diff = diff.then(self.state.hide(op.voicemail_id))
            else:
                assert op.listened is not None
                marks[op.listened].append(op.voicemail_id)
        for listened, vm_ids in marks.items():
            if vm_ids:
                diff = diff.then(self.state.set_listened_many(vm_ids, listened))
        for op in ops:
            self._shown[op.op_id] = (op.voicemail_id, self.state.local_seq(op.voicemail_id))
        # The journal may not take them all (one already finished): the next comparison
        # checks every shown change against it.
        self._compared = None
        return diff

    def settled(self, op: Operation) -> int | None:
        """``op`` is settled here: no longer shown; the change number that showed it."""
        shown = self._shown.pop(op.op_id, None)
        return shown[1] if shown else None

    def send_ended(self, op: Operation) -> None:
        self._ended.append(op.op_id)

    def compare(
        self, pending: list[Operation], in_flight: Container[str]
    ) -> tuple[list[Operation], list[Answer], bool]:
        """Against the journal's ``pending`` list: the changes to show now; the answers for
        those another process finished; whether any left the journal (all of these are no
        longer shown once returned). ``in_flight``: the changes this process is sending;
        theirs is the answer that counts."""
        ended, self._ended = self._ended, []
        if pending is self._compared:
            # Nothing joined or left the journal: only a send that ended may have vanished
            # (finished elsewhere while it was in flight).
            by_id, fresh = self._pending_by_id, []
            vanished = [
                op_id
                for op_id in dict.fromkeys(ended)
                if op_id in self._shown and op_id not in by_id and op_id not in in_flight
            ]
        else:
            self._compared = pending
            self._pending_by_id = by_id = {op.op_id: op for op in pending}
            fresh = [op for op_id, op in by_id.items() if op_id not in self._shown]
            vanished = [
                op_id for op_id in self._shown if op_id not in by_id and op_id not in in_flight
            ]
        answers: list[Answer] = []
        if vanished:
            still_queued = {op.voicemail_id for op in by_id.values()}
            for op_id in vanished:
                vm_id, seq = self._shown.pop(op_id)
                if vm_id not in still_queued:  # finished by another process: sent, presumably
                    answers.append((vm_id, None, seq))
        return fresh, answers, bool(vanished)
