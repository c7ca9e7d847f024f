"""The detail pane: who called, on which line, when, listened or not, the transcription."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from vm_tui.api.models import Voicemail
from vm_tui.inbox.labels import caller_label, line_full
from vm_tui.text.safe import clean, one_line
from vm_tui.text.times import absolute
from vm_tui.text.times import duration as fmt_duration
from vm_tui.ui.keys import SEEK_BINDINGS
from vm_tui.ui.widgets.player_bar import PlayerBar

# Most transcriptions fit: then moving between voicemails keeps the pane's layout (see _update).
TRANSCRIPTION_LINES = 8
# A few screens of text; a longer transcription is shown in part (a 20 MB one would take
# seconds to lay out on every cursor move).
SHOWN_CHARACTERS = 4000


class DetailPane(VerticalScroll):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, action, show=False) for key, action in SEEK_BINDINGS
    ]
    DEFAULT_CSS = f"""
    DetailPane {{ padding: 0 1; }}
    DetailPane #detail-caller {{ text-style: bold; margin-top: 1; }}
    DetailPane #detail-meta {{ margin-bottom: 1; color: $text-muted; }}
    DetailPane PlayerBar {{ margin-bottom: 1; }}
    DetailPane #detail-transcription {{ margin-bottom: 1; min-height: {TRANSCRIPTION_LINES}; }}
    """

    # No repaint of their own: _show() updates the children, which repaint themselves.
    voicemail: reactive[Voicemail | None] = reactive(None, always_update=True, repaint=False)
    duration: reactive[float | None] = reactive(None, repaint=False)

    def __init__(
        self,
        now: Callable[[], datetime],
        names: Callable[[str], str | None] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._now = now
        self._names = names or (lambda _number: None)

    def compose(self) -> ComposeResult:
        yield Static(id="detail-caller", markup=False)
        yield Static(id="detail-meta", markup=False)
        yield PlayerBar(id="player-bar")
        yield Static(id="detail-transcription", markup=False)

    def watch_voicemail(self) -> None:
        self._show()

    def watch_duration(self) -> None:
        self._show()

    def refresh_names(self) -> None:
        self._show()

    def _show(self) -> None:
        if not self.is_mounted:
            return
        vm = self.voicemail
        caller = self.query_one("#detail-caller", Static)
        meta = self.query_one("#detail-meta", Static)
        body = self.query_one("#detail-transcription", Static)
        if vm is None:
            _update(caller, Content("No voicemail selected"))
            _update(meta, Content(""))
            _update(body, Content(""), TRANSCRIPTION_LINES)
            return
        _update(caller, Content(caller_label(vm, self._names(vm.caller), with_number=True)))
        now = self._now()
        listened = (
            f"listened {absolute(vm.listened_at, now)}" if vm.listened_at else "not listened yet"
        )
        recording = "ready" if vm.recording_ready else "still processing…"
        length = f" · {fmt_duration(self.duration)}" if self.duration else ""
        _update(
            meta,
            Content.assemble(
                ("Line      ", "bold"), line_full(vm), "\n",
                ("Received  ", "bold"), absolute(vm.created_at, now), "\n",
                ("Status    ", "bold"), listened, "\n",
                ("Recording ", "bold"), recording + length, "\n",
                ("ID        ", "bold"), (one_line(vm.id, 80), "dim"),
            ),
        )  # fmt: skip
        if vm.transcription is None:
            _update(
                body, Content.assemble(("Not transcribed yet.", "italic dim")), TRANSCRIPTION_LINES
            )
        else:
            _update(body, transcription_content(vm), TRANSCRIPTION_LINES)


def transcription_content(vm: Voicemail) -> Content:
    """The transcription as shown: at most ``SHOWN_CHARACTERS`` of it, so that a transcription of
    any size costs what a screenful costs; the rest is a line that says how to read it all."""
    text = vm.transcription or ""
    if len(text) <= SHOWN_CHARACTERS:
        return Content(clean(text))
    head = text[:SHOWN_CHARACTERS]
    cut = head.rfind(" ", SHOWN_CHARACTERS - 200)  # end on a word when one ends near the cut
    head = head[:cut] if cut > 0 else head
    more = len(text) - len(head)
    return Content.assemble(
        clean(head),
        "…\n\n",
        (f"… {more:,} more characters (vm-tui show {one_line(vm.id, 80)})", "italic $text-muted"),
    )


def _update(static: Static, content: Content, min_lines: int = 0) -> None:
    """Static.update, with a layout of the screen only when the height changes.

    Static.update lays out the whole screen every time (~2 ms, on every cursor move); most
    moves keep each line's height (the caller, the five lines of details), and then a repaint
    of the one widget is enough.
    """
    width, height = static.content_size
    static.update(content, layout=False)
    if not width:
        static.refresh(layout=True)  # not laid out yet
        return
    needed = max(min_lines, static.get_content_height(static.size, static.size, width))
    if needed != height:
        static.refresh(layout=True)
