"""Long recordings for the bench, made once from the committed speech and kept in bench/.cache/.

A block of ten minutes is encoded once (the committed recordings one after another, as many
times as it takes, re-encoded mono 22.05 kHz 32 kbit/s as Phone.inc's are); every length is
then that block stream-copied end to end and cut, which takes well under a second even for
3 hours (43 MB). Files are written under a temporary name and renamed, so an interrupted run
never leaves half a recording in the cache.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.procs import REPO

CACHE = REPO / "bench" / ".cache"
SPEECH = REPO / "assets" / "recordings"
BLOCK_SECONDS = 600
VERSION = 1  # bump when the way recordings are made changes: old files are then not used
ENCODING = ("-ac", "1", "-ar", "22050", "-c:a", "libmp3lame", "-b:a", "32k")


class AudioUnavailable(RuntimeError):
    """ffmpeg is missing or failed: the rows that need long recordings say so."""


def _ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found is None:
        raise AudioUnavailable("ffmpeg not found: long recordings cannot be made")
    return found


def _run(args: list[str]) -> None:
    proc = subprocess.run(
        [_ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        tail = proc.stderr.decode(errors="replace").strip().splitlines() or ["?"]
        raise AudioUnavailable(f"ffmpeg failed: {tail[-1]}")


def _speech_seconds() -> float:
    """Roughly how long the committed recordings last together (from their size: 32 kbit/s)."""
    total = sum(p.stat().st_size for p in SPEECH.glob("*.mp3"))
    return max(1.0, total / 4000)


def _concat_list(files: list[Path], folder: Path) -> Path:
    listing = folder / "list.txt"
    listing.write_text("".join(f"file '{f}'\n" for f in files), encoding="utf-8")
    return listing


def _atomic(target: Path, make: Callable[[Path, Path], None]) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE, prefix=".making-") as scratch:
        out = Path(scratch) / target.name
        make(out, Path(scratch))
        os.replace(out, target)
    return target


def _block() -> Path:
    target = CACHE / f"speech-block-{BLOCK_SECONDS}s-v{VERSION}.mp3"
    if target.exists():
        return target

    def make(out: Path, scratch: Path) -> None:
        speech = sorted(SPEECH.glob("*.mp3"))
        if not speech:
            raise AudioUnavailable(f"no recordings in {SPEECH}")
        rounds = math.ceil(BLOCK_SECONDS * 1.2 / _speech_seconds())
        listing = _concat_list(speech * rounds, scratch)
        concat = ["-f", "concat", "-safe", "0", "-i", str(listing)]
        _run([*concat, "-t", str(BLOCK_SECONDS), *ENCODING, str(out)])

    return _atomic(target, make)


def recording(seconds: int) -> Path:
    """An mp3 of speech lasting ``seconds`` (made on first use, then from the cache)."""
    target = CACHE / f"speech-{seconds}s-v{VERSION}.mp3"
    if target.exists():
        return target
    block = _block()

    def make(out: Path, scratch: Path) -> None:
        copies = math.ceil(seconds / (BLOCK_SECONDS * 0.98)) + 1
        listing = _concat_list([block] * copies, scratch)
        concat = ["-f", "concat", "-safe", "0", "-i", str(listing)]
        _run([*concat, "-t", str(seconds), "-c", "copy", str(out)])

    return _atomic(target, make)
