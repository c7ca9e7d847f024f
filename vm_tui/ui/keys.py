"""Every key the inbox answers to: one table for the bindings, the footer and the help overlay."""

from __future__ import annotations

from dataclasses import dataclass

# The list and the detail pane scroll sideways on ←/→ by default: these take those keys back.
SEEK_BINDINGS = (("left", "screen.seek(-5)"), ("right", "screen.seek(5)"))


@dataclass(frozen=True, slots=True)
class Key:
    keys: str  # Textual key names, comma separated
    action: str
    description: str
    show: bool = False  # in the footer
    help_keys: str = ""  # how the help overlay spells it (defaults to keys)
    # Handled by the app before the focused widget sees the next keys: "/" moves the focus, and
    # the letters typed right after it must already go to the search box.
    priority: bool = False


INBOX_KEYS: tuple[Key, ...] = (
    Key("enter", "play", "Play", show=True),
    Key("space", "pause", "Pause/resume", show=True, help_keys="space"),
    Key("x", "stop", "Stop"),
    Key("left", "seek(-5)", "Back 5 s", help_keys="←"),
    Key("right", "seek(5)", "Forward 5 s", help_keys="→"),
    Key("left_square_bracket", "speed(-1)", "Slower", help_keys="["),
    Key("right_square_bracket", "speed(1)", "Faster", help_keys="]"),
    Key("S", "toggle_skip_silence", "Skip silence"),
    Key("B", "toggle_voice_boost", "Voice boost"),
    Key("m", "toggle_listened", "Listened", show=True),
    Key("d", "delete", "Delete", show=True),
    Key("u", "undo", "Undo"),
    Key("s", "save", "Save mp3"),
    Key("slash", "search", "Search", show=True, help_keys="/", priority=True),
    Key("escape", "clear_filter", "Clear search/filters", help_keys="esc", priority=True),
    Key("l", "pick_line", "Filter by line"),
    Key("o", "toggle_unlistened_only", "Only unlistened"),
    Key("n", "next_unlistened", "Next unlistened"),
    Key("N", "previous_unlistened", "Previous unlistened"),
    Key("M", "mark_all_listened", "Mark all shown listened"),
    Key("y", "copy_number", "Copy caller's number"),
    Key("c", "add_contact", "Name this caller (contacts)"),
    Key("C", "call", "Call back"),
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
