"""Nothing lost: the outbox retries through outages and restarts; the cache serves offline."""

from __future__ import annotations

import stat
from pathlib import Path

from tests.ui.conftest import MakeApp, loaded, screen_text, wait_for_text, wait_until
from vm_tui.application.connection import Link
from vm_tui.demo import DemoServer, Fault
from vm_tui.local.inbox_cache import InboxCache
from vm_tui.local.outbox_journal import OutboxJournal
from vm_tui.ui.widgets.voicemail_list import VoicemailList


def listened_on_server(server: DemoServer, vm_id: str) -> bool:
    return {v["id"]: v for v in server.voicemails()}[vm_id]["listened_at"] is not None


def first_unlistened(server: DemoServer) -> str:
    return next(v["id"] for v in server.voicemails() if v["listened_at"] is None)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_mark_during_an_outage_is_kept_and_sent_later(
    make_app: MakeApp, fixed_server: DemoServer, tmp_path: Path
) -> None:
    outbox = OutboxJournal(tmp_path / "outbox.jsonl")
    app = make_app(journal=outbox)
    vm_id = first_unlistened(fixed_server)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        app.query_one(VoicemailList).select(vm_id)
        fixed_server.inject(Fault.status(503), times=2, path=f"/api/v1/voicemails/{vm_id}")
        await pilot.press("m")
        await wait_for_text(pilot, "1 pending")
        assert app.service.state.get(vm_id).listened  # type: ignore[union-attr]  # still shown as done
        (saved,) = OutboxJournal(tmp_path / "outbox.jsonl").live()
        assert saved.voicemail_id == vm_id
        assert mode(tmp_path / "outbox.jsonl") == 0o600
        # The runner backs off and tries again; nudge it instead of waiting seconds.
        assert app.service.sender is not None
        await wait_until(
            pilot, lambda: app.service.sender is not None and app.service.sender.last_error
        )
        assert await app.service.sender.flush(timeout=5)
        assert listened_on_server(fixed_server, vm_id)
        await wait_until(pilot, lambda: "pending" not in screen_text(app))
    assert OutboxJournal(tmp_path / "outbox.jsonl").live() == []


async def test_pending_changes_survive_a_restart(
    make_app: MakeApp, fixed_server: DemoServer, tmp_path: Path
) -> None:
    path = tmp_path / "outbox.jsonl"
    vm_id = first_unlistened(fixed_server)
    ids = [v["id"] for v in fixed_server.voicemails()]
    victim = next(i for i in ids if i != vm_id)
    # First run: the server refuses everything (down); the user marks one and deletes another.
    app = make_app(journal=OutboxJournal(path), quit_flush_seconds=0.2, undo_seconds=60)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        fixed_server.inject(Fault.status(502), times=1000)
        app.query_one(VoicemailList).select(vm_id)
        await pilot.press("m")
        app.query_one(VoicemailList).select(victim)
        await pilot.press("d", "q")  # quit inside the undo window commits the delete
        await wait_until(pilot, lambda: not app.is_running)
    kinds = sorted(op.kind for op in OutboxJournal(path).live())
    assert kinds == ["delete", "listened"]
    assert not listened_on_server(fixed_server, vm_id)
    assert victim in [v["id"] for v in fixed_server.voicemails()]
    # Second run, server healthy again: both are replayed without the user doing anything.
    fixed_server.clear_faults()
    again = make_app(journal=OutboxJournal(path))
    async with again.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        assert victim not in again.query_one(VoicemailList).ids  # hidden from the start
        await wait_until(pilot, lambda: len(again.service.journal) == 0, what="replayed")
    assert listened_on_server(fixed_server, vm_id)
    assert victim not in [v["id"] for v in fixed_server.voicemails()]


async def test_a_mark_on_a_voicemail_deleted_elsewhere_is_dropped(
    make_app: MakeApp, fixed_server: DemoServer, tmp_path: Path
) -> None:
    app = make_app(journal=OutboxJournal(tmp_path / "outbox.jsonl"))
    vm_id = first_unlistened(fixed_server)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        app.query_one(VoicemailList).select(vm_id)
        fixed_server.remove_voicemail(vm_id)
        await pilot.press("m")
        await wait_until(pilot, lambda: len(app.service.journal) == 0)
        assert vm_id not in app.service.state.order


async def test_offline_start_shows_the_cached_inbox_as_stale(
    make_app: MakeApp, fixed_server: DemoServer, tmp_path: Path
) -> None:
    cache = InboxCache(tmp_path / "inbox.json")
    app = make_app(cache=cache)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("q")
    raw = (tmp_path / "inbox.json").read_text()
    assert mode(tmp_path / "inbox.json") == 0o600
    assert "recording_url" not in raw and "active_storage" not in raw
    assert fixed_server.api_key not in raw
    ids = [v["id"] for v in fixed_server.voicemails()]
    fixed_server.stop()  # the network is gone
    offline = make_app(cache=cache)
    async with offline.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_until(pilot, lambda: offline.service.poller.status.link is Link.OFFLINE)
        assert offline.query_one(VoicemailList).ids == ids
        await wait_for_text(pilot, "offline", "(stale)")


async def test_an_answer_settled_while_the_widgets_are_removed_is_dropped_quietly(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    """At exit the screen is still attached while its widgets go: a change settled in that
    moment raised NoMatches from the event loop (a traceback after the terminal was restored)."""
    from vm_tui.application.events import InboxChanged, PendingChanged
    from vm_tui.inbox.state import InboxDiff

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        screen = app.inbox
        await screen.query_one("#empty").remove()
        await screen.query_one("#status").remove()
        vm_id = screen.service.state.order[0]
        diff = InboxDiff(changed=(vm_id,), unlistened_count=0, count_changed=True)
        screen.on_app_event(InboxChanged(diff))
        screen.on_app_event(PendingChanged(3))
        assert app.is_running
