"""Settings: flags > environment > config file > OS keyring. No UI here.

The config file is TOML at the platformdirs user config path. A file that holds an API key must
not be readable by group or others (like ssh refuses a loose private key). The theme the user
picks in the TUI is remembered in a small state file, never by rewriting their config.
"""

from __future__ import annotations

import math
import os
import stat
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vm_tui.api.urls import DEFAULT_BASE_URL

from .files import LocalFileError, StorageError, write_private
from .paths import config_path, default_contacts_path

if TYPE_CHECKING:
    from vm_tui.api.network import NetworkConfig

ENV_API_KEY = "PHONE_INC_API_KEY"
ENV_BASE_URL = "PHONE_INC_BASE_URL"


class ConfigFileError(LocalFileError):
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
    skip_silence: bool = False  # shorten long pauses while playing (key S)
    voice_boost: bool = False  # level quiet callers' loudness (key B)
    audio_cache_mb: float = 64.0  # decoded audio kept in memory, at most
    cache: bool = True  # keep the last inbox on disk for offline starts
    notify_command: tuple[str, ...] | None = None  # argv, run without a shell on new voicemail
    call_command: tuple[str, ...] | None = None  # argv for C (call back); None: the tel: handler
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
    "call_command": list,
    "theme": str,
    "download_dir": str,
    "contacts_file": str,
    "auto_advance": bool,
    "default_speed": _NUMBER,
    "skip_silence": bool,
    "voice_boost": bool,
    "audio_cache_mb": _NUMBER,
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
    "audio_cache_mb": (8, 4096, "between 8 and 4096 (megabytes)"),
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

# The command C (and `vm-tui call ID`) runs to call a caller back, as a list of arguments,
# without a shell: {number} (the caller's number, +E.164) and {name} (their contact name, or
# empty) are replaced inside arguments, each staying one argument. Without it, tel:+NUMBER is
# opened with the desktop's handler (xdg-open, open, start), which is how softphones take calls.
# call_command = ["linphonecsh", "dial", "{number}"]

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

# Shorten every pause longer than half a second to a quarter second, and trim the silence
# before the first word and after the last (key S toggles it while listening).
# skip_silence = false

# Level loudness for speech, so a caller who mumbled is as easy to hear (key B).
# voice_boost = false

# Megabytes of decoded audio kept in memory (a 3-hour recording is played from disk in parts).
# audio_cache_mb = 64

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
    if key in ("notify_command", "call_command"):
        _check_command(path, key, value)  # type: ignore[arg-type]
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


_COMMAND_EXAMPLES = {
    "notify_command": '["notify-send", "New voicemail"]',
    "call_command": '["linphonecsh", "dial", "{number}"]',
}


def _check_command(path: Path, key: str, value: list[object]) -> None:
    if not value or not all(isinstance(item, str) for item in value):
        raise ConfigFileError(
            f"{path}: '{key}' must be a non-empty list of strings, e.g. "
            f"{_COMMAND_EXAMPLES[key]} (it runs without a shell)"
        )
    first = str(value[0])
    if not first.strip() or "\x00" in "".join(str(item) for item in value):
        raise ConfigFileError(f"{path}: '{key}' needs a program name first")


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
    for key in ("notify_command", "call_command"):
        if key in values:
            values[key] = tuple(values[key])
    for key in ("poll_interval", "default_speed", "audio_cache_mb"):
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
        from vm_tui.local.keyring import KeyringUnavailable, get_key

        try:
            stored = get_key(settings.base_url)
        except KeyringUnavailable:
            stored = None  # `vm-tui auth status` reports why
        if stored:
            settings = replace(settings, api_key=stored, api_key_source="keyring")
    if settings.theme is None and use_state:
        from .ui_state import remembered_theme

        settings = replace(settings, theme=remembered_theme())
    return settings


# -- writing private files ---------------------------------------------------------------------


def init_config(path: Path, *, force: bool = False) -> None:
    """Write the commented default config; refuse to replace an existing file unless ``force``."""
    if path.exists() and not force:
        raise ConfigFileError(f"{path} already exists (use --force to replace it)")
    try:
        write_private(path, DEFAULT_CONFIG)
    except StorageError as error:
        raise ConfigFileError(str(error)) from None
