"""`play`: real playback through ALSA's file plugin, then listened=true at the natural end.

ALSA reads its configuration per process, so every test runs ``vm-tui play`` in a subprocess
whose ALSA default device writes the PCM it is given into a file (tests/audio/alsa_capture.py).
"""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.audio.alsa_capture import alsa_capture_env, alsa_no_device_env
from tests.audio.audio_helpers import ffmpeg_pcm
from tests.cli.cli_helpers import (
    api_requests,
    cli_env,
    finish,
    ready_voicemail,
    run_cli,
    start,
)
from vm_tui.audio.decode import decode
from vm_tui.cli import EXIT_INTERRUPTED
from vm_tui.demo import DemoServer, Fault


def _patches(server: DemoServer, vm_id: str) -> list[tuple[str, str, bytes]]:
    return [r for r in api_requests(server, "PATCH") if r[1].endswith(vm_id)]


def _listened(server: DemoServer, vm_id: str) -> bool:
    return next(vm for vm in server.voicemails() if vm["id"] == vm_id)["listened_at"] is not None


def test_play_sends_the_decoded_audio_to_the_device_then_marks_listened(
    server: DemoServer, tmp_path: Path
) -> None:
    vm_id = ready_voicemail(server)
    env, captured = alsa_capture_env(tmp_path, base_env=cli_env(server))

    result = run_cli("play", vm_id, env=env)

    assert result.code == 0, result.stderr
    assert captured.read_bytes() == ffmpeg_pcm(server.recording_bytes(vm_id))
    # Not a terminal: no progress line, nothing from ALSA; just what happened.
    assert result.err_lines == [f"Marked {vm_id} listened."]
    assert result.out == b""
    # Retrieve (fresh URL, with the key) -> the signed redirect and storage (without) -> PATCH.
    item = f"/api/v1/voicemails/{vm_id}"
    retrieve, redirect, patch = server.requests
    assert (retrieve.method, retrieve.path) == ("GET", item)
    assert retrieve.headers["x-api-key"] == server.api_key
    assert redirect.method == "GET"
    assert redirect.path.startswith("/rails/active_storage/")
    assert "x-api-key" not in redirect.headers
    assert (patch.method, patch.path, patch.body) == ("PATCH", item, b"listened=true")
    assert len(server.storage_requests) >= 1
    assert all("x-api-key" not in r.headers for r in server.storage_requests)
    assert _listened(server, vm_id)


def test_play_no_mark_plays_but_marks_nothing(server: DemoServer, tmp_path: Path) -> None:
    vm_id = ready_voicemail(server)
    env, captured = alsa_capture_env(tmp_path, base_env=cli_env(server))

    result = run_cli("play", vm_id, "--no-mark", env=env)

    assert result.code == 0, result.stderr
    assert result.err == b""
    assert captured.read_bytes() == ffmpeg_pcm(server.recording_bytes(vm_id))
    assert _patches(server, vm_id) == []
    assert not _listened(server, vm_id)


def test_play_of_an_already_listened_voicemail_sends_no_patch(
    server: DemoServer, tmp_path: Path
) -> None:
    vm_id = ready_voicemail(server, listened=True)
    before = next(vm for vm in server.voicemails() if vm["id"] == vm_id)["listened_at"]
    env, captured = alsa_capture_env(tmp_path, base_env=cli_env(server))

    result = run_cli("play", vm_id, env=env)

    assert result.code == 0, result.stderr
    assert captured.read_bytes() == ffmpeg_pcm(server.recording_bytes(vm_id))
    assert _patches(server, vm_id) == []
    assert next(vm for vm in server.voicemails() if vm["id"] == vm_id)["listened_at"] == before


def test_play_without_a_sound_device(server: DemoServer, tmp_path: Path) -> None:
    vm_id = ready_voicemail(server)
    env = alsa_no_device_env(tmp_path, base_env=cli_env(server))

    result = run_cli("play", vm_id, env=env)

    assert result.code != 0
    line = result.one_error_line()  # ALSA's own "Unknown PCM ..." lines were silenced
    assert "sound device" in line
    assert f"vm-tui download {vm_id}" in line
    assert "ALSA" not in result.stderr
    assert _patches(server, vm_id) == []
    assert not _listened(server, vm_id)


def test_play_without_ffmpeg(server: DemoServer, tmp_path: Path) -> None:
    vm_id = ready_voicemail(server)
    empty = tmp_path / "empty-path"
    empty.mkdir()
    env, captured = alsa_capture_env(tmp_path, base_env=cli_env(server, PATH=str(empty)))

    result = run_cli("play", vm_id, env=env, python=os.path.abspath(sys.executable))

    assert result.code != 0
    line = result.one_error_line()
    assert "ffmpeg not found" in line
    assert "apt-get install ffmpeg" in line
    assert server.storage_requests == []  # checked before downloading anything
    assert not captured.exists() or captured.read_bytes() == b""
    assert _patches(server, vm_id) == []


