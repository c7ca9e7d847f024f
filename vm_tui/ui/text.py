"""Untrusted API text turned into what widgets show: always literal, never markup."""

from __future__ import annotations

from textual.content import Content

from vm_tui.api.models import Voicemail
from vm_tui.phone import format_number
from vm_tui.safe_text import clean, one_line


def literal(text: str) -> Content:
    """A Content that shows ``text`` exactly: no markup, no control characters."""
    return Content(clean(text))


def caller_label(vm: Voicemail, name: str | None = None) -> str:
    """The contact's name when we know it, else the formatted number."""
    return one_line(name, 40) if name else format_number(vm.caller)


def caller_full(vm: Voicemail, name: str | None = None) -> str:
    """Name and number, for the detail pane."""
    number = format_number(vm.caller)
    return f"{one_line(name, 60)}  {number}" if name else number


def line_label(vm: Voicemail) -> str:
    return one_line(vm.line_name, 40) or one_line(vm.line_number_formatted or vm.line_number, 40)


def line_full(vm: Voicemail) -> str:
    number = one_line(vm.line_number_formatted or vm.line_number, 40)
    name = one_line(vm.line_name, 60)
    return f"{name} ({number})" if name and number else name or number or "unknown line"


def preview(vm: Voicemail) -> str:
    if vm.transcription is None:
        return "transcribing…"
    return one_line(vm.transcription, 200)
