"""What the TUI remembers between runs (the theme picked last), never by rewriting the config."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .files import StorageError, write_private
from .paths import ui_state_path


def remember_theme(theme: str, *, path: Path | None = None) -> StorageError | None:
    """Remember the theme picked in the TUI (state_dir()/ui.json, 0600). Never raises: a
    read-only home must not crash the app. Returns why it could not be written (the app tells
    the user once), or None."""
    target = path or ui_state_path()
    state = _read_ui_state(target)
    state["theme"] = theme
    try:
        write_private(target, json.dumps(state, indent=2) + "\n")
    except StorageError as error:
        return error
    return None


def remembered_theme(*, path: Path | None = None) -> str | None:
    theme = _read_ui_state(path or ui_state_path()).get("theme")
    return theme if isinstance(theme, str) and theme.strip() else None


def _read_ui_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
