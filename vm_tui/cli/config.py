"""``vm-tui config path | init | show``: where the config is, a commented default, in effect."""

from __future__ import annotations

import click

from .context import current
from .errors import reports_errors
from .options import global_options
from .output import toml_value


@click.group("config")
def config_group() -> None:
    """The config file: where it is, a commented default, the settings in effect."""


@config_group.command("path")
def config_path_command() -> None:
    """Print the config file's path (VM_TUI_CONFIG overrides it)."""
    from vm_tui.local.paths import config_path

    click.echo(str(config_path()))


@config_group.command("init")
@click.option("--force", is_flag=True, help="Replace an existing config file.")
@reports_errors
def config_init_command(force: bool) -> None:
    """Write a commented default config file (mode 0600); prints its path."""
    from vm_tui.local.config import init_config
    from vm_tui.local.paths import config_path

    path = config_path()
    init_config(path, force=force)
    click.echo(str(path))


@config_group.command("show")
@global_options
@reports_errors
def config_show_command() -> None:
    """Check the config and print the settings in effect (the key masked)."""
    from dataclasses import fields

    from vm_tui.api.auth import mask_key
    from vm_tui.local.config import contacts_path, mask_proxy
    from vm_tui.local.paths import config_path

    settings = current().settings()
    click.echo(f"# {config_path()}")
    for item in fields(settings):
        value = getattr(settings, item.name)
        if item.name == "api_key":
            value = mask_key(value) if value else None
        elif item.name == "contacts_file":
            value = str(contacts_path(settings))
        elif item.name == "proxy" and value:
            value = mask_proxy(value)
        if value is None:
            click.echo(f"# {item.name}: not set")
        else:
            click.echo(f"{item.name} = {toml_value(value)}")
