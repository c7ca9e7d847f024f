"""``vm-tui contacts add | list | import``: the local address book."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .context import current
from .errors import EXIT_OTHER, reports_errors
from .output import dump_json

if TYPE_CHECKING:
    from vm_tui.contacts import Contacts


@click.group("contacts")
def contacts_group() -> None:
    """The local address book: names shown next to numbers (matched in E.164)."""


def open_contacts() -> Contacts:
    from vm_tui.contacts import Contacts
    from vm_tui.local.config import contacts_path

    return Contacts.load(contacts_path(current().settings(use_keyring=False)))


region_option = click.option(
    "--region",
    metavar="CC",
    help="Country for numbers written without +country code, e.g. US or GB.",
)


@contacts_group.command("add")
@click.argument("number")
@click.argument("name")
@region_option
@reports_errors
def contacts_add(number: str, name: str, region: str | None) -> None:
    """Add NUMBER (international form, e.g. +14155551234) as NAME, or rename it."""
    from vm_tui.contacts import normalise
    from vm_tui.text.phone import format_number
    from vm_tui.text.safe import one_line

    contacts = open_contacts()
    contacts.add(number, name, default_region=region)
    e164 = normalise(number, region) or number
    shown = contacts.name_for(e164) or one_line(name)
    current().say(f"Added {shown} {format_number(e164)} to {contacts.path}.")


@contacts_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@reports_errors
def contacts_list(as_json: bool) -> None:
    """List the contacts, by name."""
    from vm_tui.text.phone import format_number

    contacts = open_contacts()
    if as_json:
        entries = [{"number": number, "name": name} for number, name in contacts]
        click.echo(dump_json({"contacts": entries}))
        return
    if not len(contacts):
        current().say(
            "No contacts yet: `vm-tui contacts add NUMBER NAME`, or import a .vcf or .csv file."
        )
        return
    rows = [(format_number(number), name) for number, name in contacts]
    width = max(len(number) for number, _ in rows)
    click.echo("\n".join(f"{number.ljust(width)}  {name}" for number, name in rows))


@contacts_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@region_option
@reports_errors
def contacts_import(file: Path, region: str | None) -> None:
    """Import the numbers of a vCard (.vcf) or CSV (.csv) file.

    CSV: name,number rows (with or without a header), or a Google or Outlook export.
    """
    ctx = current()
    suffix = file.suffix.lower()
    if suffix not in (".vcf", ".vcard", ".csv"):
        raise click.UsageError(f"{file.name}: expected a .vcf or .csv file")
    contacts = open_contacts()
    if suffix == ".csv":
        count = contacts.import_csv(file, default_region=region)
    else:
        count = contacts.import_vcard(file, default_region=region)
    ctx.say(f"Imported {count} numbers from {file} into {contacts.path}.")
    if contacts.skipped:
        hint = "" if region else " (numbers without +country code need --region)"
        example = contacts.skipped[0]
        ctx.warn(
            f"skipped {len(contacts.skipped)} entries without a usable number{hint}: {example}"
        )
    if count == 0:
        sys.exit(EXIT_OTHER)
