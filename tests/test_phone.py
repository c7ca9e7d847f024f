"""Phone number display: the formatter is imported lazily, and can be warmed up on purpose."""

from __future__ import annotations

import subprocess
import sys

from vm_tui.text.phone import format_number

PROGRAM = """
import sys
import vm_tui.text.phone
assert "phonenumbers" not in sys.modules, "imported with vm_tui.text.phone"
vm_tui.text.phone.warm_up()
assert "phonenumbers" in sys.modules, "not imported by warm_up"
"""


def test_the_formatter_loads_on_warm_up_not_on_import() -> None:
    subprocess.run([sys.executable, "-c", PROGRAM], check=True, capture_output=True)


def test_numbers_are_shown_in_international_form() -> None:
    assert format_number("+14085550199") == "+1 408-555-0199"
    assert format_number("+442079460958") == "+44 20 7946 0958"
    assert format_number("not a number") == "not a number"
