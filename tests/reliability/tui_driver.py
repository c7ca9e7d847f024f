"""The real inbox, built as ``vm-tui`` builds it (``launch.build_app``: the journal, the cache
and the announced ids in XDG_STATE_HOME, the key from the environment, signal handlers), run
headless in this process and driven by one JSON command per line on stdin; each is answered
by one JSON line on stdout. Tests run it as a subprocess: two of them are two vm-tui processes.

Commands: ``{"do": "loaded"}``, ``{"do": "press", "keys": ["m"], "select": ID}``,
``{"do": "wait", "until": "failed" | "idle" | "pending", "count": N}``, ``{"do": "state"}``,
``{"do": "theme", "name": "nord"}``, ``{"do": "refresh"}``, ``{"do": "quit"}``. Every answer
carries the notifications shown so far.

Usage: python -m tests.reliability.tui_driver  (PHONE_INC_BASE_URL, PHONE_INC_API_KEY,
XDG_STATE_HOME, VM_TUI_CONFIG from the environment)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from typing import Any

from vm_tui.api import NO_RETRY
from vm_tui.cli.context import CliContext
from vm_tui.ui.launch import build_app, forget_key_in_environment
from vm_tui.ui.widgets.voicemail_list import VoicemailList

TIMEOUT = 20.0


async def main() -> None:
    settings = CliContext().settings()  # as the CLI reads it (and takes the key out of env)
    forget_key_in_environment()
    shown: list[dict[str, str]] = []
    # Textual replaces sys.stdout while the app runs, and its flush does not reach the pipe:
    # answers go to the real stdout (PYTHONUNBUFFERED, set on some machines, hid this).
    answers = sys.__stdout__
    assert answers is not None
    loop = asyncio.get_running_loop()
    with contextlib.ExitStack() as stack:
        app = build_app(settings, stack)
        original_notify = app.notify

        def notify(message: str, **kwargs: Any) -> None:
            shown.append(
                {
                    "message": str(message),
                    "title": str(kwargs.get("title", "")),
                    "severity": str(kwargs.get("severity", "information")),
                }
            )
            original_notify(message, **kwargs)

        app.notify = notify  # type: ignore[method-assign]
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            service = app.service
            # Quick retries: the tests take the server down for seconds, not minutes.
            service.client.retry = NO_RETRY
            service.sender.retry_base, service.sender.retry_ceiling = 0.1, 0.3
            # No recording fetched ahead: the only requests are the polls and the changes.
            app.inbox.prefetch_enabled = False

            async def until(predicate: Any, what: str) -> None:
                deadline = loop.time() + TIMEOUT
                while not predicate():
                    if loop.time() > deadline:
                        raise AssertionError(f"timed out waiting for {what}")
                    await pilot.pause(0.02)

            while True:
                line = await loop.run_in_executor(None, sys.stdin.readline)
                if not line:
                    return
                command = json.loads(line)
                do = command["do"]
                answer: dict[str, Any] = {}
                if do == "loaded":  # the first poll is done (perhaps long before this command)
                    await until(lambda: service.poller.polls_completed > 0, "the first poll")
                    await pilot.pause()
                elif do == "refresh":
                    polls = service.poller.polls_completed
                    service.refresh()
                    await until(lambda p=polls: service.poller.polls_completed > p, "a poll")
                    await pilot.pause()
                elif do == "press":
                    if command.get("select"):
                        app.query_one(VoicemailList).select(command["select"])
                        await pilot.pause()
                    await pilot.press(*command["keys"])
                    await pilot.pause()
                elif do == "wait":
                    kind = command["until"]
                    if kind == "failed":
                        await until(lambda: service.sender.last_error, "a failed send")
                    elif kind == "idle":
                        await until(lambda: service.sender.pending_count() == 0, "nothing pending")
                    else:
                        count = int(command["count"])
                        await until(lambda n=count: service.sender.pending_count() >= n, "pending")
                elif do == "theme":
                    app.theme = command["name"]
                    await pilot.pause()
                elif do == "quit":
                    await pilot.press("q")
                    await until(lambda: not app.is_running, "the app to exit")
                elif do != "state":
                    raise ValueError(f"unknown command {do!r}")
                if app.is_running:
                    state = service.state
                    answer["ids"] = list(state.order)
                    answer["listened"] = {
                        vm_id: bool(vm and vm.listened)
                        for vm_id, vm in ((i, state.get(i)) for i in state.order)
                    }
                    answer["pending"] = service.sender.pending_count()
                answer["notices"] = shown
                answers.write(json.dumps(answer) + "\n")
                answers.flush()
                if do == "quit":
                    return


if __name__ == "__main__":
    asyncio.run(main())
