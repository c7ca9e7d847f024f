"""The inbox screen's key for calling back: ``C`` calls the selected voicemail's caller.

A part of ``InboxScreen`` (a mixin, so the action stays on the screen that binds the key). The
call itself is :mod:`vm_tui.desktop.call`: the user's ``call_command``, else the desktop's
``tel:`` handler, started in a worker. A toast says who is being called, or why not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.worker import Worker

from vm_tui.inbox.labels import caller_label
from vm_tui.text.safe import one_line
from vm_tui.ui.screens.inbox_parts import InboxParts

if TYPE_CHECKING:
    from vm_tui.desktop.call import Call


class CallingActions(InboxParts):
    _call_worker: Worker[None] | None = None

    def action_call(self) -> None:
        from vm_tui.desktop.call import CallError, plan_call

        vm = self.selected()
        if vm is None:
            return
        if self._call_worker is not None and self._call_worker.is_running:
            self.app.notify("Already starting a call.", timeout=3)
            return
        name = self.contact_name(vm.caller)
        try:
            call = plan_call(vm.caller, name, self.settings.call_command)
        except CallError as error:
            self._cannot_call(error)
            return
        who = caller_label(vm, name, with_number=True)
        self.app.notify(f"Calling {who}…", title="Call back", timeout=5, markup=False)
        self._call_worker = self.run_worker(self._place(call), group="call", exit_on_error=False)

    async def _place(self, call: Call) -> None:
        from vm_tui.desktop.call import CallError, place_call

        try:
            await place_call(call)
        except CallError as error:
            self._cannot_call(error)

    def _cannot_call(self, error: Exception) -> None:
        self.app.notify(
            f"Cannot call back: {one_line(str(error), 200)}.",
            title="Call back",
            severity="warning",
            timeout=8,
            markup=False,
        )
