"""Every request has an overall deadline: a server trickling its answer cannot hold a call.

httpx's timeouts are per read, so a body sent a few bytes at a time never trips them. The
budgets are shrunk here (``Limits``) so the tests take a fraction of a second each.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import RecordingSleep
from vm_tui.api import (
    ApiTimeoutError,
    NetworkError,
    PhoneIncClient,
    RateLimitedError,
    RecordingDownloader,
    RetryPolicy,
    fetch_recording,
)
from vm_tui.api import limits as limits_module
from vm_tui.api.errors import DeadlineError, is_retryable
from vm_tui.api.limits import Limits
from vm_tui.demo import DemoServer, Fault

BUDGET = 0.4
SLACK = 1.5  # a loaded machine: the call ends well before the trickle would have
QUICK = Limits(
    list_seconds=BUDGET,
    change_seconds=BUDGET,
    retrieve_seconds=BUDGET,
    download_base_seconds=BUDGET,
    download_bytes_per_second=1024**3,
    download_max_seconds=BUDGET,
)
LIST = "/api/v1/voicemails"


@pytest.fixture
async def quick(demo_server: DemoServer) -> AsyncIterator[PhoneIncClient]:
    client = PhoneIncClient(
        demo_server.api_key, demo_server.base_url, limits=QUICK, sleep=RecordingSleep()
    )
    async with client:
        yield client


def first_id(server: DemoServer) -> str:
    return str(server.voicemails()[0]["id"])


async def timed(call: asyncio.Future[object] | object) -> tuple[BaseException | None, float]:
    started = time.monotonic()
    try:
        await call  # type: ignore[misc]
    except BaseException as error:  # what it raised is the subject
        return error, time.monotonic() - started
    return None, time.monotonic() - started


@pytest.mark.parametrize(
    ("call", "what"),
    [
        pytest.param("list", "send the inbox", id="poll"),
        pytest.param("retrieve", "send the voicemail", id="retrieve"),
        pytest.param("mark", "confirm the mark", id="patch"),
    ],
)
async def test_a_trickled_answer_ends_at_the_deadline_with_its_name(
    demo_server: DemoServer, quick: PhoneIncClient, call: str, what: str
) -> None:
    vm_id = first_id(demo_server)
    demo_server.inject(Fault.trickle(40))  # the list would take a minute, one voicemail 20 s
    calls = {
        "list": lambda: quick.list_voicemails(),
        "retrieve": lambda: quick.get_voicemail(vm_id),
        "mark": lambda: quick.set_listened(vm_id, True),
    }
    error, took = await timed(calls[call]())
    assert isinstance(error, DeadlineError), error
    assert str(error) == f"Phone.inc took longer than 0.4 s to {what}"
    assert BUDGET <= took < BUDGET + SLACK
    # A network trouble: the outbox keeps a change and tries again later; the CLI exits 5.
    assert isinstance(error, ApiTimeoutError | NetworkError) and is_retryable(error)
    assert error.seconds == BUDGET


async def test_a_delete_that_never_answers_ends_at_the_deadline(
    demo_server: DemoServer, quick: PhoneIncClient
) -> None:
    demo_server.inject(Fault.delay(30))  # under httpx's 15 s per read: only the deadline ends it
    error, took = await timed(quick.delete_voicemail(first_id(demo_server)))
    assert isinstance(error, DeadlineError)
    assert str(error) == "Phone.inc took longer than 0.4 s to confirm the delete"
    assert took < BUDGET + SLACK


async def test_the_deadline_covers_the_retries_too(demo_server: DemoServer) -> None:
    """Four attempts that each time out (per read) still end at one budget, not four."""
    client = PhoneIncClient(
        demo_server.api_key,
        demo_server.base_url,
        limits=QUICK,
        retry=RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.01),
        timeout=httpx.Timeout(0.25),
    )
    async with client:
        demo_server.inject(Fault.delay(5), times=4, path=LIST)
        error, took = await timed(client.list_voicemails())
    assert isinstance(error, DeadlineError)
    assert took < BUDGET + SLACK
    assert len([r for r in demo_server.requests if r.path == LIST]) <= 2


async def test_a_wait_past_the_deadline_is_not_waited(
    demo_server: DemoServer, sleeps: RecordingSleep
) -> None:
    """Retry-After longer than what is left of the budget: the 429 is the answer, at once."""
    client = PhoneIncClient(demo_server.api_key, demo_server.base_url, limits=QUICK, sleep=sleeps)
    async with client:
        demo_server.inject(Fault.rate_limited(retry_after=30))
        error, _ = await timed(client.get_voicemail(first_id(demo_server)))
    assert isinstance(error, RateLimitedError)
    assert sleeps.delays == []


async def test_a_cancelled_call_is_cancelled_not_a_deadline(
    demo_server: DemoServer, quick: PhoneIncClient
) -> None:
    demo_server.inject(Fault.trickle(40))
    task = asyncio.ensure_future(quick.list_voicemails())
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_the_budgets_are_read_from_the_constants(
    demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits_module, "RETRIEVE_SECONDS", 0.3)
    async with PhoneIncClient(demo_server.api_key, demo_server.base_url) as client:
        assert client.limits.retrieve_seconds == 0.3
        demo_server.inject(Fault.trickle(40))
        error, _ = await timed(client.get_voicemail(first_id(demo_server)))
    assert str(error) == "Phone.inc took longer than 0.3 s to send the voicemail"


def test_download_budgets_scale_with_the_announced_size() -> None:
    limits = Limits()  # the shipped budgets
    assert limits.list_seconds == 30 and limits.change_seconds == limits.retrieve_seconds == 15
    assert limits.download_seconds(0) == 20
    assert limits.download_seconds(1024 * 1024) == 20 + 32  # 1 MB at 32 KB/s
    assert limits.download_seconds(50 * 1024 * 1024) == 600  # the cap
    assert limits.download_seconds(None) == 600  # an unknown size gets the cap
    assert limits.download_seconds(10**30) == 600


# -- storage ---------------------------------------------------------------------------------


def recording_url(server: DemoServer) -> str:
    return str(next(v for v in server.voicemails() if v["recording_url"])["recording_url"])


async def test_a_trickled_recording_ends_at_its_deadline(demo_server: DemoServer) -> None:
    downloader = RecordingDownloader(limits=QUICK)
    try:
        demo_server.inject_storage(Fault.trickle(2000))  # a 28 KB recording: 14 s
        error, took = await timed(downloader.fetch(recording_url(demo_server)))
    finally:
        await downloader.aclose()
    assert isinstance(error, DeadlineError), error
    assert str(error).startswith("the recording download took longer than 0.4 s (")
    assert "KB received)" in str(error) or "bytes received)" in str(error)
    assert took < BUDGET + SLACK


async def test_a_bigger_recording_gets_more_time(demo_server: DemoServer) -> None:
    """The budget grows with Content-Length: 0.2 s plus the size at 40 KB/s. Sent at 100 KB/s,
    the recording takes longer than the fixed allowance alone, and arrives."""
    limits = Limits(
        download_base_seconds=0.2, download_bytes_per_second=40_000, download_max_seconds=30
    )
    url = recording_url(demo_server)
    downloader = RecordingDownloader(limits=limits)
    try:
        expected = await downloader.fetch(url)
        demo_server.inject_storage(Fault.trickle(100_000))
        started = time.monotonic()
        assert await downloader.fetch(url) == expected
        assert time.monotonic() - started > 0.2
    finally:
        await downloader.aclose()


async def test_download_and_play_load_end_at_the_download_deadline(
    demo_server: DemoServer, quick: PhoneIncClient
) -> None:
    """What ``vm-tui download`` and play do: retrieve, then download, each within its budget."""
    vm_id = next(str(v["id"]) for v in demo_server.voicemails() if v["recording_url"])
    downloader = RecordingDownloader(limits=QUICK)
    try:
        demo_server.inject_storage(Fault.trickle(2000))
        error, took = await timed(fetch_recording(quick, downloader, vm_id))
    finally:
        await downloader.aclose()
    assert isinstance(error, DeadlineError)
    assert took < 2 * BUDGET + SLACK
