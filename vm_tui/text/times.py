"""Times as a person reads them: relative when recent, a date when older, local timezone."""

from __future__ import annotations

from datetime import datetime, timedelta


def received(when: datetime, now: datetime) -> str:
    """Short form for list rows: ``just now``, ``5 min ago``, ``14:05``, ``Mon 14:05``."""
    local = when.astimezone(now.tzinfo)
    age = now - when
    if age < timedelta(minutes=1):
        return "just now"
    if age < timedelta(hours=1):
        return f"{int(age.total_seconds() // 60)} min ago"
    if local.date() == now.date():
        return local.strftime("%H:%M")
    if age < timedelta(days=6):
        return local.strftime("%a %H:%M")
    if local.year == now.year:
        return local.strftime("%d %b").lstrip("0")
    return local.strftime("%Y-%m-%d")


def absolute(when: datetime, tz_from: datetime | None = None) -> str:
    """Long form for the detail pane: ``Mon 11 May 2026, 15:48 CEST``."""
    local = when.astimezone(tz_from.tzinfo if tz_from else None)
    return local.strftime("%a %d %b %Y, %H:%M %Z").strip()


def duration(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"
