"""A local address book: phone numbers (matched in E.164) to names. No Textual here.

The file is TOML, ``[contacts]`` then ``"+14155551234" = "Dana (Acme)"``, kept private (0600).
Every change re-reads the file first and writes it back at once, so the TUI and the CLI can
both add contacts without undoing each other. Names are cleaned of control characters: a
vCard from anywhere is as untrusted as the API's text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from vm_tui.local.files import LocalFileError, describe_os_error
from vm_tui.text.safe import one_line

NAME_LIMIT = 100
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_HEADER = (
    "# vm-tui contacts: phone numbers in E.164 form mapped to names.\n"
    "# Edit freely; vm-tui rewrites this file when contacts are added or imported\n"
    "# (comments are not kept).\n"
)


class ContactsError(LocalFileError):
    """The contacts file (or an import) is unreadable or malformed; the message says where."""


@lru_cache(maxsize=8192)
def normalise(number: str, default_region: str | None = None) -> str | None:
    """``"+1 415-555-1234"`` -> ``"+14155551234"``; None when it is not a phone number."""
    import phonenumbers  # large: imported only when a number has to be parsed

    text = number.strip()
    if text.lower().startswith("tel:"):
        text = text[4:].split(";", 1)[0]
    if not text or len(text) > 64:
        return None
    try:
        parsed = phonenumbers.parse(text, default_region.upper() if default_region else None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def clean_name(name: str) -> str:
    return one_line(name, NAME_LIMIT)


class Contacts:
    """Numbers (E.164) to names, backed by a TOML file."""

    def __init__(self, path: Path, entries: dict[str, str] | None = None) -> None:
        self.path = path
        self._entries: dict[str, str] = dict(entries or {})
        self.skipped: list[str] = []  # what the last import could not use, for its report

    # -- reading -------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> Contacts:
        """Read ``path``; a missing file is an empty address book."""
        return cls(path, _read_entries(path))

    def name_for(self, number: str) -> str | None:
        if not self._entries:
            return None
        exact = self._entries.get(number)
        if exact is not None or _E164.fullmatch(number):
            return exact  # already canonical (what the API sends): no parsing per row
        e164 = normalise(number)
        return self._entries.get(e164) if e164 else None

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """``(number, name)`` pairs, sorted by name then number."""
        return iter(sorted(self._entries.items(), key=lambda item: (item[1].lower(), item[0])))

    def __contains__(self, number: object) -> bool:
        return isinstance(number, str) and self.name_for(number) is not None

    # -- changing (each change is saved at once) ----------------------------------------------

    def add(self, number: str, name: str, default_region: str | None = None) -> None:
        """Add or rename ``number`` and save the file."""
        e164 = normalise(number, default_region)
        if e164 is None:
            raise ContactsError(
                f"'{one_line(number, 40)}' is not a phone number "
                "(use the international form, e.g. +14155551234)"
            )
        cleaned = clean_name(name)
        if not cleaned:
            raise ContactsError("the contact's name is empty")
        self._merge({e164: cleaned})

    def save(self) -> None:
        """Write the file (0600), atomically."""
        from vm_tui.local.files import StorageError, write_private
        from vm_tui.local.key_in_file import toml_string

        lines = [_HEADER, "[contacts]\n"]
        for number, name in sorted(self._entries.items()):
            lines.append(f"{toml_string(number)} = {toml_string(name)}\n")
        try:
            write_private(self.path, "".join(lines))
        except StorageError as error:
            raise ContactsError(
                f"cannot write the contacts file {self.path}: {error.reason}"
            ) from None

    def import_vcard(self, path: Path, default_region: str | None = None) -> int:
        """Add every number of every card in a .vcf file; returns how many were imported."""
        from vm_tui.contacts.importers import vcard_pairs

        return self._import(vcard_pairs(_read_import(path)), default_region)

    def import_csv(self, path: Path, default_region: str | None = None) -> int:
        """Add ``name,number`` rows (or a Google/Outlook export); returns how many."""
        from vm_tui.contacts.importers import csv_pairs

        return self._import(csv_pairs(_read_import(path)), default_region)

    def _import(self, pairs: Iterable[tuple[str, str]], default_region: str | None) -> int:
        found: dict[str, str] = {}
        self.skipped = []
        for name, number in pairs:
            e164 = normalise(number, default_region)
            cleaned = clean_name(name)
            if e164 is None or not cleaned:
                self.skipped.append(one_line(f"{name} {number}", 80))
                continue
            found[e164] = cleaned
        if found:
            self._merge(found)
        return len(found)

    def _merge(self, changes: dict[str, str]) -> None:
        # Re-read first: another vm-tui (the TUI, the CLI) may have added contacts meanwhile.
        self._entries = {**_read_entries(self.path), **changes}
        self.save()


def _read_entries(path: Path) -> dict[str, str]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ContactsError(
            f"cannot read the contacts file {path}: {describe_os_error(error)}"
        ) from None
    where = f"contacts file {path}"
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ContactsError(f"{where}: not valid TOML ({error})") from None
    unknown = sorted(set(data) - {"contacts"})
    if unknown:
        raise ContactsError(
            f"{where}: unknown key '{unknown[0]}' (expected only a [contacts] table)"
        )
    table = data.get("contacts", {})
    if not isinstance(table, dict):
        raise ContactsError(f"{where}: 'contacts' must be a table ([contacts])")
    entries: dict[str, str] = {}
    for number, name in table.items():
        e164 = normalise(number)
        if e164 is None:
            raise ContactsError(
                f"{where}: '{one_line(number, 40)}' is not a phone number in international "
                'form (e.g. "+14155551234")'
            )
        if not isinstance(name, str) or not clean_name(name):
            raise ContactsError(f"{where}: the name for '{e164}' must be a non-empty string")
        entries[e164] = clean_name(name)
    return entries


def _read_import(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ContactsError(f"cannot read {path}: {describe_os_error(error)}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # older Outlook exports
