"""Saving recordings: safe names from API data, no overwrite, never outside the folder."""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import vm
from vm_tui.local.saving import (
    SaveError,
    recording_filename,
    sanitise_filename,
    save_bytes,
    save_in_folder,
)

SAFE = re.compile(r"[A-Za-z0-9+._-]+")
RESERVED = (
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)

HOSTILE = [
    "../../etc/passwd",
    "/etc/passwd",
    "a/b",
    "a\\b",
    "\x1b]2;x\x07",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x00evil",
    "CON",
    "con.mp3",
    "LPT1.txt",
    "..",
    ".",
    "...",
    "",
    " ",
    "x" * 300,
    "日本語の留守電.mp3",
    "\u202eevil\u202cmp3.exe",
    "~/.ssh/authorized_keys",
    ".bashrc",
    "a\nb\rc\td",
    "%2e%2e%2fetc",
]


def assert_safe_component(name: str) -> None:
    assert name, "empty name"
    assert SAFE.fullmatch(name), name
    assert name not in (".", "..")
    assert not name.startswith("."), name  # no hidden files, no '..'
    assert len(name) <= 120
    assert name.split(".")[0].lower() not in RESERVED, name
    assert os.sep not in name and "/" not in name and "\\" not in name


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_become_one_safe_component(name: str) -> None:
    assert_safe_component(sanitise_filename(name))


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_saved_inside_the_folder(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    saved = save_in_folder(b"data", folder, name)
    assert saved.parent.resolve() == folder.resolve()
    assert saved.read_bytes() == b"data"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["downloads"]
    assert [p.name for p in folder.iterdir()] == [saved.name]


def test_ordinary_names_are_kept() -> None:
    assert sanitise_filename("voicemail-+14085550199-2026-05-11.mp3") == (
        "voicemail-+14085550199-2026-05-11.mp3"
    )
    assert sanitise_filename("a b.mp3") == "a_b.mp3"


def test_reserved_names_get_a_prefix() -> None:
    assert sanitise_filename("CON") == "recording_CON"
    assert sanitise_filename("nul.mp3") == "recording_nul.mp3"
    assert sanitise_filename("console.mp3") == "console.mp3"


def test_empty_and_dots_get_a_default_name() -> None:
    for name in ("", ".", "..", "...", " . "):
        assert sanitise_filename(name) == "recording.mp3"


def test_long_names_are_capped() -> None:
    assert len(sanitise_filename("y" * 300 + ".mp3")) == 120


@settings(deadline=None, max_examples=300)
@given(st.text(max_size=400))
def test_any_text_becomes_a_safe_component(name: str) -> None:
    assert_safe_component(sanitise_filename(name))


def test_recording_filename_from_hostile_api_data() -> None:
    hostile = replace(vm("a"), caller="../../\x1b]2;pwn\x07/etc/passwd" + "9" * 100)
    name = recording_filename(hostile)
    assert_safe_component(name)
    assert name.startswith("voicemail-") and name.endswith(".mp3")
    assert "2026-05-11" in name


def test_recording_filename_of_an_ordinary_voicemail() -> None:
    name = recording_filename(vm("a"))
    assert name.startswith("voicemail-+14085550199-2026-05-11-")
    assert name.endswith(".mp3")


def test_recording_filename_with_an_empty_caller() -> None:
    name = recording_filename(replace(vm("a"), caller="\x1b\x07/.."))
    assert_safe_component(name)
    assert "unknown" in name


# -- writing -----------------------------------------------------------------------------------


def test_save_bytes_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "a.mp3"
    assert save_bytes(b"one", target) == target
    with pytest.raises(SaveError, match="already exists"):
        save_bytes(b"two", target)
    assert target.read_bytes() == b"one"
    save_bytes(b"three", target, force=True)
    assert target.read_bytes() == b"three"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp3"]  # no .part left


def test_save_bytes_refuses_a_folder_and_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(SaveError, match="folder"):
        save_bytes(b"x", tmp_path)
    with pytest.raises(SaveError, match="does not exist"):
        save_bytes(b"x", tmp_path / "missing" / "a.mp3")
    assert list(tmp_path.iterdir()) == []


def test_save_bytes_does_not_write_through_an_existing_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious")
    folder = tmp_path / "dl"
    folder.mkdir()
    (folder / "a.mp3").symlink_to(outside)
    with pytest.raises(SaveError):
        save_bytes(b"evil", folder / "a.mp3")
    assert outside.read_bytes() == b"precious"


def test_save_in_folder_adds_counters(tmp_path: Path) -> None:
    first = save_in_folder(b"1", tmp_path, "a.mp3")
    second = save_in_folder(b"2", tmp_path, "a.mp3")
    third = save_in_folder(b"3", tmp_path, "a.mp3")
    assert [first.name, second.name, third.name] == ["a.mp3", "a-1.mp3", "a-2.mp3"]
    assert [p.read_bytes() for p in (first, second, third)] == [b"1", b"2", b"3"]


def test_save_in_folder_counters_without_a_suffix(tmp_path: Path) -> None:
    names = [save_in_folder(b"x", tmp_path, "noext").name for _ in range(3)]
    assert names == ["noext", "noext-1", "noext-2"]


def test_save_in_folder_with_a_traversal_name_stays_inside(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    (tmp_path / "a" / "passwd").write_bytes(b"keep")
    saved = save_in_folder(b"evil", folder, "../passwd")
    assert saved.parent == folder
    assert (tmp_path / "a" / "passwd").read_bytes() == b"keep"


def test_save_in_folder_skips_a_symlink_pointing_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside.mp3"
    outside.write_bytes(b"precious")
    folder = tmp_path / "dl"
    folder.mkdir()
    (folder / "a.mp3").symlink_to(outside)
    saved = save_in_folder(b"new", folder, "a.mp3")
    assert saved == folder / "a-1.mp3"
    assert outside.read_bytes() == b"precious"


def test_save_in_folder_does_not_follow_a_dangling_symlink_out(tmp_path: Path) -> None:
    folder = tmp_path / "dl"
    folder.mkdir()
    (folder / "a.mp3").symlink_to(tmp_path / "planted.mp3")  # dangling, points outside
    with contextlib.suppress(SaveError):  # refusing or replacing the link are both fine
        save_in_folder(b"new", folder, "a.mp3")
    assert not (tmp_path / "planted.mp3").exists()
