"""The first inbox, asked for before the user interface is even imported.

Starting the inbox is mostly Python work (importing Textual and the screens, building the
app: ~200 ms) followed by a wait on the network for the first list. Done in that order the
user waits for both. ``HeadStart`` sends the first ``GET /voicemails`` from a thread as soon
as the settings are known, with a client of its own (same origin, key, proxies, trust and
deadlines as the app's), so the request and the server's work overlap the imports; the
poller's first poll then takes its answer instead of asking again.

It is used once. An error the API client raises (offline, rejected key, a deadline) is handed
to the first poll as if that poll had met it, so it is reported and backed off the usual way
and not paid for twice; anything else (a bug here) just means the first poll asks itself.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable

from vm_tui.api import ApiError, PhoneIncClient
from vm_tui.api.models import Inbox
from vm_tui.api.retry import NO_RETRY


class HeadStart:
    def __init__(self, make_client: Callable[[], PhoneIncClient]) -> None:
        self._make_client = make_client
        self._future: concurrent.futures.Future[Inbox | None] = concurrent.futures.Future()
        self._taken = False

    def start(self) -> HeadStart:
        # A daemon: a quit while the request still waits on a dead network must not wait too.
        threading.Thread(target=self._run, name="vm-tui-head-start", daemon=True).start()
        return self

    async def take(self) -> Inbox | None:
        """The first inbox (raises the ApiError it met); None once taken, or when it failed
        in a way the poller should not hear about."""
        if self._taken:
            return None
        self._taken = True
        return await asyncio.wrap_future(self._future)

    def take_if_ready(self) -> Inbox | None:
        """The first inbox if it has already arrived (then it is taken), else None: the app
        shows it in its very first frame. An error or a request still running is left for
        ``take``."""
        future = self._future
        if self._taken or not future.done() or future.exception() is not None:
            return None
        inbox = future.result()
        if inbox is not None:
            self._taken = True
        return inbox

    def _run(self) -> None:
        if not self._future.set_running_or_notify_cancel():
            return
        try:
            inbox = asyncio.run(self._fetch())
        except ApiError as error:
            self._future.set_exception(error)
        except BaseException:  # not the network's doing: the first poll asks again itself
            self._future.set_result(None)
        else:
            self._future.set_result(inbox)

    async def _fetch(self) -> Inbox:
        async with self._make_client() as client:
            # Parsed on this thread: its loop has nothing else to run.
            return await client.list_voicemails(retry=NO_RETRY, incremental=False, off_loop=False)
