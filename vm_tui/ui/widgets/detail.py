"""The detail pane: who called, on which line, when, listened or not, the transcription."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
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
    DetailPane #detail-header {{ margin: 1 0; color: $text-muted; }}
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
        # Who called and the details, one widget: each widget costs every frame that repaints
        # the pane, and the two always change together.
        yield Static(id="detail-header", markup=False)
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
        header = self.query_one("#detail-header", Static)
        body = self.query_one("#detail-transcription", Static)
        if vm is None:
            _update(header, Content("No voicemail selected"))
            _update(body, Content(""), TRANSCRIPTION_LINES)
            _paint_with_the_list(header, body)
            return
        now = self._now()
        listened = (
            f"listened {absolute(vm.listened_at, now)}" if vm.listened_at else "not listened yet"
        )
        recording = "ready" if vm.recording_ready else "still processing…"
        length = f" · {fmt_duration(self.duration)}" if self.duration else ""
        details = Content.assemble(
            ("Line      ", "bold"), line_full(vm), "\n",
            ("Received  ", "bold"), absolute(vm.created_at, now), "\n",
            ("Status    ", "bold"), listened, "\n",
            ("Recording ", "bold"), recording + length, "\n",
            ("ID        ", "bold"), (one_line(vm.id, 80), "dim"),
        )  # fmt: skip
        caller = caller_label(vm, self._names(vm.caller), with_number=True)
        # The details in the pane's muted colour, the caller in the text colour: "$text-muted"
        # is an "auto" colour, which only CSS resolves (in a span it would be white).
        _update(header, Content.assemble((caller, "bold $foreground"), "\n", details))
        if vm.transcription is None:
            _update(
                body, Content.assemble(("Not transcribed yet.", "italic dim")), TRANSCRIPTION_LINES
            )
        else:
            _update(body, transcription_content(vm), TRANSCRIPTION_LINES)
        _paint_with_the_list(header, body)


def _paint_with_the_list(*statics: Static) -> None:
    """Hand the screen the statics' repaint now, in the frame that paints the moved cursor.

    A widget tells the screen it needs a repaint when its own queue next goes idle. That came
    after the screen had painted the list: the row moved in one frame and its details
    followed in the next, 2-5 ms later with frames unthrottled. This runs inside the
    screen's handler, so the screen has the repaint before it paints (Textual 8.2, pinned).
    """
    for static in statics:
        static._check_refresh()


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
        (
            f"… {more:,} more characters (vm-tui show {one_line(vm.id, 80)})",
            "italic $foreground-muted",
        ),
    )


def _update(static: Static, content: Content, min_lines: int = 0) -> None:
    """Static.update, with a layout of the screen only when the height changes.

    Static.update lays out the whole screen every time (~2 ms, on every cursor move); most
    moves keep each line's height (the caller, the five lines of details), and then a repaint
    of the one widget is enough. When no line is wider than the widget (tabs aside, which
    expand), the height is the number of lines, and the text is not wrapped to find it.
    """
    width, height = static.content_size
    static.update(content, layout=False)
    if not width:
        static.refresh(layout=True)  # not laid out yet
        return
    plain = content.plain
    lines = plain.split("\n")
    if "\t" not in plain and all(cell_len(line) <= width for line in lines):
        needed = len(lines)  # no line wraps: what wrapping would find, without its cost
    else:
        needed = static.get_content_height(static.size, static.size, width)
    if max(min_lines, needed) != height:
        static.refresh(layout=True)
