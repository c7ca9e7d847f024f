"""Every key the inbox answers to: one table for the bindings, the footer and the help overlay."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Key:
    keys: str  # Textual key names, comma separated
    action: str
    description: str
    show: bool = False  # in the footer
    help_keys: str = ""  # how the help overlay spells it (defaults to keys)
    priority: bool = False  # wins over the focused widget's own binding (the list scrolls on ←/→)


INBOX_KEYS: tuple[Key, ...] = (
    Key("enter", "play", "Play", show=True),
    Key("space", "pause", "Pause/resume", show=True, help_keys="space"),
    Key("x", "stop", "Stop"),
    Key("left", "seek(-5)", "Back 5 s", help_keys="←", priority=True),
    Key("right", "seek(5)", "Forward 5 s", help_keys="→", priority=True),
    Key("left_square_bracket", "speed(-1)", "Slower", help_keys="["),
    Key("right_square_bracket", "speed(1)", "Faster", help_keys="]"),
    Key("m", "toggle_listened", "Listened", show=True),
    Key("d", "delete", "Delete", show=True),
    Key("u", "undo", "Undo"),
    Key("s", "save", "Save mp3"),
    Key("r", "refresh", "Refresh"),
    Key("question_mark", "help", "Help", show=True, help_keys="?"),
    Key("q", "quit", "Quit", show=True),
)

MOVEMENT_HELP: tuple[tuple[str, str], ...] = (
    ("j / ↓", "Next voicemail"),
    ("k / ↑", "Previous voicemail"),
    ("g / G", "First / last"),
    ("PgDn / PgUp", "Page down / up"),
    ("mouse", "Click selects, double click plays"),
)

OTHER_HELP: tuple[tuple[str, str], ...] = (
    ("ctrl+p", "Command palette"),
    ("tab", "Switch between list and detail"),
    ("ctrl+c", "Quit"),
)
