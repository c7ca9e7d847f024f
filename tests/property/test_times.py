"""Any moment a server can send is shown in any local zone, even at the calendar's edges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vm_tui.text.times import absolute, duration, local_time, received

SETTINGS = settings(deadline=None, max_examples=200)
ZONE_NAMES = ["Asia/Tokyo", "America/New_York", "Pacific/Kiritimati", "Etc/GMT+12", "UTC"]

offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
zones: st.SearchStrategy[tzinfo] = offsets | st.sampled_from(ZONE_NAMES).map(ZoneInfo)
moments = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 999999)
).map(lambda m: m.replace(tzinfo=UTC))
nows = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda m: m.replace(tzinfo=UTC)
)


@SETTINGS
@given(when=moments, now=nows, zone=zones)
@example(
    when=datetime(9999, 12, 31, 23, 30, tzinfo=UTC),
    now=datetime.now(UTC),
    zone=ZoneInfo("Asia/Tokyo"),
)
@example(
    when=datetime(1, 1, 1, 0, 30, tzinfo=UTC),
    now=datetime.now(UTC),
    zone=ZoneInfo("America/New_York"),
)
def test_any_moment_in_any_zone_is_shown(when: datetime, now: datetime, zone: tzinfo) -> None:
    local_now = now.astimezone(zone)
    assert received(when, local_now)
    assert absolute(when, local_now)
    shown = local_time(when, zone)
    assert shown == when  # the same moment, wherever it is shown


@pytest.mark.parametrize("zone", ZONE_NAMES)
def test_the_systems_local_zone_at_the_edges(local_zone: Callable[[str], None], zone: str) -> None:
    local_zone(zone)
    late = datetime(9999, 12, 31, 23, 30, tzinfo=UTC)
    early = datetime(1, 1, 1, 0, 30, tzinfo=UTC)
    now = datetime.now(UTC).astimezone()  # the CLI's "now": the system's zone
    assert absolute(late).startswith("Fri 31 Dec 9999")
    assert "01 Jan 0001" in absolute(early)
    assert received(late, now) == "9999-12-31"
    assert received(early, now) == "0001-01-01"


def test_times_read_as_before_in_ordinary_cases() -> None:
    now = datetime(2026, 5, 11, 14, 0, tzinfo=UTC)
    assert received(now - timedelta(seconds=20), now) == "just now"
    assert received(now + timedelta(minutes=2), now) == "just now"  # clocks differ a little
    assert received(now - timedelta(minutes=5), now) == "5 min ago"
    assert received(now - timedelta(hours=3), now) == "11:00"
    assert received(now - timedelta(days=2), now) == "Sat 14:00"
    assert received(now - timedelta(days=40), now) == "1 Apr"
    assert received(now - timedelta(days=400), now) == "2025-04-06"
    assert received(now + timedelta(days=3), now) == "14 May"  # ahead: a date, not "just now"
    assert absolute(now, now) == "Mon 11 May 2026, 14:00 UTC"
    assert duration(61.4) == "1:01" and duration(float("nan")) == "-:--"
