"""Waiting for an event with a time limit, in a way that cannot swallow a cancellation.

``asyncio.wait_for`` on Python 3.11 returns normally when the awaited thing completes in the
same loop step as the cancellation of the waiter (CPython gh-86296, fixed in 3.12): the
outbox sender, cancelled at shutdown just as it was woken, went on looping and the app never
exited. ``asyncio.timeout`` does not have that flaw.
"""

from __future__ import annotations

import asyncio
import contextlib


async def wait_for_event(event: asyncio.Event, timeout: float | None) -> bool:
    """Wait until ``event`` is set (True) or ``timeout`` seconds pass (False; None: forever)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            await event.wait()
            return True
    return False
