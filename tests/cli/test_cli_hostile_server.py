"""The CLI against a slow or hostile server: exit 5 and one line naming what happened, or the
output (with whatever could be shown), and never "unexpected error" nor a traceback."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.cli_helpers import cli_env, command, finish, ready_voicemail, run_cli, start
from vm_tui.api import limits as limits_module
from vm_tui.cli.errors import reports_errors
from vm_tui.demo import DemoServer, Fault
from vm_tui.demo.faults import EDGE_EARLY, EDGE_LATE

LIST = "/api/v1/voicemails"
BUDGET = 0.25
SLACK = 2.0


@pytest.fixture
def env(server: DemoServer, tmp_path: Path) -> dict[str, str]:
    return cli_env(
        server,
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )


@pytest.fixture
def quick_budgets(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs make their clients after this: 0.25 s a request (shipped: 15-30 s)."""
    for name in ("LIST_SECONDS", "CHANGE_SECONDS", "RETRIEVE_SECONDS"):
        monkeypatch.setattr(limits_module, name, BUDGET)
    monkeypatch.setattr(limits_module, "DOWNLOAD_BASE_SECONDS", BUDGET)
    monkeypatch.setattr(limits_module, "DOWNLOAD_MAX_SECONDS", BUDGET)


def assert_one_line_exit_5(result: object, *contains: str) -> str:
    from tests.cli.cli_helpers import Result

    assert isinstance(result, Result)
    assert result.code == 5, (result.code, result.stderr)
    line = result.one_error_line()
    assert "unexpected error" not in line
    for text in contains:
        assert text in line
    return line


# -- deadlines -------------------------------------------------------------------------------


@pytest.mark.usefixtures("quick_budgets")
@pytest.mark.parametrize(
    ("command_line", "where", "message"),
    [
        pytest.param(
            ("show", "{id}"), "api", "took longer than 0.25 s to send the voicemail", id="show"
        ),
        pytest.param(
            ("mark", "{id}", "--listened"),
            "api",
            "took longer than 0.25 s to confirm the mark; the change is queued",
            id="mark",
            marks=pytest.mark.slow,  # the sender's own test covers a trickled PATCH
        ),
        pytest.param(
            ("download", "{id}", "-o", "{out}"),
            "storage",
            "the recording download took longer than 0.25 s",
            id="download",
        ),
        pytest.param(
            ("play", "{id}", "--no-mark"),
            "storage",
            "the recording download took longer than 0.25 s",
            id="play",
            marks=pytest.mark.slow,  # the same download as `download`
        ),
    ],
)
def test_a_trickling_server_ends_each_command_within_its_budget(
    server: DemoServer,
    env: dict[str, str],
    tmp_path: Path,
    command_line: tuple[str, ...],
    where: str,
    message: str,
) -> None:
    vm_id = ready_voicemail(server)
    args = [a.format(id=vm_id, out=tmp_path / "vm.mp3") for a in command_line]
    if where == "api":
        server.inject(Fault.trickle(20), times=10, path=LIST)
    else:
        server.inject_storage(Fault.trickle(2000), times=10)
    started = time.monotonic()
    result = run_cli(*args, env=env)
    took = time.monotonic() - started
    assert_one_line_exit_5(result, message)
    assert took < 2 * BUDGET + SLACK  # a retrieve and a download at most
    assert not (tmp_path / "vm.mp3").exists()


# -- hostile bodies --------------------------------------------------------------------------

HOSTILE = [
    pytest.param(Fault.nested_json(100_000), id="nested-json"),
    pytest.param(Fault.lone_surrogates(), id="surrogates"),
    pytest.param(Fault.invalid_utf8(), id="invalid-utf8"),
    pytest.param(Fault.edge_dates(), id="edge-dates"),
    pytest.param(Fault.absurd_count(), id="count-10**100"),
    pytest.param(Fault.absurd_count("-7"), id="count-negative"),
    pytest.param(Fault.absurd_count("2.5"), id="count-float"),
    pytest.param(Fault.absurd_count("true"), id="count-bool"),
    pytest.param(Fault.huge_strings(1_000_000), id="huge-strings"),
    pytest.param(Fault.gzip_bomb(64 * 1024**2), id="gzip-bomb"),  # the caps are 4 and 2 MB
    pytest.param(Fault.content_length("99999999999999999999"), id="content-length"),
    pytest.param(Fault.json_field("from", "14155550100"), id="number-for-caller"),
    pytest.param(Fault.json_field("voicemails", '{"a": 1}', index=None), id="object-for-list"),
    pytest.param(Fault.status(200, b"[" * 5000 + b"]" * 5000), id="nested-top"),
]
COMMANDS = [("list",), ("list", "--json"), ("show", "{id}"), ("show", "{id}", "--json")]


