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
)
from vm_tui.api import limits as limits_module
from vm_tui.api.errors import DeadlineError, is_retryable
from vm_tui.api.limits import Limits
from vm_tui.demo import DemoServer, Fault

BUDGET = 0.25
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


async def test_each_trickled_call_ends_at_its_deadline_with_its_name(
    demo_server: DemoServer, quick: PhoneIncClient
) -> None:
    """A poll, a retrieve and a mark trickled (a minute each at this rate), and a delete that
    never answers (httpx's per-read timeout is 15 s), all at once: each ends at its budget."""
    ids = [str(v["id"]) for v in demo_server.voicemails()]
    # The most specific first: a fault's path is a prefix, and the list's prefixes them all.
    demo_server.inject(Fault.trickle(40), path=f"{LIST}/{ids[0]}")
    demo_server.inject(Fault.trickle(40), path=f"{LIST}/{ids[1]}")
    demo_server.inject(Fault.delay(30), path=f"{LIST}/{ids[2]}")
    demo_server.inject(Fault.trickle(40), path=LIST)
    started = time.monotonic()
    results = await asyncio.gather(
        quick.list_voicemails(),
        quick.get_voicemail(ids[0]),
        quick.set_listened(ids[1], True),
        quick.delete_voicemail(ids[2]),
        return_exceptions=True,
    )
    took = time.monotonic() - started
    assert [str(r) for r in results] == [
        "Phone.inc took longer than 0.25 s to send the inbox",
        "Phone.inc took longer than 0.25 s to send the voicemail",
        "Phone.inc took longer than 0.25 s to confirm the mark",
        "Phone.inc took longer than 0.25 s to confirm the delete",
    ]
    assert BUDGET <= took < BUDGET + SLACK
    for error in results:
        # A network trouble: the outbox keeps a change and tries again later; the CLI exits 5.
        assert isinstance(error, DeadlineError) and isinstance(error, ApiTimeoutError)
        assert isinstance(error, NetworkError) and is_retryable(error)
        assert error.seconds == BUDGET


async def test_the_deadline_covers_the_retries_too(demo_server: DemoServer) -> None:
    """Four attempts that each time out (per read) still end at one budget, not four."""
    client = PhoneIncClient(
        demo_server.api_key,
        demo_server.base_url,
        limits=QUICK,
        retry=RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.01),
        timeout=httpx.Timeout(0.15),
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
    monkeypatch.setattr(limits_module, "RETRIEVE_SECONDS", 0.15)
    async with PhoneIncClient(demo_server.api_key, demo_server.base_url) as client:
        assert client.limits.retrieve_seconds == 0.15
        demo_server.inject(Fault.trickle(40))
        error, _ = await timed(client.get_voicemail(first_id(demo_server)))
    assert str(error) == "Phone.inc took longer than 0.15 s to send the voicemail"


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
    assert str(error).startswith("the recording download took longer than 0.25 s (")
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
