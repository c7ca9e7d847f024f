"""Two vm-tui processes on one state folder (two inboxes, or an inbox and ``vm-tui mark``), as
real processes: nobody's queued change erases another's, and the latest intent per voicemail
wins, so a stale retry can never undo what the user did since. Also the announcements, across
real restarts of the inbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.cli_helpers import command as vm_tui
from tests.cli.cli_helpers import finish, start
from tests.reliability.processes import Driver, state_folder, tui_env
from vm_tui.demo import DemoServer, Fault
from vm_tui.local.outbox_journal import OutboxJournal


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(new_every=None, fill_in_after=None) as demo:
        yield demo


def listened(server: DemoServer) -> dict[str, bool]:
    return {vm["id"]: vm["listened_at"] is not None for vm in server.voicemails()}


def patches_since(server: DemoServer, start: int, vm_id: str) -> list[bytes]:
    return [
        r.body
        for r in list(server.requests)[start:]
        if r.method == "PATCH" and r.path == f"/api/v1/voicemails/{vm_id}"
    ]


def test_two_inboxes_queue_marks_during_an_outage_and_every_one_reaches_the_server(
    server: DemoServer, tmp_path: Path
) -> None:
    env = tui_env(server, tmp_path)
    unheard = [vm_id for vm_id, heard in listened(server).items() if not heard][:4]
    with Driver(env) as first, Driver(env) as second:
        first.call("loaded")
        second.call("loaded")
        server.inject(Fault.status(503), times=100_000)  # the server goes down
        for vm_id in unheard[:2]:
            first.call("press", select=vm_id, keys=["m"])
        for vm_id in unheard[2:]:
            second.call("press", select=vm_id, keys=["m"])
        first.call("wait", until="failed")
        second.call("wait", until="failed")
        # Both wrote to the one journal; neither erased what the other queued.
        queued = OutboxJournal(state_folder(tmp_path) / "outbox.jsonl").live()
        assert sorted(op.voicemail_id for op in queued) == sorted(unheard)
        assert not any(listened(server)[vm_id] for vm_id in unheard)
        # Each inbox shows the other's marks too (it reads the journal).
        first.call("wait", until="pending", count=4)
        second.call("wait", until="pending", count=4)

        server.clear_faults()  # the server is back
        first.call("wait", until="idle")
        second.call("wait", until="idle")
        first.quit()
        second.quit()

    assert all(listened(server)[vm_id] for vm_id in unheard)
    for vm_id in unheard:
        assert patches_since(server, 0, vm_id)[-1] == b"listened=true"
    assert OutboxJournal(state_folder(tmp_path) / "outbox.jsonl").live() == []
    assert "Traceback" not in first.stderr + second.stderr


def test_a_later_mark_from_the_command_line_wins_over_the_inboxs_stale_retry(
    server: DemoServer, tmp_path: Path
) -> None:
    env = tui_env(server, tmp_path)
    target = next(vm_id for vm_id, heard in listened(server).items() if heard)
    with Driver(env) as inbox:
        inbox.call("loaded")
        # The server refuses every change to it for now.
        server.inject(Fault.rate_limited(0), times=100_000, path=f"/api/v1/voicemails/{target}")
        inbox.call("press", select=target, keys=["m"])  # "unlistened", queued and retried
        inbox.call("wait", until="failed")
        assert inbox.last["listened"][target] is False, inbox.last["notices"]

        # Then, in another process, the user marks it listened; that fails too (and is queued).
        cli = finish(start(vm_tui("mark", target, "--listened"), env), [server.api_key])
        assert cli.code == 5, cli.stderr
        (latest,) = OutboxJournal(state_folder(tmp_path) / "outbox.jsonl").live()
        assert (latest.voicemail_id, latest.listened) == (target, True)

        recovered_at = len(server.requests)
        server.clear_faults()  # the server is back
        inbox.call("wait", until="idle")  # the inbox sends the command line's change
        assert inbox.call("state")["listened"][target] is True  # and shows it
        answer = inbox.quit()

    assert listened(server)[target]
    # The stale "unlistened" was never sent again once the server could take it.
    assert patches_since(server, recovered_at, target) == [b"listened=true"]
    assert "Traceback" not in inbox.stderr
    assert not [n for n in answer["notices"] if "went wrong" in n["message"]]


def test_each_voicemail_is_announced_once_across_restarts(
    server: DemoServer, tmp_path: Path
) -> None:
    env = tui_env(server, tmp_path)

    def run_inbox(*, then_empty: bool = False) -> list[str]:
        """Start the inbox, let it poll, quit: the new-voicemail toasts it showed. With
        ``then_empty``, the last poll before quitting answers an empty inbox (a server hiccup),
        so that is what the offline cache keeps."""
        with Driver(env) as inbox:
            inbox.call("loaded")
            if then_empty:
                empty = b'{"voicemails": [], "unlistened_count": 0}'
                server.inject(Fault.status(200, body=empty), path="/api/v1/voicemails")
                assert inbox.call("refresh")["ids"] == []
            answer = inbox.quit()
        assert "Traceback" not in inbox.stderr
        return [n["message"] for n in answer["notices"] if n["title"] == "New voicemail"]

    assert run_inbox() == []  # the first inbox this machine sees is the baseline
    server.add_voicemail(caller="+14085550142")
    (toast,) = run_inbox(then_empty=True)  # arrived while it was closed: told, once
    assert "408-555-0142" in toast
    # Everything comes back after the empty answer and the restart: nothing is new.
    assert run_inbox() == []
