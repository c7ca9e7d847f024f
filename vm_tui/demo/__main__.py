"""``python -m vm_tui.demo [--port N] [--count N] ...``: the demo server without the click CLI."""

from __future__ import annotations

import argparse

from vm_tui.demo.cli import serve_forever_cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vm_tui.demo", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="API port (0: any free port)")
    parser.add_argument("--count", type=int, default=None, help="inbox size (default: seeds)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument("--error-rate", type=float, default=0.0, help="fraction answered 500")
    parser.add_argument("--rate-limit-every", type=int, default=0, help="every Nth gets 429")
    parser.add_argument("--new-every", type=float, default=45.0, help="seconds; 0 disables")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    return serve_forever_cli(
        port=args.port,
        count=args.count,
        latency=args.latency,
        error_rate=args.error_rate,
        new_every=args.new_every or None,
        rate_limit_every=args.rate_limit_every,
        seed=args.seed,
    )


if __name__ == "__main__":
    raise SystemExit(main())
