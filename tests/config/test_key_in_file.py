"""The 0600 fallback: api_key written into (and removed from) the user's config, nothing lost."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from vm_tui.local.config import ConfigFileError, load_settings
from vm_tui.local.key_in_file import (
    file_has_key,
    remove_key_from_file,
    store_key_in_file,
    toml_string,
)

KEY = "phk_FileKeyFileKeyFileKeyFileKey"
MINE = '# my settings\npoll_interval = 30  # slower\nnotify_command = ["notify-send", "vm"]\n'


def test_creates_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    store_key_in_file(path, KEY)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert tomllib.loads(path.read_text()) == {"api_key": KEY}
    assert load_settings(environ={}, path=path).api_key_source == "config file"


def test_keeps_everything_else_and_tightens_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(MINE)
    path.chmod(0o644)
    store_key_in_file(path, KEY)
    text = path.read_text()
    assert "# my settings" in text and "# slower" in text
    assert tomllib.loads(text) == {
        "api_key": KEY,
        "poll_interval": 30,
        "notify_command": ["notify-send", "vm"],
    }
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_settings(environ={}, path=path).api_key == KEY  # the loose-mode check passes


def test_replaces_an_old_key_in_place(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('bell = false\napi_key = "phk_old"\ncache = false\n')
    path.chmod(0o600)
    store_key_in_file(path, KEY)
    assert path.read_text() == f'bell = false\napi_key = "{KEY}"\ncache = false\n'


def test_a_file_without_a_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("bell = false")
    store_key_in_file(path, KEY)
    assert tomllib.loads(path.read_text()) == {"bell": False, "api_key": KEY}


def test_invalid_toml_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("bell = = false\n")
    with pytest.raises(ConfigFileError, match="not valid TOML"):
        store_key_in_file(path, KEY)
    assert path.read_text() == "bell = = false\n"


def test_remove(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(MINE)
    store_key_in_file(path, KEY)
    assert file_has_key(path)
    assert remove_key_from_file(path) is True
    assert path.read_text() == MINE
    assert KEY not in path.read_text()
    assert not file_has_key(path)
    assert remove_key_from_file(path) is False
    assert remove_key_from_file(tmp_path / "missing.toml") is False


def test_a_key_it_cannot_edit_safely_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    text = "api_key = '''\nphk_multi'''\n"
    path.write_text(text)
    with pytest.raises(ConfigFileError, match="by hand"):
        remove_key_from_file(path)
    assert path.read_text() == text


@pytest.mark.parametrize("value", ['a"b', "back\\slash", "tab\there", "nl\nx", "\x1b[31m", "é\x7f"])
def test_toml_string_round_trips(value: str) -> None:
    assert tomllib.loads(f"v = {toml_string(value)}")["v"] == value
