"""Skip silence and voice boost, heard for real: `vm-tui play` into ALSA's file plugin.

The recordings are made here from the committed speech: two phrases with a 3 s pause between
them, and a phrase 30 dB too quiet. What ALSA received is compared, not what the code meant.
"""

from __future__ import annotations

import array
import math
from pathlib import Path

from tests.audio.alsa_capture import alsa_capture_env
from tests.cli.cli_helpers import cli_env, run_cli
from vm_tui.demo import DemoServer, recordings

RATE = 16000


def served(server: DemoServer, name: str, mp3: Path) -> str:
    recordings.add(name, mp3.read_bytes())
    return str(server.add_voicemail(recording=name, transcription="made by the test")["id"])


def played(server: DemoServer, tmp_path: Path, vm_id: str, *flags: str) -> array.array[int]:
    folder = tmp_path / "-".join(flags or ("plain",))
    folder.mkdir()
    env, captured = alsa_capture_env(folder, base_env=cli_env(server))
    result = run_cli("play", vm_id, "--no-mark", *flags, env=env)
    assert result.code == 0, result.stderr
    samples = array.array("h")
    samples.frombytes(captured.read_bytes())
    return samples


def rms(samples: array.array[int]) -> float:
    return math.sqrt(sum(s * s for s in samples) / max(len(samples), 1))


def test_skip_silence_plays_the_pause_shorter(
    server: DemoServer, tmp_path: Path, paused_speech_mp3: Path
) -> None:
    vm_id = served(server, "paused-speech", paused_speech_mp3)
    plain = played(server, tmp_path, vm_id)
    skipped = played(server, tmp_path, vm_id, "--skip-silence")
    seconds = (len(plain) - len(skipped)) / RATE
    assert 2.5 <= seconds <= 4.5, seconds  # the 3 s pause, less the quarter second kept
    assert len(skipped) > RATE * 10  # both phrases are still there


def test_voice_boost_makes_a_quiet_caller_louder_without_clipping(
    server: DemoServer, tmp_path: Path, quiet_speech_mp3: Path
) -> None:
    vm_id = served(server, "quiet-speech", quiet_speech_mp3)
    plain = played(server, tmp_path, vm_id)
    boosted = played(server, tmp_path, vm_id, "--voice-boost")
    assert rms(boosted) > 8 * rms(plain)  # -30 dB is 1/31.6 in amplitude: most of it is back
    assert max(abs(s) for s in boosted) < 32767  # and nothing clips
    assert abs(len(boosted) - len(plain)) < RATE // 10  # the same speech, as long
