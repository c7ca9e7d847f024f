"""The outbox on disk: one journal shared by every vm-tui process of this user on this machine.

Two TUIs and the CLI may queue changes at the same time, so nobody rewrites the file from
memory: each process appends whole lines (one write per batch) under an exclusive ``flock`` of
a lock file beside it, and reads what the others appended since it last looked. A batch that
queues changes is fsynced before it returns. One that only finishes them is not: lost to a
power cut, it means a finished change is sent again, which the server takes as a repeat (a
mark it has, a delete of a voicemail already gone). A bulk mark finishes in ~100 batches, and
each fsync is time the event loop waits on the disk.
A line is a queued operation or a list of finished ones; per voicemail the latest intent wins
(``vm_tui.inbox.outbox``). When most lines are finished the journal is compacted: rewritten,
under the same lock, with only what is still pending.

If the folder cannot be written (read-only, full, a file in the way), changes are kept in memory
and written as soon as a later write succeeds; ``unsaved`` says so.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from vm_tui.inbox.outbox import Operation

from .files import (
    StorageError,
    describe_os_error,
    ensure_private_folder,
    process_alive,
    read_json,
    write_private,
)

_COMPACT_AT_BYTES = 64 * 1024


def process_identity(pid: int | None = None) -> str:
    """``pid:start`` of a process, so a recycled pid is not mistaken for the process."""
    pid = os.getpid() if pid is None else pid
    return f"{pid}:{_start_time(pid)}"


def owner_alive(owner: str) -> bool:
    pid_text, _, start = owner.partition(":")
    if not pid_text.isdigit() or not process_alive(int(pid_text)):
        return False
    return not start or _start_time(int(pid_text)) in (start, "")


def _start_time(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


class OutboxJournal:
    """Pending operations, shared through ``path`` (``None``: this process's memory only)."""

    def __init__(self, path: Path | None, *, owner: str | None = None) -> None:
        self.path = path
        self.owner = owner or process_identity()
        self._ops: dict[str, Operation] = {}  # every known operation not finished, by op_id
        self._by_voicemail: dict[str, dict[str, Operation]] = {}
        self._latest: dict[str, Operation] = {}  # the winning one of each voicemail
        self._live: list[Operation] | None = None  # _latest in order, made when asked
        self._finished: set[str] = set()
        # Per voicemail, the newest finished change: anything older is moot, even if read later.
        self._settled: dict[str, tuple[float, str]] = {}
        self._unsaved: list[str] = []  # lines this process could not write yet
        self._inode: int | None = None
        self._offset = 0
        self._partial = b""
        self.last_error: StorageError | None = None
        if path is not None:
            self.refresh()
            self._adopt_old_outbox(path.with_name("outbox.json"))

    # -- reading ------------------------------------------------------------------------------

    def live(self) -> list[Operation]:
        """What is still to send: the latest intent per voicemail, oldest first. The same list
        object (never changed in place) until that changes: a caller may compare identities."""
        if self._live is None:
            self._live = sorted(self._latest.values(), key=lambda op: (op.created, op.op_id))
        return self._live

    def __len__(self) -> int:
        return len(self._latest)

    def is_live(self, op: Operation) -> bool:
        """Still the latest intent for its voicemail, and not finished by anyone."""
        return self._latest.get(op.voicemail_id) is op or (
            op.op_id in self._ops and self._latest.get(op.voicemail_id) == op
        )

    def _add(self, op: Operation) -> None:
        if op.op_id in self._finished or op.op_id in self._ops:
            return  # finished, or known: its own line read back is the same operation
        settled = self._settled.get(op.voicemail_id)
        if settled is not None and (op.created, op.op_id) < settled:
            self._finished.add(op.op_id)  # a newer change to it is finished: this one is moot
            return
        self._ops[op.op_id] = op
        self._by_voicemail.setdefault(op.voicemail_id, {})[op.op_id] = op
        current = self._latest.get(op.voicemail_id)
        if current is None or op.newer_than(current):
            self._latest[op.voicemail_id] = op
            self._live = None

    def _drop(self, op_id: str) -> None:
        """``op_id`` is finished (sent, refused, gone, superseded), and with it every older
        change to the same voicemail: sending one of those later would undo what followed."""
        self._finished.add(op_id)
        op = self._ops.pop(op_id, None)
        if op is None:
            return
        vm_id = op.voicemail_id
        key = max((op.created, op.op_id), self._settled.get(vm_id, (op.created, op.op_id)))
        self._settled[vm_id] = key
        siblings = self._by_voicemail.get(vm_id, {})
        siblings.pop(op_id, None)
        for older in [o for o in siblings.values() if (o.created, o.op_id) < key]:
            del siblings[older.op_id]
            del self._ops[older.op_id]
            self._finished.add(older.op_id)
        latest = self._latest.get(vm_id)
        if latest is not None and latest.op_id not in siblings:
            self._live = None
            if siblings:
                self._latest[vm_id] = max(siblings.values(), key=lambda o: (o.created, o.op_id))
            else:
                del self._latest[vm_id]
        if not siblings:
            self._by_voicemail.pop(vm_id, None)

    def _forget_everything(self) -> None:
        self._ops, self._finished, self._by_voicemail, self._latest = {}, set(), {}, {}
        self._settled = {}
        self._live = None

    def mine(self, op: Operation) -> bool:
        """This process sends it: its own, or one whose process is gone (or unknown)."""
        return op.owner == self.owner or not op.owner or not owner_alive(op.owner)

    @property
    def unsaved(self) -> bool:
        return bool(self._unsaved)

    def refresh(self) -> bool:
        """Read what other processes appended (or a compaction rewrote); True if anything."""
        if self.path is None:
            return False
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return False
        except OSError:
            return False
        if stat.st_ino != self._inode or stat.st_size < self._offset:
            self._inode, self._offset, self._partial = stat.st_ino, 0, b""
            self._forget_everything()
            for unsaved in self._unsaved:  # not on disk yet: still this process's to send
                self._apply_line(unsaved.encode("ascii"))
        if stat.st_size == self._offset:
            return False
        try:
            with self.path.open("rb") as handle:
                handle.seek(self._offset)
                data = handle.read()
        except OSError:
            return False
        self._offset += len(data)
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()  # an incomplete last line waits for the rest of it
        for line in lines:
            self._apply_line(line)
        return True

    # -- writing ------------------------------------------------------------------------------

    def put(self, ops: Iterable[Operation]) -> None:
        """Queue ``ops`` (one write for all of them). Raises StorageError when the file cannot
        be written: the operations are then kept in memory and written with the next write."""
        batch = list(ops)
        for op in batch:
            self._add(op)
        self._write([json.dumps({"op": op.to_json()}, ensure_ascii=True) for op in batch])

    def finish(self, ops: Iterable[Operation]) -> None:
        """Confirmed, refused or superseded: nobody sends these again."""
        ids = [op.op_id for op in ops]
        if not ids:
            return
        for op_id in ids:
            self._drop(op_id)
        self._write([json.dumps({"done": ids}, ensure_ascii=True)], durable=False)
        self._maybe_compact()

    def retry_unsaved(self) -> None:
        """Write what an earlier failure kept in memory (raises StorageError if still failing)."""
        if self._unsaved:
            self._write([])

    def _write(self, lines: list[str], *, durable: bool = True) -> None:
        """Append ``lines`` and whatever an earlier failure left unsaved; fsynced unless
        ``durable`` is False and nothing unsaved (it may hold queued changes) goes with them."""
        if self.path is None:
            return
        pending = [*self._unsaved, *lines]
        if not pending:
            return
        durable = durable or bool(self._unsaved)
        try:
            with self._locked():
                # Not on disk yet: if refresh() starts over (a new file), it applies them again.
                self._unsaved = pending
                self.refresh()
                inode, before, after = self._append(pending, durable=durable)
                # Under the lock nothing else was written between reading and appending: when
                # this process had read to the end, what follows is its own lines, already
                # known, and need not be read back (parsing 3,000 of them took ~50 ms).
                if not self._partial and self._offset == before and self._inode in (inode, None):
                    self._inode, self._offset = inode, after
        except StorageError as error:
            self._unsaved = pending
            self.last_error = error
            raise
        self._unsaved = []
        self.last_error = None
        self.refresh()

    def _append(self, lines: list[str], *, durable: bool) -> tuple[int, int, int]:
        """Append ``lines`` (fsynced if ``durable``); the file's inode and its sizes before and
        after."""
        assert self.path is not None
        text = "".join(line + "\n" for line in lines).encode("ascii")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                stat = os.fstat(fd)
                # A line torn by a crash must not swallow the first line written after it.
                if stat.st_size and os.pread(fd, 1, stat.st_size - 1) != b"\n":
                    text = b"\n" + text
                view = memoryview(text)
                while view:  # a full disk writes short once, then raises ENOSPC
                    view = view[os.write(fd, view) :]
                if durable:
                    os.fsync(fd)
                return stat.st_ino, stat.st_size, os.fstat(fd).st_size
            finally:
                os.close(fd)
        except OSError as error:
            raise StorageError(self.path, describe_os_error(error), error.errno) from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        assert self.path is not None
        ensure_private_folder(self.path.parent)
        lock = self.path.with_name(self.path.name + ".lock")
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise StorageError(lock, describe_os_error(error), error.errno) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _maybe_compact(self) -> None:
        if self.path is None or self._offset < _COMPACT_AT_BYTES:
            return
        if len(self._ops) * 4 > len(self._finished):
            return  # mostly still pending: rewriting would gain little
        with contextlib.suppress(StorageError), self._locked():
            self.refresh()
            lines = [json.dumps({"op": op.to_json()}, ensure_ascii=True) for op in self.live()]
            write_private(self.path, "".join(line + "\n" for line in lines))
            self.refresh()

    # -- internals ----------------------------------------------------------------------------

    def _apply_line(self, line: bytes) -> None:
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            return  # a torn or damaged line: the rest of the journal still counts
        if not isinstance(record, dict):
            return
        done = record.get("done")
        if isinstance(done, list):
            for op_id in done:
                if isinstance(op_id, str):
                    self._drop(op_id)
            return
        op = Operation.from_json(record.get("op"))
        if op is not None:
            self._add(op)

    def _adopt_old_outbox(self, old: Path) -> None:
        """vm-tui before the journal kept ``outbox.json``: its operations move in, once."""
        data = read_json(old)
        if not isinstance(data, dict) or not isinstance(data.get("operations"), list):
            return
        ops = [op for op in map(Operation.from_json, data["operations"]) if op is not None]
        with contextlib.suppress(StorageError):
            if ops:
                self.put(ops)
            old.unlink(missing_ok=True)
