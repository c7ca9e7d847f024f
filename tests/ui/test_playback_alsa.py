"""Real playback through ALSA (the file plugin stands in for a sound card), in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.audio.alsa_capture import alsa_capture_env, alsa_no_device_env
from tests.audio.audio_helpers import ffmpeg_pcm
from vm_tui.demo import DemoServer


def run_headless(server: DemoServer, vm_id: str, env: dict[str, str]) -> tuple[dict[str, Any], str]:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.ui.headless_play", server.base_url, server.api_key, vm_id],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


def target(server: DemoServer) -> dict[str, Any]:
    return next(v for v in server.voicemails() if v["listened_at"] is None and v["recording_url"])


def test_the_sound_device_gets_the_recording_and_it_is_marked_listened(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    vm = target(demo_server)
    env, captured = alsa_capture_env(tmp_path)
    result, stderr = run_headless(demo_server, vm["id"], env)
    assert result["listened"], result
    assert captured.read_bytes() == ffmpeg_pcm(demo_server.recording_bytes(vm["id"]))
    patches = [r.body for r in demo_server.requests if r.method == "PATCH"]
    assert patches == [b"listened=true"]
    assert "ALSA" not in stderr


def test_no_sound_device_is_a_message_not_noise(demo_server: DemoServer, tmp_path: Path) -> None:
    vm = target(demo_server)
    result, stderr = run_headless(demo_server, vm["id"], alsa_no_device_env(tmp_path))
    assert result["state"] == "error"
    assert "No sound device" in result["message"] and "Press s" in result["message"]
    assert not result["listened"]
    assert [r for r in demo_server.requests if r.method == "PATCH"] == []
    assert "ALSA lib" not in stderr  # ALSA's own error lines would tear the screen
