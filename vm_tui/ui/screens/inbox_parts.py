"""What the inbox screen's parts share: declared here so each part can be read (and type
checked) on its own; ``InboxScreen`` sets and implements them."""

from __future__ import annotations

from typing import TypeVar, cast

from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

from vm_tui.api import Voicemail
from vm_tui.application.service import InboxService
from vm_tui.contacts import Contacts
from vm_tui.inbox.filters import InboxFilter
from vm_tui.local.config import Settings

PartT = TypeVar("PartT", bound=Widget)


class InboxParts(Screen[None]):
    service: InboxService
    settings: Settings
    contacts: Contacts | None
    filter: InboxFilter
    _ready: bool
    _player_timer: Timer | None
    _shown_id: str | None
    _parts: dict[type[Widget], Widget]

    def part(self, kind: type[PartT]) -> PartT | None:
        """The screen's one widget of ``kind``, found once: a query walks the whole screen
        (0.07-0.1 ms, on every cursor move). None once the panes are gone: a message or a
        timer can still arrive while the app shuts down."""
        found = self._parts.get(kind)
        if found is None or not found.is_attached:
            try:
                found = self._parts[kind] = self.query_one(kind)
            except NoMatches:
                return None
        return cast(PartT, found)

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
