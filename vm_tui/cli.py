"""The ``vm-tui`` command: the TUI by default, plus scripting subcommands.

Imports are lazy: ``vm-tui list --json`` and ``vm-tui --help`` must not pay for Textual.
Errors become one line on stderr and a distinct exit code, never a traceback.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import click

from vm_tui import __version__

if TYPE_CHECKING:
    from vm_tui.api import PhoneIncClient, Voicemail
    from vm_tui.config import Settings

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_NETWORK = 5

P = ParamSpec("P")
T = TypeVar("T")


def fail(message: str, code: int) -> NoReturn:
    from vm_tui.safe_text import one_line

    click.echo(f"vm-tui: {one_line(message)}", err=True)
    sys.exit(code)


def exit_code_for(error: BaseException) -> int:
    from vm_tui.api import (
        AuthError,
        ConfigError,
        ForbiddenError,
        NetworkError,
        NotFoundError,
        RateLimitedError,
        ServerError,
    )

    if isinstance(error, AuthError | ForbiddenError):
        return EXIT_AUTH
    if isinstance(error, NotFoundError):
        return EXIT_NOT_FOUND
    if isinstance(error, NetworkError | ServerError | RateLimitedError):
        return EXIT_NETWORK
    if isinstance(error, ConfigError):
        return EXIT_USAGE
    return EXIT_OTHER


def reports_errors(func: Callable[P, T]) -> Callable[P, T]:
    """One clear line and an exit code for every error we expect; nothing else escapes."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        from vm_tui.api import ApiError
        from vm_tui.config import ConfigFileError
        from vm_tui.saving import SaveError

        try:
            return func(*args, **kwargs)
        except ApiError as error:
            prefix = "API key rejected: " if exit_code_for(error) == EXIT_AUTH else ""
            hint = ""
            if error.status == 401:
                hint = " (set PHONE_INC_API_KEY to a valid key)"
            fail(f"{prefix}{error}{hint}", exit_code_for(error))
        except (ConfigFileError, SaveError) as error:
            fail(str(error), EXIT_OTHER)
        except KeyboardInterrupt:
            click.echo("", err=True)
            sys.exit(130)
        except _audio_errors() as error:
            fail(str(error), EXIT_OTHER)
        except OSError as error:
            fail(f"{error.strerror or error}", EXIT_OTHER)
        except Exception as error:
            # A bug of ours: still one line, never a traceback (VM_TUI_DEBUG=1 shows it).
            if os.environ.get("VM_TUI_DEBUG"):
                raise
            fail(f"unexpected error ({type(error).__name__}: {error}); please report it", 1)

    return wrapper


def _audio_errors() -> tuple[type[Exception], ...]:
    from vm_tui.audio.errors import AudioError

    return (AudioError,)


# -- shared options and plumbing -------------------------------------------------------------


class AppContext:
    def __init__(self, base_url: str | None, api_key: str | None) -> None:
        self.base_url = base_url
        self.api_key = api_key

    def settings(self) -> Settings:
        from vm_tui.config import load_settings

        return load_settings(base_url=self.base_url, api_key=self.api_key)

    def run(self, work: Callable[[PhoneIncClient], Coroutine[Any, Any, T]]) -> T:
        settings = self.settings()
        if not settings.api_key:
            fail(
                "no API key: set PHONE_INC_API_KEY (or run `vm-tui --demo` to try the demo)",
                EXIT_AUTH,
            )
        warn_about_key(settings.api_key)
        return asyncio.run(_with_client(settings, work))


async def _with_client(settings: Settings, work: Callable[[PhoneIncClient], Awaitable[T]]) -> T:
    from vm_tui.api import PhoneIncClient

    assert settings.api_key is not None
    async with PhoneIncClient(settings.api_key, settings.base_url) as client:
        return await work(client)


def warn_about_key(key: str) -> None:
    from vm_tui.api.auth import key_format_warning

    warning = key_format_warning(key)
    if warning:
        click.echo(f"vm-tui: warning: {warning}", err=True)


def voicemail_id_argument(func: Callable[P, T]) -> Callable[P, T]:
    return click.argument("voicemail_id", metavar="ID")(func)


