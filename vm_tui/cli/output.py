"""What the commands print: tables and details for people, JSON for scripts, a progress line.

Text from the API is untrusted: human-readable output goes through ``vm_tui.text.safe``, and
``--json`` escapes every non-ASCII and control character, so nothing reaches a terminal raw.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from vm_tui.api import Voicemail
    from vm_tui.contacts import Contacts


def dump_json(data: object) -> str:
    # ensure_ascii: control characters, bidi marks and every non-ASCII character are escaped, so
    # nothing from the API reaches the terminal raw; a JSON parser gets the exact text back.
    return json.dumps(data, indent=2, ensure_ascii=True)


def caller_name(vm: Voicemail, contacts: Contacts | None) -> str | None:
    return contacts.name_for(vm.caller) if contacts is not None else None


def caller(vm: Voicemail, contacts: Contacts | None, name_limit: int = 40) -> str:
    """``Dana (Acme) +1 408-555-0199`` when the number is in the contacts, else the number."""
    from vm_tui.inbox.labels import caller_label

    return caller_label(vm, caller_name(vm, contacts), with_number=True, name_limit=name_limit)


def voicemail_json(vm: Voicemail, contacts: Contacts | None) -> dict[str, Any]:
    return {**vm.to_json(), "caller_name": caller_name(vm, contacts)}


def render_table(
    voicemails: Sequence[Voicemail], unlistened_count: int, contacts: Contacts | None = None
) -> str:
    from vm_tui.inbox.labels import preview
    from vm_tui.text.safe import one_line
    from vm_tui.text.times import received

    now = datetime.now(UTC).astimezone()
    header = ("", "ID", "RECEIVED", "FROM", "LINE", "TRANSCRIPTION")
    rows = [header]
    for vm in voicemails:
        rows.append(
            (
                " " if vm.listened else "●",
                one_line(vm.id, 40),
                received(vm.created_at, now),
                caller(vm, contacts, name_limit=24),
                one_line(vm.line_name, 20),
                preview(vm, 60) if vm.transcription is not None else "(transcribing…)",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.append(f"\n{len(voicemails)} shown, {unlistened_count} unlistened in the company")
    return "\n".join(line.rstrip() for line in lines)


def render_details(vm: Voicemail, contacts: Contacts | None = None) -> str:
    from vm_tui.text.safe import clean, one_line
    from vm_tui.text.times import absolute

    line = one_line(vm.line_name) or "(unnamed line)"
    number = one_line(vm.line_number_formatted or vm.line_number)
    listened = f"yes, {absolute(vm.listened_at)}" if vm.listened_at else "no"
    lines = [
        f"From:      {caller(vm, contacts, name_limit=100)}",
        f"Line:      {line} {number}".rstrip(),
        f"Received:  {absolute(vm.created_at)}",
        f"Listened:  {listened}",
        f"Recording: {'ready' if vm.recording_ready else 'still processing'}",
        f"ID:        {one_line(vm.id)}",
        "",
        clean(vm.transcription) if vm.transcription is not None else "(not transcribed yet)",
    ]
    return "\n".join(lines)


def toml_value(value: object) -> str:
    """A TOML value for ``config show`` (plain text stays readable, anything odd is escaped)."""
    from vm_tui.text.safe import is_printable

    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=not is_printable(value))
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return json.dumps(value)


def playing_text(position: float, duration: float, who: str = "") -> str:
    from vm_tui.text.times import duration as clock

    text = f"▶ {clock(min(int(position), duration))} / {clock(duration)}"
    return f"{text}  {who}" if who else text


class StatusLine:
    """One line of progress on stderr, rewritten in place; only when stderr is a terminal.

    Scripts and logs (stderr not a terminal) get nothing from it. Used as a context manager, it
    ends its line before an error message is printed.
    """

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self._width = 0
        self._text = ""

    def show(self, text: str) -> None:
        if not self.enabled or text == self._text:
            return
        pad = " " * max(self._width - len(text), 0)
        click.echo(f"\r{text}{pad}", err=True, nl=False)
        self._text = text
        self._width = max(self._width, len(text))

    def clear(self) -> None:
        if self._width:
            click.echo("\r" + " " * self._width + "\r", err=True, nl=False)
        self._width = 0
        self._text = ""

    def done(self) -> None:
        if self._width:
            click.echo("", err=True)
        self._width = 0
        self._text = ""

    def __enter__(self) -> StatusLine:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            self._width = 0  # the interrupt handler ends the line
            return
        self.done()

    def loading(self, stage: str, received: int, total: int | None) -> None:
        if stage == "decoding":
            self.show("Decoding…")
            return
        of = f" / {total // 1024} KB" if total else ""
        self.show(f"Downloading… {received // 1024} KB{of}")
