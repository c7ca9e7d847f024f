"""Make untrusted text (anything from the API or a server) safe to show in a terminal.

Callers, line names and transcriptions are written by strangers. Markup is handled where text is
rendered (Textual ``Content``/Rich ``Text``, never markup strings); this module removes what no
renderer neutralises: C0/C1 control characters (ESC starts CSI/OSC sequences, BEL rings, NUL
truncates), bidi overrides that reorder what the user sees, and lone surrogates (they cannot
be encoded at all: printing one raises; the API parser already turns them into U+FFFD).
"""

from __future__ import annotations

import re
import unicodedata

# Whole escape sequences first (so "\x1b[31mred" reads "red", not "[31mred"): CSI, OSC (ended
# by BEL or ST), and other two-character escapes; their 8-bit C1 forms too.
_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x9d\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\-_]"
)
# C0 controls except tab/newline, DEL, C1 controls, bidi embedding/override/isolate marks, and
# lone surrogates.
_UNSAFE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ud800-\udfff]"
)
_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029\x0b\x0c]+")


def clean(text: str) -> str:
    """Drop control and bidi characters; keep newlines and tabs (for multi-line text)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("", _SEQUENCES.sub("", text))


# An error message shown in a header or toast: long enough for the longest one the
# client writes (a certificate failure with its hint), short enough for one toast.
MESSAGE_CHARACTERS = 200


def one_line(text: str, limit: int | None = None) -> str:
    """``clean`` and fold every line break into a space: for rows, titles and toasts.

    With a ``limit``, only the start of a long text is looked at: a caller or a name of
    megabytes costs what is shown."""
    if limit is not None and len(text) > (head := limit * 4 + 64):
        flat = one_line(text[:head], limit)
        return flat if flat.endswith("…") else flat[: max(limit - 1, 0)] + "…"
    flat = _LINE_BREAKS.sub(" ", text)
    flat = " ".join(clean(flat).split())
    if limit is not None and len(flat) > limit:
        flat = flat[: max(limit - 1, 0)] + "…"
    return flat


def is_printable(text: str) -> bool:
    """True when ``text`` holds nothing ``clean`` would remove (used by tests and asserts)."""
    return not _UNSAFE.search(text) and all(
        unicodedata.category(ch) != "Cc" or ch in "\n\t" for ch in text
    )
