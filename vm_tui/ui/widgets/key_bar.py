"""KeyBar: one line of key hints at the bottom, for the keys the current screen shows."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from vm_tui.ui.widgets.steady_lines import SteadyLines


class KeyBar(SteadyLines, Widget):
    """What Textual's Footer shows (the shown bindings, dimmed when disabled, the command
    palette key on the right; a click presses the key), drawn as one line of text.

    Footer mounts a widget per key and rebuilds them all on every bindings update (each focus
    change, each screen push, five times while the app starts): ~10 ms of widget and CSS work
    each time, and ~25 ms of the app's start-up. This widget only repaints.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        text-wrap: nowrap;
        text-overflow: clip;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Where each hint was drawn: (first column, column after it, key, enabled), for clicks.
        self._spans: list[tuple[int, int, str, bool]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        self.refresh()

    def _hints(self) -> tuple[list[tuple[Binding, bool]], tuple[Binding, bool] | None]:
        """The shown bindings (one per action, as Footer does) and the palette binding."""
        shown: dict[str, tuple[Binding, bool]] = {}
        palette: tuple[Binding, bool] | None = None
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                palette = (binding, enabled)
            elif binding.show:
                shown.setdefault(binding.action, (binding, enabled))
        return list(shown.values()), palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        hints, palette = self._hints()
        text = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str, bool]] = []
        disabled = Style(dim=True)

        def add(binding: Binding, enabled: bool) -> None:
            start = text.cell_len
            extra = None if enabled else disabled
            text.append(f" {self.app.get_key_display(binding)} ", key_style + extra)
            text.append(f"{binding.description} ", description_style + extra)
            spans.append((start, text.cell_len, binding.key, enabled))

        for binding, enabled in hints:
            add(binding, enabled)
        if palette is not None:
            binding, enabled = palette
            label_width = len(self.app.get_key_display(binding)) + len(binding.description) + 3
            gap = self.size.width - text.cell_len - label_width
            if gap >= 0:
                text.append(" " * gap)
                add(binding, enabled)
        self._spans = spans
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                event.stop()
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return
