"""What vm-tui does to start as fast as a bare app, and to stay small all day: in one place.

``begin()`` runs first thing in ``vm-tui`` (before the UI is imported); the app calls
``after_first_frame()`` once its first frame is out and ``inbox_shown()`` once the first inbox
is on screen (or will not come soon).

- The garbage collector waits: starting builds ~300,000 objects that live for the whole session
  (modules, classes, widgets, the inbox) and throws little away, yet the collector's passes
  over them while they are built cost ~20 ms of a 300 ms start. Once the inbox is shown, one
  full pass frees what start-up did discard, and ``gc.freeze()`` moves the survivors out of the
  collector's sight for good, which also keeps later full passes (and poll stalls) short.
- Big buffers go back to the OS when freed (glibc): glibc raises its mmap threshold to the
  largest block freed so far (up to 32 MB), after which every later response, decoded body and
  PCM buffer comes from the heap, where a freed block stays part of the process: RSS rose in
  steps of 5-15 MB over a 10,000-voicemail soak. Fixing the threshold at glibc's default
  (128 KiB) turns that off; a big block then costs an mmap and its page faults.
- OpenSSL reads the CA bundles in a thread while the UI is imported (``vm_tui.api.tls``), once
  the settings say the API is https (``preload_trust``).
- httpx's command-line tool (and pygments with it) is not imported: ``vm_tui.api._httpx_cli``,
  which has to run before httpx is first imported, so it lives at the door to ``vm_tui.api``.
- The phone number formatter (~15-25 ms to import) loads after a first frame that has no rows
  yet, while the first poll is on the network. When the head start's inbox is in the first
  frame, its rows need the formatter, and the import happens inside that frame.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vm_tui.api.tls import TrustSources

M_MMAP_THRESHOLD = -3  # glibc's <malloc.h>
MMAP_THRESHOLD = 128 * 1024

_paused = False


def begin() -> None:
    pause_collector()
    return_big_buffers_to_the_os()


def preload_trust(sources: TrustSources, *, https: bool) -> None:
    """OpenSSL parses the CA bundles in a thread while the UI is imported, when the API is
    spoken over https: plain http (the demo, loopback) never needs them, and parsing them
    there (~60 ms of CPU) only competes with the start."""
    if https:
        from vm_tui.api.tls import preload

        preload(sources)


def after_first_frame() -> None:
    from vm_tui.text.phone import warm_up

    warm_up()


def inbox_shown() -> None:
    """The collector runs again, with everything built so far frozen out of its passes (the
    app calls it once)."""
    resume_collector_and_freeze()


def pause_collector() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector_and_freeze() -> None:
    """Idempotent; also right when nothing was paused (the heap is frozen either way). A
    collector someone else turned off stays off."""
    global _paused
    if _paused:
        gc.collect()
    gc.freeze()
    if _paused:
        _paused = False
        gc.enable()


def return_big_buffers_to_the_os() -> bool:
    """Fix glibc's mmap threshold; False where there is no glibc (macOS, musl): nothing to do."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
