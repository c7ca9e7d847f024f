"""Small modal questions: which line to show, and yes/no confirmations.

A list in them moves as the inbox does (j/k, g/G and the arrows); the questions without one
answer to their letters (y/n) and escape.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from vm_tui.inbox.filters import LineInfo
from vm_tui.text.safe import one_line

ALL_LINES = "\x00all"  # an option id no line key can be (line keys are cleaned of NUL)

_MODAL_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 60; height: auto; max-height: 80%;
    border: round $accent; background: $surface; padding: 1 2;
}}
{name} OptionList {{ height: auto; max-height: 20; }}
"""


class PickerList(OptionList):
    """An OptionList that moves like the inbox list: j/k as well as the arrows, g/G as well as
    Home/End (its own bindings do the rest: enter picks, PgUp/PgDn page)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]


class LinePicker(ModalScreen[str | None]):
    """Pick a line (main number) to show, with its unread count; escape keeps the current one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "cancel", "Cancel")]
    DEFAULT_CSS = _MODAL_CSS.format(name="LinePicker")

    def __init__(self, lines: list[LineInfo], current: str | None) -> None:
        super().__init__()
        self.lines = lines
        self.current = current

    def compose(self) -> ComposeResult:
        total_new = sum(line.unlistened for line in self.lines)
        options = [Option(Content(f"All lines ({total_new} new)"), id=ALL_LINES)]
        for line in self.lines:
            label = f"{one_line(line.name, 40)}  ({line.unlistened} new, {line.total} in all)"
            options.append(Option(Content(label), id=line.number))
        with Vertical():
            yield Static(Content.assemble(("Show which line?", "bold")))
            yield PickerList(*options, id="lines")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        ids = [ALL_LINES, *(line.number for line in self.lines)]
        option_list.highlighted = ids.index(self.current) if self.current in ids else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ModalScreen[bool]):
    """A yes/no question; y or enter says yes, n or escape says no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape,q", "answer(False)", "No"),
    ]
    DEFAULT_CSS = _MODAL_CSS.format(name="Confirm")

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question))
            yield Static(
                Content.assemble(("\ny", "bold $accent"), " yes   ", ("n", "bold $accent"), " no")
            )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class AskText(ModalScreen[str | None]):
    """One line of text (a contact's name); enter answers, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = _MODAL_CSS.format(name="AskText")

    def __init__(self, question: str, value: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question))
            yield Input(value=self.value, id="answer")

    def on_mount(self) -> None:
        self.screen.set_focus(self.query_one(Input))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
