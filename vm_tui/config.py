"""Settings: flags > environment > config file > OS keyring. No UI here.

The config file is TOML at the platformdirs user config path. A file that holds an API key must
not be readable by group or others (like ssh refuses a loose private key). The theme the user
picks in the TUI is remembered in a small state file, never by rewriting their config.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_config_path, user_state_path

from vm_tui.api.urls import DEFAULT_BASE_URL

if TYPE_CHECKING:
    from vm_tui.api.network import NetworkConfig

APP_NAME = "vm-tui"
ENV_API_KEY = "PHONE_INC_API_KEY"
ENV_BASE_URL = "PHONE_INC_BASE_URL"
ENV_CONFIG = "VM_TUI_CONFIG"
UI_STATE_FILE = "ui.json"


class ConfigFileError(Exception):
    """The config file is unreadable, unsafe or has a bad value; the message names the key."""


@dataclass(frozen=True)
class Settings:
    base_url: str = DEFAULT_BASE_URL
    api_key: str | None = field(default=None, repr=False)
    api_key_source: str = "none"  # "flag", "env", "config file", "keyring"
    poll_interval: float = 15.0
    bell: bool = True
    download_dir: str | None = None
    auto_advance: bool = False
    default_speed: float = 1.0
    cache: bool = True  # keep the last inbox on disk for offline starts
    notify_command: tuple[str, ...] | None = None  # argv, run without a shell on new voicemail
    theme: str | None = None  # a Textual theme name
    contacts_file: str | None = None  # None: user config dir / "contacts.toml"
    # Used when no proxy variable (HTTPS_PROXY, ALL_PROXY...) is set; may hold credentials.
    proxy: str | None = field(default=None, repr=False)
    ca_bundle: str | None = None  # a PEM file trusted on top of the OS store (absolute path)

    def __repr__(self) -> str:  # the dataclass repr would print the key
        shown = ", ".join(
            f"{f.name}={self._shown(f.name)!r}" for f in fields(self) if f.name != "api_key"
        )
        return f"Settings({shown})"

    def _shown(self, name: str) -> object:
        if name == "proxy" and self.proxy:
            return mask_proxy(self.proxy)
        return getattr(self, name)


_NUMBER = (int, float)

_FILE_KEYS: dict[str, type | tuple[type, ...]] = {
    "base_url": str,
    "api_key": str,
    "poll_interval": _NUMBER,
    "bell": bool,
    "notify_command": list,
    "theme": str,
    "download_dir": str,
    "contacts_file": str,
    "auto_advance": bool,
    "default_speed": _NUMBER,
    "cache": bool,
    "proxy": str,
    "ca_bundle": str,
}

_TYPE_NAMES: dict[type | tuple[type, ...], str] = {
    str: "a string",
    bool: "true or false",
    list: "a list of strings",
}

_RANGES: dict[str, tuple[float, float, str]] = {
    "poll_interval": (2, 3600, "between 2 and 3600 seconds"),
    "default_speed": (0.75, 2.0, "between 0.75 and 2.0"),
}

DEFAULT_CONFIG = """\
# vm-tui configuration (TOML). Every setting is optional: uncomment to change it.
# Precedence: command-line flags > environment variables > this file > the OS keyring.
# Reference: the Configuration section of vm-tui's README.

# Phone.inc API base URL (env: PHONE_INC_BASE_URL, flag: --base-url).
# base_url = "https://app.phone.inc/api/v1"

# The API key is best kept in the OS keyring: run `vm-tui auth login`. If you put it here
# instead, this file must be private (chmod 600); env PHONE_INC_API_KEY takes precedence.
# api_key = "phk_..."

# Seconds between inbox refreshes, 2 to 3600 (flag: --poll-interval).
# poll_interval = 15

# Ring the terminal bell when a new voicemail arrives.
# bell = true

