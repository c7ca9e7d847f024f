"""Shown instead of the inbox when there is no API key: how to get one in, and the demo."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

MESSAGE = Content.assemble(
    ("No Phone.inc API key\n\n", "bold"),
    "vm-tui needs an API key to read your company's voicemail.\n\n",
    "1. Create a key in Phone.inc (Settings → API keys). It starts with phk_.\n",
    "2. Give it to vm-tui, then start it again:\n\n",
    ("     export PHONE_INC_API_KEY=phk_…\n", "bold $accent"),
    ("     vm-tui\n\n", "bold $accent"),
    '   or put  api_key = "phk_…"  in the config file (chmod 600).\n\n',
    "To look around without an account:  ",
    ("vm-tui --demo", "bold $accent"),
    "\n\n",
    ("Press q to quit.", "dim"),
)


class NoKeyScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,escape,ctrl+c", "app.quit", "Quit")]
    DEFAULT_CSS = """
    NoKeyScreen Static { width: 76; border: round $warning; padding: 1 2; }
    """

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(MESSAGE, id="no-key")
