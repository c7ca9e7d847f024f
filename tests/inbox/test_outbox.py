"""Private JSON storage and the persistent outbox: modes, atomicity, coalescing, junk."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from vm_tui.inbox.outbox import Operation, Outbox
from vm_tui.inbox.storage import read_json, write_private_json


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


# -- storage -----------------------------------------------------------------------------------


def test_private_json_is_0600_in_a_new_0700_folder(tmp_path: Path) -> None:
    path = tmp_path / "state" / "vm-tui" / "data.json"
    write_private_json(path, {"a": 1})
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert json.loads(path.read_text()) == {"a": 1}


def test_private_json_is_0600_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        write_private_json(tmp_path / "sub" / "x.json", [1])
    finally:
        os.umask(old)
    assert mode(tmp_path / "sub" / "x.json") == 0o600
    assert mode(tmp_path / "sub") == 0o700


def test_rewriting_tightens_a_loose_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text("{}")
    path.chmod(0o644)
    write_private_json(path, {"b": 2})
    assert mode(path) == 0o600
    assert read_json(path) == {"b": 2}


def test_atomic_replace_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    for i in range(5):
        write_private_json(path, {"i": i})
    assert read_json(path) == {"i": 4}
    assert leftovers(tmp_path, {"data.json"}) == []


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    write_private_json(path, {"old": True})
    with pytest.raises(TypeError):
        write_private_json(path, {"bad": object()})  # not serialisable: fails mid-write
    assert read_json(path) == {"old": True}
    assert leftovers(tmp_path, {"data.json"}) == []


def test_read_json_missing_is_none(tmp_path: Path) -> None:
    assert read_json(tmp_path / "nope.json") is None


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe\x00garbage", b"", b'{"a": 1'])
def test_corrupt_file_reads_as_none_and_is_kept_aside(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(raw)
    assert read_json(path) is None
    assert not path.exists()
    assert (tmp_path / "data.json.corrupt").read_bytes() == raw


def test_round_trip_keeps_unicode_and_nesting(tmp_path: Path) -> None:
    data: dict[str, Any] = {"s": "é\u202e\x1b[31m日本", "n": [1, 2.5, None, True], "d": {"x": {}}}
    path = tmp_path / "data.json"
    write_private_json(path, data)
    assert read_json(path) == data
    assert path.read_bytes().isascii()  # ensure_ascii: no raw control bytes on disk


# -- outbox ------------------------------------------------------------------------------------


def test_memory_outbox_keeps_order_and_writes_nothing(tmp_path: Path) -> None:
    box = Outbox(None)
    a, b = Operation.mark("a", True), Operation.delete("b")
    box.put(a)
    box.put(b)
    assert box.pending() == [a, b]
    assert len(box) == 2
    assert list(tmp_path.iterdir()) == []


def test_outbox_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "outbox.json"
    box = Outbox(path)
    box.put(Operation.mark("a", True))
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert leftovers(path.parent, {"outbox.json"}) == []


def test_outbox_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "outbox.json"
    box = Outbox(path)
    ops = [Operation.mark("a", True), Operation.mark("b", False), Operation.delete("c")]
    for op in ops:
        box.put(op)
    again = Outbox(path)
    assert again.pending() == ops
    assert [o.op_id for o in again.pending()] == [o.op_id for o in ops]
    assert again.pending()[1].listened is False
    assert again.pending()[2].listened is None


def test_mark_then_mark_is_one_operation_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "outbox.json"
    box = Outbox(path)
    box.put(Operation.mark("a", True))
    newest = Operation.mark("a", False)
    box.put(newest)
    assert box.pending() == [newest]
    assert Outbox(path).pending() == [newest]


def test_mark_then_delete_keeps_only_the_delete(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "outbox.json")
    box.put(Operation.mark("a", True))
    box.put(Operation.mark("b", True))
    delete = Operation.delete("a")
    box.put(delete)
    kinds = [(o.voicemail_id, o.kind) for o in box.pending()]
    assert kinds == [("b", "listened"), ("a", "delete")]
    assert [(o.voicemail_id, o.kind) for o in Outbox(box.path).pending()] == kinds


def test_remove_does_not_remove_a_newer_op_on_the_same_voicemail(tmp_path: Path) -> None:
    path = tmp_path / "outbox.json"
    box = Outbox(path)
    old = Operation.mark("a", True)
    box.put(old)
    newer = Operation.mark("a", False)
    box.put(newer)
    box.remove(old)  # the answer to the old PATCH arrives late
    assert box.pending() == [newer]
    assert box.contains(newer)
    assert not box.contains(old)
    assert Outbox(path).pending() == [newer]


def test_remove_is_persisted(tmp_path: Path) -> None:
    path = tmp_path / "outbox.json"
    box = Outbox(path)
    op = Operation.delete("a")
    box.put(op)
    box.remove(op)
    assert len(Outbox(path)) == 0
    assert json.loads(path.read_text())["operations"] == []


def test_on_change_is_called_for_every_change() -> None:
    calls: list[int] = []
    box = Outbox(None, on_change=lambda: calls.append(1))
    op = Operation.mark("a", True)
    box.put(op)
    box.remove(op)
    box.remove(op)  # nothing to remove: no change
    assert len(calls) == 2


def test_outbox_file_holds_no_secret_or_url(tmp_path: Path) -> None:
    path = tmp_path / "outbox.json"
    box = Outbox(path)
    box.put(Operation.mark("0193f4cb-a", True))
    text = path.read_text()
    assert "http" not in text and "phk_" not in text and "recording" not in text


def write_raw(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload))


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
    ],
)
def test_junk_entries_are_skipped_and_good_ones_kept(tmp_path: Path, junk: object) -> None:
    path = tmp_path / "outbox.json"
    write_raw(path, {"version": 1, "operations": [junk, GOOD]})
    ops = Outbox(path).pending()
    assert [(o.kind, o.voicemail_id, o.op_id) for o in ops] == [("delete", "good", "g1")]


def test_missing_op_id_and_created_are_filled_in(tmp_path: Path) -> None:
    path = tmp_path / "outbox.json"
    write_raw(
        path,
        {"version": 1, "operations": [{"kind": "listened", "voicemail_id": "a", "listened": True}]},
    )
    (op,) = Outbox(path).pending()
    assert op.op_id and op.created > 0
    assert op.listened is True


@pytest.mark.parametrize(
    "payload",
    [{"version": 2, "operations": [GOOD]}, {"operations": [GOOD]}, [GOOD], "x", 3, None],
)
def test_unknown_version_or_shape_is_an_empty_outbox(tmp_path: Path, payload: object) -> None:
    path = tmp_path / "outbox.json"
    write_raw(path, payload)
    assert len(Outbox(path)) == 0


def test_corrupt_outbox_is_empty_and_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "outbox.json"
    path.write_text('{"version": 1, "operations": [')
    box = Outbox(path)
    assert len(box) == 0
    assert (tmp_path / "outbox.json.corrupt").exists()
    box.put(Operation.delete("a"))  # usable afterwards
    assert len(Outbox(path)) == 1


@pytest.mark.parametrize("operations", [5, None, 1.5, True])
def test_operations_not_a_list_is_an_empty_outbox(tmp_path: Path, operations: object) -> None:
    path = tmp_path / "outbox.json"
    write_raw(path, {"version": 1, "operations": operations})
    assert len(Outbox(path)) == 0


@pytest.mark.parametrize("created", ["yesterday", [1], {"t": 1}])
def test_junk_created_does_not_crash_the_load(tmp_path: Path, created: object) -> None:
    path = tmp_path / "outbox.json"
    entry = {"kind": "delete", "voicemail_id": "a", "op_id": "x", "created": created}
    write_raw(path, {"version": 1, "operations": [entry, GOOD]})
    ops = Outbox(path).pending()
    assert "good" in [o.voicemail_id for o in ops]
