"""The layer arrows hold for every package, and only ``ui`` knows Textual.

Every import of every module (lazy ones inside functions too) is read from its source and
checked against ``MAY_IMPORT``. The README's "How it is built" diagram is this table.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "vm_tui"

# Which of vm_tui's top-level entries each one may import (itself always).
MAY_IMPORT: dict[str, set[str]] = {
    "text": set(),
    "api": {"text"},
    "audio": {"text"},
    "inbox": {"api", "text"},
    "local": {"api", "inbox", "text"},
    "contacts": {"local", "text"},
    "desktop": {"contacts", "text"},
    "demo": set(),  # the stand-in server: standard library only
    "application": {"api", "audio", "inbox", "local", "contacts", "desktop", "text"},
    "startup": {"api", "text"},
    "ui": {
        "application",
        "api",
        "audio",
        "inbox",
        "local",
        "contacts",
        "desktop",
        "text",
        "startup",
        "demo",
    },
    "cli": {
        "application",
        "api",
        "audio",
        "inbox",
        "local",
        "contacts",
        "desktop",
        "text",
        "startup",
        "demo",
        "ui",
    },
    "__main__": {"cli"},
}
# The one place the command line reaches into the TUI: to launch it.
CLI_MAY_LAUNCH_UI_FROM = {"vm_tui/cli/tui.py"}
UI_LIBRARIES = ("textual", "rich")


def top_level_entries() -> set[str]:
    return {
        p.stem if p.is_file() else p.name
        for p in PACKAGE.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists())
        or (p.suffix == ".py" and p.stem != "__init__")
    }


def imports_of(path: Path, root: Path = ROOT) -> set[str]:
    """Absolute module names ``path`` imports, lazy imports included."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
    return names


def entry_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def test_the_table_covers_every_top_level_entry() -> None:
    assert top_level_entries() ^ set(MAY_IMPORT) == set(), "update MAY_IMPORT and the README"


@pytest.mark.parametrize("entry", sorted(MAY_IMPORT))
def test_arrows(entry: str) -> None:
    paths = (
        [PACKAGE / f"{entry}.py"]
        if (PACKAGE / f"{entry}.py").exists()
        else sorted((PACKAGE / entry).rglob("*.py"))
    )
    wrong: list[str] = []
    for path in paths:
        for module in imports_of(path):
            parts = module.split(".")
            if parts[0] in UI_LIBRARIES and entry != "ui":
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
            if parts[0] != "vm_tui" or len(parts) < 2 or parts[1] in ("__version__",):
                continue
            target = parts[1]
            if target == entry or target in MAY_IMPORT[entry] or target == "__init__":
                launches = str(path.relative_to(ROOT)) in CLI_MAY_LAUNCH_UI_FROM
                if target == "ui" and entry == "cli" and not launches:
                    wrong.append(f"{path.relative_to(ROOT)} imports {module} (only cli/tui.py)")
                continue
            if module == "vm_tui":
                continue
            wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []


@pytest.mark.parametrize("module", ["vm_tui.application.service", "vm_tui.cli.voicemails"])
def test_below_the_ui_nothing_loads_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual'"
        " or m.startswith('vm_tui.ui'))\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "", f"{module} pulled in: {result.stdout.strip()}"


def test_the_checker_sees_a_wrong_arrow(tmp_path: Path) -> None:
    """The test above must be able to fail: a lazy import of the UI inside a function."""
    bad = tmp_path / "vm_tui" / "api" / "bad.py"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "def f():\n    from vm_tui.ui.app import VoicemailApp\n    from ..inbox import x\n"
    )
    found = imports_of(bad, tmp_path)
    assert "vm_tui.ui.app" in found
    assert any(name.endswith("inbox") for name in found)


def readme_diagram_entries() -> set[str]:
    """The entries the README's "How it is built" diagram lists under ``vm_tui/``."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## How it is built", 1)[1]
    diagram = section.split("```", 2)[1]
    entries = set()
    for line in diagram.splitlines():
        if line.startswith("  ") and not line.startswith("   "):
            name = line.split()[0].rstrip("/")
            entries.add(name.removesuffix(".py"))
    return entries


def test_the_readme_diagram_lists_every_top_level_entry() -> None:
    assert readme_diagram_entries() == top_level_entries()
