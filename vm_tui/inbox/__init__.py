"""The inbox as pure state: polls merged with pending local changes, the filters, what a queued
change is. No I/O and no UI: the application layer (``vm_tui.application``) drives it."""

from .state import InboxDiff, InboxState

__all__ = ["InboxDiff", "InboxState"]
