"""Messages that cross from worker threads or the audio thread into the app."""

from __future__ import annotations

from textual.message import Message

from vm_tui.audio.player import PlayerEvent


class PlayerEventMessage(Message):
    """PlaybackEnded / PlaybackFailed from the audio thread (post_message is thread-safe)."""

    def __init__(self, event: PlayerEvent) -> None:
        super().__init__()
        self.event = event
