"""Shared fixtures: a real demo Phone.inc on loopback, and clients pointed at it."""

from __future__ import annotations

import os
import random
import signal
import time
from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from vm_tui.api import PhoneIncClient, RecordingDownloader, RetryPolicy
from vm_tui.demo import DemoServer


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers per core (at most four more than the cores). Most tests wait on
    loopback servers, child processes and timers rather than compute, so one worker per core
    leaves the cores half idle (2 cores: 110 s with 2 workers, 85 s with 4)."""
    cores = os.cpu_count() or 1
    return min(2 * cores, cores + 4)


def _reset_ignored_sigint() -> None:
    """Started with SIGINT ignored (``nohup make test &``, some CI runners), handle it again.

    An ignored signal stays ignored across exec, so every child a test starts (``vm-tui play``,
    the demo server) would shrug off the Ctrl-C the test sends it. A *handled* signal is reset
    to its default at exec: with Python's own handler here, every child starts as it would from
    a terminal, and this process behaves as a normal run does.
    """
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


_reset_ignored_sigint()


@pytest.fixture
def demo_server() -> Iterator[DemoServer]:
    """A demo server with its seeded inbox, no arrivals and no delayed fill-in."""
    with DemoServer(new_every=None, fill_in_after=None) as server:
        yield server


@pytest.fixture
def local_zone() -> Iterator[Callable[[str], None]]:
    """``local_zone("Asia/Tokyo")`` sets this process's local time zone (TZ, then tzset), as a
    terminal in that zone would have it; restored afterwards."""
    saved = os.environ.get("TZ")

    def use(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield use
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


class RecordingSleep:
    """An ``asyncio.sleep`` stand-in that records the delays asked for and returns at once.

    Injected so retry/backoff tests check the waits without spending them.
    """

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
async def api(demo_server: DemoServer, sleeps: RecordingSleep) -> AsyncIterator[PhoneIncClient]:
    client = PhoneIncClient(
        demo_server.api_key,
        demo_server.base_url,
        retry=RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=4, max_total=30),
        sleep=sleeps,
        rng=random.Random(1),
    )
    async with client:
        yield client


@pytest.fixture
async def downloader() -> AsyncIterator[RecordingDownloader]:
    downloader = RecordingDownloader()
    yield downloader
    await downloader.aclose()


@pytest.fixture
def streamed_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The list bodies the API client decoded element by element (``vm_tui.api.jsonstream``):
    one entry, the array's key, per such decode."""
    import vm_tui.api.client as client_module

    streamed: list[str] = []
    real = client_module.loads_object_streaming

    def counting(text: str, array_key: str) -> object:
        streamed.append(array_key)
        return real(text, array_key)

    monkeypatch.setattr(client_module, "loads_object_streaming", counting)
    return streamed
