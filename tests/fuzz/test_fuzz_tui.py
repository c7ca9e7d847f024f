"""Whole API responses, valid and hostile, into the real app (Pilot): each becomes a poll (or a
mark's answer), the list and the detail pane render what came, and nothing crashes: the app
runs, no worker dies, no "Something went wrong"."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.audio.audio_helpers import FakeBackend
from tests.fuzz.strategies import (
    HOSTILE_EXAMPLES,
    HOSTILE_ONE_EXAMPLES,
    ZONES,
    WireResponse,
    responses,
)
from tests.ui.conftest import notices, screen_text, wait_until
from vm_tui.api import Inbox, PhoneIncClient, RetryPolicy
from vm_tui.audio.player import Player
from vm_tui.local.config import Settings
from vm_tui.ui.app import VoicemailApp
from vm_tui.ui.widgets.voicemail_list import VoicemailList

QUICK = settings(
    deadline=None, max_examples=1, suppress_health_check=[HealthCheck.too_slow], database=None
)
THOROUGH = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
NOW = datetime(2026, 5, 11, 14, 1, tzinfo=UTC)
GOOD = WireResponse(
    200,
    (("Content-Type", "application/json"),),
    b'{"unlistened_count":1,"voicemails":[{"id":"vm-1","from":"+14155550100",'
    b'"created_at":"2026-05-11T13:00:00Z","transcription":"Hello"},'
    b'{"id":"vm-2","from":"+14155550101","created_at":"2026-05-10T13:00:00Z",'
    b'"listened_at":"2026-05-10T14:00:00Z","transcription":null}]}',
)


class CountingClient(PhoneIncClient):
    """Counts the calls that ended (whatever they ended with), so the test waits for them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lists_done = 0
        self.marks_done = 0

    async def list_voicemails(self, **kwargs: Any) -> Inbox:
        try:
            return await super().list_voicemails(**kwargs)
        finally:
            self.lists_done += 1

    async def set_listened(self, voicemail_id: str, listened: bool) -> Any:
        try:
            return await super().set_listened(voicemail_id, listened)
        finally:
            self.marks_done += 1


def assert_still_fine(app: VoicemailApp) -> None:
    assert app.is_running
    assert "Something went wrong" not in notices(app)
    alive = {w.group for w in app.workers if not w.is_finished}
    assert {"poller", "outbox"} <= alive


async def drive(polls: list[WireResponse], mark_answer: WireResponse, zone: str) -> None:
    queue = [GOOD, *polls]

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/voicemails"):
            return (queue.pop(0) if queue else GOOD).httpx()
        if request.method == "PATCH":
            return mark_answer.httpx()
        return httpx.Response(404, json={"error": "Voicemail not found"})

    client = CountingClient(
        "phk_FuzzFuzzFuzzFuzzFuzzFuzzFuzzFu",
        "http://127.0.0.1:9/api/v1",
        transport=httpx.MockTransport(answer),
        retry=RetryPolicy(max_attempts=1),
    )
    player = Player(backend=FakeBackend(), poll_interval=0.01)
    app = VoicemailApp(
        client=client,
        player=player,
        settings=Settings(poll_interval=60),
        undo_seconds=0.3,
        now=lambda: NOW.astimezone(ZoneInfo(zone)),
        prefetch=False,
    )
    try:
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            for done in range(1, len(polls) + 2):
                if done > 1:
                    app.inbox.action_refresh()
                await wait_until(pilot, lambda n=done: client.lists_done >= n, what="a poll")
                await pilot.pause()
                vm_list = app.query_one(VoicemailList)
                for vm_id in vm_list.ids[:4]:  # rows and detail panes of what came
                    vm_list.select(vm_id)
                    await pilot.pause()
                    screen_text(app)
                assert_still_fine(app)
            if app.query_one(VoicemailList).ids:
                sender = app.service.sender
                await pilot.press("m")
                # Sent and answered, or settled without a request (overtaken: the server says
                # it was listened after the change was made, as a date far ahead does).
                await wait_until(
                    pilot,
                    lambda: client.marks_done >= 1 or not (sender.journal.live() or sender._tasks),
                    what="the mark's answer",
                )
                await pilot.pause()
                screen_text(app)
                assert_still_fine(app)
    finally:
        player.close()


def run(polls: list[WireResponse], mark_answer: WireResponse, zone: str) -> None:
    asyncio.run(drive(polls, mark_answer, zone))


@QUICK
@example(
    polls=list(HOSTILE_EXAMPLES.values()),
    mark_answer=HOSTILE_ONE_EXAMPLES["nested"],
    zone="Asia/Tokyo",
)
@given(
    polls=st.lists(responses(), min_size=4, max_size=4),
    mark_answer=responses(one=True),
    zone=st.sampled_from(ZONES),
)
def test_the_app_survives_any_answers(
    polls: list[WireResponse], mark_answer: WireResponse, zone: str
) -> None:
    run(polls, mark_answer, zone)


@pytest.mark.slow
@THOROUGH
@given(
    polls=st.lists(responses(), min_size=1, max_size=6),
    mark_answer=responses(one=True),
    zone=st.sampled_from(ZONES),
)
def test_the_app_survives_any_answers_thoroughly(
    polls: list[WireResponse], mark_answer: WireResponse, zone: str
) -> None:
    run(polls, mark_answer, zone)
