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


# Recordings a test or a benchmark adds (a 3-hour call, a pause of 3 s...): name -> mp3 bytes.
_ADDED: dict[str, bytes] = {}


def add(name: str, mp3: bytes) -> None:
    """Serve ``mp3`` as recording ``name`` (then ``add_voicemail(recording=name)``)."""
    _ADDED[name] = mp3


def known(name: str) -> bool:
    return name in _ADDED or name in manifest()


def audio(name: str) -> bytes:
    """The mp3 bytes of one recording (the committed ones read once, then from memory)."""
    if name in _ADDED:
        return _ADDED[name]
    return _committed(name)


@cache
def _committed(name: str) -> bytes:
    if name not in manifest():
        raise KeyError(f"unknown recording {name!r}")
    return (recordings_dir() / f"{name}.mp3").read_bytes()
