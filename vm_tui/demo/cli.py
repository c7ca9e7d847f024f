"""Run the demo server in the foreground until Ctrl-C (wired into ``vm-tui demo-server``)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TextIO

from vm_tui.demo.server import DEMO_API_KEY, DemoServer


def serve_forever_cli(
    port: int = 0,
    count: int | None = None,
    latency: float = 0.0,
    error_rate: float = 0.0,
    new_every: float | None = 45.0,
    *,
    fill_in_after: float | None = 5.0,
    rate_limit_every: int = 0,
    url_ttl: float = 60.0,
    seed: int = 0,
    host: str = "127.0.0.1",
    storage_port: int = 0,
    api_key: str = DEMO_API_KEY,
    out: TextIO | None = None,
    err: TextIO | None = None,
    until: threading.Event | None = None,
) -> int:
    """Start, print how to connect, block until Ctrl-C / SIGTERM (or ``until`` is set).

    Returns the exit code: 0, or 1 (one line on ``err``) when the server cannot start, e.g.
    the port is taken. Shuts down cleanly, without a traceback.
    """
    out = out or sys.stdout
    try:
        server = DemoServer(
            api_key=api_key,
            count=count,
            seed=seed,
            new_every=new_every,
            fill_in_after=fill_in_after,
            latency=latency,
            error_rate=error_rate,
            rate_limit_every=rate_limit_every,
            url_ttl=url_ttl,
            host=host,
            port=port,
            storage_port=storage_port,
        ).start()
    except (OSError, ValueError) as exc:
        print(f"vm-tui demo-server: cannot start: {exc}", file=err or sys.stderr)
        return 1
    done = until or threading.Event()
    restore = _on_sigterm(done.set)
    try:
        print(f"Demo Phone.inc API at {server.base_url}", file=out)
        print(f"API key: {server.api_key}", file=out)
        print("Use it from another shell:", file=out)
        print(f"  export PHONE_INC_BASE_URL={server.base_url}", file=out)
        print(f"  export PHONE_INC_API_KEY={server.api_key}", file=out)
        print("Press Ctrl-C to stop.", file=out, flush=True)
        # Short waits keep Ctrl-C responsive everywhere.
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        restore()
    print("Demo server stopped.", file=out, flush=True)
    return 0


def _on_sigterm(callback: Callable[[], None]) -> Callable[[], None]:
    """Treat SIGTERM like Ctrl-C (only possible from the main thread). Returns an undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.getsignal(signal.SIGTERM)

    def handler(_signum: int, _frame: FrameType | None) -> None:
        callback()

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    signal.signal(signal.SIGTERM, handler)
    return restore
