"""Settings: flags > environment > config file. No UI here.

The config file is TOML at the platformdirs user config path. A file that holds an API key must
not be readable by group or others (like ssh refuses a loose private key).
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_config_path, user_state_path

from vm_tui.api.urls import DEFAULT_BASE_URL

APP_NAME = "vm-tui"
ENV_API_KEY = "PHONE_INC_API_KEY"
ENV_BASE_URL = "PHONE_INC_BASE_URL"
ENV_CONFIG = "VM_TUI_CONFIG"


class ConfigFileError(Exception):
    """The config file is unreadable, unsafe or has a bad value; the message names the key."""


@dataclass(frozen=True)
class Settings:
    base_url: str = DEFAULT_BASE_URL
    api_key: str | None = field(default=None, repr=False)
    api_key_source: str = "none"  # "flag", "env", "config file"
    poll_interval: float = 15.0
    bell: bool = True
    download_dir: str | None = None
    auto_advance: bool = False
    default_speed: float = 1.0
    cache: bool = True  # keep the last inbox on disk for offline starts

    def __repr__(self) -> str:  # the dataclass repr would print the key
        shown = ", ".join(
            f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.name != "api_key"
        )
        return f"Settings({shown})"


_FILE_KEYS: dict[str, type | tuple[type, ...]] = {
    "base_url": str,
    "api_key": str,
    "poll_interval": (int, float),
    "bell": bool,
    "download_dir": str,
    "auto_advance": bool,
    "default_speed": (int, float),
    "cache": bool,
}


def config_path() -> Path:
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override).expanduser()
    return user_config_path(APP_NAME) / "config.toml"


def state_dir() -> Path:
    return user_state_path(APP_NAME)


def load_file(path: Path) -> dict[str, Any]:
    """Read and check the config file; a missing file is an empty config."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ConfigFileError(f"cannot read {path}: {error.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigFileError(f"{path}: not valid TOML ({error})") from None
    for key, value in data.items():
        expected = _FILE_KEYS.get(key)
        if expected is None:
            known = ", ".join(sorted(_FILE_KEYS))
            raise ConfigFileError(f"{path}: unknown key '{key}' (known keys: {known})")
        if isinstance(value, bool) and expected in ((int, float),):
            raise ConfigFileError(f"{path}: '{key}' must be a number")
        if not isinstance(value, expected):
            raise ConfigFileError(f"{path}: '{key}' has the wrong type")
    if "api_key" in data:
        _check_private(path)
    if "poll_interval" in data and not 2 <= float(data["poll_interval"]) <= 3600:
        raise ConfigFileError(f"{path}: 'poll_interval' must be between 2 and 3600 seconds")
    if "default_speed" in data and not 0.75 <= float(data["default_speed"]) <= 2.0:
        raise ConfigFileError(f"{path}: 'default_speed' must be between 0.75 and 2.0")
    return data


def _check_private(path: Path) -> None:
    if os.name != "posix":
        return
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigFileError(
            f"{path} holds an API key but is readable by others "
            f"(mode {stat.S_IMODE(mode):03o}); fix it with: chmod 600 {path}"
        )


def load_settings(
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    poll_interval: float | None = None,
    environ: dict[str, str] | None = None,
    path: Path | None = None,
) -> Settings:
    """Merge flags (the arguments), then the environment, then the config file."""
    env = os.environ if environ is None else environ
    file = load_file(path or config_path())
    settings = Settings()
    settings = replace(
        settings,
        **{k: v for k, v in file.items() if k in _FILE_KEYS and k != "api_key"},
    )
    if "api_key" in file:
        settings = replace(settings, api_key=file["api_key"], api_key_source="config file")
    if env.get(ENV_BASE_URL):
        settings = replace(settings, base_url=env[ENV_BASE_URL])
    if env.get(ENV_API_KEY):
        settings = replace(settings, api_key=env[ENV_API_KEY].strip(), api_key_source="env")
    if base_url:
        settings = replace(settings, base_url=base_url)
    if api_key:
        settings = replace(settings, api_key=api_key.strip(), api_key_source="flag")
    if poll_interval is not None:
        settings = replace(settings, poll_interval=poll_interval)
    return settings
