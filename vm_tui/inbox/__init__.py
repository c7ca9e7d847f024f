"""Pure inbox state: merging polls with pending local changes, poller health. No I/O, no UI."""

from .connection import Backoff, ConnectionStatus, Link, jittered, stops_polling
from .state import InboxDiff, InboxState

__all__ = [
    "Backoff",
    "ConnectionStatus",
    "InboxDiff",
    "InboxState",
    "Link",
    "jittered",
    "stops_polling",
]
