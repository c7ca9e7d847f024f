"""Find and load the demo recordings (real speech mp3s plus the text each one speaks)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

MANIFEST = "manifest.json"


def recordings_dir() -> Path:
    """Where the mp3s live: inside the package for wheels, else the repo's assets/ folder."""
    # Same folder as vm_tui.demo.__file__; wheel builds force-include the mp3s there.
    packaged = Path(__file__).parent / "recordings"
    if (packaged / MANIFEST).is_file():
        return packaged
    # Editable install / source checkout: vm_tui/demo/recordings.py -> <repo>/assets/recordings
    repo = Path(__file__).resolve().parents[2] / "assets" / "recordings"
    if (repo / MANIFEST).is_file():
        return repo
    raise FileNotFoundError(
        f"demo recordings not found (looked in {packaged} and {repo}); "
        "run assets/make_recordings.py"
    )


@cache
def manifest() -> dict[str, str]:
    """Recording name -> the exact words spoken in it."""
    raw = json.loads((recordings_dir() / MANIFEST).read_text("utf-8"))
    if not isinstance(raw, dict) or not raw:
        raise ValueError(f"{MANIFEST} must be a non-empty object of name -> text")
    return {str(name): str(text) for name, text in raw.items()}


@cache
def audio(name: str) -> bytes:
    """The mp3 bytes of one recording (read once, then served from memory)."""
    if name not in manifest():
        raise KeyError(f"unknown recording {name!r}")
    return (recordings_dir() / f"{name}.mp3").read_bytes()
