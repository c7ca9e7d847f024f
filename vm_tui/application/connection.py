"""The poller's health as the header shows it. Pure values."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Link(Enum):
    CONNECTING = "connecting"
    LIVE = "live"
    REFRESHING = "refreshing"
    OFFLINE = "offline"
    KEY_REJECTED = "key rejected"


@dataclass(frozen=True, slots=True)
class ConnectionStatus:
    link: Link = Link.CONNECTING
    message: str = ""  # the last error, one line, safe to show
    retry_at: float | None = None  # monotonic time of the next attempt while offline
    stale: bool = False  # showing an inbox from before the last failure (or from the cache)
