"""Saving a recording to a file: safe names from API data, never outside the chosen folder."""

from __future__ import annotations

import re
from pathlib import Path

from vm_tui.api.models import Voicemail

from .files import LocalFileError, StorageError, write_private

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9+._-]+")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10))} | {
    f"lpt{i}" for i in range(10)
}


class SaveError(LocalFileError):
    """The file could not be written; the message says why."""


def recording_filename(voicemail: Voicemail) -> str:
    """``voicemail-+14085550199-2026-05-11-1348.mp3``, built only from safe characters."""
    caller = _UNSAFE_NAME.sub("_", voicemail.caller).strip("._") or "unknown"
    stamp = voicemail.created_at.strftime("%Y-%m-%d-%H%M%S")
    return sanitise_filename(f"voicemail-{caller[:32]}-{stamp}.mp3")


def sanitise_filename(name: str) -> str:
    """Reduce ``name`` to one safe path component (no separators, '..', controls, reserved)."""
    name = _UNSAFE_NAME.sub("_", name).strip("._ ")
    if not name or name.split(".")[0].lower() in _WINDOWS_RESERVED:
        name = f"recording_{name}" if name else "recording.mp3"
    return name[:120]


def default_download_dir(configured: str | None = None) -> Path:
    if configured:
        return Path(configured).expanduser()
    downloads = Path.home() / "Downloads"
    return downloads if downloads.is_dir() else Path.cwd()


def save_bytes(data: bytes, destination: Path, *, force: bool = False) -> Path:
    """Write ``data`` to ``destination``; refuse to overwrite unless ``force``. Atomic."""
    destination = destination.expanduser()
    if destination.is_dir():
        raise SaveError(f"{destination} is a folder; give a file name")
    if destination.exists() and not force:
        raise SaveError(f"{destination} already exists (use --force to overwrite)")
    folder = destination.parent
    if not folder.is_dir():
        raise SaveError(f"folder {folder} does not exist")
    try:
        write_private(destination, data, mode=0o644)  # a recording the user keeps: readable
    except StorageError as error:
        raise SaveError(str(error)) from None
    return destination


def save_in_folder(data: bytes, folder: Path, name: str) -> Path:
    """Save under ``folder`` with a safe ``name``, adding -1, -2 ... rather than overwriting."""
    folder = folder.expanduser()
    safe = sanitise_filename(name)
    stem, dot, suffix = safe.rpartition(".")
    if not dot:
        stem, suffix = safe, ""
    candidate = folder / safe
    counter = 1
    while candidate.exists():
        candidate = folder / (f"{stem}-{counter}.{suffix}" if suffix else f"{stem}-{counter}")
        counter += 1
    # The name has no separators, so the file is inside the folder; check anyway.
    if candidate.resolve().parent != folder.resolve():
        raise SaveError(f"refusing to write {candidate}: it leads outside the folder {folder}")
    return save_bytes(data, candidate)
