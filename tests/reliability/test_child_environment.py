"""No child of vm-tui gets the API key: ffmpeg (which decodes every recording) is replaced by a
script on PATH that writes down its environment, then runs the real ffmpeg.

The temporary folder is made unusable, so recordings are decoded whole in memory by pydub,
which starts ffmpeg with this process's own environment (the streaming decoder passes one
without the key explicitly): only the key being gone from the environment keeps it away."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.cli_helpers import cli_env, finish, ready_voicemail, start
from tests.cli.test_cli_play import _fake_device_command
from tests.reliability.processes import PtyTui, tui_env
from vm_tui.demo import DemoServer

REAL_FFMPEG = shutil.which("ffmpeg")
pytestmark = pytest.mark.skipif(REAL_FFMPEG is None, reason="ffmpeg is not installed")


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(new_every=None, fill_in_after=None) as demo:
        yield demo


def without_a_temp_folder(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    return {**env, "XDG_RUNTIME_DIR": str(blocker / "run"), "TMPDIR": str(blocker / "tmp")}


def spying_ffmpeg(tmp_path: Path) -> tuple[Path, Path]:
    """A folder to put first on PATH, with an ffmpeg that dumps its environment into the
    second folder (one file per run) before it runs the real one."""
    bin_dir, dumps = tmp_path / "bin", tmp_path / "dumps"
    bin_dir.mkdir()
    dumps.mkdir()
    spy = bin_dir / "ffmpeg"
    spy.write_text(f'#!/bin/sh\nenv > "{dumps}/env.$$"\nexec "{REAL_FFMPEG}" "$@"\n')
    spy.chmod(0o755)
    return bin_dir, dumps


def environments(dumps: Path) -> list[dict[str, str]]:
    found = []
    for dump in sorted(dumps.iterdir()):
        lines = dump.read_text().splitlines()
        found.append(dict(line.partition("=")[::2] for line in lines if "=" in line))
    return found


def test_play_decodes_with_an_ffmpeg_that_never_sees_the_key(
    server: DemoServer, tmp_path: Path
) -> None:
    bin_dir, dumps = spying_ffmpeg(tmp_path)
    env = without_a_temp_folder(cli_env(server), tmp_path)
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    vm_id = ready_voicemail(server)

    result = finish(
        start(_fake_device_command(tmp_path / "device.log", 0.2, "play", vm_id, "--no-mark"), env),
        [server.api_key],
    )

    assert result.code == 0, result.stderr
    children = environments(dumps)
    assert children, "ffmpeg never ran"
    for child in children:
        assert "PHONE_INC_API_KEY" not in child
        assert server.api_key not in "\n".join(child.values())
        assert child["PHONE_INC_BASE_URL"] == server.base_url  # the rest is inherited as it was


def test_the_inbox_decodes_with_an_ffmpeg_that_never_sees_the_key(
    server: DemoServer, tmp_path: Path
) -> None:
    bin_dir, dumps = spying_ffmpeg(tmp_path)
    env = without_a_temp_folder(tui_env(server, tmp_path), tmp_path)
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    with PtyTui(env) as tui:
        tui.wait_for(b"\x1b]2;vm-tui (")
        # The cursor rests on a voicemail: its recording is fetched and decoded ahead of play.
        deadline = time.monotonic() + 20
        while not any(dumps.iterdir()):
            assert time.monotonic() < deadline, "ffmpeg never ran"
            tui.press(b"j")
            tui.read_for(0.5)
        tui.press(b"q")
        assert tui.finish() == 0
    children = environments(dumps)
    for child in children:
        assert "PHONE_INC_API_KEY" not in child
        assert server.api_key not in "\n".join(child.values())
