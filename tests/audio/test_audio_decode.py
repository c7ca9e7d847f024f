from __future__ import annotations

import array
import itertools
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.audio.audio_helpers import ASSET_MP3S, REPO_ROOT, ffprobe_duration
from vm_tui.audio import (
    DecodeError,
    FfmpegMissingError,
    Pcm,
    change_speed,
    decode,
    ffmpeg_path,
    require_ffmpeg,
)
from vm_tui.audio.decode import SUPPORTED_RATES


def assert_playable(pcm: Pcm) -> None:
    assert pcm.sample_width == 2
    assert pcm.channels in (1, 2)
    assert pcm.sample_rate in SUPPORTED_RATES
    assert len(pcm.data) % pcm.frame_size == 0
    assert isinstance(pcm.data, bytes)


def assert_duration_close(pcm: Pcm, path: Path) -> None:
    # ffprobe estimates mp3 duration and counts the encoder delay/padding: allow ~0.15 s.
    expected = ffprobe_duration(path)
    assert pcm.duration == pytest.approx(expected, abs=max(0.15, 0.03 * expected))


def test_decode_speech(speech_mp3: Path) -> None:
    pcm = decode(speech_mp3.read_bytes())
    assert_playable(pcm)
    assert (pcm.sample_rate, pcm.channels) == (22050, 1)  # kept: simpleaudio plays 22.05 kHz
    assert 6.5 < pcm.duration < 7.5
    assert_duration_close(pcm, speech_mp3)
    assert max(array.array("h", pcm.data)) > 1000  # real sound, not silence


@pytest.mark.parametrize("path", ASSET_MP3S, ids=[p.stem for p in ASSET_MP3S])
def test_decode_demo_recordings(path: Path) -> None:
    pcm = decode(path.read_bytes())
    assert_playable(pcm)
    assert pcm.duration > 1.0
    assert_duration_close(pcm, path)


def test_unsupported_rate_is_resampled(stereo_24k_mp3: Path) -> None:
    pcm = decode(stereo_24k_mp3.read_bytes())
    assert_playable(pcm)
    assert pcm.sample_rate == 48000  # 24 kHz divides 48 kHz
    assert pcm.channels == 2
    assert_duration_close(pcm, stereo_24k_mp3)


def test_decode_wav(speech_wav: Path, speech_pcm: Pcm) -> None:
    pcm = decode(speech_wav.read_bytes(), "wav")
    assert_playable(pcm)
    assert (pcm.sample_rate, pcm.channels) == (22050, 1)
    assert pcm.duration == pytest.approx(speech_pcm.duration, abs=0.05)
    assert max(array.array("h", pcm.data)) > 1000


def test_format_is_case_and_dot_insensitive(speech_mp3: Path) -> None:
    assert decode(speech_mp3.read_bytes(), ".MP3") == decode(speech_mp3.read_bytes())


@pytest.mark.parametrize(
    "data",
    [b"", b"definitely not audio", os.urandom(4096), b"<html>403 Forbidden</html>"],
    ids=["empty", "text", "random", "html"],
)
def test_garbage_is_a_decode_error(data: bytes) -> None:
    with pytest.raises(DecodeError) as info:
        decode(data)
    assert "\n" not in str(info.value)


def test_missing_ffmpeg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, speech_mp3: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert ffmpeg_path() is None
    for call in (
        require_ffmpeg,
        lambda: decode(speech_mp3.read_bytes()),
        lambda: change_speed(Pcm(bytes(800), 8000, 1), 1.5),
    ):
        with pytest.raises(FfmpegMissingError) as info:
            call()
        assert str(info.value) == (
            "ffmpeg not found: install it (sudo apt-get install ffmpeg / brew install ffmpeg)"
        )


def test_missing_ffmpeg_in_a_fresh_process(tmp_path: Path, speech_mp3: Path) -> None:
    """Without ffmpeg, decode fails cleanly before pydub can warn (-W error) or be imported."""
    code = textwrap.dedent(
        """
        import pathlib
        import sys
        from vm_tui.audio import FfmpegMissingError, decode
        try:
            decode(pathlib.Path(sys.argv[1]).read_bytes())
        except FfmpegMissingError as e:
            print(e)
        assert "pydub" not in sys.modules
        """
    )
    env = {"PATH": str(tmp_path), "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c", code, str(speech_mp3)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "sudo apt-get install ffmpeg" in proc.stdout
    assert proc.stderr == ""


def test_ffprobe_is_not_needed(tmp_path: Path, speech_mp3: Path) -> None:
    """Only ffmpeg on PATH: naming the decoder makes pydub skip ffprobe (which would fail)."""
    ffmpeg = ffmpeg_path()
    assert ffmpeg is not None
    (tmp_path / "ffmpeg").symlink_to(ffmpeg)
    code = (
        "import pathlib, sys; from vm_tui.audio import decode; "
        "print(decode(pathlib.Path(sys.argv[1]).read_bytes()).duration)"
    )
    proc = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c", code, str(speech_mp3)],
        env={"PATH": str(tmp_path), "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert float(proc.stdout) > 2.0


# ----- change_speed ---------------------------------------------------------------------------


def sine_pcm(freq: float = 440.0, seconds: float = 2.0, rate: int = 44100) -> Pcm:
    step = 2 * math.pi * freq / rate
    samples = array.array(
        "h", (int(12000 * math.sin(step * i)) for i in range(int(seconds * rate)))
    )
    return Pcm(samples.tobytes(), sample_rate=rate, channels=1)


def dominant_frequency(pcm: Pcm) -> float:
    """Zero-crossing estimate: fine for a (time-stretched) pure tone, no numpy needed."""
    samples = array.array("h", pcm.data)
    crossings = sum(1 for a, b in itertools.pairwise(samples) if (a < 0) != (b < 0))
    return crossings / 2 / pcm.duration


@pytest.mark.parametrize("speed", [0.75, 1.25, 1.5, 2.0])
def test_change_speed_duration(speech_pcm: Pcm, speed: float) -> None:
    fast = change_speed(speech_pcm, speed)
    assert (fast.sample_rate, fast.channels, fast.sample_width) == (
        speech_pcm.sample_rate,
        speech_pcm.channels,
        2,
    )
    assert fast.duration == pytest.approx(speech_pcm.duration / speed, rel=0.03, abs=0.05)


def test_change_speed_keeps_pitch() -> None:
    tone = sine_pcm(440.0)
    assert dominant_frequency(tone) == pytest.approx(440, rel=0.01)
    fast = change_speed(tone, 1.5)
    assert fast.duration == pytest.approx(tone.duration / 1.5, rel=0.03)
    # A resample would give 660 Hz; atempo keeps the tone.
    assert dominant_frequency(fast) == pytest.approx(440, rel=0.05)


def test_change_speed_stereo(stereo_24k_mp3: Path) -> None:
    pcm = decode(stereo_24k_mp3.read_bytes())
    fast = change_speed(pcm, 1.5)
    assert fast.channels == 2
    assert fast.duration == pytest.approx(pcm.duration / 1.5, rel=0.03, abs=0.05)


def test_change_speed_identity_and_range(speech_pcm: Pcm) -> None:
    assert change_speed(speech_pcm, 1.0) is speech_pcm
    for bad in (0.25, 2.5, 0.0, -1.0):
        with pytest.raises(ValueError):
            change_speed(speech_pcm, bad)
