"""``vm-tui call ID``: call a voicemail's caller back, as ``C`` does in the inbox."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import click

from .context import current
from .errors import EXIT_OTHER, CliError, reports_errors
from .options import checked_id, global_options, voicemail_id_argument
from .output import caller, caller_name

if TYPE_CHECKING:
    from vm_tui.api import PhoneIncClient, Voicemail


@click.command("call")
@voicemail_id_argument
@global_options
@reports_errors
def call_command(voicemail_id: str) -> None:
    """Call the voicemail's caller back.

    Runs call_command from the config ({number} and {name} replaced inside its arguments, no
    shell), else opens tel:+NUMBER with the desktop's handler (xdg-open, open, start).
    """
    from vm_tui.desktop.call import CallError, place_call, plan_call

    from .voicemails import load_contacts

    ctx = current()
    checked_id(voicemail_id)

    async def retrieve(client: PhoneIncClient) -> Voicemail:
        return await client.get_voicemail(voicemail_id)

    vm = ctx.run(retrieve)
    contacts = load_contacts(ctx)
    try:
        call = plan_call(vm.caller, caller_name(vm, contacts), ctx.settings().call_command)
        ctx.say(f"Calling {caller(vm, contacts)}…")
        asyncio.run(place_call(call))
    except CallError as error:
        raise CliError(f"cannot call back: {error}", EXIT_OTHER) from None