# A command to run when a new voicemail arrives, as a list of arguments. It runs without a
# shell. It gets VM_TUI_CALLER, VM_TUI_CALLER_NAME, VM_TUI_LINE and VM_TUI_TRANSCRIPTION in
# its environment, and {caller}, {caller_name}, {line}, {transcription} in its arguments are
# replaced by those values (each stays one argument).
# notify_command = ["notify-send", "New voicemail", "{caller_name} {caller}: {transcription}"]

# A Textual theme, e.g. "textual-dark", "nord", "gruvbox". Without it, the theme you last
# picked in the app is used.
# theme = "textual-dark"

# Where recordings are saved (default: ~/Downloads, or the current folder).
# download_dir = "~/Downloads"

# The address book that maps numbers to names (default: contacts.toml next to this file's
# default location). Manage it with `vm-tui contacts`.
# contacts_file = "~/.config/vm-tui/contacts.toml"

# Play the next unlistened voicemail when one ends.
# auto_advance = false

# Playback speed to start with, 0.75 to 2.0.
# default_speed = 1.0

# Keep the last inbox on disk so the app opens instantly, even offline (flag: --no-cache).
# cache = true

# A proxy for people who cannot set HTTPS_PROXY: used only when no proxy variable is set
# (HTTPS_PROXY, ALL_PROXY, either case); NO_PROXY still applies. Credentials in it
# (http://user:password@host:port) go to the proxy only; then this file must be private.
# proxy = "http://proxy.example.com:3128"

# A CA certificate (PEM) to trust on top of the system store and certifi, e.g. your company's
# TLS-inspecting proxy's. A relative path is relative to this file. (env: SSL_CERT_FILE works too)
# ca_bundle = "~/company-ca.pem"
"""


def config_path() -> Path:
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override).expanduser()
    return user_config_path(APP_NAME) / "config.toml"


def state_dir() -> Path:
    return user_state_path(APP_NAME)


def default_contacts_path() -> Path:
    return user_config_path(APP_NAME) / "contacts.toml"


def contacts_path(settings: Settings) -> Path:
    if settings.contacts_file:
        return Path(settings.contacts_file).expanduser()
    return default_contacts_path()


# -- reading the file --------------------------------------------------------------------------


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
        _check_value(path, key, value)
    if "api_key" in data:
        _check_private(path, "an API key")
    elif "proxy" in data and _has_password(data["proxy"]):
        _check_private(path, "a proxy password")
    return data


def _has_password(proxy: str) -> bool:
    return mask_proxy(proxy) != proxy


def _check_value(path: Path, key: str, value: object) -> None:
    expected = _FILE_KEYS.get(key)
    if expected is None:
        known = ", ".join(sorted(_FILE_KEYS))
        raise ConfigFileError(f"{path}: unknown key '{key}' (known keys: {known})")
    if expected == _NUMBER:
        if isinstance(value, bool) or not isinstance(value, _NUMBER):
            raise ConfigFileError(f"{path}: '{key}' must be a number")
        low, high, words = _RANGES[key]
        if not (math.isfinite(value) and low <= value <= high):
            raise ConfigFileError(f"{path}: '{key}' must be {words}")
        return
    if not isinstance(value, expected):
        wanted = _TYPE_NAMES.get(expected, "another type")
        raise ConfigFileError(f"{path}: '{key}' has the wrong type (it must be {wanted})")
    if key == "notify_command":
        _check_command(path, value)  # type: ignore[arg-type]
    elif key in ("theme", "base_url", "api_key", "ca_bundle") and not str(value).strip():
        raise ConfigFileError(f"{path}: '{key}' must not be empty")
    elif key == "proxy":
        _check_proxy(path, str(value))


def _check_proxy(path: Path, value: str) -> None:
    from vm_tui.api.errors import ConfigError
    from vm_tui.api.network import check_proxy_url

    try:
        check_proxy_url(value, "'proxy'")
    except ConfigError as error:
        raise ConfigFileError(
            f'{path}: {error} (e.g. proxy = "http://proxy.example.com:3128")'
        ) from None


def mask_proxy(proxy: str) -> str:
    """The proxy URL with its password replaced by ``***`` (for `config show` and reprs)."""
    from vm_tui.api.network import mask_proxy_url

    return mask_proxy_url(proxy)


def _check_command(path: Path, value: list[object]) -> None:
    if not value or not all(isinstance(item, str) for item in value):
        raise ConfigFileError(
            f"{path}: 'notify_command' must be a non-empty list of strings, e.g. "
            '["notify-send", "New voicemail"] (it runs without a shell)'
        )
    first = str(value[0])
    if not first.strip() or "\x00" in "".join(str(item) for item in value):
        raise ConfigFileError(f"{path}: 'notify_command' needs a program name first")


def _check_private(path: Path, what: str) -> None:
    if os.name != "posix":
        return
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigFileError(
            f"{path} holds {what} but is readable by others "
            f"(mode {stat.S_IMODE(mode):03o}); fix it with: chmod 600 {path}"
        )


def _settings_from_file(file: dict[str, Any], path: Path) -> dict[str, Any]:
    values = {k: v for k, v in file.items() if k in _FILE_KEYS and k != "api_key"}
    if "notify_command" in values:
        values["notify_command"] = tuple(values["notify_command"])
    for key in ("poll_interval", "default_speed"):
        if key in values:
            values[key] = float(values[key])
    for key in ("contacts_file", "ca_bundle"):
        if key in values:
            # A relative path is relative to the config file, not to wherever vm-tui is started.
            named = Path(values[key]).expanduser()
            if not named.is_absolute():
                named = path.parent / named
            values[key] = str(named)
    if "proxy" in values:
        values["proxy"] = values["proxy"].strip()
    return values


def network_config(settings: Settings, environ: dict[str, str] | None = None) -> NetworkConfig:
    """Proxies and CAs for the clients: the environment's variables (``os.environ`` by
    default), then the config file's ``proxy`` and ``ca_bundle``."""
    from vm_tui.api.network import NetworkConfig

    return NetworkConfig.from_environment(
        environ, proxy=settings.proxy, ca_bundle=settings.ca_bundle
    )