# -- the group: the TUI by default -----------------------------------------------------------


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--base-url",
    envvar="PHONE_INC_BASE_URL",
    help="API base URL (default https://app.phone.inc/api/v1). Env: PHONE_INC_BASE_URL.",
)
@click.option(
    "--api-key",
    help="API key. Prefer the PHONE_INC_API_KEY environment variable: flags show in `ps`.",
)
@click.option("--demo", is_flag=True, help="Run against the embedded demo server (no account).")
@click.option(
    "--poll-interval",
    type=click.FloatRange(2, 3600),
    help="Seconds between inbox refreshes (default 15).",
)
@click.version_option(__version__, "--version", prog_name="vm-tui")
@click.pass_context
def cli(
    ctx: click.Context,
    base_url: str | None,
    api_key: str | None,
    demo: bool,
    poll_interval: float | None,
) -> None:
    """A live terminal inbox for Phone.inc voicemails.

    Without a command, opens the inbox. The commands below are for scripts.
    """
    if api_key:
        click.echo(
            "vm-tui: warning: --api-key is visible to other users in the process list; "
            "prefer PHONE_INC_API_KEY",
            err=True,
        )
    ctx.obj = AppContext(base_url, api_key)
    if ctx.invoked_subcommand is None:
        run_tui(ctx.obj, demo=demo, poll_interval=poll_interval)


@reports_errors
def run_tui(app_ctx: AppContext, *, demo: bool, poll_interval: float | None) -> None:
    from vm_tui.config import load_settings
    from vm_tui.ui.launch import launch

    settings = load_settings(
        base_url=app_ctx.base_url, api_key=app_ctx.api_key, poll_interval=poll_interval
    )
    code = launch(settings, demo=demo)
    sys.exit(code)


# -- scripting commands ----------------------------------------------------------------------


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--unlistened", is_flag=True, help="Only voicemails nobody has listened to.")
@click.pass_obj
@reports_errors
def list_command(app_ctx: AppContext, as_json: bool, unlistened: bool) -> None:
    """List voicemails, newest first."""
    from vm_tui.api import Inbox

    async def work(client: PhoneIncClient) -> Inbox:
        return await client.list_voicemails()

    inbox = app_ctx.run(work)
    voicemails = [vm for vm in inbox.voicemails if not (unlistened and vm.listened)]
    for skipped in inbox.skipped:
        click.echo(f"vm-tui: warning: skipped a malformed voicemail ({skipped.reason})", err=True)
    if as_json:
        payload = {
            "unlistened_count": inbox.unlistened_count,
            "voicemails": [vm.to_json() for vm in voicemails],
        }
        click.echo(json.dumps(payload, indent=2))
        return
    click.echo(render_table(voicemails, inbox.unlistened_count))


