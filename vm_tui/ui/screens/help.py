"""The ``?`` overlay: every key, in one place."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from vm_tui.ui.keys import INBOX_KEYS, MOVEMENT_HELP, OTHER_HELP


def help_text() -> Content:
    rows: list[tuple[str, str]] = list(MOVEMENT_HELP)
    rows += [(k.help_keys or k.keys, k.description) for k in INBOX_KEYS]
    rows += list(OTHER_HELP)
    width = max(len(keys) for keys, _ in rows) + 3
    parts: list[tuple[str, str] | str] = [("Keys\n\n", "bold")]
    for keys, description in rows:
        parts += [(keys.ljust(width), "bold $accent"), description, "\n"]
    parts += ["\n", ("Press ? or escape to close.", "dim")]
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 56; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 1 2;
    }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(help_text(), id="help-text")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
