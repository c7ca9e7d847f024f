"""Whole API responses, valid and hostile, to the real CLI (in-process, over loopback HTTP from
the demo server): the table and JSON come out as UTF-8 (JSON that parses), or the command exits
4 or 5 with one line; never a traceback, never "unexpected error"."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings

from tests.cli.cli_helpers import cli_env, run_cli
from tests.fuzz.strategies import WireResponse, responses, with_hostile_examples
from vm_tui.demo import DemoServer, Fault

QUICK = settings(
    deadline=None,
    max_examples=8,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
THOROUGH = settings(
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# The CLI waits between retries of 421, 429 and 5xx (seconds each): those are the client's
# tests' subject; here every answer is final.
FINAL = (200, 400, 404, 422)
COMMANDS = {
    False: [("list",), ("list", "--json"), ("list", "--unlistened")],
    True: [("show", "vm-1"), ("show", "vm-1", "--json")],
}


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(new_every=None, fill_in_after=None) as demo:
        yield demo


def final(answer: WireResponse) -> WireResponse:
    if answer.status in FINAL:
        return answer
    return WireResponse(FINAL[answer.status % len(FINAL)], answer.headers, answer.body)


def check(server: DemoServer, answer: WireResponse, one: bool) -> None:
    answer = final(answer)
    env = cli_env(server)
    for args in COMMANDS[one]:
        server.inject(Fault.status(answer.status, answer.body, dict(answer.headers)), times=10)
        try:
            result = run_cli(*args, env=env)  # asserts: no traceback, no key
        finally:
            server.clear_faults()
        if result.code == 0:
            out = result.stdout  # strict UTF-8
            if "--json" in args:
                json.loads(out)
            continue
        assert result.code in (4, 5), (args, result.code, result.stderr)
        line = result.one_error_line()
        assert "unexpected error" not in line


@QUICK
@with_hostile_examples()
@given(answer=responses())
def test_any_list_answer_is_output_or_one_line(server: DemoServer, answer: WireResponse) -> None:
    check(server, answer, one=False)


@QUICK
@with_hostile_examples(one=True)
@given(answer=responses(one=True))
def test_any_show_answer_is_output_or_one_line(server: DemoServer, answer: WireResponse) -> None:
    check(server, answer, one=True)


@pytest.mark.slow
@THOROUGH
@given(answer=responses())
def test_any_list_answer_thoroughly(server: DemoServer, answer: WireResponse) -> None:
    check(server, answer, one=False)


@pytest.mark.slow
@THOROUGH
@given(answer=responses(one=True))
def test_any_show_answer_thoroughly(server: DemoServer, answer: WireResponse) -> None:
    check(server, answer, one=True)
