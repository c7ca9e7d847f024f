"""Times as a person reads them: relative when recent, a date when older, local timezone.

Any moment a server sends is shown, even at the edges of the calendar: 9999-12-31 23:30 UTC
is already in year 10000 in Tokyo, and 0001-01-01 00:30 UTC still in year 0 in New York, which
``datetime`` cannot hold. Such a moment is shown in UTC instead of failing.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, tzinfo

_CLOCK_SKEW = timedelta(minutes=5)  # a moment this far ahead of ours is "just now"


def local_time(when: datetime, zone: tzinfo | None = None) -> datetime:
    """``when`` in ``zone`` (None: the system's local zone), or in UTC when that moment has no
    representation there."""
    try:
        return when.astimezone(zone)
    except (OverflowError, OSError, ValueError):
        try:
            return when.astimezone(UTC)
        except (OverflowError, OSError, ValueError):
            return when


def received(when: datetime, now: datetime) -> str:
    """Short form for list rows: ``just now``, ``5 min ago``, ``14:05``, ``Mon 14:05``."""
    local = local_time(when, now.tzinfo)
    age = now - when
    if -_CLOCK_SKEW < age < timedelta(minutes=1):
        return "just now"
    future = age < timedelta(0)
    if not future and age < timedelta(hours=1):
        return f"{int(age.total_seconds() // 60)} min ago"
    if local.date() == now.date():
        return local.strftime("%H:%M")
    if not future and age < timedelta(days=6):
        return local.strftime("%a %H:%M")
    if local.year == now.year:
        return local.strftime("%d %b").lstrip("0")
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d}"


def absolute(when: datetime, tz_from: datetime | None = None) -> str:
    """Long form for the detail pane: ``Mon 11 May 2026, 15:48 CEST``."""
    local = local_time(when, tz_from.tzinfo if tz_from else None)
    return f"{local:%a %d %b} {local.year:04d}, {local:%H:%M %Z}".strip()


def duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "-:--"
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"
