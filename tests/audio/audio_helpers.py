"""Fakes and helpers for the audio tests (a module, not conftest, so imports are unambiguous)."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

from vm_tui.audio import Pcm

REPO_ROOT = Path(__file__).resolve().parents[2]
# The demo recordings (made by assets/make_recordings.py); tests over them are parametrized.
ASSET_MP3S = sorted((REPO_ROOT / "assets" / "recordings").glob("*.mp3"))


def ffprobe_duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
        check=True,
        capture_output=True,
    ).stdout
    return float(json.loads(out)["format"]["duration"])


def ramp_pcm(seconds: float = 10.0, rate: int = 8000, channels: int = 1) -> Pcm:
    """PCM whose every frame differs from its neighbours, so a wrong slice can't compare equal."""
    frames = int(seconds * rate)
    data = b"".join((i % 65536).to_bytes(2, "little") * channels for i in range(frames))
    return Pcm(data, sample_rate=rate, channels=channels)


class FakeHandle:
    def __init__(self, data: bytes, channels: int, sample_width: int, sample_rate: int) -> None:
        self.data = data
        self.channels = channels
        self.sample_width = sample_width
        self.sample_rate = sample_rate
        self.playing = True
        self.stopped = False
        self.threads: set[str] = set()

    def is_playing(self) -> bool:
        self.threads.add(threading.current_thread().name)
        return self.playing

    def stop(self) -> None:
        self.threads.add(threading.current_thread().name)
        self.stopped = True
        self.playing = False

    def finish(self) -> None:
        """The audio ran out by itself."""
        self.playing = False


class FakeBackend:
    def __init__(self) -> None:
        self.handles: list[FakeHandle] = []
        self.fail_with: Exception | None = None
        self.gate: threading.Event | None = None  # when set, play() blocks until it is set
        self.entered = threading.Event()
        self.threads: set[str] = set()

    def play(self, data: bytes, channels: int, sample_width: int, sample_rate: int) -> FakeHandle:
        self.threads.add(threading.current_thread().name)
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(10)
        if self.fail_with is not None:
            raise self.fail_with
        handle = FakeHandle(data, channels, sample_width, sample_rate)
        self.handles.append(handle)
        return handle

    @property
    def last(self) -> FakeHandle:
        return self.handles[-1]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def ffmpeg_pcm(mp3: bytes, rate: int = 16000) -> bytes:
    """What the app should play for ``mp3``, decoded by ffmpeg run here (not by vm-tui's code):
    mono, 16-bit, at no more than 16 kHz, from a file (ffmpeg then drops the encoder's padding,
    as it does for the app, which decodes the recording from disk)."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".mp3") as source:
        source.write(mp3)
        source.flush()
        return subprocess.run(
            [
                *("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", source.name),
                *("-map", "0:a:0", "-ac", "1", "-ar", str(rate), "-f", "s16le", "pipe:1"),
            ],
            capture_output=True,
            check=True,
        ).stdout
