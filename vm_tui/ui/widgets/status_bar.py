"""The top bar: title, unread badge, connection state, pending changes."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from vm_tui.application.connection import ConnectionStatus, Link
from vm_tui.ui.widgets.steady_lines import SteadyLines


class StatusBar(SteadyLines, Widget):
    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    unread: reactive[int] = reactive(0)
    status: reactive[ConnectionStatus] = reactive(ConnectionStatus)
    pending: reactive[int] = reactive(0)
    total: reactive[int] = reactive(0)
    filter_label: reactive[str] = reactive("")
    bulk: reactive[tuple[int, int]] = reactive((0, 0))  # (done, total) of a bulk change

    def __init__(
        self,
        *,
        now: Callable[[], datetime],
        monotonic: Callable[[], float] = time.monotonic,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._now = now
        self._monotonic = monotonic

    def on_mount(self) -> None:
        # Only the "retrying in N s" countdown needs ticking.
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        if self.status.link is Link.OFFLINE:
            self.refresh()

    def render(self) -> Content:
        # Too wide for one line: trailing parenthesised details go first, the last one first (a
        # hint such as "a TLS-inspecting proxy? ..." that the empty inbox and the CLI say in
        # full), so what happened, and "(stale)", stay in view rather than being cut mid-word.
        message = self.status.message or ""
        content = self._assemble(message)
        while content.cell_length > self.size.width and " (" in message:
            if not message.endswith((")", "…")):  # "…": cut short inside the parentheses
                break
            message = message.rpartition(" (")[0]
            content = self._assemble(message)
        return content

    def _assemble(self, message: str) -> Content:
        parts: list[tuple[str, str] | str] = [(" ☎ vm-tui ", "bold")]
        if self.unread:
            parts += [" ", (f" {self.unread} new ", "bold reverse $accent")]
        else:
            parts += [" ", ("no new voicemail", "dim")]
        parts += ["  ", self._link_text(message)]
        done, total = self.bulk
        if total:
            parts += ["  ", (f"⟳ marking {done:,}/{total:,}", "$warning")]
        elif self.pending:
            parts += ["  ", (f"⟳ {self.pending} pending", "$warning")]
        if self.filter_label:
            parts += ["  ", (self.filter_label, "italic")]
        return Content.assemble(*parts)

    def _link_text(self, message: str) -> tuple[str, str]:
        status = self.status
        stale = " (stale)" if status.stale else ""
        if status.link is Link.LIVE:
            return ("● live", "$success")
        if status.link is Link.REFRESHING:
            return (f"◌ refreshing…{stale}", "$secondary")
        if status.link is Link.CONNECTING:
            return ("◌ connecting…", "$secondary")
        if status.link is Link.KEY_REJECTED:
            return ("✖ API key rejected: fix the key, then press r", "bold $error")
        wait = ""
        if status.retry_at is not None:
            wait = f", retrying in {max(0, round(status.retry_at - self._monotonic()))} s"
        reason = f": {message}" if message else ""
        return (f"✖ offline{wait}{reason}{stale}", "$error")