# -- merging -----------------------------------------------------------------------------------


def load_settings(
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    poll_interval: float | None = None,
    cache: bool | None = None,
    environ: dict[str, str] | None = None,
    path: Path | None = None,
    use_keyring: bool | None = None,
    use_state: bool | None = None,
) -> Settings:
    """Merge flags (the arguments), then the environment, then the config file, then the keyring.

    ``use_keyring`` / ``use_state``: read the OS keyring / the remembered theme. By default only
    when reading the real environment (``environ`` is None), so calls with an explicit
    environment stay hermetic.
    """
    env = os.environ if environ is None else environ
    use_keyring = environ is None if use_keyring is None else use_keyring
    use_state = environ is None if use_state is None else use_state
    file_path = path or config_path()
    file = load_file(file_path)
    settings = replace(Settings(), **_settings_from_file(file, file_path))
    if file.get("api_key", "").strip():
        settings = replace(settings, api_key=file["api_key"].strip(), api_key_source="config file")
    if env.get(ENV_BASE_URL, "").strip():
        settings = replace(settings, base_url=env[ENV_BASE_URL].strip())
    if env.get(ENV_API_KEY, "").strip():
        settings = replace(settings, api_key=env[ENV_API_KEY].strip(), api_key_source="env")
    if base_url:
        settings = replace(settings, base_url=base_url)
    if api_key and api_key.strip():
        settings = replace(settings, api_key=api_key.strip(), api_key_source="flag")
    if poll_interval is not None:
        settings = replace(settings, poll_interval=poll_interval)
    if cache is not None:
        settings = replace(settings, cache=cache)
    if settings.api_key is None and use_keyring:
        from vm_tui.keys_store import KeyringUnavailable, get_key

        try:
            stored = get_key(settings.base_url)
        except KeyringUnavailable:
            stored = None  # `vm-tui auth status` reports why
        if stored:
            settings = replace(settings, api_key=stored, api_key_source="keyring")
    if settings.theme is None and use_state:
        settings = replace(settings, theme=remembered_theme())
    return settings


