"""Phone number display: E.164 in, a readable international form out."""

from __future__ import annotations

from functools import lru_cache

from vm_tui.text.safe import one_line


@lru_cache(maxsize=4096)
def format_number(number: str) -> str:
    """``+14085550199`` -> ``+1 408-555-0199``; anything unparseable is shown as given (cleaned)."""
    import phonenumbers  # imported lazily: it is large and the CLI's --help does not need it

    text = one_line(number, limit=64)
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_possible_number(parsed):
        return text
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def warm_up() -> None:
    """Import the formatter now (~15 ms), not in the middle of the first inbox's frame: the app
    calls this right after its first frame, while the first poll is still on the network."""
    import phonenumbers  # noqa: F401
