"""The root group: ``vm-tui`` opens the inbox; its commands load only when they are run.

Each command group is a module of this package (as gh's ``pkg/cmd/<noun>``). ``vm-tui --help``
and ``vm-tui list --json`` must not pay for Textual or for commands they do not run.
"""

from __future__ import annotations

import importlib

import click

from vm_tui import __version__

from .context import CliContext, current
from .options import API_KEY, BASE_URL

# name -> "module:attribute", in the order --help lists them.
COMMANDS = {
    "list": "voicemails:list_command",
    "show": "voicemails:show_command",
    "mark": "voicemails:mark_command",
    "delete": "voicemails:delete_command",
    "download": "recordings:download_command",
    "play": "recordings:play_command",
    "call": "call:call_command",
    "demo-server": "demo:demo_server_command",
    "auth": "auth:auth_group",
    "config": "config:config_group",
    "contacts": "contacts:contacts_group",
    "completion": "completion:completion_command",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        module = importlib.import_module(f"vm_tui.cli.{module_name}")
        command: click.Command = getattr(module, attribute)
        return command


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@BASE_URL
@API_KEY
@click.option("--demo", is_flag=True, help="Open the inbox against the embedded demo server.")
@click.option(
    "--poll-interval",
    type=click.FloatRange(2, 3600),
    help="Seconds between inbox refreshes (default 15).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Don't keep the inbox on disk for offline starts (config: cache = false).",
)
@click.version_option(__version__, "--version", prog_name="vm-tui")
@click.pass_context
def cli(ctx: click.Context, demo: bool, poll_interval: float | None, no_cache: bool) -> None:
    """A live terminal inbox for Phone.inc voicemails.

    Without a command, opens the inbox. Log in once with `vm-tui auth login` (the key goes to
    the OS keyring), or set PHONE_INC_API_KEY. Settings: flags > environment > config file
    (`vm-tui config init`) > keyring. Every command takes --base-url and --api-key, before or
    after its name. Exit codes: 2 usage, 3 auth, 4 not found, 5 network or server, 1 anything
    else, 130 interrupted.
    """
    if demo and ctx.invoked_subcommand is not None:
        # Silently ignoring it would run `vm-tui --demo delete ...` against the real account.
        raise click.UsageError(
            "--demo only opens the inbox; for scripts run `vm-tui demo-server` and point "
            "PHONE_INC_BASE_URL and PHONE_INC_API_KEY at it"
        )
    app_ctx = current()
    app_ctx.set_option("no_cache", no_cache)
    if ctx.invoked_subcommand is None:
        from .tui import run_tui

        run_tui(demo=demo, poll_interval=poll_interval)


def main() -> None:
    cli(prog_name="vm-tui", obj=CliContext())
