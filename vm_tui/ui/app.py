"""The live inbox: list pane bound to a background poller, detail pane with the player.

Layers: this module is the only one that knows Textual *and* the API. The poller is one
long-running async worker; mutations are optimistic in ``InboxState`` and confirmed or reverted
when the server answers; audio work runs in threads and comes back as messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import Worker

from vm_tui import gc_pause
from vm_tui.api import (
    NO_RETRY,
    ApiError,
    NotFoundError,
    PhoneIncClient,
    RecordingDownloader,
    RecordingProcessingError,
    Voicemail,
    fetch_recording,
)
from vm_tui.audio.errors import AudioError, NoSoundDeviceError
from vm_tui.audio.pcm import Pcm
from vm_tui.audio.player import (
    MAX_PLAYER_SPEED,
    MIN_PLAYER_SPEED,
    PlaybackEnded,
    PlaybackFailed,
    Player,
    PlayerEvent,
    PlayerState,
)
from vm_tui.config import Settings
from vm_tui.contacts import Contacts
from vm_tui.inbox import Backoff, ConnectionStatus, InboxDiff, InboxState, Link, jittered
from vm_tui.inbox.cache import InboxCache
from vm_tui.inbox.connection import stops_polling
from vm_tui.inbox.filters import InboxFilter, lines_of
from vm_tui.inbox.outbox import Operation, Outbox
from vm_tui.inbox.sync import OutboxRunner
from vm_tui.phone import warm_up as warm_up_number_formatting
from vm_tui.safe_text import one_line
from vm_tui.ui.keys import INBOX_KEYS
from vm_tui.ui.messages import PlayerEventMessage
from vm_tui.ui.text import caller_label, line_label
from vm_tui.ui.widgets.detail import DetailPane
from vm_tui.ui.widgets.key_bar import KeyBar
from vm_tui.ui.widgets.player_bar import PlayerBar, PlayerView
from vm_tui.ui.widgets.status_bar import StatusBar
from vm_tui.ui.widgets.voicemail_list import VoicemailList

SPEEDS = (0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
_AUDIO_CACHE_SIZE = 8
_PREFETCH_DELAY = 0.3
_NARROW_WIDTH = 100
_START_AT_MOST = 20.0  # seconds


def local_now() -> datetime:
    return datetime.now().astimezone()


Decoder = Callable[[bytes], Pcm]


def _default_decoder(data: bytes) -> Pcm:
    from vm_tui.audio.decode import decode

    return decode(data, "mp3")


@dataclass
class _Recording:
    mp3: bytes
    pcm: Pcm | None = None


class VoicemailApp(App[int]):
    """The inbox. Takes its client, downloader, player and clocks: tests pass their own."""

    CSS_PATH = "app.tcss"
    TITLE = "vm-tui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(k.keys, k.action, k.description, show=k.show, priority=k.priority)
            for k in INBOX_KEYS
        ),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    connection: var[ConnectionStatus] = var(ConnectionStatus)

    def __init__(
        self,
        *,
        client: PhoneIncClient | None,
        downloader: RecordingDownloader | None = None,
        player: Player | None = None,
        settings: Settings | None = None,
        now: Callable[[], datetime] = local_now,
        monotonic: Callable[[], float] = time.monotonic,
        decoder: Decoder = _default_decoder,
        undo_seconds: float = 5.0,
        prefetch: bool = True,
        startup_warnings: Iterable[str] = (),
        outbox: Outbox | None = None,
        cache: InboxCache | None = None,
        quit_flush_seconds: float = 5.0,
        contacts: Contacts | None = None,
        remember_theme: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.downloader = downloader or RecordingDownloader()
        self.player = player
        self.settings = settings or Settings()
        self.now = now
        self.monotonic = monotonic
        self.decoder = decoder
        self.undo_seconds = undo_seconds
        self.prefetch_enabled = prefetch
        self.state = InboxState(clock=now)
        self.terminal_title = "vm-tui"
        self._shown_id: str | None = None  # the voicemail the detail pane shows
        self.durations: dict[str, float] = {}
        self.speed = self.settings.default_speed
        self.polls_completed = 0
        self._refresh_now = asyncio.Event()
        self._pending_deletes: OrderedDict[str, Timer] = OrderedDict()
        self.outbox = outbox if outbox is not None else Outbox()
        self.outbox_path = self.outbox.path
        self.cache = cache
        self.quit_flush_seconds = quit_flush_seconds
        self.sync: OutboxRunner | None = None
        self._cache_saved_at = float("-inf")
        self._recordings: OrderedDict[str, _Recording] = OrderedDict()
        self._loading: dict[str, asyncio.Task[_Recording]] = {}
        self._prefetch_timer: Timer | None = None
        self._playing_id: str | None = None
        self._player_view = PlayerView(speed=self.speed)
        self._skipped_reported: frozenset[str] = frozenset()
        self._last_success: datetime | None = None
        self._widgets_ready = False  # widgets composed and mounted
        self._started = False  # the first inbox is on screen, or will not come soon
        self.filter = InboxFilter()
        self.contacts = contacts
        self._remember_theme = remember_theme
        self._startup_warnings = list(startup_warnings)

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(now=self.now, monotonic=self.monotonic, id="status")
        yield Static("Loading your inbox…", id="empty", markup=False)
        with Horizontal(id="panes"):
            with Vertical(id="list-column"):
                yield Input(placeholder="/ search caller, contact, line, words", id="search")
                yield VoicemailList(
                    self.state.get, self.now, self.durations.get, self.contact_name, id="list"
                )
            yield DetailPane(self.now, self.contact_name, id="detail")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self._widgets_ready = True
        self._apply_configured_theme()
        if self.client is None:
            from vm_tui.ui.screens.no_key import NoKeyScreen

            self.push_screen(NoKeyScreen())
            self._start_over()
            return
        if self.player is not None:
            self.player.set_listener(self._post_player_event)
        self._show_empty(True)
        self.query_one(VoicemailList).focus()
        self.outbox.on_change = self._update_pending
        self.sync = OutboxRunner(
            self.client,
            self.state,
            self.outbox,
            on_diff=self._apply_diff,
            on_notice=self._notice,
        )
        self.sync.replay()
        self._update_pending()
        self._run_outbox()
        self._poll_forever()
        self.call_after_refresh(warm_up_number_formatting)
        self.set_timer(_START_AT_MOST, self._start_over)  # whatever the first poll is doing
        self.set_interval(60, self._refresh_times)
        self.set_interval(0.2, self._refresh_player_view)
        self._set_terminal_title(0)
        for warning in self._startup_warnings:
            self.notify(warning, severity="warning", markup=False)

    def _start_over(self) -> None:
        """Once: the garbage collector, paused for the start (vm_tui.gc_pause), runs again,
        with everything built so far frozen out of its passes."""
        if not self._started:
            self._started = True
            gc_pause.resume_and_freeze()

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
        if self._remember_theme is not None:
            self._remember_theme(name)

    def _show_empty(self, empty: bool) -> None:
        """The message in place of the panes, or the panes. Display toggles, not a screen class:
        a class on the screen restyles every widget under it (7 ms with 10,000 voicemails)."""
        self.query_one("#empty").display = empty
        self.query_one("#panes").display = not empty

    def on_resize(self) -> None:
        self.screen.set_class(self.size.width < _NARROW_WIDTH, "-narrow")

    async def on_unmount(self) -> None:
        if self.player is not None:
            self.player.stop()
        if self.client is not None:
            await self.client.aclose()
        await self.downloader.aclose()
        self._restore_terminal_title()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key in INBOX_KEYS:
            if key.action in ("help", "quit"):
                continue
            yield SystemCommand(
                key.description,
                f"{key.description} (key: {key.help_keys or key.keys})",
                lambda action=key.action: self.run_action(action),
            )

    # -- the poller ---------------------------------------------------------------------------

    @work(group="poller", exit_on_error=False)
    async def _poll_forever(self) -> None:
        """One long-running loop. Never ``set_interval``: a slow poll must not be cancelled."""
        backoff = Backoff()
        await self._show_cached_inbox()
        while True:
            delay = await self._poll_once(backoff)
            await self._wait_for_next_poll(delay)

    async def _wait_for_next_poll(self, delay: float | None) -> None:
        try:
            if delay is None:
                await self._refresh_now.wait()
            else:
                await asyncio.wait_for(self._refresh_now.wait(), timeout=delay)
        except TimeoutError:
            pass
        self._refresh_now.clear()

    async def _poll_once(self, backoff: Backoff) -> float | None:
        """Poll once; return seconds until the next poll (None: wait for the user)."""
        assert self.client is not None
        token = self.state.begin_poll()
        if not self.state.loaded:
            self.connection = replace(self.connection, link=Link.CONNECTING)
        try:
            # Before the first inbox there is nothing on screen to keep smooth: parse at speed.
            inbox = await self.client.list_voicemails(retry=NO_RETRY, incremental=self.state.loaded)
        except ApiError as error:
            return self._poll_failed(error, backoff)
        backoff.reset()
        first = not self.polls_completed
        was_loaded = self.state.loaded  # from an earlier poll or the cache: announce what is new
        diff = self.state.apply_poll(inbox, token)
        self._apply_diff(diff, announce=was_loaded)
        if first:
            # Not before the first paint: the user is waiting for the inbox, not the cache.
            self.set_timer(2.0, lambda: self._save_cache(at_most_every=30.0))
        elif not diff.empty:
            self._save_cache(at_most_every=30.0)
        self._report_skipped(inbox.skipped)
        self._last_success = self.now()
        self.connection = ConnectionStatus(Link.LIVE)
        self.polls_completed += 1
        if first:
            self._show_loaded()
        return jittered(self.settings.poll_interval)

    def _poll_failed(self, error: ApiError, backoff: Backoff) -> float | None:
        self._start_over()  # no inbox to wait for
        message = one_line(str(error), 120)
        if stops_polling(error):
            self.connection = ConnectionStatus(Link.KEY_REJECTED, message, stale=self.state.loaded)
            if not self.state.loaded:
                self.query_one("#empty", Static).update(
                    f"Phone.inc rejected the API key ({message}).\n\n"
                    "Log in again with `vm-tui auth login` (or set PHONE_INC_API_KEY), restart,\n"
                    "or press r to try the same key again."
                )
            self.notify(
                "Phone.inc rejected the API key. Log in again with `vm-tui auth login` (or set "
                "PHONE_INC_API_KEY) and restart, or press r to try again.",
                title="API key rejected",
                severity="error",
                timeout=20,
                markup=False,
            )
            return None
        delay = backoff.next_delay(error)
        self.connection = ConnectionStatus(
            Link.OFFLINE,
            message,
            retry_at=self.monotonic() + delay,
            stale=self.state.loaded,
        )
        if not self.state.loaded:
            self.query_one("#empty", Static).update(
                f"Cannot load the inbox: {message}\nRetrying in {round(delay)} s (r retries now)."
            )
        return delay

    def _report_skipped(self, skipped: Iterable[object]) -> None:
        reasons = frozenset(one_line(str(getattr(s, "reason", s)), 80) for s in skipped)
        if reasons and reasons != self._skipped_reported:
            self.notify(
                f"{len(reasons)} voicemail(s) could not be read and are not shown "
                f"({next(iter(sorted(reasons)))}).",
                severity="warning",
                markup=False,
            )
        self._skipped_reported = reasons

    def _show_loaded(self) -> None:
        # Everything alive now (Textual's widgets, the inbox) lives for the whole session: keep
        # it out of the garbage collector's full passes, which otherwise stall the loop.
        self.call_after_refresh(self._start_over)
        empty = self.query_one("#empty", Static)
        empty.update("No voicemail. New ones appear here as they arrive.")
        self._show_empty(len(self.state) == 0)

    async def _show_cached_inbox(self) -> None:
        """Offline start: the last inbox from disk, marked stale until a poll succeeds.

        Read and parsed in a thread (10,000 voicemails take ~100 ms), before the first poll.
        """
        if self.cache is None or self.state.loaded:
            return
        cached = await asyncio.to_thread(self.cache.load)
        if cached is None or self.state.loaded:
            return
        self._apply_diff(self.state.apply_poll(cached))
        self._show_loaded()
        self.connection = ConnectionStatus(Link.CONNECTING, stale=True)

    def _save_cache(self, *, at_most_every: float = 0.0) -> None:
        """Write the cache off the loop (10,000 voicemails take ~150 ms to serialise)."""
        if self.cache is None or not self.state.loaded:
            return
        now = self.monotonic()
        if now - self._cache_saved_at < at_most_every:
            return
        self._cache_saved_at = now
        self._write_cache()

    @work(group="cache", exit_on_error=False)
    async def _write_cache(self) -> None:
        # No arguments: a finished worker stays reachable for a while, and must not keep a
        # whole inbox alive. The snapshot is immutable, so a thread may serialise it.
        if self.cache is not None:
            with contextlib.suppress(OSError):  # best effort: the next save tries again
                await asyncio.to_thread(self.cache.save, self.state.server_inbox())

    def watch_connection(self, status: ConnectionStatus) -> None:
        if self._widgets_ready and self.client is not None:
            self.query_one(StatusBar).status = status

    def action_refresh(self) -> None:
        if self.connection.link in (Link.OFFLINE, Link.KEY_REJECTED):
            self.connection = replace(self.connection, link=Link.REFRESHING)
        self._refresh_now.set()

    # -- applying changes ---------------------------------------------------------------------

    def _apply_diff(self, diff: InboxDiff, *, announce: bool = False) -> None:
        """Attributes down: only what the diff names is touched; an empty diff touches nothing."""
        if diff.empty:
            return
        vm_list = self.query_one(VoicemailList)
        vm_list.apply(self._visible_order(), diff.changed)
        status = self.query_one(StatusBar)
        status.unread = diff.unlistened_count
        status.total = len(self.state)
        if self.state.loaded:
            self._show_empty(len(self.state) == 0)
        if self._shown_id is not None and self._shown_id in diff.changed:
            self.query_one(DetailPane).voicemail = self.state.get(self._shown_id)
        if diff.count_changed:
            self._set_terminal_title(diff.unlistened_count)
        if announce and diff.added:
            self._announce(diff.added)

    def _announce(self, added: tuple[str, ...]) -> None:
        new = [vm for vm in (self.state.get(i) for i in added) if vm is not None]
        for vm in new[:3]:
            self.notify(
                f"From {self._caller(vm)} on {line_label(vm) or 'your line'}",
                title="New voicemail",
                markup=False,
            )
            if self.settings.notify_command:
                self._run_notify_command(vm)
        if len(new) > 3:
            self.notify(f"and {len(new) - 3} more new voicemails", markup=False)
        if new and self.settings.bell:
            self.bell()

    @work(group="notify", exit_on_error=False)
    async def _run_notify_command(self, vm: Voicemail) -> None:
        """The user's own new-voicemail command (like mutt's new_mail_command); never a shell."""
        from vm_tui.notify import NotifyError, run_notify_command

        assert self.settings.notify_command
        try:
            await run_notify_command(
                self.settings.notify_command,
                caller=vm.caller,
                caller_name=self.contact_name(vm.caller),
                line=vm.line_name or vm.line_number,
                transcription=vm.transcription,
            )
        except NotifyError as error:
            self.notify(
                f"The notification command failed: {one_line(str(error), 120)}",
                severity="warning",
                markup=False,
            )

    def _set_terminal_title(self, unread: int) -> None:
        # Only our own text goes into the title: never a string from the API.
        title = f"vm-tui ({unread} new)" if unread else "vm-tui"
        if title == self.terminal_title and unread:
            return
        self.terminal_title = title
        driver = self._driver
        if driver is not None and not self.is_headless:
            if not getattr(self, "_title_pushed", False):
                driver.write("\x1b[22;0t")  # save the user's title, restored on exit
                self._title_pushed = True
            driver.write(f"\x1b]2;{title}\x07")
            driver.flush()

    def _restore_terminal_title(self) -> None:
        driver = self._driver
        if driver is not None and getattr(self, "_title_pushed", False):
            driver.write("\x1b[23;0t")
            driver.flush()

    def _refresh_times(self) -> None:
        # query, not query_one: a timer may fire while the app shuts down, widgets gone.
        for vm_list in self.query(VoicemailList):
            vm_list.refresh_times()

    # -- finding things -----------------------------------------------------------------------

    def _visible_order(self) -> list[str]:
        return self.filter.visible(self.state.order, self.state.get, self.contact_name)

    def contact_name(self, number: str) -> str | None:
        """The caller's name from the local address book, when there is one."""
        return self.contacts.name_for(number) if self.contacts is not None else None

    def _caller(self, vm: Voicemail) -> str:
        return caller_label(vm, self.contact_name(vm.caller))

    def action_add_contact(self) -> None:
        from vm_tui.ui.screens.pickers import AskText  # screens load when first opened

        vm = self._selected()
        if vm is None:
            return
        if self.contacts is None:
            self.notify("No address book is configured.", severity="warning")
            return
        number = one_line(vm.caller, 64)

        def named(name: str | None) -> None:
            if not name or self.contacts is None:
                return
            try:
                self.contacts.add(vm.caller, name)
            except Exception as error:  # ContactsError or OSError: say so, keep running
                self.notify(
                    f"Could not save the contact: {one_line(str(error), 120)}",
                    severity="error",
                    markup=False,
                )
                return
            self.query_one(VoicemailList).refresh_times()
            self.query_one(DetailPane).refresh_names()
            self.notify(f"Saved {one_line(name, 60)} for {number}", markup=False)

        self.push_screen(AskText(f"Name for {number}:", self.contact_name(vm.caller) or ""), named)

    def set_filter(self, new: InboxFilter) -> None:
        """Attributes down: the list shows what the filter lets through; the header says so."""
        self.filter = new
        if not self._widgets_ready:
            return
        self.query_one(VoicemailList).apply(self._visible_order())
        self.query_one(StatusBar).filter_label = self._filter_label()

    def _filter_label(self) -> str:
        parts: list[str] = []
        if self.filter.query.strip():
            parts.append(f"search: {one_line(self.filter.query, 30)}")
        if self.filter.line is not None:
            line = next((x for x in lines_of(self.state) if x.number == self.filter.line), None)
            name = one_line(line.name, 24) if line else "line"
            parts.append(f"line: {name} ({line.unlistened if line else 0} new)")
        if self.filter.unlistened_only:
            parts.append("unlistened only")
        if not parts:
            return ""
        shown = len(self.query_one(VoicemailList).ids)
        return f"⏷ {' · '.join(parts)} · {shown} shown (esc clears)"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In the search box "/" is just a character.
        if action == "search" and self.focused is not None and self.focused.id == "search":
            return False
        # Escape belongs to a dialog when one is open (it closes it).
        return not (action == "clear_filter" and len(self.screen_stack) > 1)

    def action_search(self) -> None:
        # Synchronously: keys typed right after "/" are already queued and must reach the input.
        self.screen.set_focus(self.query_one("#search", Input))

    @on(Input.Changed, "#search")
    def _on_search_changed(self, event: Input.Changed) -> None:
        self.set_filter(self.filter.with_query(event.value))

    @on(Input.Submitted, "#search")
    def _on_search_submitted(self) -> None:
        self.query_one(VoicemailList).focus()

    def action_clear_filter(self) -> None:
        search = self.query_one("#search", Input)
        if not self.filter.active and not search.has_focus:
            return
        search.value = ""
        self.set_filter(InboxFilter())
        self.screen.set_focus(self.query_one(VoicemailList))

    def action_toggle_unlistened_only(self) -> None:
        self.set_filter(replace(self.filter, unlistened_only=not self.filter.unlistened_only))

    def action_pick_line(self) -> None:
        from vm_tui.ui.screens.pickers import ALL_LINES, LinePicker

        def chosen(line: str | None) -> None:
            if line is not None:
                self.set_filter(replace(self.filter, line=None if line == ALL_LINES else line))

        self.push_screen(LinePicker(lines_of(self.state), self.filter.line), chosen)

    def action_next_unlistened(self) -> None:
        self._jump_to_unlistened(+1)

    def action_previous_unlistened(self) -> None:
        self._jump_to_unlistened(-1)

    def _jump_to_unlistened(self, step: int) -> None:
        vm_list = self.query_one(VoicemailList)
        ids = vm_list.ids
        start = vm_list.cursor_index
        index = (-1 if step > 0 else len(ids)) if start is None else start
        index += step
        while 0 <= index < len(ids):
            vm = self.state.get(ids[index])
            if vm is not None and not vm.listened:
                vm_list.select(ids[index])
                return
            index += step
        self.notify("No more unlistened voicemail that way.", timeout=2)

    def action_mark_all_listened(self) -> None:
        from vm_tui.ui.screens.pickers import Confirm

        targets = [
            vm_id
            for vm_id in self.query_one(VoicemailList).ids
            if (vm := self.state.get(vm_id)) is not None and not vm.listened
        ]
        if not targets:
            self.notify("Every voicemail shown is already listened.", timeout=2)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                for vm_id in targets:
                    self.mark(vm_id, True)
                self.notify(f"Marked {len(targets)} voicemail(s) listened.", markup=False)

        self.push_screen(Confirm(f"Mark {len(targets)} voicemail(s) listened?"), answer)

    def action_copy_number(self) -> None:
        vm = self._selected()
        if vm is None:
            return
        number = one_line(vm.caller, 64)
        self.copy_to_clipboard(number)
        self.notify(f"Copied {number}", timeout=2, markup=False)

    # -- selection ----------------------------------------------------------------------------

    @on(VoicemailList.Highlighted)
    def _on_highlighted(self, message: VoicemailList.Highlighted) -> None:
        # The list posts this straight to the app (one frame shows the row and its detail), so
        # it can arrive while the app shuts down, after the panes are gone: then it is moot.
        panes = self.query(DetailPane)
        if not panes:
            return
        detail = panes.first()
        self._shown_id = message.voicemail_id
        # Duration first without a repaint of its own: one detail update per cursor move.
        detail.set_reactive(DetailPane.duration, self.durations.get(message.voicemail_id or ""))
        detail.voicemail = self.state.get(message.voicemail_id) if message.voicemail_id else None
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()
        if self.prefetch_enabled and message.voicemail_id is not None:
            vm_id = message.voicemail_id
            self._prefetch_timer = self.set_timer(_PREFETCH_DELAY, lambda: self._prefetch(vm_id))

    @on(VoicemailList.Activated)
    def _on_activated(self, message: VoicemailList.Activated) -> None:
        self._start_playback(message.voicemail_id)

    @property
    def selected_id(self) -> str | None:
        """The list's cursor: right even before its Highlighted message has been handled
        (keys typed in a burst arrive before it)."""
        if not self._widgets_ready:
            return None
        return self.query_one(VoicemailList).cursor_id

    def _selected(self) -> Voicemail | None:
        selected = self.selected_id
        return self.state.get(selected) if selected else None

    # -- marking and deleting -----------------------------------------------------------------

    def action_toggle_listened(self) -> None:
        vm = self._selected()
        if vm is not None:
            self.mark(vm.id, not vm.listened)

    def mark(self, vm_id: str, listened: bool) -> None:
        """Optimistic: the row changes now; the outbox sends the PATCH and survives restarts."""
        if self.sync is not None:
            self.sync.submit(Operation.mark(vm_id, listened))

    def action_delete(self) -> None:
        vm = self._selected()
        if vm is None or self.sync is None:
            return
        # The undo window: hidden at once, sent (through the outbox) only when it closes.
        self._apply_diff(self.state.hide(vm.id))
        timer = self.set_timer(self.undo_seconds, lambda: self._commit_delete(vm.id))
        self._pending_deletes[vm.id] = timer
        self._update_pending()
        self.notify(
            f"Deleted the voicemail from {self._caller(vm)}. Press u to undo.",
            timeout=self.undo_seconds,
            markup=False,
        )

    def action_undo(self) -> None:
        if not self._pending_deletes:
            self.notify("Nothing to undo.", timeout=2)
            return
        vm_id, timer = self._pending_deletes.popitem()
        timer.stop()
        self._apply_diff(self.state.unhide(vm_id))
        self._update_pending()
        self.query_one(VoicemailList).select(vm_id)
        vm = self.state.get(vm_id)
        who = self._caller(vm) if vm else "the voicemail"
        self.notify(f"Restored the voicemail from {who}.", timeout=3, markup=False)

    def _commit_delete(self, vm_id: str) -> None:
        if self._pending_deletes.pop(vm_id, None) is not None and self.sync is not None:
            self._forget_audio(vm_id)
            self.sync.submit(Operation.delete(vm_id))

    def _commit_all_deletes(self) -> None:
        for vm_id, timer in list(self._pending_deletes.items()):
            timer.stop()
            self._commit_delete(vm_id)

    @work(group="outbox", exit_on_error=False)
    async def _run_outbox(self) -> None:
        assert self.sync is not None
        await self.sync.run()

    def _gone(self, vm_id: str) -> None:
        """The server says 404: a colleague deleted it."""
        self._apply_diff(self.state.forget(vm_id))
        self._forget_audio(vm_id)
        self.notify("That voicemail was deleted by someone else.", severity="warning")

    def _notice(self, message: str, severity: str) -> None:
        level: SeverityLevel = "error" if severity == "error" else "warning"
        self.notify(message, severity=level, markup=False)

    def _update_pending(self) -> None:
        if self._widgets_ready:
            self.query_one(StatusBar).pending = len(self.outbox) + len(self._pending_deletes)

    async def action_quit(self) -> None:
        """Commit deletes still in their undo window, give the outbox a moment, exit.

        Whatever the server has not confirmed stays in the outbox file for the next start.
        """
        self._commit_all_deletes()
        if self.sync is not None and len(self.outbox):
            self.notify("Sending pending changes…", markup=False)
            await self.sync.flush(timeout=self.quit_flush_seconds)
        self._save_cache()
        writing = [w for w in self.workers if w.group == "cache" and w.is_running]
        if writing:  # (an empty list would mean "every worker", the pollers included)
            await self.workers.wait_for_complete(writing)
        self.exit(0)

    def action_help(self) -> None:
        from vm_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- recordings: load, play, save ---------------------------------------------------------

    def action_play(self) -> None:
        if self.selected_id is not None:
            self._start_playback(self.selected_id)

    def _start_playback(self, vm_id: str) -> None:
        vm = self.state.get(vm_id)
        if vm is None:
            return
        if self.player is None:
            self._show_player(PlayerView(state="error", message="Audio is not available."))
            return
        if not vm.recording_ready:
            self._show_player(
                PlayerView(
                    state="idle",
                    speed=self.speed,
                    message="The recording is still processing; try again in a moment.",
                )
            )
            return
        self.player.stop()
        self._playing_id = vm_id
        self._play_worker(vm_id)

    @work(group="playback", exclusive=True, exit_on_error=False)
    async def _play_worker(self, vm_id: str) -> None:
        assert self.player is not None
        recording = await self._load(vm_id, show_progress=True)
        if recording is None or recording.pcm is None or self._playing_id != vm_id:
            return
        self.player.set_speed(self.speed)
        self.player.play(vm_id, recording.pcm)
        self._refresh_player_view()

    def _prefetch(self, vm_id: str) -> None:
        vm = self.state.get(vm_id)
        if vm is None or not vm.recording_ready or vm_id in self._recordings:
            return
        self._prefetch_worker(vm_id)

    @work(group="prefetch", exclusive=True, exit_on_error=False)
    async def _prefetch_worker(self, vm_id: str) -> None:
        await self._load(vm_id, show_progress=False)

    async def _load(self, vm_id: str, *, show_progress: bool) -> _Recording | None:
        """Retrieve (fresh URL) -> download -> decode, shared by play, prefetch and save."""
        cached = self._recordings.get(vm_id)
        if cached is not None and cached.pcm is not None:
            self._recordings.move_to_end(vm_id)
            return cached
        task = self._loading.get(vm_id)
        if task is None:
            progress = self._download_progress if show_progress else None
            task = asyncio.create_task(self._fetch_and_decode(vm_id, progress))
            self._loading[vm_id] = task
            task.add_done_callback(lambda _t: self._loading.pop(vm_id, None))
        elif show_progress:
            self._show_player(replace(self._player_view, state="downloading", message=""))
        try:
            # Shielded: moving the cursor cancels a prefetch worker, not a download already
            # under way (play may be waiting for the same one).
            return await asyncio.shield(task)
        except (ApiError, AudioError) as error:
            if show_progress:
                self._loading_failed(vm_id, error)
            return None

    async def _fetch_and_decode(
        self, vm_id: str, progress: Callable[[int, int | None], None] | None
    ) -> _Recording:
        assert self.client is not None
        if progress:
            progress(0, None)
        fresh, mp3 = await fetch_recording(self.client, self.downloader, vm_id, progress)
        self._apply_diff(self.state.apply_voicemail(fresh))
        if self._playing_id == vm_id:
            self._show_player(replace(self._player_view, state="decoding", progress=None))
        pcm = await asyncio.to_thread(self.decoder, mp3)
        recording = _Recording(mp3, pcm)
        self._remember(vm_id, recording, pcm.duration)
        return recording

    def _remember(self, vm_id: str, recording: _Recording, seconds: float) -> None:
        self._recordings[vm_id] = recording
        self._recordings.move_to_end(vm_id)
        while len(self._recordings) > _AUDIO_CACHE_SIZE:
            self._recordings.popitem(last=False)
        if self.durations.get(vm_id) != seconds:
            self.durations[vm_id] = seconds
            self.query_one(VoicemailList).apply(self._visible_order(), (vm_id,))
            if vm_id == self._shown_id:
                self.query_one(DetailPane).duration = seconds

    def _forget_audio(self, vm_id: str) -> None:
        self._recordings.pop(vm_id, None)
        if self._playing_id == vm_id and self.player is not None:
            self.player.stop()
            self._playing_id = None

    def _download_progress(self, received: int, total: int | None) -> None:
        fraction = (received / total) if total else None
        kb = f"{received // 1024} KB" + (f" of {total // 1024} KB" if total else "")
        self._show_player(
            PlayerView(
                state="downloading",
                speed=self.speed,
                progress=fraction,
                message=kb,
            )
        )

    def _loading_failed(self, vm_id: str, error: ApiError | AudioError) -> None:
        if isinstance(error, NotFoundError):
            self._gone(vm_id)
            message = "That voicemail was deleted by someone else."
        elif isinstance(error, RecordingProcessingError):
            message = "The recording is still processing; try again in a moment."
        elif isinstance(error, AudioError):
            message = _audio_message(error)
        else:
            message = f"Could not load the recording: {one_line(str(error), 120)}"
        if self._playing_id == vm_id:
            self._playing_id = None
        self._show_player(PlayerView(state="error", speed=self.speed, message=message))
        self.notify(message, severity="error", markup=False)

    def _show_player(self, view: PlayerView) -> None:
        self._player_view = view
        if self._widgets_ready:
            # query, not query_one: the 0.2 s refresh may fire while the app shuts down.
            for bar in self.query(PlayerBar):
                bar.view = view

    def _refresh_player_view(self) -> None:
        player = self.player
        if player is None or self._playing_id is None:
            return
        loading = self._player_view.state in ("downloading", "decoding", "error")
        if loading and player.key != self._playing_id:
            return
        state = player.state
        if state is PlayerState.IDLE:
            return
        self._show_player(
            PlayerView(
                state=state.value,
                position=player.position,
                duration=player.duration,
                speed=player.speed,
            )
        )

    def _post_player_event(self, event: PlayerEvent) -> None:
        # Runs on the audio thread: post_message is the thread-safe way in.
        self.post_message(PlayerEventMessage(event))

    @on(PlayerEventMessage)
    def _on_player_event(self, message: PlayerEventMessage) -> None:
        event = message.event
        if isinstance(event, PlaybackFailed):
            if event.key == self._playing_id:
                self._playing_id = None
            text = _audio_message(event.error)
            self._show_player(PlayerView(state="error", speed=self.speed, message=text))
            self.notify(text, severity="error", markup=False)
            return
        if isinstance(event, PlaybackEnded):
            self._refresh_player_view()
            self.playback_ended(event.key)

    def playback_ended(self, vm_id: str) -> None:
        """Heard to the end: mark it listened (once), then maybe move on to the next one."""
        vm = self.state.get(vm_id)
        if vm is not None and not vm.listened:
            self.mark(vm_id, True)
        if self.settings.auto_advance:
            next_id = self._next_unlistened(after=vm_id)
            if next_id is not None:
                self.query_one(VoicemailList).select(next_id)
                self._start_playback(next_id)

    def _next_unlistened(self, after: str) -> str | None:
        order = self.state.order
        start = order.index(after) + 1 if after in order else 0
        for vm_id in order[start:]:
            vm = self.state.get(vm_id)
            if vm is not None and not vm.listened:
                return vm_id
        return None

    def action_pause(self) -> None:
        if self.player is not None and self._playing_id is not None:
            self.player.toggle_pause()
            self._refresh_player_view()

    def action_stop(self) -> None:
        if self.player is not None and self._playing_id is not None:
            self.player.stop()
            self._refresh_player_view()

    def action_seek(self, seconds: float) -> None:
        if self.player is not None and self._playing_id is not None:
            self.player.seek(seconds)
            self._refresh_player_view()

    def action_speed(self, direction: int) -> None:
        index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.speed))
        index = max(0, min(len(SPEEDS) - 1, index + direction))
        self.speed = max(MIN_PLAYER_SPEED, min(MAX_PLAYER_SPEED, SPEEDS[index]))
        if self.player is not None:
            self.player.set_speed(self.speed)
        self._show_player(replace(self._player_view, speed=self.speed))
        self._refresh_player_view()

    def action_save(self) -> None:
        vm = self._selected()
        if vm is None:
            return
        if not vm.recording_ready:
            self.notify("The recording is still processing; try again in a moment.")
            return
        self._save_worker(vm.id)

    @work(group="save", exit_on_error=False)
    async def _save_worker(self, vm_id: str) -> None:
        from vm_tui.saving import default_download_dir, recording_filename, save_in_folder

        recording = self._recordings.get(vm_id)
        if recording is None:
            recording = await self._load(vm_id, show_progress=False)
        vm = self.state.get(vm_id)
        if recording is None or vm is None:
            self.notify("Could not download the recording to save it.", severity="error")
            return
        folder = default_download_dir(self.settings.download_dir)
        try:
            path = await asyncio.to_thread(
                save_in_folder, recording.mp3, folder, recording_filename(vm)
            )
        except Exception as error:  # SaveError or OSError: show it, never crash
            self.notify(f"Could not save: {one_line(str(error), 160)}", severity="error")
            return
        self.notify(f"Saved to {path}", markup=False)

    # -- errors that escape a worker ----------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place that reports worker failures we did not foresee (never a traceback)."""
        worker = event.worker
        if worker.error is not None and worker.state.name == "ERROR":
            self.log.error(f"worker {worker.name} failed: {worker.error!r}")
            self.notify(
                f"Something went wrong ({type(worker.error).__name__}); the inbox keeps running.",
                severity="error",
                markup=False,
            )
            if worker.group == "poller":
                self.connection = ConnectionStatus(
                    Link.OFFLINE, "the poller stopped; restarting", stale=True
                )
                self.set_timer(5, self._poll_forever)


def _audio_message(error: AudioError) -> str:
    if isinstance(error, NoSoundDeviceError):
        return "No sound device available (over ssh?). Press s to save the recording instead."
    return one_line(str(error), 160)
