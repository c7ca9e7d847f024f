"""Every fault the network can throw at a live inbox: the app stays up, says precisely what is
wrong, keeps the last good inbox on screen, and recovers on its own."""

from __future__ import annotations

import asyncio

import pytest

from tests.ui.conftest import MakeApp, loaded, next_poll, screen_text, wait_for_text, wait_until
from vm_tui.application.connection import Link
from vm_tui.demo import DemoServer, Fault
from vm_tui.ui.widgets.voicemail_list import VoicemailList

LIST = "/api/v1/voicemails"

FAULTS = [
    pytest.param(Fault.status(500), "Internal server error (HTTP 500)", id="500"),
    pytest.param(Fault.html_502(), "not JSON", id="502-html"),
    pytest.param(Fault.rate_limited(retry_after=7), "(HTTP 429)", id="429"),
    pytest.param(Fault.delay(2.0), "did not answer in time", id="timeout"),
    pytest.param(Fault.drop_connection(), "closed before a complete answer", id="dropped"),
    pytest.param(Fault.truncated_json(), "not JSON", id="truncated-json"),
    pytest.param(
        Fault.status(200, b"<html>login</html>", {"Content-Type": "text/html"}),
        "not JSON (text/html",
        id="html-200",
    ),
    pytest.param(Fault.status(200, b'{"voicemails": 5}'), "expected a list", id="wrong-shape"),
]


@pytest.mark.parametrize(("fault", "message"), FAULTS)
async def test_fault_is_shown_and_polling_recovers(
    make_app: MakeApp, fixed_server: DemoServer, fault: Fault, message: str
) -> None:
    app = make_app(timeout=0.5)
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        ids = app.query_one(VoicemailList).ids
        fixed_server.inject(fault, path=LIST)
        app.inbox.action_refresh()
        await wait_until(
            pilot, lambda: app.service.poller.status.link is Link.OFFLINE, what="offline"
        )
        text = await wait_for_text(pilot, "offline", message, "(stale)")
        assert "Traceback" not in text
        assert app.query_one(VoicemailList).ids == ids  # the last good inbox stays
        await pilot.press("j")  # and it still answers keys
        assert app.inbox.selected_id == ids[1]
        await next_poll(pilot)
        assert app.service.poller.status.link is Link.LIVE


async def test_retry_after_sets_the_next_attempt(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        fixed_server.inject(Fault.rate_limited(retry_after=40), path=LIST)
        app.inbox.action_refresh()
        await wait_until(pilot, lambda: app.service.poller.status.link is Link.OFFLINE)
        retry_at = app.service.poller.status.retry_at
        assert retry_at is not None
        assert 38 <= retry_at - app.inbox.monotonic() <= 40.5
        await wait_for_text(pilot, "retrying in 4")


async def test_a_hanging_server_does_not_freeze_the_app(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    app = make_app(timeout=3)
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        fixed_server.inject(Fault.delay(1.2), path=LIST)
        app.inbox.action_refresh()
        # While the poll hangs, keys still work and the screen still updates.
        for _ in range(5):
            await pilot.press("j")
            await asyncio.sleep(0.05)
        assert app.query_one(VoicemailList).cursor_index == 5
        await wait_until(
            pilot, lambda: app.service.poller.polls_completed >= 2, what="slow poll lands"
        )
        assert app.service.poller.status.link is Link.LIVE


async def test_one_malformed_voicemail_is_skipped_with_a_warning(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        count = len(app.query_one(VoicemailList).ids)
        fixed_server.inject(Fault.malformed_item(), path=LIST)
        await next_poll(pilot)
        assert len(app.query_one(VoicemailList).ids) == count - 1
        assert app.service.poller.status.link is Link.LIVE
        await wait_until(pilot, lambda: "could not be read" in _notices(app))
        await next_poll(pilot)
        assert len(app.query_one(VoicemailList).ids) == count


def _notices(app: object) -> str:
    from tests.ui.conftest import notices
    from vm_tui.ui.app import VoicemailApp

    assert isinstance(app, VoicemailApp)
    return notices(app)


async def test_the_key_never_reaches_the_screen(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        fixed_server.inject(Fault.status(401, b'{"error": "bad key"}'))
        app.inbox.action_refresh()
        await wait_until(pilot, lambda: app.service.poller.status.link is Link.KEY_REJECTED)
        await pilot.press("question_mark")
        await pilot.pause()
        assert fixed_server.api_key not in screen_text(app)
        assert fixed_server.api_key not in app.export_screenshot()
        assert fixed_server.api_key not in repr(app.service.client)
