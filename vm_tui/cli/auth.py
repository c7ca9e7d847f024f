"""``vm-tui auth login | status | logout``: the key in the OS keyring, like gh."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from .context import CliContext, current
from .errors import EXIT_AUTH, EXIT_OTHER, EXIT_USAGE, exit_code_for, reports_errors
from .options import global_options

if TYPE_CHECKING:
    from vm_tui.api import PhoneIncClient
    from vm_tui.local.config import Settings


@click.group("auth")
def auth_group() -> None:
    """Log in (the key goes to the OS keyring), show where the key comes from, log out."""


def read_key_input(ctx: CliContext) -> str:
    """The key from a prompt without echo on a terminal, else one line from stdin."""
    if sys.stdin.isatty():
        key = click.prompt("Paste your Phone.inc API key", hide_input=True, err=True)
    else:
        key = sys.stdin.readline()
    key = key.strip()
    ctx.redactor.add(key)
    return key


def verify_key(ctx: CliContext, settings: Settings, key: str) -> int:
    """Ask the API with ``key``; the number of voicemails, or exit with why it failed."""
    from vm_tui.api import ApiError, AuthError, ConfigError

    async def work(client: PhoneIncClient) -> int:
        return len((await client.list_voicemails(off_loop=False)).voicemails)

    try:
        return ctx.run(work, key=key)
    except AuthError:
        ctx.fail(f"the API key was rejected by {settings.base_url}", EXIT_AUTH)
    except ConfigError as error:
        ctx.fail(str(error), EXIT_USAGE)
    except ApiError as error:
        ctx.fail(f"could not check the key: {error}", exit_code_for(error))


@auth_group.command("login")
@global_options
@reports_errors
def auth_login() -> None:
    """Check an API key against the API and store it in the OS keyring.

    Prompts without echo, or reads one line from stdin (`vm-tui auth login < key.txt`).
    Without a usable keyring, the key goes to the config file, made private (mode 0600).
    """
    from vm_tui.api.auth import mask_key
    from vm_tui.local.config import ENV_API_KEY
    from vm_tui.local.key_in_file import file_has_key, remove_key_from_file
    from vm_tui.local.key_in_file import store_key_in_file as store_in_file
    from vm_tui.local.keyring import KeyringUnavailable, describe_backend, key_origin, set_key
    from vm_tui.local.paths import config_path

    ctx = current()
    if ctx.api_key:
        raise click.UsageError("auth login reads the key from its prompt or stdin, not --api-key")
    settings = ctx.settings(use_keyring=False)
    key = read_key_input(ctx)
    if not key:
        ctx.fail("no API key given: paste it at the prompt, or pipe it on stdin", EXIT_USAGE)
    ctx.check_key(key, then="not saved")
    verify_key(ctx, settings, key)
    origin = key_origin(settings.base_url)
    path = config_path()
    try:
        set_key(settings.base_url, key)
    except KeyringUnavailable as error:
        store_in_file(path, key)
        ctx.say(f"{error}: stored the key in the config file {path} (mode 0600) instead.")
    else:
        ctx.say(f"Stored the key in the system keyring ({describe_backend()}).")
        if file_has_key(path) and remove_key_from_file(path):
            ctx.say(f"Removed the old api_key from {path} (it would come first).")
    ctx.say(f"Logged in to {origin} with {mask_key(key)}.")
    if ctx.environment().get(ENV_API_KEY, "").strip():
        ctx.warn(
            f"{ENV_API_KEY} is set and comes before the stored key; unset it to use the new one"
        )


def describe_key_source(settings: Settings) -> str:
    from vm_tui.local.config import ENV_API_KEY
    from vm_tui.local.paths import config_path

    return {
        "flag": "the --api-key flag",
        "env": f"the {ENV_API_KEY} environment variable",
        "config file": f"the config file {config_path()}",
        "keyring": "the system keyring",
    }.get(settings.api_key_source, settings.api_key_source)


@auth_group.command("status")
@click.option("--check", is_flag=True, help="Also check that the key works (asks the API).")
@global_options
@reports_errors
def auth_status(check: bool) -> None:
    """Show which key is used, where it comes from (masked), and the keyring's state."""
    from vm_tui.api.auth import mask_key
    from vm_tui.local.keyring import KeyringUnavailable, describe_backend, get_key, key_origin

    ctx = current()
    settings = ctx.settings()
    lines = [f"{key_origin(settings.base_url)} (base URL {settings.base_url})"]
    try:
        in_keyring = get_key(settings.base_url)
        keyring_line = describe_backend()
    except KeyringUnavailable as error:
        in_keyring = None
        keyring_line = f"not available ({error})"
        if not error.no_backend:
            ctx.warn(f"keyring: {error}")
    ctx.redactor.add(in_keyring)
    key = settings.api_key
    if key:
        lines.append(f"  API key:  {mask_key(key)} from {describe_key_source(settings)}")
    lines.append(f"  Keyring:  {keyring_line}")
    if in_keyring and settings.api_key_source != "keyring":
        lines.append(
            f"            holds {mask_key(in_keyring)}, not used: the key above comes first"
        )
    click.echo("\n".join(lines))
    if not key:
        ctx.fail(
            f"not logged in to {key_origin(settings.base_url)}: "
            "run `vm-tui auth login` or set PHONE_INC_API_KEY",
            EXIT_AUTH,
        )
    if check:
        ctx.check_key(key)
        count = verify_key(ctx, settings, key)
        click.echo(f"  Check:    the key works ({count} voicemails)")


@auth_group.command("logout")
@global_options
@reports_errors
def auth_logout() -> None:
    """Remove the stored key from the keyring and from the config file."""
    from vm_tui.local.config import ENV_API_KEY
    from vm_tui.local.key_in_file import remove_key_from_file
    from vm_tui.local.keyring import KeyringUnavailable, delete_key, key_origin
    from vm_tui.local.paths import config_path

    ctx = current()
    settings = ctx.settings(use_keyring=False)
    origin = key_origin(settings.base_url)
    removed: list[str] = []
    try:
        if delete_key(settings.base_url):
            removed.append("the system keyring")
    except KeyringUnavailable as error:
        if not error.no_backend:
            ctx.warn(f"keyring: {error}")
    path = config_path()
    if remove_key_from_file(path):
        removed.append(f"the config file {path}")
    if not removed:
        ctx.fail(f"no stored API key for {origin} (nothing to remove)", EXIT_OTHER)
    ctx.say(f"Logged out of {origin}: removed the key from {' and '.join(removed)}.")
    if ctx.environment().get(ENV_API_KEY, "").strip():
        ctx.warn(f"{ENV_API_KEY} is still set in this environment")
