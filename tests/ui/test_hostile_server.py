"""The real app against a slow or hostile server: it keeps running, keeps (or shows) the rest of
the inbox, and says what happened; no worker dies, nothing crashes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.ui.conftest import (
    APP_NOW,
    MakeApp,
    loaded,
    next_poll,
    notices,
    screen_text,
    wait_for_text,
    wait_until,
)
from vm_tui.api import limits as limits_module
from vm_tui.application.connection import Link
from vm_tui.demo import DemoServer, Fault
from vm_tui.ui.app import VoicemailApp
from vm_tui.ui.widgets.voicemail_list import VoicemailList

LIST = "/api/v1/voicemails"
CRASHED = "Something went wrong"  # what the app says when a worker died


@pytest.fixture
def in_tokyo() -> Iterator[None]:
    """The process's local zone is Asia/Tokyo (TZ, then tzset) for the test."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Tokyo"
    time.tzset()
    yield
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


def tokyo_now() -> datetime:
    return APP_NOW.astimezone(ZoneInfo("Asia/Tokyo"))


def workers_alive(app: VoicemailApp) -> set[str]:
    return {w.group for w in app.workers if w.group in ("poller", "outbox") and not w.is_finished}


async def walk_every_row(app: VoicemailApp, pilot: object, first: int | None = None) -> None:
    """Select each voicemail (or the ``first`` few) in turn: its row and its detail pane are
    rendered."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    vm_list = app.query_one(VoicemailList)
    for vm_id in vm_list.ids[:first]:
        vm_list.select(vm_id)
        await pilot.pause()
        screen_text(app)


def assert_still_fine(app: VoicemailApp) -> None:
    assert app.is_running
    assert CRASHED not in notices(app)
    assert workers_alive(app) == {"poller", "outbox"}
    assert "Traceback" not in screen_text(app)


SPOILED_POLLS = [
    (Fault.trickle(50), "took longer than 0.25 s to send the inbox"),
    (Fault.nested_json(100_000), "nested too deeply"),
    (Fault.invalid_utf8(), "invalid UTF-8"),
    (Fault.gzip_bomb(64 * 1024**2), "more than the 4 MB"),
    (Fault.content_length("9" * 20), "announced an answer"),
]


async def test_a_poll_the_server_spoils_is_reported_and_the_inbox_stays(
    make_app: MakeApp, fixed_server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One app, each spoiled poll in turn (one app each would cost seconds)."""
    monkeypatch.setattr(limits_module, "LIST_SECONDS", 0.25)
    monkeypatch.setattr(limits_module, "LIST_MAX_BYTES", 4 * 1024**2)
    app = make_app()
    async with app.run_test(size=(160, 36), notifications=True) as pilot:
        await loaded(pilot)
        ids = app.query_one(VoicemailList).ids
        for fault, message in SPOILED_POLLS:
            fixed_server.inject(fault, path=LIST)
            app.inbox.action_refresh()
            await wait_until(
                pilot, lambda: app.service.poller.status.link is Link.OFFLINE, what=message
            )
            await wait_for_text(pilot, "offline", message, "(stale)")
            assert app.query_one(VoicemailList).ids == ids  # the last good inbox stays
            await pilot.press("j")
            assert_still_fine(app)
            await next_poll(pilot)
            assert app.service.poller.status.link is Link.LIVE, message
        assert app.inbox.selected_id == ids[len(SPOILED_POLLS)]  # keys kept working


async def test_lone_surrogates_show_as_replacement_characters(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        ids = app.query_one(VoicemailList).ids
        fixed_server.inject(Fault.lone_surrogates(), path=LIST)
        await next_poll(pilot)
        assert app.query_one(VoicemailList).ids == ids  # the whole inbox, that one too
        app.query_one(VoicemailList).select(ids[0])
        text = await wait_for_text(pilot, "Hello \ufffd there")
        assert "\ud800" not in text and "\udbff" not in text
        await walk_every_row(app, pilot)
        assert_still_fine(app)


@pytest.mark.usefixtures("in_tokyo")
async def test_edge_dates_in_tokyo(make_app: MakeApp, fixed_server: DemoServer) -> None:
    app = make_app(now=tokyo_now)
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        count = len(app.query_one(VoicemailList).ids)
        fixed_server.inject(Fault.edge_dates(), path=LIST)
        await next_poll(pilot)
        vm_list = app.query_one(VoicemailList)
        assert len(vm_list.ids) == count
        latest = vm_list.ids[0]  # newest first: the one of 9999
        assert app.service.state.get(latest).created_at.year == 9999  # type: ignore[union-attr]
        vm_list.select(latest)
        await wait_for_text(pilot, "9999-12-31", "Fri 31 Dec 9999, 23:30 UTC")
        await walk_every_row(app, pilot)
        assert "0001-01-01" in screen_text(app) or "Jan 0001" in screen_text(app)
        assert_still_fine(app)


ODD_VALUES = [
    Fault.absurd_count(),  # 10**100 (the others are the parser's tests)
    Fault.huge_strings(1_000_000),  # the first row and its detail pane render what fits
    Fault.json_field("from", "14155550100"),  # a number: that voicemail is left out
    Fault.json_field("created_at", '"9999-99-99"', 1),
]


async def test_odd_values_show_the_rest_of_the_inbox(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        count = len(app.query_one(VoicemailList).ids)
        unlistened = sum(1 for v in fixed_server.voicemails() if v["listened_at"] is None)
        for fault in ODD_VALUES:
            fixed_server.inject(fault, path=LIST)
            await next_poll(pilot)
            shown = app.query_one(VoicemailList).ids
            assert len(shown) >= count - 1, fault  # one unreadable voicemail at most left out
            if len(shown) < count:
                await wait_until(pilot, lambda: "could not be read" in notices(app))
            assert app.service.state.unlistened_count <= unlistened
            await walk_every_row(app, pilot, first=3)  # the faults edit the first voicemails
            assert_still_fine(app)


async def test_a_hostile_answer_to_a_mark_keeps_the_change_and_the_sender(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    vm_id = next(v["id"] for v in fixed_server.voicemails() if v["listened_at"] is None)
    app = make_app()
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        app.query_one(VoicemailList).select(vm_id)
        fixed_server.inject(Fault.nested_json(100_000), path=f"{LIST}/{vm_id}")
        await pilot.press("m")
        sender = app.service.sender
        await wait_until(pilot, lambda: sender.last_error is not None, what="the failed send")
        assert sender.last_error is not None and "nested too deeply" in sender.last_error
        await wait_for_text(pilot, "1 pending")  # kept; tried again later (the sender's tests)
        assert app.service.state.get(vm_id).listened  # type: ignore[union-attr]
        assert_still_fine(app)
