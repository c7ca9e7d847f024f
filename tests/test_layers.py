"""The layer arrows hold: ui -> inbox -> api, ui -> audio; only ui knows Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["vm_tui.api", "vm_tui.audio", "vm_tui.inbox", "vm_tui.demo", "vm_tui.config"]


@pytest.mark.parametrize("module", LAYERS)
def test_layer_imports_without_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        # (rich may appear: httpx itself imports it for its command line tool.)
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual'"
        " or m.startswith('vm_tui.ui'))\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "", f"{module} pulled in: {result.stdout.strip()}"


@pytest.mark.parametrize("layer", ["api", "audio", "inbox", "demo"])
def test_lower_layers_never_name_the_ui(layer: str) -> None:
    for path in (ROOT / "vm_tui" / layer).rglob("*.py"):
        text = path.read_text()
        assert "vm_tui.ui" not in text and "import textual" not in text, path
        assert "from textual" not in text, path
        assert "import rich" not in text and "from rich" not in text, path


def test_api_does_not_import_the_inbox_or_audio() -> None:
    for path in (ROOT / "vm_tui" / "api").rglob("*.py"):
        text = path.read_text()
        assert "vm_tui.inbox" not in text and "vm_tui.audio" not in text, path
