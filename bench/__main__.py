"""``python -m bench [--reps N] [--polls N]`` or ``python -m bench --soak``: print the table.

The table goes to stdout and, as markdown, to bench/last-results.md (last-soak.md for --soak).
The exit code is 0 even when a target is missed: missed targets say MISSED in the table.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import signal
import sys
import time
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from bench import procs
from bench.report import Row, as_markdown, as_text
from bench.suite import run_soak, run_suite

HERE = Path(__file__).resolve().parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--reps",
        type=int,
        default=5,
        help="repetitions per figure (median; the start-up figures take twice as many)",
    )
    parser.add_argument("--polls", type=int, default=1000, help="polls for the RSS growth figure")
    parser.add_argument("--soak", action="store_true", help="run only the long soak")
    parser.add_argument("--soak-polls", type=int, default=1000)
    parser.add_argument("--soak-count", type=int, default=10_000)
    return parser


def _header(command: str, seconds: float) -> str:
    machine = (
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"Textual {version('textual')}, {platform.system()} {platform.release()}"
    )
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return (
        f"Produced by `{command}`{' (`make bench`)' if command == 'python -m bench' else ''} "
        f"on {when} ({machine}); the run took {seconds:.0f} s.\n"
        "Ratios compare against a baseline measured in the same run; "
        "MISSED marks a target not met."
    )


def compile_bytecode() -> None:
    """Write the .pyc files an installed vm-tui has. pip compiles a package when it installs it,
    but this checkout is an editable install, and with PYTHONDONTWRITEBYTECODE set (as on these
    machines) every child would compile vm_tui from source again: ~40 ms of start-up that no
    user's vm-tui pays, and that the baseline (Textual, compiled by pip) does not pay either."""
    for folder in (HERE.parent / "vm_tui", HERE):
        compileall.compile_dir(folder, quiet=1)


def handle_ctrl_c_in_children() -> None:
    """Started with SIGINT ignored (``make bench &`` from a script, nohup), every child would
    inherit that, and `vm-tui play` (rightly) keeps an ignored Ctrl-C ignored: the figure
    that stops it with one then waited forever. A handled signal is reset at exec."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.monotonic()
    handle_ctrl_c_in_children()
    compile_bytecode()
    try:
        if args.soak:
            command = (
                f"python -m bench --soak --soak-polls {args.soak_polls} "
                f"--soak-count {args.soak_count}"
            )
            rows: list[Row] = run_soak(args.soak_count, args.soak_polls)
            out = HERE / "last-soak.md"
        else:
            defaults = (args.reps, args.polls) == (5, 1000)
            command = (
                "python -m bench"
                if defaults
                else f"python -m bench --reps {args.reps} --polls {args.polls}"
            )
            rows = run_suite(args.reps, args.polls)
            out = HERE / "last-results.md"
    finally:
        procs.cleanup()
    header = _header(command, time.monotonic() - started)
    print(as_text(rows))
    print(f"\n{header}")
    title = "# vm-tui soak" if args.soak else "# vm-tui benchmarks"
    out.write_text(f"{title}\n\n{header}\n\n{as_markdown(rows)}\n", encoding="utf-8")
    print(f"(written to {out.relative_to(HERE.parent)})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
