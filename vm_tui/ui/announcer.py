"""New voicemail: a toast each (three at most), the bell, and the user's notify command."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vm_tui.api import Voicemail
from vm_tui.inbox.labels import line_label
from vm_tui.text.safe import one_line

if TYPE_CHECKING:
    from vm_tui.ui.screens.inbox_parts import InboxParts

TOASTS_AT_MOST = 3


class Announcer:
    def __init__(self, screen: InboxParts) -> None:
        self.screen = screen

    def announce(self, new: list[Voicemail]) -> None:
        screen, app = self.screen, self.screen.app
        for vm in new[:TOASTS_AT_MOST]:
            app.notify(
                f"From {screen.caller(vm)} on {line_label(vm) or 'your line'}",
                title="New voicemail",
                markup=False,
            )
            if screen.settings.notify_command:
                screen.run_worker(self._run_command(vm), group="notify", exit_on_error=False)
        if len(new) > TOASTS_AT_MOST:
            app.notify(f"and {len(new) - TOASTS_AT_MOST} more new voicemails", markup=False)
        if new and screen.settings.bell:
            app.bell()

    async def _run_command(self, vm: Voicemail) -> None:
        """The user's own new-voicemail command (like mutt's new_mail_command); never a shell."""
        from vm_tui.desktop.notify import NotifyError, run_notify_command

        command = self.screen.settings.notify_command
        assert command
        try:
            await run_notify_command(
                command,
                caller=vm.caller,
                caller_name=self.screen.contact_name(vm.caller),
                line=vm.line_name or vm.line_number,
                transcription=vm.transcription,
            )
        except NotifyError as error:
            self.screen.app.notify(
                f"The notification command failed: {one_line(str(error), 120)}",
                severity="warning",
                markup=False,
            )
