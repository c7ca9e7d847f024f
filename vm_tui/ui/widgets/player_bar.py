"""The player bar in the detail pane: state, position / duration, progress, speed.

The screen sets ``view`` to what the playback session reports (attributes down)."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from vm_tui.application.events import PlaybackStatus
from vm_tui.text.times import duration as fmt_duration

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


class PlayerBar(Widget):
    DEFAULT_CSS = """
    PlayerBar {
        height: 3;
        padding: 0 1;
        background: $boost;
    }
    """

    view: reactive[PlaybackStatus] = reactive(PlaybackStatus)

    def render(self) -> Content:
        view = self.view
        width = max(10, self.size.width - 2)
        icon = _ICONS.get(view.state, "·")
        total = fmt_duration(view.duration) if view.duration else "-:--"
        speed = f"{view.speed:g}x"
        head = f"{icon} {view.state:<11} {fmt_duration(view.position)} / {total}   {speed}"
        if view.state == "downloading" and view.progress is not None:
            fraction = view.progress
        elif view.duration:
            fraction = view.position / view.duration
        else:
            fraction = 0.0
        bar_width = max(4, width)
        filled = round(bar_width * max(0.0, min(1.0, fraction)))
        bar = "━" * filled + "╌" * (bar_width - filled)
        style = "$error" if view.state == "error" else "$accent"
        message = (view.message, "$error" if view.state == "error" else "dim")
        return Content.assemble(
            (head, "bold" if view.state == "playing" else ""), "\n", (bar, style), "\n", message
        )
