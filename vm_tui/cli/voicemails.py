"""``vm-tui list``, ``show``, ``mark`` and ``delete``: the inbox from a script."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from .context import CliContext, current
from .errors import EXIT_NETWORK, EXIT_NOT_FOUND, EXIT_OTHER, EXIT_USAGE, reports_errors
from .options import checked_id, global_options, voicemail_id_argument
from .output import caller, dump_json, render_details, render_table, voicemail_json

if TYPE_CHECKING:
    from vm_tui.api import Inbox, PhoneIncClient, Voicemail
    from vm_tui.contacts import Contacts
    from vm_tui.inbox.outbox import Operation


def load_contacts(ctx: CliContext) -> Contacts | None:
    """The address book, or None when there is none; a broken one is a warning, not a failure."""
    from vm_tui.contacts import Contacts, ContactsError
    from vm_tui.local.config import contacts_path

    path = contacts_path(ctx.settings())
    if not path.exists():
        return None  # and phonenumbers is not imported for nothing
    try:
        return Contacts.load(path)
    except ContactsError as error:
        ctx.warn(f"{error}; showing numbers only")
        return None


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--unlistened", is_flag=True, help="Only voicemails nobody has listened to.")
@global_options
@reports_errors
def list_command(as_json: bool, unlistened: bool) -> None:
    """List voicemails, newest first."""
    ctx = current()

    async def work(client: PhoneIncClient) -> Inbox:
        # Parsed right here, in one call: this loop has nothing else to keep moving.
        return await client.list_voicemails(off_loop=False)

    inbox = ctx.run(work)
    voicemails = [vm for vm in inbox.voicemails if not (unlistened and vm.listened)]
    for skipped in inbox.skipped:
        ctx.warn(f"skipped a malformed voicemail ({skipped.reason})")
    contacts = load_contacts(ctx)
    if as_json:
        payload = {
            "unlistened_count": inbox.unlistened_count,
            "voicemails": [voicemail_json(vm, contacts) for vm in voicemails],
        }
        click.echo(dump_json(payload))
        return
    click.echo(render_table(voicemails, inbox.unlistened_count, contacts))


async def retrieve(client: PhoneIncClient, voicemail_id: str) -> Voicemail:
    return await client.get_voicemail(voicemail_id)


@click.command("show")
@voicemail_id_argument
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@global_options
@reports_errors
def show_command(voicemail_id: str, as_json: bool) -> None:
    """Show one voicemail with its full transcription."""
    ctx = current()
    checked_id(voicemail_id)
    vm = ctx.run(lambda client: retrieve(client, voicemail_id))
    contacts = load_contacts(ctx)
    if as_json:
        click.echo(dump_json(voicemail_json(vm, contacts)))
        return
    click.echo(render_details(vm, contacts))


@click.command("mark")
@voicemail_id_argument
@click.option("--listened/--unlistened", required=True, help="The state to set.")
@global_options
@reports_errors
def mark_command(voicemail_id: str, listened: bool) -> None:
    """Mark a voicemail listened or unlistened."""
    from vm_tui.inbox.outbox import Operation

    ctx = current()
    checked_id(voicemail_id)
    send_change(ctx, lambda owner: Operation.mark(voicemail_id, listened, owner=owner))
    ctx.say(f"Marked {voicemail_id} {'listened' if listened else 'unlistened'}.")


@click.command("delete")
@voicemail_id_argument
@click.option("--yes", "-y", is_flag=True, help="Do not ask (required when not on a terminal).")
@global_options
@reports_errors
def delete_command(voicemail_id: str, yes: bool) -> None:
    """Delete a voicemail permanently (this cannot be undone)."""
    from vm_tui.inbox.outbox import Operation

    ctx = current()
    checked_id(voicemail_id)
    if not yes:
        if not sys.stdin.isatty():
            ctx.fail("refusing to delete without --yes when not on a terminal", EXIT_USAGE)
        confirm_delete(ctx, voicemail_id)
    send_change(ctx, lambda owner: Operation.delete(voicemail_id, owner=owner))
    ctx.say(f"Deleted {voicemail_id}.")


def confirm_delete(ctx: CliContext, voicemail_id: str) -> None:
    """Say which voicemail it is (an unknown id fails here, before asking), then ask."""
    from vm_tui.text.times import absolute

    vm = ctx.run(lambda client: retrieve(client, voicemail_id))
    question = (
        f"Delete the voicemail from {caller(vm, load_contacts(ctx))} "
        f"({absolute(vm.created_at)}) permanently?"
    )
    if not click.confirm(question, default=False, err=True):
        ctx.fail("not deleted", EXIT_OTHER)


def send_change(ctx: CliContext, make: Callable[[str], Operation]) -> None:
    """Queue a change in the outbox every vm-tui shares, then send it now.

    Through the outbox, it supersedes older changes to the same voicemail still queued by a
    running inbox (so their retry cannot undo it). If the network is down it stays queued: the
    next vm-tui that runs sends it.
    """
    from vm_tui.application.outbox_sender import OutboxSender, Outcome
    from vm_tui.inbox.state import InboxState
    from vm_tui.local.files import StorageError, remove_stale_temp_files
    from vm_tui.local.outbox_journal import OutboxJournal
    from vm_tui.local.paths import outbox_path

    ctx.checked_settings()

    queued = True

    async def work(client: PhoneIncClient) -> tuple[Outcome, Operation, OutboxSender]:
        nonlocal queued
        path = outbox_path()
        remove_stale_temp_files(path.parent)  # what an interrupted write of another run left
        journal = OutboxJournal(path)
        op = make(journal.owner)
        sender = OutboxSender(client, InboxState(), journal)
        try:
            journal.put([op])
        except StorageError as error:
            queued = False
            ctx.warn(f"{error}; sending the change without queueing it")
        outcome = await sender.send(op)
        sender.settle()
        if outcome is Outcome.KEY_REJECTED:
            sender.drop(op)  # not queued behind a key that does not work
        return outcome, op, sender

    outcome, _op, sender = ctx.run(work)
    if outcome in (Outcome.SENT, Outcome.SUPERSEDED):
        return
    if outcome is Outcome.RETRY and not queued:
        ctx.fail(
            f"{sender.last_error or 'could not reach Phone.inc'}; the change was not made "
            "(and could not be queued for later: see above)",
            EXIT_NETWORK,
        )
    if outcome is Outcome.GONE:
        ctx.fail("voicemail not found (perhaps a colleague deleted it)", EXIT_NOT_FOUND)
    if sender.last_exception is not None and outcome is not Outcome.RETRY:
        raise sender.last_exception
    ctx.fail(
        f"{sender.last_error or 'could not reach Phone.inc'}; the change is queued and the "
        "next vm-tui to run sends it",
        EXIT_NETWORK,
    )
