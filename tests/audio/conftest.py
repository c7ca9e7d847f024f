"""Audio fixtures: the committed demo recordings (real speech) and tones made with ffmpeg.

Nothing here synthesizes speech: a fresh machine has ffmpeg (``make`` installs it) but no
text-to-speech engine, so the speech is the recording the demo server plays for Dana.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.audio.audio_helpers import REPO_ROOT
from vm_tui.audio import Pcm, decode

# "Hi, this is Dana from Acme. Give me a call back about the invoice ..." (manifest.json).
SPEECH_MP3 = REPO_ROOT / "assets" / "recordings" / "dana_acme.mp3"


def _run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audio-media")


@pytest.fixture(scope="session")
def speech_mp3() -> Path:
    """About 7 s of real speech, mono 22.05 kHz 32 kb/s, as a voicemail would arrive."""
    return SPEECH_MP3


@pytest.fixture(scope="session")
def speech_wav(media_dir: Path, speech_mp3: Path) -> Path:
    """The same speech as a 16-bit PCM wav, at its own rate and channel count (22.05 kHz mono)."""
    wav = media_dir / "speech.wav"
    _run(
        [
            *("ffmpeg", "-loglevel", "error", "-y", "-i", str(speech_mp3)),
            *("-c:a", "pcm_s16le", "-ar", "22050", "-ac", "1", str(wav)),
        ]
    )
    return wav


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
