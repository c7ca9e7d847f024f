"""A write interrupted by ``kill -9`` leaves its temporary file; the next vm-tui to start (the
inbox, or a command that writes the state folder) removes it, and never one of a process still
writing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.cli_helpers import REPO_ROOT, run_cli
from tests.reliability.processes import PtyTui, state_folder, tui_env
from vm_tui.demo import DemoServer

# Writes the inbox cache as vm-tui does (vm_tui.local.files.write_private, piece by piece) and
# stops for good after the first piece: the parent kills it there.
WRITER = """
import sys, time
from pathlib import Path
from vm_tui.local.files import write_private

def pieces():
    yield '{"version": 1, "voicemails": ['
    print("writing", flush=True)
    time.sleep(60)
    yield ']}'

write_private(Path(sys.argv[1]), pieces())
"""


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(new_every=None, fill_in_after=None) as demo:
        yield demo


def interrupted_write(target: Path) -> Path:
    """The temporary file a writer killed mid-write left beside ``target``."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert writer.stdout is not None
    assert writer.stdout.readline() == "writing\n"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    (left,) = [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]
    assert left.name == f".{target.name}.{writer.pid}.tmp"
    assert not target.exists()  # atomic: the real file never saw half a document
    return left


def a_live_writers_temp_file(folder: Path) -> Path:
    """One this test process is "writing" right now: not to be touched."""
    live = folder / f".seen.json.{os.getpid()}.tmp"
    live.write_text("[")
    return live


def test_the_inbox_removes_what_an_interrupted_write_left(
    server: DemoServer, tmp_path: Path
) -> None:
    folder = state_folder(tmp_path)
    left = interrupted_write(folder / "inbox-cache.json")
    live = a_live_writers_temp_file(folder)

    with PtyTui(tui_env(server, tmp_path)) as tui:
        tui.wait_for(b"\x1b]2;vm-tui (")
        assert not left.exists()
        assert live.exists()
        tui.press(b"q")
        assert tui.finish() == 0


def test_mark_removes_what_an_interrupted_write_left(server: DemoServer, tmp_path: Path) -> None:
    folder = state_folder(tmp_path)
    left = interrupted_write(folder / "outbox.jsonl")
    live = a_live_writers_temp_file(folder)
    target = server.voicemails()[0]["id"]

    result = run_cli("mark", target, "--listened", env=tui_env(server, tmp_path))

    assert result.code == 0, result.stderr
    assert not left.exists()
    assert live.exists()
