"""What the in-app jobs share: build the real app against a demo server, drive it, measure it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.widgets._toast import Toast

from bench.keys import CursorProbe
from bench.memory import os_threads, peak_rss_mb, rss_mb
from bench.painting import PaintWatch
from vm_tui.api import PhoneIncClient, RecordingDownloader
from vm_tui.audio.player import Player
from vm_tui.local.config import Settings
from vm_tui.local.inbox_cache import InboxCache
from vm_tui.local.outbox_journal import OutboxJournal
from vm_tui.local.paths import state_dir
from vm_tui.startup import return_big_buffers_to_the_os
from vm_tui.ui.app import VoicemailApp
from vm_tui.ui.widgets.detail import DetailPane
from vm_tui.ui.widgets.text_block import TextBlock
from vm_tui.ui.widgets.voicemail_list import VoicemailList

__all__ = [
    "SIZE",
    "build_app",
    "expire_toasts",
    "loaded",
    "os_threads",
    "peak_rss_mb",
    "poll",
    "rss_mb",
    "task_count",
    "wait_until",
]

# A common terminal; every job uses the same one. Jobs pass notifications=True to run_test,
# which hides toasts by default: the real app shows them, and they cost frames.
SIZE = (120, 40)
# Polls happen only when a job asks (action_refresh), never on the app's own timer.
NO_TIMED_POLLS = Settings(poll_interval=3600)


def build_app(
    base_url: str, api_key: str, *, player: Player | None = None, prefetch: bool = True
) -> VoicemailApp:
    """The app as ``vm-tui`` builds it (outbox and inbox cache on disk, in the fresh XDG dirs
    the parent gives each child, and glibc's mmap threshold fixed as ``cli.run_tui`` does), but
    with the job's player and no timed polls."""
    return_big_buffers_to_the_os()
    folder = state_dir()
    return VoicemailApp(
        client=PhoneIncClient(api_key, base_url),
        downloader=RecordingDownloader(),
        player=player,
        settings=NO_TIMED_POLLS,
        prefetch=prefetch,
        journal=OutboxJournal(folder / "outbox.jsonl"),
        cache=InboxCache(folder / "inbox-cache.json"),
    )


async def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.002)


async def loaded(app: VoicemailApp, timeout: float = 60) -> None:
    await wait_until(lambda: app.service.poller.polls_completed >= 1, timeout, "the first poll")


def expire_toasts(app: VoicemailApp) -> None:
    """Polls come every 15 s in real use, long after a toast's timeout; jobs poll many times a
    second, so they expire the toasts themselves rather than let hundreds pile up.

    Through the toast's own timeout handler: App.clear_notifications() leaves each toast's
    ToastHolder mounted (Textual 8.2.8), which would be a leak of the benchmark's making.
    """
    for toast in app.screen.query(Toast):
        toast._expire()


async def poll(app: VoicemailApp, *, settle: float = 0.05, timeout: float = 60) -> None:
    """One poll on demand; ``settle`` lets the frames it caused be painted."""
    before = app.service.poller.polls_completed
    app.inbox.action_refresh()
    await wait_until(lambda: app.service.poller.polls_completed > before, timeout, "a poll")
    if settle:
        await asyncio.sleep(settle)


def task_count() -> int:
    return len(asyncio.all_tasks())


def inbox_probe(app: VoicemailApp) -> CursorProbe:
    """Where the app's cursor is, and whether a frame has drawn the cursor on row i and the
    detail pane's parts with row i's voicemail (bench/keys.py)."""
    vm_list = app.query_one(VoicemailList)
    detail = app.query_one(DetailPane)
    ids = vm_list.ids

    def cursor_line(y: int) -> str | None:
        at = vm_list.cursor_index
        return vm_list.cursor_id if at is not None and y + vm_list.scroll_offset.y == at else None

    def shown(_y: int) -> str | None:
        return detail.voicemail.id if detail.voicemail else None

    cursor = PaintWatch(vm_list, cursor_line)
    parts = [PaintWatch(static, shown) for static in detail.query(TextBlock)]

    return CursorProbe(
        position=lambda: vm_list.cursor_index or 0,
        rows=len(ids),
        cursor_at=lambda i: cursor.painted == ids[i],
        detail_at=lambda i: all(part.painted == ids[i] for part in parts),
    )
