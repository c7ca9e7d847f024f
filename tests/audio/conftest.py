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


@pytest.fixture(autouse=True)
def no_renderings_from_other_tests() -> None:
    """The decoded-audio cache is shared by every player of a process: start each test empty."""
    from vm_tui.audio.track import SHARED_CACHE

    SHARED_CACHE.clear()


def _ffmpeg(*args: str) -> None:
    _run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args])


ASSETS = Path(__file__).resolve().parents[2] / "assets" / "recordings"


@pytest.fixture(scope="session")
def half_hour_mp3(media_dir: Path) -> Path:
    """30 minutes (a tone at 8 kHz, 16 kbps: 3.6 MB): long enough to be decoded in windows."""
    mp3 = media_dir / "half-hour.mp3"
    # LAME's fastest setting: a tone's quality does not matter, and it halves the encoding.
    tone = ("-ac", "1", "-b:a", "16k", "-compression_level", "9")
    _ffmpeg("-f", "lavfi", "-i", "sine=f=220:d=1800:r=8000", *tone, str(mp3))
    return mp3


@pytest.fixture(scope="session")
def three_minutes_mp3(media_dir: Path) -> Path:
    mp3 = media_dir / "three-minutes.mp3"
    tone = ("-ac", "1", "-b:a", "16k", "-compression_level", "9")
    _ffmpeg("-f", "lavfi", "-i", "sine=f=330:d=180:r=8000", *tone, str(mp3))
    return mp3


@pytest.fixture(scope="session")
def paused_speech_mp3(media_dir: Path) -> Path:
    """Two real spoken phrases (the committed recordings) with a 3 s pause between them."""
    mp3 = media_dir / "paused-speech.mp3"
    _ffmpeg(
        *("-i", str(ASSETS / "dana_acme.mp3")),
        *("-f", "lavfi", "-t", "3", "-i", "anullsrc=r=22050:cl=mono"),
        *("-i", str(ASSETS / "sam_outage.mp3")),
        *("-filter_complex", "[0:a][1:a][2:a]concat=n=3:v=0:a=1"),
        *("-ac", "1", "-b:a", "32k", str(mp3)),
    )
    return mp3


@pytest.fixture(scope="session")
def quiet_speech_mp3(media_dir: Path) -> Path:
    """Real speech 30 dB quieter: a caller far from a speakerphone."""
    mp3 = media_dir / "quiet-speech.mp3"
    _ffmpeg("-i", str(ASSETS / "dana_acme.mp3"), "-af", "volume=-30dB", "-b:a", "32k", str(mp3))
    return mp3


@pytest.fixture(scope="session")
def loud_then_silent_mp3(media_dir: Path) -> Path:
    """3 s of a loud tone, then 3 s of silence."""
    mp3 = media_dir / "loud-then-silent.mp3"
    _ffmpeg(
        *("-f", "lavfi", "-i", "sine=f=440:d=3:r=16000"),
        *("-f", "lavfi", "-t", "3", "-i", "anullsrc=r=16000:cl=mono"),
        *("-filter_complex", "[0:a]volume=0.9[a];[a][1:a]concat=n=2:v=0:a=1"),
        *("-ac", "1", "-b:a", "32k", str(mp3)),
    )
    return mp3
