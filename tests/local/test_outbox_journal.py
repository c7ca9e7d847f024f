"""The outbox journal: private, shared between processes, latest intent wins, junk and torn
lines survived, a read-only folder loses nothing. (Real processes sharing it: see
tests/reliability/test_two_processes.py.)"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unprivileged import start_unprivileged, unwritable_folder
from vm_tui.inbox.outbox import Operation
from vm_tui.local.files import StorageError
from vm_tui.local.outbox_journal import OutboxJournal, owner_alive, process_identity


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def dead_owner() -> str:
    pid = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return f"{pid}:1"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "outbox.jsonl"


def test_memory_journal_keeps_order_and_writes_nothing(tmp_path: Path) -> None:
    box = OutboxJournal(None)
    a, b = Operation.mark("a", True), Operation.delete("b")
    box.put([a])
    box.put([b])
    assert box.live() == [a, b]
    assert len(box) == 2
    assert list(tmp_path.iterdir()) == []


def test_the_journal_is_private(path: Path) -> None:
    OutboxJournal(path).put([Operation.mark("a", True)])
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["outbox.jsonl", "outbox.jsonl.lock"]


def test_round_trip(path: Path) -> None:
    ops = [Operation.mark("a", True), Operation.mark("b", False), Operation.delete("c")]
    OutboxJournal(path).put(ops)
    again = OutboxJournal(path).live()
    assert again == ops
    assert again[1].listened is False and again[2].listened is None


def test_many_changes_are_one_write(path: Path) -> None:
    box = OutboxJournal(path)
    box.put([Operation.mark(f"v{i}", True) for i in range(3000)])
    assert len(path.read_text().splitlines()) == 3000
    box.finish(box.live()[:1000])
    assert len(OutboxJournal(path)) == 2000


def test_the_latest_intent_per_voicemail_wins(path: Path) -> None:
    box = OutboxJournal(path)
    older = Operation.mark("a", True)
    box.put([older])
    newest = Operation.mark("a", False)
    box.put([newest])
    assert box.live() == [newest]
    assert not box.is_live(older) and box.is_live(newest)
    assert OutboxJournal(path).live() == [newest]


def test_later_means_made_later_not_written_later(path: Path) -> None:
    """A retry written after a newer change (another process was slower) does not win."""
    box = OutboxJournal(path)
    newer = Operation("listened", "a", True, created=2000.0)
    box.put([newer])
    stale = Operation("listened", "a", False, created=1000.0)
    box.put([stale])
    assert box.live() == [newer]


def test_mark_then_delete_keeps_only_the_delete(path: Path) -> None:
    box = OutboxJournal(path)
    box.put([Operation.mark("a", True), Operation.mark("b", True)])
    box.put([Operation.delete("a")])
    kinds = [(o.voicemail_id, o.kind) for o in box.live()]
    assert kinds == [("b", "listened"), ("a", "delete")]
    assert [(o.voicemail_id, o.kind) for o in OutboxJournal(path).live()] == kinds


def test_finishing_an_older_op_keeps_the_newer_one(path: Path) -> None:
    box = OutboxJournal(path)
    old = Operation.mark("a", True)
    box.put([old])
    newer = Operation.mark("a", False)
    box.put([newer])
    box.finish([old])  # the answer to the old PATCH arrives late
    assert box.live() == [newer]
    assert OutboxJournal(path).live() == [newer]


def test_finish_is_persisted(path: Path) -> None:
    box = OutboxJournal(path)
    op = Operation.delete("a")
    box.put([op])
    box.finish([op])
    assert len(OutboxJournal(path)) == 0


def test_two_writers_see_each_other(path: Path) -> None:
    tui = OutboxJournal(path, owner="111:1")
    cli = OutboxJournal(path, owner="222:1")
    mark = Operation.mark("a", False, owner=tui.owner)
    tui.put([mark])
    assert cli.refresh()
    assert cli.live() == [mark]
    later = Operation.mark("a", True, owner=cli.owner)
    cli.put([later])
    tui.refresh()
    assert tui.live() == [later]
    assert not tui.is_live(mark)  # its retry must not be sent: the user did something since


def test_a_writer_that_looked_before_the_file_existed_keeps_its_own_and_the_others(
    path: Path,
) -> None:
    late = OutboxJournal(path, owner="222:1")
    late.refresh()  # no file yet
    early = OutboxJournal(path, owner="111:1")
    theirs = [Operation.mark(vm_id, True, owner=early.owner) for vm_id in ("a", "b")]
    early.put(theirs[:1])
    early.put(theirs[1:])
    mine = Operation.mark("c", True, owner=late.owner)
    late.put([mine])  # finds the file new to it while holding its lock
    assert {op.voicemail_id for op in late.live()} == {"a", "b", "c"}
    early.refresh()
    assert {op.voicemail_id for op in early.live()} == {"a", "b", "c"}
    assert {op.voicemail_id for op in OutboxJournal(path).live()} == {"a", "b", "c"}


def test_whose_op_it_is_to_send(path: Path) -> None:
    box = OutboxJournal(path)
    mine = Operation.mark("a", True, owner=box.owner)
    orphan = Operation.mark("b", True, owner=dead_owner())
    unowned = Operation.mark("c", True)  # written by an older vm-tui
    alive_elsewhere = Operation.mark("d", True, owner=process_identity(os.getppid()))
    assert box.mine(mine) and box.mine(orphan) and box.mine(unowned)
    assert not box.mine(alive_elsewhere)
    assert owner_alive(box.owner) and not owner_alive(dead_owner())
    assert not owner_alive(f"{os.getpid()}:not-my-start-time")  # a recycled pid


def test_the_journal_holds_no_secret_or_url(path: Path) -> None:
    OutboxJournal(path).put([Operation.mark("0193f4cb-a", True)])
    text = path.read_text()
    assert "http" not in text and "phk_" not in text and "recording" not in text


GOOD = {"kind": "delete", "voicemail_id": "good", "op_id": "g1", "created": 1.0}


@pytest.mark.parametrize(
    "junk",
    [
        "a string",
        5,
        None,
        [1, 2],
        {"kind": "explode", "voicemail_id": "x"},
        {"kind": "delete"},
        {"kind": "delete", "voicemail_id": 7},
        {"kind": "listened", "voicemail_id": "x"},
        {"kind": "listened", "voicemail_id": "x", "listened": "true"},
        {"kind": "listened", "voicemail_id": "x", "listened": 1},
        {"kind": "delete", "voicemail_id": "a", "op_id": "x", "created": "yesterday"},
    ],
)
def test_junk_lines_are_skipped_and_good_ones_kept(path: Path, junk: object) -> None:
    path.parent.mkdir(parents=True)
    lines = [json.dumps({"op": junk}), "not json at all", json.dumps([1]), json.dumps({"op": GOOD})]
    path.write_text("\n".join(lines) + "\n")
    ops = OutboxJournal(path).live()
    assert ("delete", "good", "g1") in [(o.kind, o.voicemail_id, o.op_id) for o in ops]


def test_missing_op_id_and_created_are_filled_in(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps({"op": {"kind": "listened", "voicemail_id": "a", "listened": True}}) + "\n"
    )
    (op,) = OutboxJournal(path).live()
    assert op.op_id and op.created > 0 and op.listened is True


def test_a_line_torn_by_a_crash_does_not_swallow_the_next_one(path: Path) -> None:
    path.parent.mkdir(parents=True)
    whole = json.dumps({"op": {**GOOD, "voicemail_id": "first", "op_id": "f1"}})
    path.write_text(whole + "\n" + whole[: len(whole) // 2])  # the crash: half a line
    box = OutboxJournal(path)
    after = Operation.mark("after", True)
    box.put([after])
    assert [o.voicemail_id for o in OutboxJournal(path).live()] == ["first", "after"]


def test_a_half_written_line_from_another_process_waits_for_its_end(path: Path) -> None:
    box = OutboxJournal(path)
    box.put([Operation.delete("a")])
    line = json.dumps({"op": {**GOOD, "voicemail_id": "b", "op_id": "b1"}}) + "\n"
    with path.open("a") as handle:
        handle.write(line[:10])
        handle.flush()
        box.refresh()
        assert [o.voicemail_id for o in box.live()] == ["a"]
        handle.write(line[10:])
    box.refresh()
    assert sorted(o.voicemail_id for o in box.live()) == ["a", "b"]


def test_compaction_keeps_only_what_is_pending(path: Path) -> None:
    box = OutboxJournal(path)
    other = OutboxJournal(path, owner="999:1")
    ops = [Operation.mark(f"v{i}", True) for i in range(2000)]
    box.put(ops)
    other.refresh()
    box.finish(ops[:1990])
    assert len(path.read_text().splitlines()) == 10  # rewritten with the live ones only
    other.refresh()  # a new file: the other reader starts over and agrees
    assert other.live() == box.live() == ops[1990:]


READ_ONLY_CHILD = """
import sys
from pathlib import Path
from vm_tui.inbox.outbox import Operation
from vm_tui.local.files import StorageError
from vm_tui.local.outbox_journal import OutboxJournal
box = OutboxJournal(Path(sys.argv[1]) / "outbox.jsonl")
op = Operation.mark("a", True)
try:
    box.put([op])
    print("wrote")
