"""Read (name, number) pairs out of vCard and CSV address-book exports.

Only what an address book needs: vCard 2.1/3.0/4.0 (folded lines, quoted-printable, escapes,
``tel:`` URIs, ``item1.TEL`` groups) and CSV with a ``name,number`` header, no header, or the
column names of Google Contacts and Outlook exports. Numbers are returned as written; the
caller normalises them (and skips what is not a number).
"""

from __future__ import annotations

import csv
import io
import quopri
import re
from collections.abc import Iterator

# -- vCard ------------------------------------------------------------------------------------

_ESCAPES = re.compile(r"\\(.)", re.DOTALL)


def _unescape(value: str) -> str:
    return _ESCAPES.sub(lambda m: " " if m.group(1) in "nN" else m.group(1), value)


def _split_components(value: str) -> list[str]:
    """Split an ``N``/``ORG`` value on unescaped ``;``."""
    parts, current, escaped = [], [], False
    for char in value:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ";":
            parts.append(_unescape("".join(current)))
            current = []
        else:
            current.append(char)
    parts.append(_unescape("".join(current)))
    return [part.strip() for part in parts]


def _logical_lines(text: str) -> Iterator[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    current: str | None = None
    for line in lines:
        if current is not None and line[:1] in (" ", "\t"):
            current += line[1:]  # folded (RFC 6350 §3.2)
            continue
        if (
            current is not None
            and current.endswith("=")
            and "QUOTED-PRINTABLE" in (current.split(":", 1)[0].upper())
        ):
            current = current[:-1] + line  # a quoted-printable soft line break
            continue
        if current is not None:
            yield current
        current = line
    if current is not None:
        yield current


def _property(line: str) -> tuple[str, dict[str, str], str] | None:
    head, sep, value = line.partition(":")
    if not sep:
        return None
    name, *raw_params = head.split(";")
    name = name.rsplit(".", 1)[-1].strip().upper()  # "item1.TEL" -> "TEL"
    params: dict[str, str] = {}
    for param in raw_params:
        key, eq, val = param.partition("=")
        params[key.strip().upper() if eq else "TYPE"] = val.strip().strip('"') if eq else key
    if params.get("ENCODING", "").upper() in ("QUOTED-PRINTABLE", "QP"):
        charset = params.get("CHARSET", "utf-8")
        try:
            value = quopri.decodestring(value.encode("latin-1", "replace")).decode(
                charset, "replace"
            )
        except LookupError:
            value = quopri.decodestring(value.encode("latin-1", "replace")).decode(
                "utf-8", "replace"
            )
    return name, params, value


def vcard_pairs(text: str) -> Iterator[tuple[str, str]]:
    """``(name, number)`` for every telephone number of every card."""
    card: dict[str, str] | None = None
    numbers: list[str] = []
    for line in _logical_lines(text):
        parsed = _property(line)
        if parsed is None:
            continue
        name, _params, value = parsed
        if name == "BEGIN" and value.strip().upper() == "VCARD":
            card, numbers = {}, []
        elif name == "END" and value.strip().upper() == "VCARD" and card is not None:
            display = _card_name(card)
            for number in numbers:
                yield display, number
            card = None
        elif card is not None:
            if name == "TEL":
                numbers.append(value.strip())
            elif name in ("FN", "N", "ORG") and name not in card:
                card[name] = value


def _card_name(card: dict[str, str]) -> str:
    if card.get("FN", "").strip():
        return _unescape(card["FN"]).strip()
    if "N" in card:
        family, given, middle, *_ = [*_split_components(card["N"]), "", "", ""]
        joined = " ".join(part for part in (given, middle, family) if part)
        if joined:
            return joined
    if "ORG" in card:
        return " ".join(part for part in _split_components(card["ORG"]) if part)
    return ""


# -- CSV --------------------------------------------------------------------------------------

_FULL_NAME = ("name", "full name", "display name", "contact name", "contact")
_FIRST = ("first name", "given name")
_MIDDLE = ("middle name", "additional name")
_LAST = ("last name", "family name", "surname")
_COMPANY = ("company", "organization", "organization name", "organization 1 - name")
_NOT_A_NUMBER = ("type", "label", "fax", "pager", "extension", "id number", "account")
_MULTI = re.compile(r"\s*:::\s*")  # Google puts several numbers in one cell, " ::: " apart


def _is_number_column(header: str) -> bool:
    words = header.lower()
    return any(w in words for w in ("phone", "mobile", "number", "tel", "cell")) and not any(
        w in words for w in _NOT_A_NUMBER
    )


def _looks_like_number(cell: str) -> bool:
    digits = sum(ch.isdigit() for ch in cell)
    return digits >= 3 and digits * 2 >= len(cell.replace(" ", ""))


def csv_pairs(text: str) -> Iterator[tuple[str, str]]:
    rows = [row for row in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in row)]
    if not rows:
        return
    header = [cell.strip().lower() for cell in rows[0]]
    number_columns = [i for i, h in enumerate(header) if _is_number_column(h)]
    if number_columns and not any(_looks_like_number(cell) for cell in rows[0]):
        yield from _with_header(header, number_columns, rows[1:])
        return
    for row in rows:  # no header: the cell that looks like a number, and the first other one
        cells = [cell.strip() for cell in row]
        number = next((c for c in cells if _looks_like_number(c)), None)
        name = next((c for c in cells if c and c != number), "")
        if number is not None:
            yield name, number


def _with_header(
    header: list[str], number_columns: list[int], rows: list[list[str]]
) -> Iterator[tuple[str, str]]:
    def column(names: tuple[str, ...]) -> int | None:
        return next((i for i, h in enumerate(header) if h in names), None)

    full, first, middle, last, company = (
        column(names) for names in (_FULL_NAME, _FIRST, _MIDDLE, _LAST, _COMPANY)
    )

    def cell(row: list[str], index: int | None) -> str:
        return row[index].strip() if index is not None and index < len(row) else ""

    for row in rows:
        name = cell(row, full) or " ".join(
            part for part in (cell(row, first), cell(row, middle), cell(row, last)) if part
        )
        name = name or cell(row, company)
        for index in number_columns:
            for number in _MULTI.split(cell(row, index)):
                if number:
                    yield name, number
