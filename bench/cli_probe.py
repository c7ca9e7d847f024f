"""``python -m bench.cli_probe ARGS...``: run the vm-tui CLI, then record what it imported.

The report goes to the file named by BENCH_PROBE_OUT (stdout belongs to the CLI), written at
interpreter exit so it sees every import the command made, lazy ones included.
"""

from __future__ import annotations

import atexit
import json
import os
import sys


def _report() -> None:
    loaded = sorted(sys.modules)
    heavy = {
        name: any(m == name or m.startswith(name + ".") for m in loaded)
        for name in ("textual", "pydub", "simpleaudio")
    }
    with open(os.environ["BENCH_PROBE_OUT"], "w", encoding="utf-8") as out:
        json.dump({"imported": heavy, "modules": len(loaded)}, out)


def main() -> None:
    atexit.register(_report)
    sys.argv[0] = "vm-tui"
    from vm_tui.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