def test_play_while_the_recording_is_processing(server: DemoServer, tmp_path: Path) -> None:
    vm = server.add_voicemail(recording=None)
    env, _captured = alsa_capture_env(tmp_path, base_env=cli_env(server))

    result = run_cli("play", vm["id"], env=env)

    assert result.code == 1
    assert "still processing" in result.one_error_line()
    assert _patches(server, vm["id"]) == []


def test_play_of_a_corrupt_recording(server: DemoServer, tmp_path: Path) -> None:
    vm_id = ready_voicemail(server)
    server.inject_storage(Fault.malformed_item())  # 200 audio/mpeg whose bytes are not audio
    env, _captured = alsa_capture_env(tmp_path, base_env=cli_env(server))

    result = run_cli("play", vm_id, env=env)

    assert result.code == 1
    assert "not a playable mp3" in result.one_error_line().lower()
    assert _patches(server, vm_id) == []


def test_play_unknown_voicemail_exits_4(server: DemoServer, tmp_path: Path) -> None:
    env, _captured = alsa_capture_env(tmp_path, base_env=cli_env(server))
    result = run_cli("play", "no-such-voicemail", env=env)
    assert result.code == 4
    assert "not found" in result.one_error_line().lower()


# Runs `vm-tui ARGS` with a stand-in audio backend whose sound lasts SECONDS (real time), so a
# test can interrupt it or watch the progress line. It logs to LOG: "playing", then "stopped".
_FAKE_DEVICE = """
import sys, time
log, seconds = sys.argv[1], float(sys.argv[2])

def note(text):
    with open(log, "a") as f:
        f.write(text + "\\n")

class Handle:
    def __init__(self):
        self.until = time.monotonic() + seconds
        self.stopped = False
    def is_playing(self):
        return not self.stopped and time.monotonic() < self.until
    def stop(self):
        self.stopped = True
        note("stopped")

class Backend:
    def play(self, data, channels, sample_width, sample_rate):
        note("playing")
        return Handle()

import vm_tui.audio.player
vm_tui.audio.player.SimpleaudioBackend = Backend
sys.argv = ["vm-tui", *sys.argv[3:]]
from vm_tui.cli import main
main()
"""


def _fake_device_command(log: Path, seconds: float, *args: str) -> list[str]:
    return [sys.executable, "-c", _FAKE_DEVICE, str(log), str(seconds), *args]


def _wait_for(path: Path, text: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text():
            return
        time.sleep(0.02)
    raise AssertionError(f"{text!r} never appeared in {path}")


def test_ctrl_c_stops_playback_cleanly_and_marks_nothing(
    server: DemoServer, tmp_path: Path
) -> None:
    vm_id = ready_voicemail(server)
    log = tmp_path / "device.log"
    proc = start(_fake_device_command(log, 60, "play", vm_id), cli_env(server))
    try:
        _wait_for(log, "playing")
        time.sleep(0.3)  # well into playback
        proc.send_signal(signal.SIGINT)
        result = finish(proc, [server.api_key])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    assert result.code == EXIT_INTERRUPTED
    assert result.out == b""
    assert result.err.strip() == b""  # no traceback, no "Aborted!", no progress off a terminal
    assert log.read_text().splitlines() == ["playing", "stopped"]  # the sound was stopped
    assert _patches(server, vm_id) == []
    assert not _listened(server, vm_id)


def test_ctrl_c_during_the_download_exits_130(server: DemoServer, tmp_path: Path) -> None:
    vm_id = ready_voicemail(server)
    server.inject_storage(Fault.delay(30))
    log = tmp_path / "device.log"
    proc = start(_fake_device_command(log, 60, "play", vm_id), cli_env(server))
    try:
        deadline = time.monotonic() + 20
        while not server.storage_requests and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.storage_requests, "the download never started"
        proc.send_signal(signal.SIGINT)
        result = finish(proc, [server.api_key])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    assert result.code == EXIT_INTERRUPTED
    assert b"Traceback" not in result.err
    assert not log.exists()  # never reached the device
    assert _patches(server, vm_id) == []


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_progress_line_on_a_terminal(server: DemoServer, tmp_path: Path) -> None:
    vm_id = ready_voicemail(server)
    pcm = decode(server.recording_bytes(vm_id), "mp3")
    total = f"0:{round(pcm.duration):02d}"
    log = tmp_path / "device.log"
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            _fake_device_command(log, 1.6, "play", vm_id),
            env=cli_env(server),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
        )
        os.close(slave)
        terminal = _read_all(master)  # until the child closes its stderr
        proc.wait(timeout=30)
        assert proc.stdout is not None
        proc.stdout.close()
    finally:
        os.close(master)

    text = terminal.decode()
    assert proc.returncode == 0, text
    assert "Downloading…" in text
    assert f"\r▶ 0:00 / {total}" in text
    assert f"\r▶ 0:01 / {total}" in text  # updated in place while it plays
    assert f"\r▶ {total} / {total}" in text  # the end
    assert "Traceback" not in text
    assert server.api_key not in text
    assert text.rstrip().endswith(f"Marked {vm_id} listened.")
    assert _patches(server, vm_id) == [("PATCH", f"/api/v1/voicemails/{vm_id}", b"listened=true")]