@pytest.mark.parametrize("fault", HOSTILE)
def test_anything_the_server_sends_is_output_or_one_line_exit_5(
    shared_server: DemoServer, fault: Fault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits_module, "LIST_MAX_BYTES", 4 * 1024**2)
    monkeypatch.setattr(limits_module, "ONE_MAX_BYTES", 2 * 1024**2)
    env = cli_env(shared_server)
    vm_id = str(shared_server.voicemails()[0]["id"])
    for args in COMMANDS:
        shared_server.inject(fault, times=5)
        result = run_cli(*(a.format(id=vm_id) for a in args), env=env)
        shared_server.clear_faults()
        if result.code == 0:
            text = result.stdout  # UTF-8, whatever the server sent
            assert "\ufffd" in text or "\\ufffd" in text or "\ud800" not in text
            if "--json" in args:
                json.loads(text)
        else:
            assert_one_line_exit_5(result)


def test_lone_surrogates_show_as_replacement_characters(shared_server: DemoServer) -> None:
    env = cli_env(shared_server)
    shared_server.inject(Fault.lone_surrogates())
    table = run_cli("list", env=env)
    assert table.code == 0, table.stderr
    assert "Hello \ufffd there \ufffd\ufffd end" in table.stdout
    assert len(table.stdout.splitlines()) == len(shared_server.voicemails()) + 3  # all shown
    shared_server.inject(Fault.lone_surrogates())
    as_json = run_cli("list", "--json", env=env)
    first = json.loads(as_json.stdout)["voicemails"][0]
    assert first["transcription"] == "Hello \ufffd there \ufffd\ufffd end"


@pytest.mark.parametrize(
    "zone", ["Asia/Tokyo", "America/New_York", "Pacific/Kiritimati", "Etc/GMT+12", "UTC"]
)
def test_edge_dates_in_any_local_zone(
    shared_server: DemoServer, local_zone: Callable[[str], None], zone: str
) -> None:
    local_zone(zone)
    env = {**cli_env(shared_server), "TZ": zone}
    shared_server.inject(Fault.edge_dates())
    table = run_cli("list", env=env)
    assert table.code == 0, table.stderr
    assert "9999-12-31" in table.stdout and "0001-01-01" in table.stdout
    vm_id = str(shared_server.voicemails()[0]["id"])
    shared_server.inject(Fault.edge_dates())
    details = run_cli("show", vm_id, env=env)
    assert details.code == 0, details.stderr
    assert "Received:  Fri 31 Dec 9999" in details.stdout
    assert "Listened:  yes, Mon 01 Jan 0001" in details.stdout
    shared_server.inject(Fault.edge_dates())
    as_json = json.loads(run_cli("show", vm_id, "--json", env=env).stdout)
    assert as_json["created_at"] == EDGE_LATE
    assert EDGE_EARLY.startswith("0001-01-01")


def test_a_hostile_answer_to_a_mark_exits_5_and_keeps_the_change(
    server: DemoServer, env: dict[str, str]
) -> None:
    vm_id = ready_voicemail(server)
    server.inject(Fault.nested_json(100_000), path=f"{LIST}/{vm_id}")
    result = run_cli("mark", vm_id, "--listened", env=env)
    assert_one_line_exit_5(result, "nested too deeply", "the change is queued")


def test_no_traceback_from_a_real_process(server: DemoServer) -> None:
    """End to end: a real ``python -m vm_tui`` in Asia/Tokyo against each hostile answer."""
    env = {**cli_env(server), "TZ": "Asia/Tokyo"}
    expected = {"edge-dates-and-surrogates": 0, "nested-json": 5}
    faults = {
        "edge-dates-and-surrogates": Fault.edits_json(
            *Fault.edge_dates().edits, *Fault.lone_surrogates().edits
        ),
        "nested-json": Fault.nested_json(100_000),
    }
    for name, fault in faults.items():
        server.inject(fault)
        result = finish(start(command("list"), env), [server.api_key])  # asserts no traceback
        assert result.code == expected[name], (name, result.stderr)
        if result.code:
            assert_one_line_exit_5(result)
        else:
            assert "9999-12-31" in result.stdout and "\ufffd" in result.stdout


def test_a_server_data_error_that_slipped_through_is_still_exit_5(
    capsys: pytest.CaptureFixture[str],
) -> None:
    @reports_errors
    def deep() -> None:
        raise RecursionError("maximum recursion depth exceeded")

    @reports_errors
    def surrogate() -> None:
        "\ud800".encode()

    @reports_errors
    def ours() -> None:
        raise UnicodeEncodeError("ascii", "é", 0, 1, "ordinal not in range(128)")

    for func, code in ((deep, 5), (surrogate, 5), (ours, 1)):
        with pytest.raises(SystemExit) as exited:
            func()
        assert exited.value.code == code
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("vm-tui: could not use what the server sent (RecursionError")
    assert lines[1].startswith("vm-tui: could not use what the server sent (UnicodeEncodeError")
    assert lines[2].startswith("vm-tui: unexpected error")
