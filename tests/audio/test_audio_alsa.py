"""Real simpleaudio + ALSA in subprocesses (ALSA reads its config once per process)."""

from __future__ import annotations

import ctypes
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.audio.alsa_capture import (
    alsa_capture_env,
    alsa_no_device_env,
    captured_plays,
    python_command,
)
from tests.audio.audio_helpers import ASSET_MP3S, REPO_ROOT
from vm_tui.audio import alsa

PLAY_TO_THE_END = textwrap.dedent(
    """
    import json, pathlib, sys, threading
    from vm_tui.audio import Player, SimpleaudioBackend, change_speed, decode

    src, start, speed, expected = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    pcm = decode(pathlib.Path(src).read_bytes())
    events, done = [], threading.Event()
    def on_event(event):
        events.append((repr(event), threading.current_thread().name))
        done.set()
    player = Player(SimpleaudioBackend(), on_event=on_event)
    player.set_speed(speed)
    player.play("vm1", pcm, start=start)
    ended = done.wait(30)
    result = {"ended": ended, "events": events, "state": player.state.value,
              "position": player.position, "duration": player.duration}
    player.close()
    pathlib.Path(expected).write_bytes(change_speed(pcm, speed).slice_from(start / speed))
    print(json.dumps(result))
    """
)


def run(code: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        python_command(code, *args), env=env, capture_output=True, text=True, timeout=60
    )


CASES = [("speech", 0.0, 1.0), ("speech", 1.2, 1.0), ("speech", 0.5, 1.5)]
CASES += [(path.stem, 0.0, 1.0) for path in ASSET_MP3S[:1]]


@pytest.mark.parametrize(("source", "start", "speed"), CASES)
def test_capture_equals_decoded_pcm(
    tmp_path: Path, speech_mp3: Path, source: str, start: float, speed: float
) -> None:
    mp3 = speech_mp3 if source == "speech" else next(p for p in ASSET_MP3S if p.stem == source)
    env, out = alsa_capture_env(tmp_path)
    expected = tmp_path / "expected.raw"
    proc = run(PLAY_TO_THE_END, str(mp3), str(start), str(speed), str(expected), env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    result = json.loads(proc.stdout)
    assert result["ended"]
    assert result["events"] == [["PlaybackEnded(key='vm1')", "vm-tui-audio"]]
    assert result["state"] == "ended"
    assert result["position"] == result["duration"] > 1.0
    captured, wanted = out.read_bytes(), expected.read_bytes()
    assert len(captured) == len(wanted) > 10_000
    assert captured == wanted


def test_each_play_separately(tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        import threading
        from vm_tui.audio import Pcm, Player
        done = threading.Semaphore(0)
        player = Player(on_event=lambda event: done.release())
        for key, byte in (("a", 1), ("b", 2)):
            player.play(key, Pcm(bytes([byte, 0]) * 4000, 8000, 1))
            assert done.acquire(timeout=30)
        player.close()
        """
    )
    env, out = alsa_capture_env(tmp_path, each_play_separately=True)
    proc = run(code, env=env)
    assert proc.returncode == 0, proc.stderr
    assert captured_plays(out) == [b"\x01\x00" * 4000, b"\x02\x00" * 4000]


NO_DEVICE = textwrap.dedent(
    """
    import json, threading
    from vm_tui.audio import NoSoundDeviceError, Pcm, Player, SimpleaudioBackend
    pcm = Pcm(bytes(1600), 8000, 1)
    try:
        SimpleaudioBackend().play(pcm.data, 1, 2, 8000)
        direct = "played"
    except NoSoundDeviceError as e:
        direct = str(e)
    events, done = [], threading.Event()
    player = Player(on_event=lambda event: (events.append(event), done.set()))
    player.play("vm1", pcm)
    done.wait(10)
    state = player.state.value
    player.close()
    [event] = events
    print(json.dumps({"direct": direct, "event": type(event).__name__, "key": event.key,
                      "error": type(event.error).__name__, "state": state}))
    """
)


def test_no_sound_device_fails_quietly(tmp_path: Path) -> None:
    proc = run(NO_DEVICE, env=alsa_no_device_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # ALSA's own complaints were silenced
    assert json.loads(proc.stdout) == {
        "direct": "No sound device available (save the recording to a file instead)",
        "event": "PlaybackFailed",
        "key": "vm1",
        "error": "NoSoundDeviceError",
        "state": "stopped",
    }


def test_alsa_would_write_to_stderr_without_silencing(tmp_path: Path) -> None:
    """Control for the test above: the same setup does make ALSA write to stderr."""
    code = textwrap.dedent(
        """
        import simpleaudio, simpleaudio._simpleaudio as _sa
        try:
            simpleaudio.play_buffer(bytes(1600), 1, 2, 8000)
        except _sa.SimpleaudioError:
            pass
        """
    )
    proc = run(code, env=alsa_no_device_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "ALSA lib" in proc.stderr


def test_silence_alsa_errors_is_idempotent() -> None:
    alsa.silence_alsa_errors()
    handler = alsa._handler
    alsa.silence_alsa_errors()
    assert alsa._handler is handler is not None
    assert alsa.alsa_errors_silenced()


def test_silence_alsa_errors_without_libasound(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_library(name: str) -> ctypes.CDLL:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(alsa, "_tried", False)
    monkeypatch.setattr(alsa, "_handler", None)
    monkeypatch.setattr(alsa.ctypes, "CDLL", no_library)
    alsa.silence_alsa_errors()  # no exception
    assert not alsa.alsa_errors_silenced()


def test_importing_audio_is_cheap_and_ui_free() -> None:
    code = (
        "import sys, vm_tui.audio; "
        "print(sorted(m for m in ('textual', 'rich', 'httpx', 'pydub', 'simpleaudio') "
        "if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout.strip() == "[]"
