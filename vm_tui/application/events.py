"""What the application layer tells its face (the TUI screen, the CLI): one value per change.

Events are emitted on the event loop's thread, synchronously, by the part that made the change.
A face turns them into what it shows; it never reaches into the parts to find out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from vm_tui.application.connection import ConnectionStatus
from vm_tui.inbox.state import InboxDiff

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True, slots=True)
class InboxChanged:
    """The shown inbox changed; ``announce`` holds the ids that are new to the user."""

    diff: InboxDiff
    announce: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ConnectionChanged:
    status: ConnectionStatus


@dataclass(frozen=True, slots=True)
class Notice:
    """Something to tell the user once (a toast in the TUI, a line on stderr in the CLI)."""

    text: str  # one line, already safe to show
    severity: Severity = "information"
    title: str = ""
    timeout: float | None = None


@dataclass(frozen=True, slots=True)
class PendingChanged:
    """Changes the server has not confirmed yet, and the progress of a bulk change."""

    count: int
    bulk_done: int = 0
    bulk_total: int = 0


@dataclass(frozen=True, slots=True)
class RecordingChanged:
    """A recording was loaded (its duration is known) or forgotten."""

    voicemail_id: str
    duration: float | None


@dataclass(frozen=True, slots=True)
class PlaybackStatus:
    """What the player bar shows. Positions are in the recording's own timeline."""

    state: str = "idle"  # idle, downloading, decoding, playing, paused, stopped, ended, error
    voicemail_id: str | None = None
    position: float = 0.0
    duration: float | None = None
    speed: float = 1.0
    progress: float | None = None  # download progress 0..1 while loading
    message: str = ""  # errors and hints, one line, already safe
    skip_silence: bool = False
    voice_boost: bool = False
    saved: float | None = None  # seconds skip silence saves on this recording, once measured


@dataclass(frozen=True, slots=True)
class PlaybackChanged:
    """The player started, paused, stopped, ended, failed, or a recording is loading."""

    status: PlaybackStatus


@dataclass(frozen=True, slots=True)
class PlaybackFinished:
    """``voicemail_id`` was heard to its natural end (it is being marked listened)."""

    voicemail_id: str


AppEvent = (
    InboxChanged
    | ConnectionChanged
    | Notice
    | PendingChanged
    | RecordingChanged
    | PlaybackChanged
    | PlaybackFinished
)
Emit = Callable[[AppEvent], None]


def ignore(_event: AppEvent) -> None:
    """An ``Emit`` for callers that show nothing (tests, one-shot commands)."""
