"""The garbage collector paused while the inbox starts, then the start-up heap frozen.

Starting builds ~300,000 objects that live for the whole session (modules, classes, widgets,
the inbox) and throws little away, yet the collector's passes over them while they are built
cost ~20 ms of a 300 ms start. So collection waits until the first inbox is on screen; then
one full pass frees what start-up did discard, and ``gc.freeze()`` moves the survivors out of
the collector's sight for good, which also keeps later full passes (and poll stalls) short.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_and_freeze() -> None:
    """Idempotent; also right when nothing was paused (the heap is frozen either way). A
    collector someone else turned off stays off."""
    global _paused
    if _paused:
        gc.collect()
    gc.freeze()
    if _paused:
        _paused = False
        gc.enable()
