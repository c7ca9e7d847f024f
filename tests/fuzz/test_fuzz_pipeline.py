"""Whole API responses, valid and hostile, through every layer that handles them in-process:
the client (body cap, decompression, JSON, parsing), the inbox state, the CLI's table, details
and JSON, the cache's JSON, and the times shown in any zone. The only exception allowed is an
ApiError, raised by the client."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.fuzz.strategies import ZONES, WireResponse, responses, with_hostile_examples
from vm_tui.api import NO_RETRY, ApiError, Inbox, PhoneIncClient, Voicemail
from vm_tui.cli.output import dump_json, render_details, render_table, voicemail_json
from vm_tui.inbox import InboxState
from vm_tui.local.inbox_cache import to_cache_json
from vm_tui.text.times import absolute, received

QUICK = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
THOROUGH = settings(deadline=None, max_examples=3000, suppress_health_check=[HealthCheck.too_slow])
NOW = datetime(2026, 5, 11, 14, 0, tzinfo=UTC)


async def _no_wait(_seconds: float) -> None:
    return None


def fetch(answer: WireResponse, one: bool) -> Inbox | Voicemail | ApiError:
    """What the real client makes of ``answer`` (it raises nothing but ApiError)."""

    async def call() -> Inbox | Voicemail:
        transport = httpx.MockTransport(lambda _request: answer.httpx())
        async with PhoneIncClient(
            "phk_FuzzFuzzFuzzFuzzFuzzFuzzFuzzFu",
            "http://127.0.0.1:9/api/v1",
            transport=transport,
            retry=NO_RETRY,
            sleep=_no_wait,
        ) as client:
            if one:
                return await client.get_voicemail("a")
            return await client.list_voicemails(incremental=len(answer.body) % 2 == 0)

    try:
        return asyncio.run(call())
    except ApiError as error:
        assert str(error) and "\n" not in str(error)
        return error


def shown_everywhere(voicemails: list[Voicemail], count: int, zone: str) -> None:
    """Every output the voicemails reach: encodable, parseable, in any local zone."""
    table = render_table(voicemails, count)
    table.encode("utf-8")
    payload = dump_json(
        {"unlistened_count": count, "voicemails": [voicemail_json(vm, None) for vm in voicemails]}
    )
    payload.encode("ascii")
    json.loads(payload)
    cache = to_cache_json(Inbox(count, tuple(voicemails)))
    cache["voicemails"] = list(cache["voicemails"])  # type: ignore[call-overload]
    json.dumps(cache, ensure_ascii=False).encode("utf-8")
    now = NOW.astimezone(ZoneInfo(zone))
    for vm in voicemails[:4]:
        render_details(vm).encode("utf-8")
        for moment in (vm.created_at, vm.listened_at):
            if moment is not None:
                received(moment, now).encode("utf-8")
                absolute(moment, now).encode("utf-8")


def through_the_state(inbox: Inbox) -> None:
    state = InboxState(clock=lambda: NOW)
    diff = state.apply_poll(inbox, state.begin_poll())
    assert len(state.order) == len(inbox.voicemails)
    assert state.unlistened_count >= 0 and diff.unlistened_count == state.unlistened_count
    ids = list(state.order)
    if ids:
        state.set_listened_many(ids[:3], True)
        state.hide(ids[0])
        state.unhide(ids[0])
        state.apply_poll(inbox, state.begin_poll())  # the same answer again: nothing flickers


def check_list(answer: WireResponse, zone: str) -> None:
    result = fetch(answer, one=False)
    if isinstance(result, ApiError):
        return
    assert isinstance(result, Inbox)
    through_the_state(result)
    shown_everywhere(list(result.voicemails), result.unlistened_count, zone)


def check_one(answer: WireResponse, zone: str) -> None:
    result = fetch(answer, one=True)
    if isinstance(result, ApiError):
        return
    assert isinstance(result, Voicemail)
    shown_everywhere([result], 0, zone)


SURROGATE_INBOX = WireResponse(
    200,
    (("Content-Type", "application/json"),),
    b'{"unlistened_count":1,"voicemails":[{"id":"a","from":"\\ud800",'
    b'"created_at":"9999-12-31T23:30:00Z","transcription":"\\udfff"}]}',
)


@QUICK
@with_hostile_examples(zone="Asia/Tokyo")
@with_hostile_examples(zone="America/New_York")
@given(answer=responses(), zone=st.sampled_from(ZONES))
@example(answer=SURROGATE_INBOX, zone="Pacific/Kiritimati")
def test_any_list_answer_is_an_api_error_or_shown_everywhere(
    answer: WireResponse, zone: str
) -> None:
    check_list(answer, zone)


@QUICK
@with_hostile_examples(one=True, zone="Asia/Tokyo")
@with_hostile_examples(one=True, zone="America/New_York")
@given(answer=responses(one=True), zone=st.sampled_from(ZONES))
def test_any_retrieve_answer_is_an_api_error_or_shown_everywhere(
    answer: WireResponse, zone: str
) -> None:
    check_one(answer, zone)


@pytest.mark.slow
@THOROUGH
@given(answer=responses(), zone=st.sampled_from(ZONES))
def test_any_list_answer_thoroughly(answer: WireResponse, zone: str) -> None:
    check_list(answer, zone)


@pytest.mark.slow
@THOROUGH
@given(answer=responses(one=True), zone=st.sampled_from(ZONES))
def test_any_retrieve_answer_thoroughly(answer: WireResponse, zone: str) -> None:
    check_one(answer, zone)
