"""vm_tui.startup: the collector paused for the start, then the start-up heap frozen; the CA
bundles parsed ahead when the API is https."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from vm_tui import startup


@pytest.fixture(autouse=True)
def collector_back_on() -> Iterator[None]:
    yield
    startup._paused = False
    gc.enable()


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_start_up_garbage_is_freed_not_frozen() -> None:
    startup.pause_collector()
    assert not gc.isenabled()
    garbage = weakref.ref(_Node())
    assert garbage() is not None  # nothing collects it while paused
    startup.resume_collector_and_freeze()
    assert gc.isenabled()
    assert garbage() is None  # collected before the freeze (else it would live forever)
    survivor = _Node()
    gc.collect()
    assert gc.get_freeze_count() > 0 and survivor.me is survivor


def test_resume_without_a_pause_freezes_and_leaves_the_collector_on() -> None:
    startup.resume_collector_and_freeze()
    assert gc.isenabled()


def test_a_collector_someone_else_turned_off_stays_theirs() -> None:
    gc.disable()
    startup.pause_collector()
    startup.resume_collector_and_freeze()
    assert not gc.isenabled()


def test_the_ca_bundles_are_parsed_ahead_only_for_an_https_api(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """~60 ms of OpenSSL work competed with the start of the demo, which never needs it."""
    from vm_tui.api import tls

    preloaded: list[tls.TrustSources] = []
    monkeypatch.setattr(tls, "preload", preloaded.append)
    sources = tls.TrustSources(cert_file="/company/ca.pem")
    startup.preload_trust(sources, https=False)
    assert preloaded == []
    startup.preload_trust(sources, https=True)
    assert preloaded == [sources]
