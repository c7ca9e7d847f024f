"""The app: theme, terminal title, start-up, and the inbox screen. The workflow is the screen's
(``ui/screens/inbox.py``); what the inbox does is the application layer's (``vm_tui.application``).

It takes its client, downloader, player and clocks: tests pass their own. With
``handle_signals`` (the real program), SIGTERM, SIGHUP and SIGINT quit as ``q`` does
(``vm_tui.application.signals``).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from vm_tui import startup
from vm_tui.api import PhoneIncClient, RecordingDownloader
from vm_tui.application.announcements import SeenStore
from vm_tui.application.head_start import HeadStart
from vm_tui.application.service import InboxService, ServiceOptions
from vm_tui.application.signals import (
    TERMINATING,
    detach_from_terminal,
    status_for_signal,
    terminal_gone,
)
from vm_tui.audio.player import Player
from vm_tui.contacts import Contacts
from vm_tui.local.config import Settings
from vm_tui.local.files import StorageError
from vm_tui.local.inbox_cache import InboxCache
from vm_tui.local.outbox_journal import OutboxJournal
from vm_tui.text.safe import one_line
from vm_tui.ui.keys import INBOX_KEYS
from vm_tui.ui.screens.inbox import InboxScreen


def local_now() -> datetime:
    return datetime.now().astimezone()


class VoicemailApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "vm-tui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        *,
        client: PhoneIncClient | None,
        downloader: RecordingDownloader | None = None,
        player: Player | None = None,
        settings: Settings | None = None,
        now: Callable[[], datetime] = local_now,
        monotonic: Callable[[], float] = time.monotonic,
        undo_seconds: float = 5.0,
        prefetch: bool = True,
        startup_warnings: Iterable[str] = (),
        journal: OutboxJournal | None = None,
        cache: InboxCache | None = None,
        seen: SeenStore | None = None,
        quit_flush_seconds: float = 5.0,
        handle_signals: bool = False,
        contacts: Contacts | None = None,
        remember_theme: Callable[[str], StorageError | None] | None = None,
        head_start: HeadStart | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.player = player
        self.terminal_title = "vm-tui"
        self._remember_theme = remember_theme
        self._startup_warnings = list(startup_warnings)
        self._title_pushed = False
        self._handle_signals = handle_signals
        self._signals_received = 0
        self._signal_quit: asyncio.Future[None] | None = None
        # The first terminating signal received (SIGTERM, SIGHUP, SIGINT), if any.
        self.ended_by_signal: int | None = None
        self._service: InboxService | None = None
        self._inbox: InboxScreen | None = None
        if client is not None:
            self._service = InboxService(
                client,
                journal=journal,
                downloader=downloader,
                player=player,
                cache=cache,
                seen=seen,
                options=ServiceOptions(
                    poll_interval=self.settings.poll_interval,
                    undo_seconds=undo_seconds,
                    default_speed=self.settings.default_speed,
                    skip_silence=getattr(self.settings, "skip_silence", False),
                    voice_boost=getattr(self.settings, "voice_boost", False),
                ),
                now=now,
                monotonic=monotonic,
                head_start=head_start,
            )
            self._inbox = InboxScreen(
                self._service,
                settings=self.settings,
                contacts=contacts,
                now=now,
                monotonic=monotonic,
                prefetch=prefetch,
                quit_flush_seconds=quit_flush_seconds,
            )

    @property
    def service(self) -> InboxService:
        """The application layer behind the inbox (there is none without an API key)."""
        if self._service is None:
            raise RuntimeError("no API key: the app shows how to set one instead")
        return self._service

    @property
    def inbox(self) -> InboxScreen:
        if self._inbox is None:
            raise RuntimeError("no API key: the app shows how to set one instead")
        return self._inbox

    def get_default_screen(self) -> Screen[Any]:
        if self._inbox is not None:
            return self._inbox
        from vm_tui.ui.screens.no_key import NoKeyScreen

        return NoKeyScreen()

    def on_mount(self) -> None:
        if self._handle_signals:
            loop = asyncio.get_running_loop()
            for signum in TERMINATING:
                loop.add_signal_handler(signum, self._on_signal, signum)
        self._apply_configured_theme()
        if self._inbox is None:
            startup.inbox_shown()  # there will be no inbox to wait for (once: no screen)
            return
        self.call_after_refresh(startup.after_first_frame)
        self.show_unread(0)
        for warning in self._startup_warnings:
            self.notify(warning, severity="warning", markup=False)

    async def action_quit(self) -> None:
        if self._inbox is not None and self._inbox.is_attached:
            await self._inbox.action_quit()
        else:
            self.exit(0)

    @property
    def exit_status(self) -> int:
        """The process's exit status: 128 + the signal that ended it, else the return code."""
        if self.ended_by_signal is not None:
            return status_for_signal(self.ended_by_signal)
        return self.return_value or self.return_code or 0

    # -- signals ------------------------------------------------------------------------------

    def _on_signal(self, signum: int) -> None:
        """SIGTERM, SIGHUP, SIGINT: quit as ``q`` does; a second one quits without waiting."""
        self._signals_received += 1
        if self._signals_received == 1:
            self.ended_by_signal = signum
            if self._service is not None:
                # On disk first: after SIGHUP the process may not get much further.
                self._service.commit_deletes_now()
        if terminal_gone():
            detach_from_terminal()
            self._leave_the_terminal()
        if self._signals_received == 1:
            self._signal_quit = asyncio.ensure_future(self._quit_for_signal())
        elif self._signals_received == 2:
            # No more waiting for the server (the journal has everything), also when q's
            # own wait holds the app's message loop.
            if self._service is not None:
                self._service.hurry()
            self.exit()
        else:
            os._exit(status_for_signal(self.ended_by_signal or signum))

    async def _quit_for_signal(self) -> None:
        try:
            await self.action_quit()
        finally:
            self.exit()  # also when quitting failed: a signal always ends the app

    def _leave_the_terminal(self) -> None:
        """The streams now lead to /dev/null: stop reading input (there is none to come), and
        replace Textual's output thread if it died on the first write to the hung-up terminal,
        so the app can draw (into nothing) and shut down."""
        driver = self._driver
        stop_reading = getattr(driver, "exit_event", None)
        if isinstance(stop_reading, threading.Event):
            stop_reading.set()
        writer = getattr(driver, "_writer_thread", None)
        if driver is None or not isinstance(writer, threading.Thread) or writer.is_alive():
            return
        from textual.drivers._writer_thread import WriterThread

        fresh = WriterThread(getattr(driver, "_file", None) or os.fdopen(2, "w", closefd=False))
        fresh.start()
        driver._writer_thread = fresh  # type: ignore[attr-defined]

    async def on_unmount(self) -> None:
        if self.player is not None:
            self.player.stop()
        if self._service is not None:
            await self._service.aclose()
        self._restore_terminal_title()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self._inbox is None:
            return
        inbox = self._inbox
        for key in INBOX_KEYS:
            if key.action in ("help", "quit"):
                continue
            yield SystemCommand(
                key.description,
                f"{key.description} (key: {key.help_keys or key.keys})",
                lambda action=key.action: self.run_action(action, inbox),
            )

    # -- theme --------------------------------------------------------------------------------

    def _apply_configured_theme(self) -> None:
        wanted = self.settings.theme
        if wanted and wanted in self.available_themes:
            self.theme = wanted
        elif wanted:
            self._startup_warnings.append(
                f"Unknown theme {one_line(wanted, 40)!r}; using the default."
            )
        # From now on a theme picked in the command palette is remembered for the next start.
        self._theme_in_use = self.theme
        self.theme_changed_signal.subscribe(self, self._on_theme_changed)

    def _on_theme_changed(self, theme: object) -> None:
        name = getattr(theme, "name", None)
        if not isinstance(name, str) or name == self._theme_in_use:
            return  # the signal for the configured theme arrives late: not a new choice
        self._theme_in_use = name
        if self._remember_theme is None:
            return
        error = self._remember_theme(name)
        if error is None:
            return
        if self._service is not None:
            self._service.report_storage_error(error)  # told once, like the other files
        else:
            self.notify(f"{error}; the theme is not remembered.", severity="warning", markup=False)

    # -- the terminal's title -----------------------------------------------------------------

    def show_unread(self, unread: int) -> None:
        # Only our own text goes into the title: never a string from the API.
        title = f"vm-tui ({unread} new)" if unread else "vm-tui"
        if title == self.terminal_title and unread:
            return
        self.terminal_title = title
        driver = self._driver
        if driver is not None and not self.is_headless:
            if not self._title_pushed:
                driver.write("\x1b[22;0t")  # save the user's title, restored on exit
                self._title_pushed = True
            driver.write(f"\x1b]2;{title}\x07")
            driver.flush()

    def _restore_terminal_title(self) -> None:
        driver = self._driver
        if driver is not None and self._title_pushed:
            driver.write("\x1b[23;0t")
            driver.flush()
