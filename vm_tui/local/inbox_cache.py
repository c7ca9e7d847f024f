"""The last inbox, kept on disk so a start without network shows something at once.

Never holds a recording URL (they are signed per request): only whether a recording exists.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from vm_tui.api.errors import ProtocolError
from vm_tui.api.models import Inbox, parse_inbox

from .files import read_json, write_private_json

_VERSION = 1
# Stands in for "a recording exists" in a cached voicemail; never used as a URL (play always
# retrieves a freshly signed one first).
RECORDING_AVAILABLE = ""


class InboxCache:
    def __init__(self, path: Path) -> None:
        self.path = path

    def save(self, inbox: Inbox) -> None:
        write_private_json(self.path, to_cache_json(inbox))

    def load(self) -> Inbox | None:
        data = read_json(self.path)
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            return None
        try:
            inbox = parse_inbox(data)
        except ProtocolError:
            return None
        ready = _ready_ids(data)
        voicemails = tuple(
            replace(vm, recording_url=RECORDING_AVAILABLE) if vm.id in ready else vm
            for vm in inbox.voicemails
        )
        return Inbox(inbox.unlistened_count, voicemails)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def to_cache_json(inbox: Inbox) -> dict[str, object]:
    """What the cache file holds. The voicemails come as an iterator: the writer encodes them
    one at a time, never holding 10,000 dicts at once."""
    return {
        "version": _VERSION,
        "unlistened_count": inbox.unlistened_count,
        "voicemails": (vm.to_json() for vm in inbox.voicemails),
    }


def _ready_ids(data: dict[str, object]) -> set[str]:
    items = data.get("voicemails")
    if not isinstance(items, list):
        return set()
    return {
        str(item["id"])
        for item in items
        if isinstance(item, dict) and item.get("recording_ready") is True and "id" in item
    }
