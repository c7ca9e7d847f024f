"""Audio fixtures: real mp3s made on the spot with espeak-ng + ffmpeg (no skips)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from vm_tui.audio import Pcm, decode

SPEECH = "Hi, this is Dana from Acme. Please call me back about the invoice. Thanks."


def _run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audio-media")


@pytest.fixture(scope="session")
def speech_mp3(media_dir: Path) -> Path:
    """About 3-4 s of real speech, mono 22.05 kHz, as a voicemail would arrive."""
    wav, mp3 = media_dir / "speech.wav", media_dir / "speech.mp3"
    _run(["espeak-ng", "-s", "190", "-w", str(wav), SPEECH])
    _run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-b:a", "64k", str(mp3)])
    return mp3


@pytest.fixture(scope="session")
def stereo_24k_mp3(media_dir: Path) -> Path:
    """A rate simpleaudio may refuse (24 kHz, valid for MPEG-2 mp3), in stereo."""
    mp3 = media_dir / "sine-24k-stereo.mp3"
    _run(
        [
            *("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi"),
            *("-i", "sine=f=440:d=2:r=24000", "-ac", "2", "-ar", "24000", str(mp3)),
        ]
    )
    return mp3


@pytest.fixture(scope="session")
def speech_pcm(speech_mp3: Path) -> Pcm:
    return decode(speech_mp3.read_bytes())
