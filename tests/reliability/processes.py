"""Real vm-tui processes for the reliability tests: the inbox headless and driven by commands
(``tui_driver.py``), the inbox in a pseudo-terminal (``PtyTui``), and their environment."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import queue
import re
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path
from typing import Any

from tests.cli.cli_helpers import REPO_ROOT, cli_env
from tests.unprivileged import unprivileged_preexec
from vm_tui.demo import DemoServer

TIMEOUT = 30.0
ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Z]")
DRIVER = "from tests.reliability.tui_driver import main; import asyncio; asyncio.run(main())"


def tui_env(server: DemoServer, home: Path, **extra: str) -> dict[str, str]:
    """``cli_env`` with the state and config folders under ``home``."""
    return cli_env(
        server,
        XDG_STATE_HOME=str(home / "state"),
        XDG_CONFIG_HOME=str(home / "config"),
        TERM="xterm-256color",
        **extra,
    )


def state_folder(home: Path) -> Path:
    return home / "state" / "vm-tui"


class Driver:
    """One inbox process driven by ``tui_driver.py``: ``call("press", keys=["m"])``."""

    def __init__(self, env: dict[str, str], *, unprivileged: bool = False) -> None:
        env = {**env, "PYTHONPATH": str(REPO_ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", DRIVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO_ROOT,
            preexec_fn=unprivileged_preexec() if unprivileged else None,  # type: ignore[arg-type]
        )
        self._lines: queue.Queue[str] = queue.Queue()
        self._stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        self.last: dict[str, Any] = {}

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put("")

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        self._stderr.extend(self.proc.stderr)

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)

    def call(self, do: str, **args: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"do": do, **args}) + "\n")
        self.proc.stdin.flush()
        try:
            line = self._lines.get(timeout=TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"no answer to {do!r}; stderr: {self.stderr}") from None
        if not line:
            self.proc.wait(TIMEOUT)
            raise AssertionError(f"the inbox ended during {do!r}; stderr: {self.stderr}")
        self.last = json.loads(line)
        return self.last

    def notices(self) -> list[str]:
        return [n["message"] for n in self.last.get("notices", [])]

    def quit(self) -> dict[str, Any]:
        answer = self.call("quit")
        self.proc.wait(TIMEOUT)
        return answer

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> Driver:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class PtyTui:
    """``vm-tui`` (the real program) on a pseudo-terminal of 120x36, as in a terminal window."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vm_tui", *args],
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=REPO_ROOT,
            start_new_session=True,
        )
        os.close(slave)
        self.master: int | None = master
        self.output = bytearray()

    def read_for(self, seconds: float) -> bool:
        """Collect output for ``seconds``; False once the terminal's other side is closed."""
        deadline = time.monotonic() + seconds
        while self.master is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            ready, _, _ = select.select([self.master], [], [], min(left, 0.05))
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:  # EIO: every process holding the terminal is gone
                return False
            if not data:
                return False
            self.output += data
        return False

    def text(self) -> bytes:
        """The output without escape sequences: text drawn in pieces reads as one again."""
        return ESCAPES.sub(b"", bytes(self.output))

    def wait_for(self, text: bytes, timeout: float = TIMEOUT) -> None:
        """Until ``text`` was drawn (escape sequences in between are ignored)."""
        deadline = time.monotonic() + timeout
        while text not in self.output and text not in self.text():
            if time.monotonic() > deadline or not self.read_for(0.05):
                shown = bytes(self.output[-2000:])
                raise AssertionError(f"{text!r} never appeared; the terminal showed {shown!r}")

    def press(self, keys: bytes) -> None:
        assert self.master is not None
        os.write(self.master, keys)

    def hang_up(self) -> None:
        """Close the terminal, as closing its window (or a dropped ssh) does."""
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def finish(self, timeout: float = TIMEOUT) -> int:
        """Read until the program exits; its exit status."""
        deadline = time.monotonic() + timeout
        while self.read_for(0.1) and self.proc.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError("the program did not exit")
        self.read_for(0.2)
        return self.proc.wait(max(deadline - time.monotonic(), 0.1))

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.hang_up()

    def __enter__(self) -> PtyTui:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
