"""What the inbox screen's parts share: declared here so each part can be read (and type
checked) on its own; ``InboxScreen`` sets and implements them."""

from __future__ import annotations

from textual.screen import Screen
from textual.timer import Timer

from vm_tui.api import Voicemail
from vm_tui.application.service import InboxService
from vm_tui.contacts import Contacts
from vm_tui.inbox.filters import InboxFilter
from vm_tui.local.config import Settings


class InboxParts(Screen[None]):
    service: InboxService
    settings: Settings
    contacts: Contacts | None
    filter: InboxFilter
    _ready: bool
    _player_timer: Timer | None
    _shown_id: str | None

    @property
    def selected_id(self) -> str | None:
        raise NotImplementedError

    def selected(self) -> Voicemail | None:
        raise NotImplementedError

    def select(self, voicemail_id: str) -> None:
        raise NotImplementedError

    def visible_order(self) -> list[str]:
        raise NotImplementedError

    def contact_name(self, number: str) -> str | None:
        raise NotImplementedError

    def caller(self, vm: Voicemail) -> str:
        raise NotImplementedError

    def show_waveform(self) -> None:
        raise NotImplementedError
