"""Pilot fixtures: the real app against the demo server over loopback HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot

from tests.audio.audio_helpers import FakeBackend
from vm_tui.api import PhoneIncClient, RetryPolicy
from vm_tui.audio.player import Player
from vm_tui.demo import DemoServer
from vm_tui.local.config import Settings
from vm_tui.ui.app import VoicemailApp

# The demo inbox is laid out relative to this moment, and the app's clock is frozen just after,
# so relative times ("5 min ago") and snapshots do not depend on when the tests run.
DEMO_START = datetime(2026, 5, 11, 14, 0, tzinfo=UTC)
APP_NOW = DEMO_START + timedelta(minutes=1)

MakeApp = Callable[..., VoicemailApp]


@pytest.fixture
def fixed_server() -> Iterator[DemoServer]:
    with DemoServer(new_every=None, fill_in_after=None, start_time=DEMO_START) as server:
        yield server


def frozen_now() -> datetime:
    return APP_NOW


@pytest.fixture
async def make_app(fixed_server: DemoServer) -> AsyncIterator[MakeApp]:
    players: list[Player] = []

    def make(server: DemoServer | None = None, **kwargs: Any) -> VoicemailApp:
        server = server or fixed_server
        timeout = kwargs.pop("timeout", None)
        client = PhoneIncClient(
            server.api_key,
            server.base_url,
            retry=RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02),
            **({"timeout": httpx.Timeout(timeout)} if timeout else {}),
        )
        if "player" not in kwargs:
            player = Player(backend=FakeBackend(), poll_interval=0.01)
            players.append(player)
            kwargs["player"] = player
        kwargs.setdefault("settings", Settings(poll_interval=60))
        kwargs.setdefault("undo_seconds", 0.3)
        kwargs.setdefault("now", frozen_now)
        kwargs.setdefault("prefetch", False)
        return VoicemailApp(client=client, **kwargs)

    yield make
    for player in players:
        player.close()


@dataclass(frozen=True)
class LoadedApp:
    """The app (against ``fixed_server``, 120x36, toasts shown) with its first inbox loaded."""

    app: VoicemailApp
    pilot: Pilot[Any]

    def __iter__(self) -> Iterator[Any]:
        return iter((self.app, self.pilot))


@pytest.fixture
async def loaded_app(make_app: MakeApp) -> AsyncIterator[LoadedApp]:
    app = make_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        yield LoadedApp(app, pilot)


async def wait_until(
    pilot: Pilot[Any], predicate: Callable[[], object], timeout: float = 10.0, what: str = ""
) -> None:
    """Let the app run until ``predicate()`` holds (no fixed sleeps: fast and not flaky)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await pilot.pause(0.02)


async def loaded(pilot: Pilot[Any]) -> VoicemailApp:
    app = pilot.app
    assert isinstance(app, VoicemailApp)
    await wait_until(pilot, lambda: app.service.poller.polls_completed >= 1, what="first poll")
    await pilot.pause()
    return app


async def next_poll(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, VoicemailApp)
    before = app.service.poller.polls_completed
    app.inbox.action_refresh()
    await wait_until(pilot, lambda: app.service.poller.polls_completed > before, what="a poll")
    await pilot.pause()


def screen_text(app: VoicemailApp) -> str:
    """What the terminal would show, as text (every cell, every widget, toasts included)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


async def wait_for_text(pilot: Pilot[Any], *texts: str, timeout: float = 5.0) -> str:
    """Wait until every one of ``texts`` is on screen; return the screen."""
    app = pilot.app
    assert isinstance(app, VoicemailApp)
    await wait_until(
        pilot, lambda: all(t in screen_text(app) for t in texts), timeout, what=repr(texts)
    )
    return screen_text(app)


def notices(app: VoicemailApp) -> str:
    """Every notification currently shown (title and message), one per line."""
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


async def wait_for_notice(pilot: Pilot[Any], *texts: str, timeout: float = 5.0) -> str:
    app = pilot.app
    assert isinstance(app, VoicemailApp)
    await wait_until(
        pilot, lambda: all(t in notices(app) for t in texts), timeout, what=repr(texts)
    )
    return notices(app)
