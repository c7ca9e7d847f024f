"""FrameMeter: make headless frames cost what terminal frames cost, and note when each one ends.

Headless Textual composes every frame (widgets render their lines) but skips turning it into
terminal bytes. A user's terminal pays for that, so the meter does it for every frame, for the
subject and the baseline alike, and then tells listeners a frame went out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.console import RenderableType
from textual._compositor import CompositorUpdate
from textual.app import App
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

FrameListener = Callable[[float], None]


class FrameMeter:
    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.frames = 0
        self.bytes_out = 0
        self.listeners: list[FrameListener] = []
        self._original = app._display
        # An instance attribute shadows the method: this app only, nothing patched globally.
        setattr(app, "_display", self._display)  # noqa: B010

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        self._original(screen, renderable)
        app = self.app
        if renderable is None or app._batch_count:
            return
        if app.is_headless and isinstance(renderable, CompositorUpdate):
            self.bytes_out += len(renderable.render_segments(app.console))
        self.frames += 1
        now = time.perf_counter()
        for listener in list(self.listeners):
            listener(now)


class PaintWatch:
    """What a widget last painted: ``capture(y)`` is asked each time the widget renders line y
    and, when it answers, that answer is kept.

    A probe that reads the model ("the cursor is on row 5") is satisfied a frame early when
    the widget's repaint goes out in a later frame; this one is satisfied only by a frame
    that drew it. It shadows the widget's render_line on the instance (nothing patched
    globally), as FrameMeter does with the app's _display.
    """

    def __init__(self, widget: Widget, capture: Callable[[int], object | None]) -> None:
        self.painted: object | None = None
        original = widget.render_line

        def render_line(y: int) -> Strip:
            strip = original(y)
            seen = capture(y)
            if seen is not None:
                self.painted = seen
            return strip

        setattr(widget, "render_line", render_line)  # noqa: B010
