"""The TUI behind a CONNECT proxy with a company CA, configured by nothing but the environment.

The clients are built exactly as ``vm_tui.ui.launch`` builds them when no config file is in
play: no network configuration passed, so they read HTTPS_PROXY and SSL_CERT_FILE themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.audio.audio_helpers import FakeBackend
from tests.network.conftest import API_HOST, STORAGE_HOST, ready_ids
from tests.network.proxy import ConnectProxy
from tests.ui.conftest import frozen_now, loaded, screen_text, wait_for_text, wait_until
from vm_tui.api import PhoneIncClient, RecordingDownloader, RetryPolicy
from vm_tui.audio.player import Player
from vm_tui.demo import DemoServer
from vm_tui.local.config import Settings
from vm_tui.ui.app import VoicemailApp
from vm_tui.ui.widgets.voicemail_list import VoicemailList


@pytest.fixture
def players() -> Iterator[list[Player]]:
    made: list[Player] = []
    yield made
    for player in made:
        player.close()


def app_for(server: DemoServer, players: list[Player], **kwargs: Any) -> VoicemailApp:
    player = Player(backend=FakeBackend(), poll_interval=0.01)
    players.append(player)
    return VoicemailApp(
        client=PhoneIncClient(server.api_key, server.base_url, retry=RetryPolicy(max_attempts=1)),
        downloader=RecordingDownloader(),
        player=player,
        settings=Settings(poll_interval=60),
        now=frozen_now,
        prefetch=False,
        **kwargs,
    )


async def test_the_inbox_loads_and_plays_through_the_proxy(
    tls_server: DemoServer,
    proxy: ConnectProxy,
    ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    players: list[Player],
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    app = app_for(tls_server, players)
    vm_id = ready_ids(tls_server)[0]
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        assert "● live" in screen_text(app)
        app.query_one(VoicemailList).select(vm_id)
        await pilot.press("enter")
        assert app.player is not None
        backend = app.player._backend
        assert isinstance(backend, FakeBackend)
        await wait_until(pilot, lambda: backend.handles, what="audio handed to the backend")

    assert {r.method for r in proxy.requests} == {"CONNECT"}
    hosts = {target.rsplit(":", 1)[0] for target in proxy.tunnelled}
    assert hosts == {API_HOST, STORAGE_HOST}  # the poll, the retrieve and the storage hop
    for seen in proxy.requests:
        assert "x-api-key" not in seen.headers and "authorization" not in seen.headers
    assert tls_server.api_key.encode() not in proxy.received
    assert any(r.headers.get("x-api-key") == tls_server.api_key for r in tls_server.requests)
    assert tls_server.storage_requests
    for request in tls_server.storage_requests:
        assert "x-api-key" not in request.headers and "authorization" not in request.headers


async def test_the_header_names_the_certificate_when_the_ca_is_missing(
    tls_server: DemoServer,
    proxy: ConnectProxy,
    other_ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    players: list[Player],
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("SSL_CERT_FILE", str(other_ca_file))
    app = app_for(tls_server, players)
    async with app.run_test(size=(150, 30)) as pilot:
        screen = await wait_for_text(pilot, "certificate verify failed", timeout=10)
        header = screen.splitlines()[0].rstrip()
        host = tls_server.origin.removeprefix("https://")
        # One line: what happened and where; the hint is dropped rather than cut mid-word.
        assert re.search(
            rf"✖ offline, retrying in \d+ s: certificate verify failed for {host}$", header
        )
        # The empty inbox says it in full, with what to do.
        assert (
            f"Cannot load the inbox: certificate verify failed for {host} (a TLS-inspecting "
            "proxy? set SSL_CERT_FILE or add its CA to the system store)"
            in " ".join(screen.split())
        )
        assert "connection failed" not in screen
    assert tls_server.requests == []
