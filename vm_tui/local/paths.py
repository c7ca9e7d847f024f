"""Where vm-tui keeps things on this machine (platformdirs; XDG on Linux)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_state_path

APP_NAME = "vm-tui"
ENV_CONFIG = "VM_TUI_CONFIG"


def config_path() -> Path:
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override).expanduser()
    return user_config_path(APP_NAME) / "config.toml"


def default_contacts_path() -> Path:
    return user_config_path(APP_NAME) / "contacts.toml"


def state_dir() -> Path:
    return user_state_path(APP_NAME)


def outbox_path() -> Path:
    return state_dir() / "outbox.jsonl"


def inbox_cache_path() -> Path:
    return state_dir() / "inbox-cache.json"


def seen_path() -> Path:
    return state_dir() / "seen.json"


def ui_state_path() -> Path:
    return state_dir() / "ui.json"
