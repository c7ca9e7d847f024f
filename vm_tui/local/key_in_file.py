"""The API key in the config file: the fallback when no keyring is usable.

The file is edited in place (comments and the other keys kept) and the result is checked: it
must parse to exactly what was meant, or nothing is written.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from .config import ConfigFileError
from .files import StorageError, write_private

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
    except StorageError as error:
        raise ConfigFileError(str(error)) from None


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
