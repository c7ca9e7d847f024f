"""The theme picked in the TUI is remembered in state, not in the user's config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vm_tui.local import ui_state
from vm_tui.local.config import load_settings
from vm_tui.local.ui_state import remember_theme, remembered_theme


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setattr(ui_state, "ui_state_path", lambda: folder / "ui.json")
    return folder


def test_remember_then_recall(state: Path) -> None:
    assert remembered_theme() is None
    remember_theme("gruvbox")
    assert remembered_theme() == "gruvbox"
    path = state / "ui.json"
    assert json.loads(path.read_text()) == {"theme": "gruvbox"}
    assert path.stat().st_mode & 0o777 == 0o600
    remember_theme("nord")
    assert remembered_theme() == "nord"


def test_other_state_in_the_file_is_kept(state: Path) -> None:
    state.mkdir()
    (state / "ui.json").write_text('{"sort": "oldest"}')
    remember_theme("nord")
    assert json.loads((state / "ui.json").read_text()) == {"sort": "oldest", "theme": "nord"}


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"theme": 3}', '{"theme": ""}', "\xff"])
def test_a_damaged_state_file_is_no_theme(state: Path, text: str) -> None:
    state.mkdir()
    (state / "ui.json").write_text(text)
    assert remembered_theme() is None
    remember_theme("nord")  # and it is replaced
    assert remembered_theme() == "nord"


def test_unwritable_state_does_not_raise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setattr(ui_state, "ui_state_path", lambda: blocker / "state" / "ui.json")
    remember_theme("nord")  # no exception
    assert remembered_theme() is None


def test_config_theme_wins_over_the_remembered_one(state: Path, tmp_path: Path) -> None:
    remember_theme("gruvbox")
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\n')
    assert load_settings(environ={}, path=path, use_state=True).theme == "nord"
    assert load_settings(environ={}, path=tmp_path / "none.toml", use_state=True).theme == "gruvbox"


def test_remembered_theme_is_not_read_for_hermetic_calls(state: Path, tmp_path: Path) -> None:
    remember_theme("gruvbox")
    assert load_settings(environ={}, path=tmp_path / "none.toml").theme is None


def test_remembering_never_touches_the_config(state: Path, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# mine\nbell = false\n")
    remember_theme("nord")
    assert path.read_text() == "# mine\nbell = false\n"
