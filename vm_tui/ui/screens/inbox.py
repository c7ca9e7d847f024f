"""The inbox screen: owns the keys and the workflow, turns application events into widget
attributes.

Messages up, attributes down: the widgets post messages (the list's cursor moved, a row was
activated), the screen calls the application layer (``InboxService``), and what that layer
emits comes back here, where ``on_app_event`` sets the widgets' attributes. Changes to the
inbox reach the widgets one way only: ``_apply_diff``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from vm_tui import startup
from vm_tui.api import Voicemail
from vm_tui.application.connection import Link
from vm_tui.application.events import (
    AppEvent,
    ConnectionChanged,
    InboxChanged,
    Notice,
    PendingChanged,
    PlaybackChanged,
    PlaybackFinished,
    RecordingChanged,
)
from vm_tui.application.service import InboxService
from vm_tui.contacts import Contacts
from vm_tui.inbox.filters import InboxFilter, next_unlistened
from vm_tui.inbox.labels import caller_label
from vm_tui.inbox.state import InboxDiff
from vm_tui.local.config import Settings
from vm_tui.ui.announcer import Announcer
from vm_tui.ui.keys import INBOX_KEYS
from vm_tui.ui.screens.calling import CallingActions
from vm_tui.ui.screens.finding import FindingActions
from vm_tui.ui.screens.playing import PlayingActions
from vm_tui.ui.widgets.detail import DetailPane
from vm_tui.ui.widgets.key_bar import KeyBar
from vm_tui.ui.widgets.status_bar import StatusBar
from vm_tui.ui.widgets.steady_lines import (
    SteadyHorizontal,
    SteadyInput,
    SteadyLines,
    SteadyVertical,
)
from vm_tui.ui.widgets.voicemail_list import VoicemailList

PREFETCH_DELAY = 0.3  # seconds the cursor rests on a voicemail before its recording loads
NARROW_WIDTH = 100
START_AT_MOST = 20.0  # seconds: the start-up measures end even if the first poll hangs
COLLECT_AFTER_SHOWN = 0.5  # seconds after the first inbox: its frames are out by then


class InboxScreen(SteadyLines, FindingActions, PlayingActions, CallingActions):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(k.keys, k.action, k.description, show=k.show, priority=k.priority)
        for k in INBOX_KEYS
    ]

    def __init__(
        self,
        service: InboxService,
        *,
        settings: Settings,
        contacts: Contacts | None = None,
        now: Callable[[], datetime],
        monotonic: Callable[[], float] = time.monotonic,
        prefetch: bool = True,
        quit_flush_seconds: float = 5.0,
    ) -> None:
        super().__init__()
        self.service = service
        self.settings = settings
        self.contacts = contacts
        self.now = now
        self.monotonic = monotonic
        self.prefetch_enabled = prefetch
        self.quit_flush_seconds = quit_flush_seconds
        self.filter = InboxFilter()
        self.announcer = Announcer(self)
        self._shown_id: str | None = None  # the voicemail the detail pane shows
        self._parts = {}
        # A loop timer, not a Textual one: it is replaced on every cursor move, and each
        # Textual timer starts (and then cancels) a task of its own.
        self._prefetch_timer: asyncio.TimerHandle | None = None
        self._player_timer: Timer | None = None
        self._ready = False  # widgets composed and mounted
        self._started = False  # the first inbox is on screen, or will not come soon
        self._quitting = False

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(now=self.now, monotonic=self.monotonic, id="status")
        yield Static("Loading your inbox…", id="empty", markup=False)
        with SteadyHorizontal(id="panes"):
            with SteadyVertical(id="list-column"):
                yield SteadyInput(placeholder="/ search caller, contact, line, words", id="search")
                yield VoicemailList(
                    self.service.state.get,
                    self.now,
                    self.service.library.duration,
                    self.contact_name,
                    id="list",
                )
            yield DetailPane(self.now, self.contact_name, id="detail")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self._ready = True
        self._show_empty(True)
        self.query_one(VoicemailList).focus()
        self.service.listen(self.on_app_event)
        self.service.start()
        # The first inbox arrived while the UI was built: in the first frame, not the second.
        self.service.poller.show_head_start_if_ready()
        self._start_sender()
        self._start_poller()
        self.set_timer(START_AT_MOST, self._start_over)  # whatever the first poll is doing
        self.set_interval(60, self._refresh_times)

    def _start_poller(self) -> None:
        self.run_worker(self.service.run_poller(), group="poller", exit_on_error=False)

    def _start_sender(self) -> None:
        self.run_worker(self.service.run_sender(), group="outbox", exit_on_error=False)

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")

    def _start_over(self) -> None:
        """Once: the start-up measures end (see vm_tui.startup)."""
        if not self._started:
            self._started = True
            startup.inbox_shown()

    def _show_empty(self, empty: bool) -> None:
        """The message in place of the panes, or the panes. Display toggles, not a screen class:
        a class on the screen restyles every widget under it (7 ms with 10,000 voicemails)."""
        self.query_one("#empty").display = empty
        self.query_one("#panes").display = not empty

    # -- what the application layer says ------------------------------------------------------

    def on_app_event(self, event: AppEvent) -> None:
        if not self._ready or not self.is_attached:
            return  # shutting down: the widgets may be gone
        try:
            self._show_event(event)
        except NoMatches:
            # The app is closing: its widgets are being removed while the screen is still
            # attached (an answer settled in that moment raised here, at exit, once).
            return

    def _show_event(self, event: AppEvent) -> None:
        if isinstance(event, InboxChanged):
            self._apply_diff(event.diff, event.announce)
        elif isinstance(event, ConnectionChanged):
            self._connection_changed()
        elif isinstance(event, PendingChanged):
            bar = self.query_one(StatusBar)
            bar.pending = event.count
            bar.bulk = (event.bulk_done, event.bulk_total)
        elif isinstance(event, Notice):
            self.app.notify(
                event.text,
                title=event.title,
                severity=event.severity,
                timeout=event.timeout,
                markup=False,
            )
        elif isinstance(event, RecordingChanged):
            self._recording_changed(event.voicemail_id, event.duration)
        elif isinstance(event, PlaybackChanged):
            self._playback_changed()
        elif isinstance(event, PlaybackFinished):
            self._heard_to_the_end(event.voicemail_id)

    def _apply_diff(self, diff: InboxDiff, announce: tuple[str, ...] = ()) -> None:
        """Attributes down: only what the diff names is touched; an empty diff touches nothing."""
        state = self.service.state
        if not diff.empty:
            self.query_one(VoicemailList).apply(self.visible_order(), diff.changed)
            status = self.query_one(StatusBar)
            status.unread = diff.unlistened_count
            status.total = len(state)
            if state.loaded:
                self._show_loaded()
            if self._shown_id is not None and self._shown_id in diff.changed:
                self.query_one(DetailPane).voicemail = state.get(self._shown_id)
            if diff.count_changed:
                self.app.show_unread(diff.unlistened_count)  # type: ignore[attr-defined]
            if self.filter.active:
                self.update_filter_label()
        if announce:
            self.announcer.announce([vm for vm in map(state.get, announce) if vm is not None])

    def _show_loaded(self) -> None:
        if self.query_one("#empty").display:
            # Everything alive now lives for the whole session: see vm_tui.startup. Not right
            # after the next refresh: the rows take a frame more, and the collector's one full
            # pass (~45 ms over 10,000 voicemails) would delay them.
            self.set_timer(COLLECT_AFTER_SHOWN, self._start_over)
            self.query_one("#empty", Static).update(
                "No voicemail. New ones appear here as they arrive."
            )
        self._show_empty(len(self.service.state) == 0)

    def _connection_changed(self) -> None:
        status = self.service.poller.status
        self.query_one(StatusBar).status = status
        if status.link in (Link.OFFLINE, Link.KEY_REJECTED):
            self._start_over()  # no inbox to wait for
        if self.service.state.loaded:
            return
        empty = self.query_one("#empty", Static)
        if status.link is Link.KEY_REJECTED:
            empty.update(
                f"Phone.inc rejected the API key ({status.message}).\n\n"
                "Log in again with `vm-tui auth login` (or set PHONE_INC_API_KEY), restart,\n"
                "or press r to try the same key again."
            )
        elif status.link is Link.OFFLINE and status.retry_at is not None:
            delay = max(0, round(status.retry_at - self.monotonic()))
            empty.update(
                f"Cannot load the inbox: {status.message}\nRetrying in {delay} s (r retries now)."
            )

    def _recording_changed(self, voicemail_id: str, duration: float | None) -> None:
        self.query_one(VoicemailList).apply(self.visible_order(), (voicemail_id,))
        if voicemail_id == self._shown_id:
            self.query_one(DetailPane).duration = duration
        self.show_waveform()

    def _refresh_times(self) -> None:
        # query, not query_one: a timer may fire while the app shuts down, widgets gone.
        for vm_list in self.query(VoicemailList):
            vm_list.refresh_times()

    # -- selection ----------------------------------------------------------------------------

    @on(VoicemailList.Highlighted)
    def _on_highlighted(self, message: VoicemailList.Highlighted) -> None:
        # The list posts this straight to the screen (one frame shows the row and its detail),
        # so it can arrive while the app shuts down, after the panes are gone: then it is moot.
        detail = self.part(DetailPane)
        if detail is None:
            return
        vm_id = message.voicemail_id
        self._shown_id = vm_id
        # Duration first without a repaint of its own: one detail update per cursor move.
        detail.set_reactive(DetailPane.duration, self.service.library.duration(vm_id or ""))
        detail.voicemail = self.service.state.get(vm_id) if vm_id else None
        self.show_waveform()
        self._stop_prefetch_timer()
        self.service.cancel_prefetch()
        if self.prefetch_enabled and vm_id is not None:
            self._prefetch_timer = asyncio.get_running_loop().call_later(
                PREFETCH_DELAY, self.service.prefetch, vm_id
            )

    def _stop_prefetch_timer(self) -> None:
        if self._prefetch_timer is not None:
            self._prefetch_timer.cancel()
            self._prefetch_timer = None

    def on_unmount(self) -> None:
        self._stop_prefetch_timer()

    @on(VoicemailList.Activated)
    def _on_activated(self, message: VoicemailList.Activated) -> None:
        self.service.play(message.voicemail_id)

    @property
    def selected_id(self) -> str | None:
        """The list's cursor: right even before its Highlighted message has been handled
        (keys typed in a burst arrive before it)."""
        if not self._ready:
            return None
        return self.query_one(VoicemailList).cursor_id

    def selected(self) -> Voicemail | None:
        selected = self.selected_id
        return self.service.state.get(selected) if selected else None

    def select(self, voicemail_id: str) -> None:
        self.query_one(VoicemailList).select(voicemail_id)

    def contact_name(self, number: str) -> str | None:
        """The caller's name from the local address book, when there is one."""
        return self.contacts.name_for(number) if self.contacts is not None else None

    def caller(self, vm: Voicemail) -> str:
        return caller_label(vm, self.contact_name(vm.caller))

    # -- marking and deleting -----------------------------------------------------------------

    def action_toggle_listened(self) -> None:
        vm = self.selected()
        if vm is not None:
            self.service.mark(vm.id, not vm.listened)

    def action_delete(self) -> None:
        vm = self.selected()
        if vm is None:
            return
        self.service.delete(vm.id)
        self.app.notify(
            f"Deleted the voicemail from {self.caller(vm)}. Press u to undo.",
            timeout=self.service.undo.seconds,
            markup=False,
        )

    def action_undo(self) -> None:
        vm = self.service.undo_delete()
        if vm is None:
            self.app.notify("Nothing to undo.", timeout=2)
            return
        self.select(vm.id)
        self.app.notify(f"Restored the voicemail from {self.caller(vm)}.", timeout=3, markup=False)

    def action_refresh(self) -> None:
        self.service.refresh()

    def action_help(self) -> None:
        from vm_tui.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Commit deletes still in their undo window, give the outbox a moment, exit."""
        if self._quitting:
            return
        self._quitting = True
        await self.service.shut_down(self.quit_flush_seconds)
        self.app.exit(0)

    # -- errors that escape a worker ----------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place that reports worker failures we did not foresee (never a traceback)."""
        worker = event.worker
        if worker.state is not WorkerState.ERROR or worker.error is None:
            return
        self.log.error(f"worker {worker.name} failed: {worker.error!r}")
        self.app.notify(
            f"Something went wrong ({type(worker.error).__name__}); the inbox keeps running.",
            severity="error",
            markup=False,
        )
        if worker.group == "poller":
            self.set_timer(5, self._start_poller)
        elif worker.group == "outbox":
            self.set_timer(5, self._start_sender)

    def _heard_to_the_end(self, voicemail_id: str) -> None:
        """Marked listened by the service; with auto-advance, the next unlistened one shown."""
        self._playback_changed()
        if not self.settings.auto_advance:
            return
        next_id = next_unlistened(self.visible_order(), self.service.state.get, after=voicemail_id)
        if next_id is not None:
            self.select(next_id)
            self.service.play(next_id)

    def visible_order(self) -> list[str]:
        state = self.service.state
        return self.filter.visible(state.order, state.get, self.contact_name)
