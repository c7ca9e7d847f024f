"""Subject of the start-up figure: the real `vm-tui` entry point, headless.

``vm_tui.cli.main`` runs as a user's ``vm-tui`` does (click, settings, launch: client, player,
outbox, cache), except that ``App.run`` is wrapped to run headless with the frame meter, the
moment vm-tui itself imports Textual (nothing is imported ahead of it). The
child notes ``time.time()`` at the first frame that shows inbox rows after the first poll was
applied, and exits; the parent subtracts the moment it spawned the process.
The parent sets PHONE_INC_BASE_URL / PHONE_INC_API_KEY and fresh, empty XDG dirs (no cache).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import time
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from bench.memory import rss_mb

SIZE = (120, 40)  # the same as bench.harness.SIZE


class _OnImport(importlib.abc.MetaPathFinder):
    """Calls ``then(module)`` right after ``name`` is first imported, by whoever imports it:
    the job patches Textual without importing it early (vm-tui imports it only once its first
    request is on its way; importing it first would measure another program)."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then = name, then

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        assert spec is not None and spec.loader is not None
        loader, then = spec.loader, self.then
        original = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            then(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def run(args: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}

    def patch(textual_app: ModuleType) -> None:
        App = textual_app.App
        original_run = App.run

        def headless_run(app: Any, *_args: Any, **_kwargs: Any) -> Any:
            from bench.painting import FrameMeter
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

        App.run = headless_run  # a patch for this process only

    assert "textual" not in sys.modules, "the job must not import Textual before vm-tui does"
    sys.meta_path.insert(0, _OnImport("textual.app", patch))
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
