"""First paint as the user sees it: process start to the first screen showing inbox rows,
through a real terminal (tmux), the real `vm-tui` against a floor app (bench/tmux_floor.py).

Each run is a tmux session of its own (120x40) on a private tmux server started for this
section (``-f /dev/null``: nobody's tmux.conf). The session runs ``date +%s.%N > START; exec
CMD``, so the process that draws is the shell exec'd, and START is when it started. The bench
polls the pane through one control-mode client (``tmux -C``: a command and its answer on a
pipe, no process per poll) every POLL seconds, and notes when the pane first shows anything
and when it first shows the inbox's first row: the newest voicemail's caller and line on one
line (as the app formats the number; the floor shows it raw). The session is then killed
(SIGHUP) and the process waited for. Both get fresh XDG dirs: no inbox cache, a first start.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from bench.demo_control import RemoteDemo
from bench.procs import PYTHON, REPO, ChildFailed, child_env, fresh_dirs, progress
from bench.report import Row
from bench.stats import median, ms, ratio, spread, times

COUNT = 10_000
RUNS = 7
TARGET = 1.3
POLL = 0.004
TIMEOUT = 30.0
WIDTH, HEIGHT = 120, 40
FLOOR = REPO / "bench" / "tmux_floor.py"


class Tmux:
    """A private tmux server and one control-mode client to it."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.binary = shutil.which("tmux") or "tmux"
        self.socket = str(folder / "tmux.sock")
        self.env = env
        self._client: subprocess.Popen[str] | None = None

    def __enter__(self) -> Tmux:
        base = [self.binary, "-S", self.socket, "-f", "/dev/null"]
        size = ["-x", str(WIDTH), "-y", str(HEIGHT)]
        subprocess.run(
            [*base, "new-session", "-d", "-s", "holder", *size, "sleep 86400"],
            env=self.env,
            check=True,
            capture_output=True,
        )
        self._client = subprocess.Popen(
            [*base, "-C", "attach-session", "-t", "holder"],
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        # Attaching answers with a block of its own first: read up to the answer to this.
        self._send("display-message -p vm-tui-bench-sync")
        while self._answer("display-message") != ["vm-tui-bench-sync"]:
            pass
        return self

    def _send(self, line: str) -> None:
        client = self._client
        assert client is not None and client.stdin is not None
        client.stdin.write(line + "\n")
        client.stdin.flush()

    def command(self, line: str) -> list[str]:
        """Run one tmux command; its output lines (ChildFailed on %error)."""
        self._send(line)
        return self._answer(line)

    def _answer(self, line: str) -> list[str]:
        client = self._client
        assert client is not None and client.stdout is not None
        out: list[str] = []
        block: str | None = None  # "%begin TIME NUMBER FLAGS" of the answer being read
        while True:
            text = client.stdout.readline()
            if not text:
                raise ChildFailed("the tmux control client went away")
            text = text.rstrip("\n")
            if block is None:
                if text.startswith("%begin "):
                    block = text
                continue  # notifications between answers
            if text.startswith(("%end ", "%error ")) and text.split()[1:] == block.split()[1:]:
                # FLAGS 1: a command of this client; others answer someone else (attaching).
                ours = block.split()[-1] == "1"
                if ours and text.startswith("%error"):
                    raise ChildFailed(f"tmux {line.split()[0]}: {' '.join(out)}")
                if ours:
                    return out
                block, out = None, []
                continue
            out.append(text)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        client, self._client = self._client, None
        if client is not None:
            if client.stdin is not None:
                client.stdin.close()
            try:
                client.wait(5)
            except subprocess.TimeoutExpired:
                client.kill()
                client.wait()
        subprocess.run(
            [self.binary, "-S", self.socket, "kill-server"], capture_output=True, check=False
        )


def _quote(value: str) -> str:
    """For tmux's command language (double quotes); values here have no quote characters."""
    if any(c in value for c in "\"'\\$\n"):
        raise ValueError(f"cannot pass {value!r} to tmux")
    return f'"{value}"'


def _console_script() -> str:
    script = Path(sys.executable).with_name("vm-tui")
    return str(script) if script.exists() else f"{PYTHON} -m vm_tui"


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    """Until the run's process has exited (tmux reaps it); SIGKILL if it ignored the SIGHUP."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text(errors="replace")
        except OSError:
            return  # gone
        if stat[stat.rfind(")") + 2 :].startswith("Z"):
            return  # exited, not reaped yet
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            return
        time.sleep(0.01)


def _one(
    tmux: Tmux, n: int, command: str, env: dict[str, str], shows_row: Callable[[str], bool]
) -> dict[str, float]:
    folder = Path(env["XDG_STATE_HOME"]).parent
    folder.mkdir(parents=True, exist_ok=True)
    start_file = folder / "start"
    name = f"run{n}"
    flags = " ".join(f"-e {_quote(f'{k}={v}')}" for k, v in env.items())
    shell = f"date +%s.%N > {start_file}; exec {command}"
    size = f"-x {WIDTH} -y {HEIGHT}"
    answer = tmux.command(
        f"new-session -d -P -F '#{{pane_pid}}' -s {name} {size} {flags} {_quote(shell)}"
    )
    pid = int(answer[0])
    first_text: float | None = None
    deadline = time.monotonic() + TIMEOUT
    try:
        while True:
            pane = tmux.command(f"capture-pane -p -t {name}")
            now = time.time()
            if first_text is None and any(line.strip() for line in pane):
                first_text = now
            if any(shows_row(line) for line in pane):
                break
            if time.monotonic() > deadline:
                raise ChildFailed(f"{command}: no inbox row on screen after {TIMEOUT:.0f} s")
            time.sleep(POLL)
    finally:
        tmux.command(f"kill-session -t {name}")
        _wait_gone(pid)
    started = float(start_file.read_text())
    return {"rows": now - started, "first_text": (first_text or now) - started}


def _row_matchers(top: dict[str, object]) -> dict[str, Callable[[str], bool]]:
    from vm_tui.text.phone import format_number

    raw, line = str(top["from"]), str(top["main_number_name"] or "")
    formatted = format_number(raw)
    left = WIDTH * 3 // 5  # the list's side of the screen, not the detail pane

    def app(text: str) -> bool:
        return formatted in text[:left] and line in text[:left]

    def floor(text: str) -> bool:
        return raw in text and line in text

    return {"app": app, "floor": floor}


def measure() -> list[Row]:
    figure = f"process start to first screen with rows, real terminal (tmux), {COUNT:,}"
    if shutil.which("tmux") is None:
        return [
            Row(
                figure,
                "not measured",
                target=f"<= {TARGET}x",
                note="tmux is not installed here (apt-get install tmux): nothing to measure with",
            )
        ]
    seconds: dict[str, list[float]] = {"app": [], "floor": []}
    first_text: dict[str, list[float]] = {"app": [], "floor": []}
    commands = {"app": _console_script(), "floor": f"{PYTHON} {FLOOR}"}
    with RemoteDemo(COUNT) as demo, tempfile.TemporaryDirectory(prefix="vm-tui-tmux-") as tmp:
        matchers = _row_matchers(demo.top())
        with Tmux(Path(tmp), child_env()) as tmux:
            n = 0
            for rep in range(RUNS + 1):  # round 0 warms the page cache and is dropped
                progress(f"first paint through tmux, round {rep + 1}/{RUNS + 1}")
                for side in ("floor", "app") if rep % 2 == 0 else ("app", "floor"):
                    n += 1
                    env = {
                        "PHONE_INC_BASE_URL": demo.base_url,
                        "PHONE_INC_API_KEY": demo.api_key,
                        **fresh_dirs(),
                    }
                    result = _one(tmux, n, commands[side], env, matchers[side])
                    if rep:
                        seconds[side].append(result["rows"])
                        first_text[side].append(result["first_text"])
    app, floor = median(seconds["app"]), median(seconds["floor"])
    value = ratio(app, floor)
    return [
        Row(
            figure,
            ms(app),
            f"{ms(floor)} (floor: httpx, json.loads, one Static of rows)",
            times(value),
            f"<= {TARGET}x",
            value <= TARGET,
            note=(
                f"median of {RUNS} runs each, interleaved, after a dropped warm-up round; "
                f"`vm-tui` {spread(seconds['app'])}, floor {spread(seconds['floor'])}; first "
                f"text on screen: app {ms(median(first_text['app']))} (the 'Loading' frame), "
                f"floor {ms(median(first_text['floor']))}; the pane is polled every "
                f"{POLL * 1000:.0f} ms through a tmux control client; the headless figure above "
                "stops at the first frame composed, before the terminal has drawn it"
            ),
        )
    ]