except StorageError as error:
    print("failed:", error)
print("still to send:", [o.op_id for o in box.live()] == [op.op_id], box.unsaved, flush=True)
sys.stdin.readline()  # the folder becomes writable
box.retry_unsaved()
print("retried:", box.unsaved, op.op_id, flush=True)
"""


def test_a_read_only_folder_keeps_changes_in_memory_until_it_can_write() -> None:
    with unwritable_folder() as folder:
        child = start_unprivileged(READ_ONLY_CHILD, str(folder))
        assert child.stdin is not None and child.stdout is not None
        failed, kept = child.stdout.readline(), child.stdout.readline()
        folder.chmod(0o755)
        child.stdin.write("\n")
        child.stdin.flush()
        retried = child.stdout.readline()
        assert child.wait(30) == 0, child.stderr.read() if child.stderr else ""
        assert failed.startswith("failed: cannot write ") and str(folder) in failed
        assert kept.strip() == "still to send: True True"
        assert retried.startswith("retried: False ")
        op_id = retried.split()[-1]
        assert [o.op_id for o in OutboxJournal(folder / "outbox.jsonl").live()] == [op_id]


def test_an_old_outbox_json_moves_in_once(path: Path) -> None:
    path.parent.mkdir(parents=True)
    old = path.with_name("outbox.json")
    old.write_text(json.dumps({"version": 1, "operations": [GOOD, "junk"]}))
    assert [o.op_id for o in OutboxJournal(path).live()] == ["g1"]
    assert not old.exists()
    assert [o.op_id for o in OutboxJournal(path).live()] == ["g1"]


def test_a_change_finished_after_later_writes_stays_finished(path: Path) -> None:
    """Each write reads back the journal, this process's own lines too: an operation read back
    is the one already known, so finishing it finishes it (found by two real inboxes, where
    every second mark was sent again every few seconds, forever)."""
    box = OutboxJournal(path)
    first, second = Operation.mark("a", True), Operation.mark("b", True)
    box.put([first])
    box.put([second])
    OutboxJournal(path).put([Operation.mark("c", True)])  # another process
    box.refresh()
    box.finish([first])
    box.finish([second])
    assert [op.voicemail_id for op in box.live()] == ["c"]
    assert [op.voicemail_id for op in OutboxJournal(path).live()] == ["c"]


def test_a_finished_change_ends_every_older_one_for_its_voicemail(path: Path) -> None:
    """The command line's newer mark is sent and finished: the inbox's older one, still queued,
    must not come back as the latest intent (sending it would undo the newer one)."""
    inbox, cli = OutboxJournal(path, owner="1:1"), OutboxJournal(path, owner="2:2")
    stale = Operation("listened", "a", False, created=1000.0, owner="1:1")
    inbox.put([stale])
    newer = Operation("listened", "a", True, created=2000.0, owner="2:2")
    cli.put([newer])
    inbox.refresh()
    inbox.finish([newer])  # sent for the command line (whose process is gone)
    assert inbox.live() == [] and not inbox.is_live(stale)
    assert OutboxJournal(path).live() == []
    # Even written after the newer one finished (a slow process), the older one stays moot.
    OutboxJournal(path).put([Operation("listened", "a", False, created=1500.0)])
    assert OutboxJournal(path).live() == []
    inbox.refresh()
    assert inbox.live() == []


def test_queued_changes_are_fsynced_and_finished_ones_are_only_written(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A queued change must survive a power cut; a finished one lost to it is merely sent
    again (a repeat the server shrugs off), so a bulk mark's ~100 finishing writes do not each
    wait on the disk. fsync is spied on: a power cut cannot be made here."""
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    box = OutboxJournal(path)
    ops = [Operation.mark("a", True), Operation.mark("b", True)]
    box.put(ops)
    assert len(synced) == 1
    box.finish(ops[:1])
    assert len(synced) == 1  # written, not fsynced
    assert [o.op_id for o in OutboxJournal(path).live()] == [ops[1].op_id]  # others see it
    path.unlink()
    path.mkdir()  # the journal cannot be written: the next change is kept in memory
    with pytest.raises(StorageError):
        box.put([Operation.mark("c", True)])
    path.rmdir()
    synced.clear()
    box.finish(ops[1:])  # the queued change left unsaved goes with it: fsynced
    assert len(synced) == 1
    assert [o.voicemail_id for o in OutboxJournal(path).live()] == ["c"]