def render_table(voicemails: list[Voicemail], unlistened_count: int) -> str:
    from vm_tui.phone import format_number
    from vm_tui.safe_text import one_line
    from vm_tui.timefmt import received

    now = datetime.now(UTC).astimezone()
    rows = [("", "ID", "RECEIVED", "FROM", "LINE", "TRANSCRIPTION")]
    for vm in voicemails:
        text = vm.transcription
        preview = one_line(text, 60) if text is not None else "(transcribing…)"
        rows.append(
            (
                " " if vm.listened else "●",
                one_line(vm.id, 40),
                received(vm.created_at, now),
                format_number(vm.caller),
                one_line(vm.line_name, 20),
                preview,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + row[5]
        for row in rows
    ]
    lines.append(f"\n{len(voicemails)} shown, {unlistened_count} unlistened in the company")
    return "\n".join(line.rstrip() for line in lines)


@cli.command("show")
@voicemail_id_argument
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
@reports_errors
def show_command(app_ctx: AppContext, voicemail_id: str, as_json: bool) -> None:
    """Show one voicemail with its full transcription."""
    from vm_tui.api.urls import check_id

    check_id(voicemail_id)

    async def work(client: PhoneIncClient) -> Voicemail:
        return await client.get_voicemail(voicemail_id)

    vm = app_ctx.run(work)
    if as_json:
        click.echo(json.dumps(vm.to_json(), indent=2))
        return
    click.echo(render_details(vm))


def render_details(vm: Voicemail) -> str:
    from vm_tui.phone import format_number
    from vm_tui.safe_text import clean, one_line
    from vm_tui.timefmt import absolute

    line = one_line(vm.line_name) or "(unnamed line)"
    number = one_line(vm.line_number_formatted or vm.line_number)
    listened = f"yes, {absolute(vm.listened_at)}" if vm.listened_at else "no"
    lines = [
        f"From:      {format_number(vm.caller)}",
        f"Line:      {line} {number}".rstrip(),
        f"Received:  {absolute(vm.created_at)}",
        f"Listened:  {listened}",
        f"Recording: {'ready' if vm.recording_ready else 'still processing'}",
        f"ID:        {one_line(vm.id)}",
        "",
        clean(vm.transcription) if vm.transcription is not None else "(not transcribed yet)",
    ]
    return "\n".join(lines)


@cli.command("mark")
@voicemail_id_argument
@click.option("--listened/--unlistened", required=True, help="The state to set.")
@click.pass_obj
@reports_errors
def mark_command(app_ctx: AppContext, voicemail_id: str, listened: bool) -> None:
    """Mark a voicemail listened or unlistened."""
    from vm_tui.api.urls import check_id

    check_id(voicemail_id)

    async def work(client: PhoneIncClient) -> Voicemail:
        return await client.set_listened(voicemail_id, listened)

    vm = app_ctx.run(work)
    state = "listened" if vm.listened else "unlistened"
    click.echo(f"Marked {vm.id} {state}.", err=True)


@cli.command("delete")
@voicemail_id_argument
@click.option("--yes", "-y", is_flag=True, help="Do not ask (required when not on a terminal).")
@click.pass_obj
@reports_errors
def delete_command(app_ctx: AppContext, voicemail_id: str, yes: bool) -> None:
    """Delete a voicemail permanently (this cannot be undone)."""
    from vm_tui.api.urls import check_id

    check_id(voicemail_id)
    if not yes:
        if not sys.stdin.isatty():
            fail("refusing to delete without --yes when not on a terminal", EXIT_USAGE)
        click.confirm(f"Delete voicemail {voicemail_id} permanently?", abort=True, err=True)

    async def work(client: PhoneIncClient) -> None:
        await client.delete_voicemail(voicemail_id)

    app_ctx.run(work)
    click.echo(f"Deleted {voicemail_id}.", err=True)


@cli.command("download")
@voicemail_id_argument
@click.option(
    "-o", "--output", type=click.Path(dir_okay=True, path_type=Path), help="File or folder."
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_obj
@reports_errors
def download_command(
    app_ctx: AppContext, voicemail_id: str, output: Path | None, force: bool
) -> None:
    """Download a voicemail's recording (mp3)."""
    from vm_tui.api.urls import check_id
    from vm_tui.saving import default_download_dir, recording_filename, save_bytes

    check_id(voicemail_id)
    progress = ProgressLine()

    async def work(client: PhoneIncClient) -> tuple[Voicemail, bytes]:
        from vm_tui.api import RecordingDownloader, fetch_recording

        downloader = RecordingDownloader()
        try:
            return await fetch_recording(client, downloader, voicemail_id, progress.update)
        finally:
            await downloader.aclose()

    vm, data = app_ctx.run(work)
    progress.done()
    if output is None:
        target = default_download_dir(app_ctx.settings().download_dir) / recording_filename(vm)
    elif output.is_dir():
        target = output / recording_filename(vm)
    else:
        target = output
    path = save_bytes(data, target, force=force)
    click.echo(str(path))


class ProgressLine:
    """``Downloading… 42 KB / 80 KB`` on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.shown = False

    def update(self, received: int, total: int | None) -> None:
        if not self.enabled:
            return
        of = f" / {total // 1024} KB" if total else ""
        click.echo(f"\rDownloading… {received // 1024} KB{of}   ", err=True, nl=False)
        self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("", err=True)


@cli.command("demo-server")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="API port (0: any).")
@click.option("--count", type=click.IntRange(1, 100_000), help="Generate a large inbox.")
@click.option("--latency", type=click.FloatRange(0, 60), default=0.0, help="Seconds per answer.")
@click.option(
    "--error-rate", type=click.FloatRange(0, 1), default=0.0, help="Fraction answered 500."
)
@click.option(
    "--new-every",
    type=click.FloatRange(0),
    default=45.0,
    help="Seconds between new voicemails (0: never).",
)
@reports_errors
def demo_server_command(
    port: int, count: int | None, latency: float, error_rate: float, new_every: float
) -> None:
    """Run the embedded demo Phone.inc server (prints its URL and key)."""
    from vm_tui.demo import serve_forever_cli

    serve_forever_cli(
        port=port,
        count=count,
        latency=latency,
        error_rate=error_rate,
        new_every=new_every or None,
    )


def main() -> None:
    cli(prog_name="vm-tui")
