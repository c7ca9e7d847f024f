"""Demo-server fixtures: every server a test starts is stopped, clients reach only loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from vm_tui.demo import DemoServer

MakeServer = Callable[..., DemoServer]


@pytest.fixture
def make_server() -> Iterator[MakeServer]:
    """Start DemoServers (no arrivals unless asked); all are stopped after the test."""
    started: list[DemoServer] = []

    def make(**kwargs: Any) -> DemoServer:
        kwargs.setdefault("new_every", None)
        server = DemoServer(**kwargs).start()
        started.append(server)
        assert server.origin.startswith("http://127.0.0.1:")
        assert server.storage_origin.startswith("http://127.0.0.1:")
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def server(make_server: MakeServer) -> DemoServer:
    return make_server()


def loopback_client(**kwargs: Any) -> httpx.Client:
    # trust_env=False: no proxy from the environment may carry a request off loopback.
    kwargs.setdefault("timeout", 10.0)
    return httpx.Client(trust_env=False, **kwargs)


@pytest.fixture
def anon() -> Iterator[httpx.Client]:
    """A client without any key (for storage and auth tests)."""
    with loopback_client() as client:
        yield client


@pytest.fixture
def client(server: DemoServer) -> Iterator[httpx.Client]:
    """Keyed client on the API base URL of ``server``."""
    with loopback_client(
        base_url=server.base_url + "/", headers={"X-Api-Key": server.api_key}
    ) as client:
        yield client
