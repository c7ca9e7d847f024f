"""Every local file the inbox writes reports a failure through the one once-only notice: the
journal, the offline cache, the announced ids and the theme. (The real program against real
unwritable folders and a full disk: tests/reliability/test_storage.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import MakeApp, loaded, notices, wait_until
from vm_tui.demo import DemoServer
from vm_tui.local.inbox_cache import InboxCache
from vm_tui.local.outbox_journal import OutboxJournal
from vm_tui.local.seen import SeenFile
from vm_tui.local.ui_state import remember_theme
from vm_tui.ui.widgets.voicemail_list import VoicemailList

KEPT = "changes are kept in memory until it can write"


def storage_notices(shown: list[str]) -> list[str]:
    return [text for text in shown if KEPT in text]


def parts(folder: Path) -> dict[str, object]:
    """The inbox's files, all in ``folder``."""
    return {
        "journal": OutboxJournal(folder / "outbox.jsonl"),
        "cache": InboxCache(folder / "inbox-cache.json"),
        "seen": SeenFile(folder / "seen.json"),
        "remember_theme": lambda name: remember_theme(name, path=folder / "ui.json"),
    }


async def use_every_file(make_app: MakeApp, server: DemoServer, folder: Path) -> list[str]:
    """Start, mark one, pick a theme, quit: every file is written once. What was told."""
    files = parts(folder)
    seen = files["seen"]
    assert isinstance(seen, SeenFile)
    app = make_app(**files)
    shown: list[str] = []
    notify = app.notify

    def recording(message: str, **kwargs: object) -> None:
        shown.append(str(message))
        notify(message, **kwargs)  # type: ignore[arg-type]

    app.notify = recording  # type: ignore[method-assign]
    target = next(vm["id"] for vm in server.voicemails() if vm["listened_at"] is None)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        app.query_one(VoicemailList).select(target)
        await pilot.press("m")
        await wait_until(pilot, lambda: app.service.sender.pending_count() == 0)
        app.theme = "nord"
        # The announced ids are written a moment after the first inbox (see SeenFile).
        await wait_until(pilot, lambda: seen.last_error is not None or seen.path.is_file())
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running)
    assert {vm["id"]: vm for vm in server.voicemails()}[target]["listened_at"] is not None
    assert "went wrong" not in notices(app)
    return shown


@pytest.mark.parametrize("name", ["outbox.jsonl", "inbox-cache.json", "seen.json", "ui.json"])
async def test_each_file_that_cannot_be_written_is_told_once(
    make_app: MakeApp, fixed_server: DemoServer, tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "state"
    (folder / name).mkdir(parents=True)  # a folder where the file should be

    shown = await use_every_file(make_app, fixed_server, folder)

    (notice,) = storage_notices(shown)
    assert f"cannot write {folder / name}: a folder is in the way of the file" in notice


async def test_a_folder_no_file_can_be_written_in_is_told_once(
    make_app: MakeApp, fixed_server: DemoServer, tmp_path: Path
) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("")  # a file where the folder should be: every file in it fails

    shown = await use_every_file(make_app, fixed_server, blocker / "vm-tui")

    (notice,) = storage_notices(shown)
    assert f"cannot write {blocker / 'vm-tui'}: a file is in the way of its folder" in notice
