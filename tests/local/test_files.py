"""Private files: modes, atomicity, temporary files left by a crash, errors naming the file."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from vm_tui.local.files import (
    StorageError,
    read_json,
    remove_stale_temp_files,
    write_private,
    write_private_json,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


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


def test_a_temp_file_left_by_a_crashed_writer_is_removed_at_the_next_start(tmp_path: Path) -> None:
    import subprocess
    import sys

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    left = tmp_path / f".outbox.jsonl.{dead.stdout.strip()}.tmp"
    left.write_text("half")
    mine = tmp_path / f".cache.json.{os.getpid()}.tmp"  # a writer still alive: not touched
    mine.write_text("writing")
    other = tmp_path / ".keep.me"
    other.write_text("x")
    assert remove_stale_temp_files(tmp_path) == [left]
    assert not left.exists() and mine.exists() and other.exists()


def test_a_write_that_cannot_happen_names_the_file(tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(StorageError) as caught:
        write_private(blocker / "outbox.jsonl", "x")
    assert str(blocker) in str(caught.value)
    assert "a file is in the way" in str(caught.value)


def test_a_folder_where_the_file_should_be(tmp_path: Path) -> None:
    (tmp_path / "ui.json").mkdir()
    with pytest.raises(StorageError) as caught:
        write_private(tmp_path / "ui.json", "{}")
    assert str(tmp_path / "ui.json") in str(caught.value)
    assert list(p.name for p in tmp_path.iterdir()) == ["ui.json"]  # no temp file left
