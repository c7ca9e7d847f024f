"""The player bar in the detail pane: state, position / duration, speed, skip silence and voice
boost, and the recording's waveform with the played part in the accent colour and a playhead.
A click on the waveform seeks there.

The screen sets ``view`` (what the playback session reports) and ``envelope`` (the recording's
loudness, once measured): attributes down. The bar repaints only when what it draws changes:
a playhead moving within one column, at the same second, repaints nothing.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from vm_tui.application.events import PlaybackStatus
from vm_tui.audio.waveform import Envelope, bars
from vm_tui.text.times import duration as fmt_duration
from vm_tui.ui.widgets.steady_lines import SteadyLines
from vm_tui.ui.widgets.text_wrap import crop

_ICONS = {
    "playing": "▶",
    "paused": "⏸",
    "stopped": "■",
    "ended": "■",
    "idle": "·",
    "downloading": "⇣",
    "decoding": "…",
    "error": "✖",
}
PLAYHEAD = "┃"


class PlayerBar(SteadyLines, Widget):
    DEFAULT_CSS = """
    PlayerBar {
        height: 3;
        padding: 0 1;
        background: $boost;
    }
    """

    class Seek(Message):
        """The waveform was clicked: play from ``fraction`` (0..1) of the recording."""

        def __init__(self, fraction: float) -> None:
            super().__init__()
            self.fraction = fraction

    view: reactive[PlaybackStatus] = reactive(PlaybackStatus, repaint=False)
    envelope: reactive[Envelope | None] = reactive(None, repaint=False, always_update=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drawn: tuple[object, ...] | None = None
        self._heights: tuple[int, list[float]] | None = None  # (width, column heights)
        self.repaints = 0  # instrumentation for tests and benchmarks

    def watch_view(self) -> None:
        self._maybe_repaint()

    def watch_envelope(self) -> None:
        self._heights = None
        self._maybe_repaint()

    def on_resize(self) -> None:
        self._heights = None
        self._maybe_repaint()

    def _columns(self) -> int:
        return max(4, self.size.width - 2)

    def _playhead(self) -> int | None:
        view = self.view
        if not view.duration or view.state in ("idle", "downloading", "decoding", "error"):
            return None
        fraction = max(0.0, min(1.0, view.position / view.duration))
        return min(self._columns() - 1, int(fraction * self._columns()))

    def _drawing(self) -> tuple[object, ...]:
        view = self.view
        return (
            view.state,
            round(view.position) if view.duration else None,
            view.duration and round(view.duration),
            view.speed,
            view.skip_silence,
            view.voice_boost,
            view.saved and round(view.saved),
            view.message,
            view.progress and round(view.progress * self._columns()),
            self._playhead(),
            self.envelope is not None,
            self.size.width,
        )

    def _maybe_repaint(self) -> None:
        drawing = self._drawing()
        if drawing != self._drawn:
            self._drawn = drawing
            self.refresh()

    def _waveform_heights(self) -> list[float] | None:
        if self.envelope is None:
            return None
        columns = self._columns()
        if self._heights is None or self._heights[0] != columns:
            self._heights = (columns, self.envelope.columns(columns))
        return self._heights[1]

    def render(self) -> Content:
        self.repaints += 1
        view = self.view
        icon = _ICONS.get(view.state, "·")
        total = fmt_duration(view.duration) if view.duration else "-:--"
        clock = f"{icon} {view.state:<8} {fmt_duration(view.position)} / {total}  {view.speed:g}x"
        flags = []
        if view.skip_silence:
            flags.append(
                f"skip silence -{fmt_duration(view.saved)}" if view.saved else "skip silence"
            )
        if view.voice_boost:
            flags.append("voice boost")
        columns = self._columns()  # one line each, whatever the width: clicks find the waveform
        head = _cut(clock, "bold" if view.state == "playing" else "", columns)
        if view.message or not flags:
            message = _cut(view.message, "$error" if view.state == "error" else "dim", columns)
        else:
            message = _cut(" · ".join(flags), "$accent", columns)
        return Content("\n").join([head, Content.assemble(*self._line()), message])

    def _line(self) -> list[tuple[str, str]]:
        view = self.view
        columns = self._columns()
        if view.state == "error":
            return [("╌" * columns, "$error")]
        if view.state == "downloading" and view.progress is not None:
            filled = round(columns * max(0.0, min(1.0, view.progress)))
            return [("━" * filled, "$accent"), ("╌" * (columns - filled), "$accent")]
        head = self._playhead()
        heights = self._waveform_heights()
        if heights is None:
            filled = 0 if head is None else head
            return [("━" * filled, "$accent"), ("╌" * (columns - filled), "$accent")]
        drawn = bars(heights)
        if head is None:
            return [(drawn, "$foreground-muted")]
        return [
            (drawn[:head], "$accent"),
            (PLAYHEAD, "bold $text"),
            (drawn[head + 1 :], "$foreground-muted"),
        ]

    def on_click(self, event: events.Click) -> None:
        # The waveform is the second line; the padding is one cell on each side.
        if event.y != 1 or not self.view.duration:
            return
        column = event.x - 1
        if 0 <= column < self._columns():
            event.stop()
            self.post_message(self.Seek((column + 0.5) / self._columns()))


def _cut(text: str, style: str, columns: int) -> Content:
    """One line of at most ``columns`` cells, ``…`` where it was cut (not Content.truncate: Rich's
    cut underneath can raise on some text, and a message may quote a server's)."""
    if cell_len(text) > columns:
        text = crop(text, max(columns - 1, 0)) + "…"
    return Content.assemble((text, style))