# -- writing private files ---------------------------------------------------------------------


def write_private(path: Path, text: str) -> None:
    """Write ``text`` atomically to ``path`` with mode 0600 (its folder made 0700 if new)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temp = path.parent / f".{path.name}.tmp-{os.getpid()}"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, 0o600)  # O_CREAT's mode is masked by the umask and ignored if it existed
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def init_config(path: Path, *, force: bool = False) -> None:
    """Write the commented default config; refuse to replace an existing file unless ``force``."""
    if path.exists() and not force:
        raise ConfigFileError(f"{path} already exists (use --force to replace it)")
    try:
        write_private(path, DEFAULT_CONFIG)
    except OSError as error:
        raise ConfigFileError(f"cannot write {path}: {error.strerror or error}") from None


# -- the API key in the config file (the fallback when no keyring is usable) -------------------

_KEY_LINE = re.compile(r"^[ \t]*api_key[ \t]*=.*(?:\r?\n|\Z)", re.MULTILINE)


def toml_string(value: str) -> str:
    """A TOML basic string for ``value`` (controls escaped, so any text round-trips)."""
    out = ['"']
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigFileError(f"cannot read {path}: {error}") from None


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigFileError(f"{path}: not valid TOML ({error}); fix it first") from None


def _write_checked(path: Path, text: str, expected: dict[str, Any]) -> None:
    """Write the edited file only if it parses to exactly what we meant (nothing else lost)."""
    try:
        edited = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        edited = None
    if edited != expected:
        raise ConfigFileError(f"{path}: cannot edit 'api_key' automatically; edit the file by hand")
    try:
        write_private(path, text)
    except OSError as error:
        raise ConfigFileError(f"cannot write {path}: {error.strerror or error}") from None


def store_key_in_file(path: Path, key: str) -> None:
    """Set ``api_key`` in the config file, keeping the rest of it, and make the file 0600."""
    text = _read_text(path)
    data = _parse(path, text)
    line = f"api_key = {toml_string(key)}\n"
    found = _KEY_LINE.search(text)
    if found:
        text = text[: found.start()] + line + _KEY_LINE.sub("", text[found.start() :])
    else:
        # Top-level keys must come before any [table].
        table = re.search(r"^[ \t]*\[", text, re.MULTILINE)
        at = table.start() if table else len(text)
        head = text[:at]
        if head and not head.endswith("\n"):
            head += "\n"
        text = head + line + text[at:]
    _write_checked(path, text, {**data, "api_key": key})


def remove_key_from_file(path: Path) -> bool:
    """Remove ``api_key`` from the config file; False when it had none."""
    text = _read_text(path)
    data = _parse(path, text)
    if "api_key" not in data:
        return False
    data.pop("api_key")
    _write_checked(path, _KEY_LINE.sub("", text), data)
    return True


def file_has_key(path: Path) -> bool:
    try:
        return bool(str(tomllib.loads(_read_text(path)).get("api_key", "")).strip())
    except (tomllib.TOMLDecodeError, ConfigFileError):
        return False


# -- the remembered theme ----------------------------------------------------------------------


def _ui_state_path() -> Path:
    return state_dir() / UI_STATE_FILE


def remember_theme(theme: str, *, path: Path | None = None) -> None:
    """Remember the theme picked in the TUI (state_dir()/ui.json, 0600). Never raises OSError."""
    target = path or _ui_state_path()
    state = _read_ui_state(target)
    state["theme"] = theme
    # A read-only home must not crash the app; the theme is just not remembered.
    with contextlib.suppress(OSError):
        write_private(target, json.dumps(state, indent=2) + "\n")


def remembered_theme(*, path: Path | None = None) -> str | None:
    theme = _read_ui_state(path or _ui_state_path()).get("theme")
    return theme if isinstance(theme, str) and theme.strip() else None


def _read_ui_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
