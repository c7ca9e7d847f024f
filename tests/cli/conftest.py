"""CLI fixtures: a demo Phone.inc on loopback that the ``vm-tui`` subprocesses talk to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.audio.conftest import (  # noqa: F401 - the recordings made for the audio tests
    media_dir,
    paused_speech_mp3,
    quiet_speech_mp3,
)
from vm_tui.demo import DemoServer


@pytest.fixture
def server() -> Iterator[DemoServer]:
    """A fresh demo server (seeded inbox, no arrivals, no delayed fill-in) for tests that
    change state or count requests."""
    with DemoServer(new_every=None, fill_in_after=None) as demo:
        yield demo


@pytest.fixture(scope="module")
def shared_server() -> Iterator[DemoServer]:
    """One demo server per module for read-only tests."""
    with DemoServer(new_every=None, fill_in_after=None) as demo:
        yield demo
