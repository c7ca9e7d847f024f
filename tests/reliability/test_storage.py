"""Local storage that cannot be written: a read-only state folder, a file where the folder
should be, a folder where a file should be, a full disk. The inbox (a real process) starts and
works, says once which path failed and that changes are kept in memory, and never shows a
traceback; ``vm-tui mark`` says so in one line naming the path and still makes the change."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.cli_helpers import REPO_ROOT, Result, check_clean, command
from tests.reliability.processes import Driver, state_folder, tui_env
from tests.unprivileged import unprivileged_preexec
from vm_tui.demo import DemoServer, Fault

KEPT = "changes are kept in memory until it can write"


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(new_every=None, fill_in_after=None) as demo:
        yield demo


@dataclass(frozen=True)
class Blocked:
    home: Path
    failing: Path  # the path every message must name
    unprivileged: bool = False  # root writes a read-only folder anyway: run without that


@contextlib.contextmanager
def read_only_folder(home: Path) -> Iterator[Blocked]:
    folder = state_folder(home)
    folder.mkdir(parents=True)
    folder.chmod(0o555)
    try:
        yield Blocked(home, folder, unprivileged=True)
    finally:
        folder.chmod(0o700)


@contextlib.contextmanager
def file_in_the_way(home: Path) -> Iterator[Blocked]:
    folder = state_folder(home)
    folder.parent.mkdir(parents=True)
    folder.write_text("not a folder\n")
    yield Blocked(home, folder)


def folder_in_the_way(name: str) -> Callable[[Path], contextlib.AbstractContextManager[Blocked]]:
    @contextlib.contextmanager
    def blocker(home: Path) -> Iterator[Blocked]:
        where = state_folder(home) / name
        where.mkdir(parents=True)
        yield Blocked(home, where)

    return blocker


@contextlib.contextmanager
def full_disk(home: Path) -> Iterator[Blocked]:
    """A 64 KB tmpfs as the state folder's file system, filled to the last byte."""
    mount = home / "small-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not root'})")
    try:
        state = mount / "state"
        state_folder(mount).mkdir(parents=True)
        filler = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            with contextlib.suppress(OSError):
                while os.write(filler, b"\0" * 4096):
                    pass
        finally:
            os.close(filler)
        try:
            (state / "probe").write_bytes(b"x" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
        else:
            raise AssertionError("the small disk is not full")
        (home / "config").mkdir(exist_ok=True)
        yield Blocked(mount, state_folder(mount))
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


# (Each of the inbox's other files failing alone: tests/ui/test_storage_notices.py.)
BLOCKERS = {
    "read-only folder": read_only_folder,
    "file in the way": file_in_the_way,
    "folder in the way": folder_in_the_way("outbox.jsonl"),
    "full disk": full_disk,
}


@pytest.fixture(params=list(BLOCKERS))
def blocked(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Blocked]:
    with BLOCKERS[request.param](tmp_path) as found:
        yield found


def storage_notices(messages: list[str]) -> list[str]:
    return [m for m in messages if KEPT in m]


def test_the_inbox_works_and_says_once_which_path_failed(
    server: DemoServer, blocked: Blocked
) -> None:
    env = tui_env(server, blocked.home)
    target = next(vm["id"] for vm in server.voicemails() if vm["listened_at"] is None)
    with Driver(env, unprivileged=blocked.unprivileged) as inbox:
        inbox.call("loaded")  # the announced ids are written (and fail) after the first poll
        inbox.call("press", select=target, keys=["m"])  # the journal
        inbox.call("wait", until="idle")
        inbox.call("theme", name="nord")  # the theme picked last
        inbox.call("refresh")
        answer = inbox.quit()  # the cache, saved on the way out
        stderr = inbox.stderr
        status = inbox.proc.returncode

    assert status == 0, stderr
    assert "Traceback" not in stderr
    messages = [n["message"] for n in answer["notices"]]
    (notice,) = storage_notices(messages)  # once, however many files failed
    assert str(blocked.failing) in notice
    assert not [m for m in messages if "went wrong" in m or "Error" in m], messages
    # It worked all the same: the mark reached the server.
    assert {vm["id"]: vm for vm in server.voicemails()}[target]["listened_at"] is not None


def run_cli(blocked: Blocked, env: dict[str, str], *args: str) -> Result:
    proc = subprocess.run(
        command(*args),
        env={**env, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=60,
        preexec_fn=unprivileged_preexec() if blocked.unprivileged else None,  # type: ignore[arg-type]
    )
    result = Result(tuple(args), proc.returncode, proc.stdout, proc.stderr)
    check_clean(result, [env["PHONE_INC_API_KEY"]])
    return result


def test_mark_says_in_one_line_which_path_failed(server: DemoServer, blocked: Blocked) -> None:
    env = tui_env(server, blocked.home)
    target = next(vm["id"] for vm in server.voicemails() if vm["listened_at"] is None)

    result = run_cli(blocked, env, "mark", target, "--listened")

    assert result.code == 0, result.stderr
    (warning, done) = result.err_lines
    assert warning.startswith("vm-tui: warning: cannot write ")
    assert str(blocked.failing) in warning
    assert done == f"Marked {target} listened."
    assert {vm["id"]: vm for vm in server.voicemails()}[target]["listened_at"] is not None


def test_mark_with_the_server_down_too_does_not_claim_the_change_is_queued(
    server: DemoServer, tmp_path: Path
) -> None:
    target = next(vm["id"] for vm in server.voicemails() if vm["listened_at"] is None)
    server.inject(Fault.rate_limited(0), times=100)  # retried at once, and still refused
    with file_in_the_way(tmp_path) as blocked:
        result = run_cli(blocked, tui_env(server, blocked.home), "mark", target, "--listened")

    assert result.code == 5
    warning, failure = result.err_lines
    assert str(blocked.failing) in warning
    assert "is queued" not in failure
    assert "not made" in failure
