"""How a voicemail's caller and line are named, everywhere (list, detail, toasts, the CLI).

Every piece comes from the API or an address book, so every piece is cleaned to one line.
"""

from __future__ import annotations

from vm_tui.api.models import Voicemail
from vm_tui.text.phone import format_number
from vm_tui.text.safe import one_line

PREVIEW_CHARS = 200


def caller_label(
    vm: Voicemail, name: str | None = None, *, with_number: bool = False, name_limit: int = 40
) -> str:
    """The contact's name when there is one (followed by the number ``with_number``), else the
    caller's number, formatted."""
    number = format_number(vm.caller)
    if not name:
        return number
    shown = one_line(name, name_limit)
    return f"{shown} {number}" if with_number else shown


def line_label(vm: Voicemail, limit: int = 40) -> str:
    """The line's name, else its number."""
    return one_line(vm.line_name, limit) or one_line(
        vm.line_number_formatted or vm.line_number, limit
    )


def line_full(vm: Voicemail) -> str:
    number = one_line(vm.line_number_formatted or vm.line_number, 40)
    name = one_line(vm.line_name, 60)
    return f"{name} ({number})" if name and number else name or number or "unknown line"


def preview(vm: Voicemail, limit: int = PREVIEW_CHARS) -> str:
    """The start of the transcription on one line. Only its start is looked at: a transcription
    of megabytes costs what the preview shows."""
    text = vm.transcription
    if text is None:
        return "transcribing…"
    head = text[: limit * 2]
    shown = one_line(head, limit)
    if len(text) > len(head) and not shown.endswith("…"):
        shown = shown[: limit - 1] + "…"
    return shown
