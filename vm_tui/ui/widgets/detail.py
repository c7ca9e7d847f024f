"""The detail pane: who called, on which line, when, listened or not, the transcription."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.reactive import reactive

from vm_tui.api.models import Voicemail
from vm_tui.inbox.labels import caller_label, line_full
from vm_tui.text.safe import clean, one_line
from vm_tui.text.times import absolute
from vm_tui.text.times import duration as fmt_duration
from vm_tui.ui.keys import SEEK_BINDINGS
from vm_tui.ui.widgets.player_bar import PlayerBar
from vm_tui.ui.widgets.steady_lines import SteadyLines
from vm_tui.ui.widgets.text_block import Line, TextBlock

# Most transcriptions fit: then moving between voicemails keeps the pane's layout (see
# TextBlock.show).
TRANSCRIPTION_LINES = 8
# A few screens of text; a longer transcription is shown in part (a 20 MB one would take
# seconds to lay out on every cursor move).
SHOWN_CHARACTERS = 4000


class DetailPane(SteadyLines, VerticalScroll):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, action, show=False) for key, action in SEEK_BINDINGS
    ]
    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane #detail-header { margin: 1 0; color: $text-muted; }
    DetailPane PlayerBar { margin-bottom: 1; }
    DetailPane #detail-transcription { margin-bottom: 1; }
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
        yield TextBlock(id="detail-header")
        yield PlayerBar(id="player-bar")
        yield TextBlock(id="detail-transcription", min_lines=TRANSCRIPTION_LINES)

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
        header = self.query_one("#detail-header", TextBlock)
        body = self.query_one("#detail-transcription", TextBlock)
        if vm is None:
            header.show([(("No voicemail selected", ""),)])
            body.show([])
        else:
            header.show(self._header(vm))
            body.show(transcription_lines(vm))
        _paint_with_the_list(header, body)

    def _header(self, vm: Voicemail) -> list[Line]:
        now = self._now()
        listened = (
            f"listened {absolute(vm.listened_at, now)}" if vm.listened_at else "not listened yet"
        )
        recording = "ready" if vm.recording_ready else "still processing…"
        length = f" · {fmt_duration(self.duration)}" if self.duration else ""
        caller = caller_label(vm, self._names(vm.caller), with_number=True)
        # The caller in the text colour, the details in the pane's muted one (DEFAULT_CSS).
        return [
            ((caller, "heading"),),
            (("Line      ", "strong"), (line_full(vm), "")),
            (("Received  ", "strong"), (absolute(vm.created_at, now), "")),
            (("Status    ", "strong"), (listened, "")),
            (("Recording ", "strong"), (recording + length, "")),
            (("ID        ", "strong"), (one_line(vm.id, 80), "dim")),
        ]


def _paint_with_the_list(*parts: TextBlock) -> None:
    """Hand the screen the parts' repaint now, in the frame that paints the moved cursor.

    A widget tells the screen it needs a repaint when its own queue next goes idle. That came
    after the screen had painted the list: the row moved in one frame and its details
    followed in the next, 2-5 ms later with frames unthrottled. This runs inside the
    screen's handler, so the screen has the repaint before it paints (Textual 8.2, pinned).
    """
    for part in parts:
        part._check_refresh()


def transcription_lines(vm: Voicemail) -> list[Line]:
    """The transcription as shown: at most ``SHOWN_CHARACTERS`` of it, so that a transcription of
    any size costs what a screenful costs; the rest is a line that says how to read it all."""
    text = vm.transcription
    if text is None:
        return [(("Not transcribed yet.", "placeholder"),)]
    if len(text) <= SHOWN_CHARACTERS:
        return _paragraphs(clean(text))
    head = text[:SHOWN_CHARACTERS]
    cut = head.rfind(" ", SHOWN_CHARACTERS - 200)  # end on a word when one ends near the cut
    head = head[:cut] if cut > 0 else head
    more = len(text) - len(head)
    note = f"… {more:,} more characters (vm-tui show {one_line(vm.id, 80)})"
    return [*_paragraphs(clean(head) + "…"), (), ((note, "note"),)]


def _paragraphs(text: str) -> list[Line]:
    return [((paragraph, ""),) for paragraph in text.split("\n")]
