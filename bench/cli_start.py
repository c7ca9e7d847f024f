"""`vm-tui --help` and `vm-tui list --json`: no Textual import; start time vs `python -c pass`."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.demo_control import RemoteDemo
from bench.procs import PYTHON, REPO, ChildFailed, child_env, progress, wall_time
from bench.report import Row
from bench.stats import median, ms, ratio, times

COMMANDS = {"vm-tui --help": ["--help"], "vm-tui list --json": ["list", "--json"]}


def _console_script() -> list[str]:
    script = Path(sys.executable).with_name("vm-tui")
    return [str(script)] if script.exists() else [PYTHON, "-m", "vm_tui"]


def _imports(args: list[str], env: dict[str, str]) -> dict[str, bool]:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "imports.json"
        proc = subprocess.run(
            [PYTHON, "-m", "bench.cli_probe", *args],
            cwd=REPO,
            env={**env, "BENCH_PROBE_OUT": str(out)},
            capture_output=True,
            timeout=60,
            check=False,
        )
        if proc.returncode != 0 or not out.exists():
            raise ChildFailed(f"vm-tui {' '.join(args)} exited {proc.returncode}")
        imported: dict[str, bool] = json.loads(out.read_text())["imported"]
        return imported


def measure(reps: int) -> list[Row]:
    rows: list[Row] = []
    with RemoteDemo(50) as demo:
        env = child_env({"PHONE_INC_BASE_URL": demo.base_url, "PHONE_INC_API_KEY": demo.api_key})
        script = _console_script()
        bare: list[float] = []
        timed: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for rep in range(reps + 1):  # the first round warms the page cache and is dropped
            progress(f"CLI start-up, round {rep + 1}/{reps + 1}")
            baseline = wall_time([PYTHON, "-c", "pass"], env=env)
            results = {name: wall_time(script + args, env=env) for name, args in COMMANDS.items()}
            if rep:
                bare.append(baseline)
                for name, value in results.items():
                    timed[name].append(value)
        for name, args in COMMANDS.items():
            heavy = _imports(args, env)
            others = [m for m in ("pydub", "simpleaudio") if heavy[m]]
            note = f"also imports {', '.join(others)}" if others else ""
            rows.append(
                Row(
                    f"`{name}` imports Textual",
                    "yes" if heavy["textual"] else "no",
                    target="no",
                    met=not heavy["textual"],
                    note=note,
                )
            )
            subject, base = median(timed[name]), median(bare)
            rows.append(
                Row(
                    f"`{name}` start to exit",
                    ms(subject),
                    f"{ms(base)} (`python -c pass`)",
                    times(ratio(subject, base)),
                    note="list: 50 voicemails from a loopback demo server"
                    if "list" in name
                    else "",
                )
            )
    return rows
