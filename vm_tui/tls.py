"""The TLS trust store every HTTPS client of this process shares, loadable ahead of time.

Building it means OpenSSL parsing certifi's CA bundle: ~15 ms on every start, in C code that
releases the GIL. ``preload()`` starts that in a thread first thing, so it runs beside the
imports of the UI instead of after them; the clients then take the finished context. (The
imports of ssl and certifi stay on the caller's thread: Python code gains nothing from a thread,
and httpx needs both anyway.) One context for the API client and the recording downloader also
saves building it a second time.
"""

from __future__ import annotations

import contextlib
import ssl
import threading

import certifi

_lock = threading.Lock()
_context: ssl.SSLContext | None = None


def trust_store() -> ssl.SSLContext:
    """What httpx builds with ``trust_env=False``: certifi's CA bundle, certificates verified.

    Built once per process; waits for a preload in progress rather than building it twice.
    """
    global _context
    with _lock:
        if _context is None:
            _context = ssl.create_default_context(cafile=certifi.where())
        return _context


def preload() -> None:
    """Start building the trust store in a daemon thread; a failure is left to ``trust_store``."""
    threading.Thread(target=_build_quietly, name="vm-tui-tls-preload", daemon=True).start()


def _build_quietly() -> None:
    # The caller of trust_store() meets the error itself, where it is reported properly.
    with contextlib.suppress(Exception):
        trust_store()
