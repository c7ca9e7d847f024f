"""Subject of the start-up figure: the real `vm-tui` entry point, headless.

``vm_tui.cli.main`` runs as a user's ``vm-tui`` does (click, settings, launch: client, player,
outbox, cache), except that ``App.run`` is wrapped to run headless with the frame meter. The
child notes ``time.time()`` at the first frame that shows inbox rows after the first poll was
applied, and exits; the parent subtracts the moment it spawned the process.
The parent sets PHONE_INC_BASE_URL / PHONE_INC_API_KEY and fresh, empty XDG dirs (no cache).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from bench.memory import rss_mb
from bench.painting import FrameMeter

SIZE = (120, 40)  # the same as bench.harness.SIZE


def run(args: dict[str, Any]) -> dict[str, Any]:
    # Nothing of vm_tui is imported before main(), as in a user's `vm-tui`: the patch goes on
    # Textual's App (already imported, by the meter), and the app's classes are looked up once
    # it runs.
    from textual.app import App

    result: dict[str, Any] = {}
    original_run = App.run

    def headless_run(app: Any, *_args: Any, **_kwargs: Any) -> Any:
        from vm_tui.ui.widgets.voicemail_list import VoicemailList

        meter = FrameMeter(app)

        def on_frame(_now: float) -> None:
            if result or app.service.poller.polls_completed < 1:
                return
            vm_list = app.query_one(VoicemailList)
            if vm_list.rows_rendered == 0:
                return
            result.update(painted_at=time.time(), cpu=time.process_time())
            result.update(rss_mb=rss_mb(), rows=len(vm_list.ids))
            app.exit()

        meter.listeners.append(on_frame)
        return original_run(app, headless=True, size=SIZE)

    setattr(App, "run", headless_run)  # noqa: B010 (a patch for this process only)
    from vm_tui.cli import main

    sys.argv = ["vm-tui"]
    try:
        main()
    except SystemExit as done:
        if done.code not in (0, None):
            raise RuntimeError(f"vm-tui exited {done.code}") from None
    if not result:
        raise RuntimeError("the app exited before painting the inbox")
    return result
