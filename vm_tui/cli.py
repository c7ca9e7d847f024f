"""The ``vm-tui`` command: the TUI by default, plus scripting subcommands.

Imports are lazy: ``vm-tui list --json`` and ``vm-tui --help`` must not pay for Textual.
Errors become one line on stderr and a distinct exit code, never a traceback. Text from the API
is untrusted: human-readable output goes through ``vm_tui.safe_text``, ``--json`` output escapes
every non-ASCII and control character, and the API key never appears in any output.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import sys
import threading
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import click

from vm_tui import __version__

if TYPE_CHECKING:
    from vm_tui.api import ApiError, PhoneIncClient, Voicemail
    from vm_tui.audio import Pcm
    from vm_tui.config import Settings
    from vm_tui.contacts import Contacts

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_NETWORK = 5
EXIT_INTERRUPTED = 130

P = ParamSpec("P")
T = TypeVar("T")

# Keys loaded by this process: scrubbed from every message we print, whatever its origin.
_SECRETS: set[str] = set()
# Where the key in use came from ("env", "flag", "config file", "keyring"), for the 401 hint.
_KEY_SOURCE: list[str] = []


class CliError(Exception):
    """An expected failure with its message and exit code (raised where ``fail`` can't be)."""

    def __init__(self, message: str, code: int = EXIT_OTHER) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def redact(message: str) -> str:
    from vm_tui.api.auth import mask_key

    for secret in _SECRETS:
        if len(secret) >= 4:
            message = message.replace(secret, mask_key(secret))
    return message


def fail(message: str, code: int) -> NoReturn:
    from vm_tui.safe_text import one_line

    click.echo(f"vm-tui: {one_line(redact(message))}", err=True)
    sys.exit(code)


def warn(message: str) -> None:
    from vm_tui.safe_text import one_line

    click.echo(f"vm-tui: warning: {one_line(redact(message))}", err=True)


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


def key_source_hint() -> str:
    """Where the key in use came from, for hints (never the key itself)."""
    source = _KEY_SOURCE[0] if _KEY_SOURCE else ""
    return {
        "flag": "the --api-key value",
        "config file": "api_key in the config file",
        "keyring": "the key saved by `vm-tui auth login`",
    }.get(source, "PHONE_INC_API_KEY")


def describe_api_error(error: ApiError) -> str:
    if error.status == 401:
        return f"API key rejected: {error} (check {key_source_hint()})"
    if error.status == 403:
        return f"not allowed: {error}"
    return str(error)


def reports_errors(func: Callable[P, T]) -> Callable[P, T]:
    """One clear line and an exit code for every error we expect; nothing else escapes."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        from vm_tui.api import ApiError
        from vm_tui.config import ConfigFileError
        from vm_tui.contacts import ContactsError
        from vm_tui.saving import SaveError

        try:
            return func(*args, **kwargs)
        except (click.exceptions.ClickException, click.exceptions.Abort, click.exceptions.Exit):
            raise  # click reports these itself (usage errors exit 2)
        except CliError as error:
            fail(error.message, error.code)
        except ApiError as error:
            fail(describe_api_error(error), exit_code_for(error))
        except (ConfigFileError, ContactsError, SaveError) as error:
            fail(str(error), EXIT_OTHER)
        except KeyboardInterrupt:
            if sys.stderr.isatty():
                click.echo("", err=True)  # end the line the terminal's ^C echo left open
            sys.exit(EXIT_INTERRUPTED)
        except _audio_errors() as error:
            fail(str(error), EXIT_OTHER)
        except BrokenPipeError:
            raise  # `vm-tui list | head`: click silences it
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
    def __init__(
        self, base_url: str | None, api_key: str | None, cache: bool | None = None
    ) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.cache = cache
        self._settings: Settings | None = None
        self._key_checked = False

    def settings(self) -> Settings:
        """Flags > env > config file > keyring (imported only when nothing earlier has a key)."""
        from vm_tui.config import load_settings

        if self._settings is None:
            self._settings = load_settings(
                base_url=self.base_url, api_key=self.api_key, cache=self.cache
            )
            if self._settings.api_key:
                _SECRETS.add(self._settings.api_key)
                _KEY_SOURCE[:] = [self._settings.api_key_source]
        return self._settings

    def settings_without_keyring(self) -> Settings:
        """For commands that need the base URL or paths but not the key (auth, contacts)."""
        from vm_tui.config import load_settings

        return load_settings(
            base_url=self.base_url, api_key=self.api_key, cache=self.cache, use_keyring=False
        )

    def checked_settings(self) -> Settings:
        """Settings with a usable key, or exit 3 with a hint (the key itself is never shown)."""
        settings = self.settings()
        key = settings.api_key
        if not key:
            fail(
                "no API key: run `vm-tui auth login` or set PHONE_INC_API_KEY "
                "(or run `vm-tui --demo` to try the demo)",
                EXIT_AUTH,
            )
        if not self._key_checked:
            self._key_checked = True
            check_key_characters(key)
            warn_about_key(key)
        return settings

    def run(self, work: Callable[[PhoneIncClient], Coroutine[Any, Any, T]]) -> T:
        settings = self.checked_settings()
        return asyncio.run(_with_client(settings, work))


async def _with_client(settings: Settings, work: Callable[[PhoneIncClient], Awaitable[T]]) -> T:
    from vm_tui.api import PhoneIncClient
    from vm_tui.config import network_config

    assert settings.api_key is not None
    network = network_config(settings)  # proxies and CAs: env, then the config file
    async with PhoneIncClient(settings.api_key, settings.base_url, network=network) as client:
        return await work(client)


def check_key_characters(key: str) -> None:
    """A key that cannot go into a header: exit 3 with a hint rather than a crash later."""
    if not (key.isascii() and key.isprintable()) or any(ch.isspace() for ch in key):
        fail(
            "the API key contains spaces, control or non-ASCII characters; "
            f"check {key_source_hint()} (a Phone.inc key looks like phk_…)",
            EXIT_AUTH,
        )


def warn_about_key(key: str) -> None:
    from vm_tui.api.auth import key_format_warning

    warning = key_format_warning(key)
    if warning:
        warn(warning)


def checked_id(voicemail_id: str) -> str:
    """Reject an id that could reshape the request path before anything is sent."""
    from vm_tui.api.urls import check_id

    check_id(voicemail_id)
    return voicemail_id


def voicemail_id_argument(func: Callable[P, T]) -> Callable[P, T]:
    return click.argument("voicemail_id", metavar="ID")(func)


def dump_json(data: object) -> str:
    # ensure_ascii: control characters, bidi marks and every non-ASCII character are escaped, so
    # nothing from the API reaches the terminal raw; a JSON parser gets the exact text back.
    return json.dumps(data, indent=2, ensure_ascii=True)


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
def cli(
    ctx: click.Context,
    base_url: str | None,
    api_key: str | None,
    demo: bool,
    poll_interval: float | None,
    no_cache: bool,
) -> None:
    """A live terminal inbox for Phone.inc voicemails.

    Without a command, opens the inbox. Log in once with `vm-tui auth login` (the key goes to
    the OS keyring), or set PHONE_INC_API_KEY. Settings: flags > environment > config file
    (`vm-tui config init`) > keyring. Exit codes: 2 usage, 3 auth, 4 not found, 5 network or
    server, 1 anything else, 130 interrupted.
    """
    if demo and ctx.invoked_subcommand is not None:
        # Silently ignoring it would run `vm-tui --demo delete ...` against the real account.
        raise click.UsageError(
            "--demo only opens the inbox; for scripts run `vm-tui demo-server` and point "
            "PHONE_INC_BASE_URL and PHONE_INC_API_KEY at it"
        )
    if api_key:
        _SECRETS.add(api_key.strip())
        warn(
            "--api-key is visible to other users in the process list; "
            "prefer the PHONE_INC_API_KEY environment variable"
        )
    ctx.obj = AppContext(base_url, api_key, cache=False if no_cache else None)
    if ctx.invoked_subcommand is None:
        run_tui(ctx.obj, demo=demo, poll_interval=poll_interval)


@reports_errors
def run_tui(app_ctx: AppContext, *, demo: bool, poll_interval: float | None) -> None:
    from vm_tui import gc_pause
    from vm_tui.memory import return_big_buffers_to_the_os
    from vm_tui.tls import preload

    gc_pause.pause()  # until the first inbox is on screen (see vm_tui.gc_pause)
    return_big_buffers_to_the_os()  # an all-day process: see vm_tui.memory
    preload()  # OpenSSL reads the CA bundle in a thread while the UI is imported
    from vm_tui.config import load_settings, network_config
    from vm_tui.ui.launch import launch

    settings = load_settings(
        base_url=app_ctx.base_url,
        api_key=app_ctx.api_key,
        poll_interval=poll_interval,
        cache=app_ctx.cache,
        use_keyring=not demo,  # the demo brings its own key
    )
    if settings.ca_bundle and not demo:
        preload(network_config(settings).trust)  # another trust store: start it now too
    if settings.api_key:
        _SECRETS.add(settings.api_key)
        _KEY_SOURCE[:] = [settings.api_key_source]
        if not demo:
            check_key_characters(settings.api_key)
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
        warn(f"skipped a malformed voicemail ({skipped.reason})")
    contacts = load_contacts(app_ctx)
    if as_json:
        payload = {
            "unlistened_count": inbox.unlistened_count,
            "voicemails": [voicemail_json(vm, contacts) for vm in voicemails],
        }
        click.echo(dump_json(payload))
        return
    click.echo(render_table(voicemails, inbox.unlistened_count, contacts))


def load_contacts(app_ctx: AppContext) -> Contacts | None:
    """The address book, or None when there is none; a broken one is a warning, not a failure."""
    from vm_tui.config import contacts_path
    from vm_tui.contacts import Contacts, ContactsError

    path = contacts_path(app_ctx.settings())
    if not path.exists():
        return None  # and phonenumbers is not imported for nothing
    try:
        return Contacts.load(path)
    except ContactsError as error:
        warn(f"{error}; showing numbers only")
        return None


def caller_name(vm: Voicemail, contacts: Contacts | None) -> str | None:
    return contacts.name_for(vm.caller) if contacts is not None else None


def caller_label(vm: Voicemail, contacts: Contacts | None, name_limit: int = 40) -> str:
    """``Dana (Acme) +1 408-555-0199`` when the number is in the contacts, else the number."""
    from vm_tui.phone import format_number
    from vm_tui.safe_text import one_line

    name = caller_name(vm, contacts)
    number = format_number(vm.caller)
    return f"{one_line(name, name_limit)} {number}" if name else number


def voicemail_json(vm: Voicemail, contacts: Contacts | None) -> dict[str, Any]:
    return {**vm.to_json(), "caller_name": caller_name(vm, contacts)}


def render_table(
    voicemails: list[Voicemail], unlistened_count: int, contacts: Contacts | None = None
) -> str:
    from vm_tui.safe_text import one_line
    from vm_tui.timefmt import received

    now = datetime.now(UTC).astimezone()
    header = ("", "ID", "RECEIVED", "FROM", "LINE", "TRANSCRIPTION")
    rows = [header]
    for vm in voicemails:
        text = vm.transcription
        preview = one_line(text, 60) if text is not None else "(transcribing…)"
        rows.append(
            (
                " " if vm.listened else "●",
                one_line(vm.id, 40),
                received(vm.created_at, now),
                caller_label(vm, contacts, name_limit=24),
                one_line(vm.line_name, 20),
                preview,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.append(f"\n{len(voicemails)} shown, {unlistened_count} unlistened in the company")
    return "\n".join(line.rstrip() for line in lines)


@cli.command("show")
@voicemail_id_argument
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
@reports_errors
def show_command(app_ctx: AppContext, voicemail_id: str, as_json: bool) -> None:
    """Show one voicemail with its full transcription."""
    checked_id(voicemail_id)

    async def work(client: PhoneIncClient) -> Voicemail:
        return await client.get_voicemail(voicemail_id)

    vm = app_ctx.run(work)
    contacts = load_contacts(app_ctx)
    if as_json:
        click.echo(dump_json(voicemail_json(vm, contacts)))
        return
    click.echo(render_details(vm, contacts))


def render_details(vm: Voicemail, contacts: Contacts | None = None) -> str:
    from vm_tui.safe_text import clean, one_line
    from vm_tui.timefmt import absolute

    line = one_line(vm.line_name) or "(unnamed line)"
    number = one_line(vm.line_number_formatted or vm.line_number)
    listened = f"yes, {absolute(vm.listened_at)}" if vm.listened_at else "no"
    lines = [
        f"From:      {caller_label(vm, contacts, name_limit=100)}",
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
    checked_id(voicemail_id)

    async def work(client: PhoneIncClient) -> Voicemail:
        return await client.set_listened(voicemail_id, listened)

    vm = app_ctx.run(work)
    state = "listened" if vm.listened else "unlistened"
    click.echo(f"Marked {voicemail_id} {state}.", err=True)


@cli.command("delete")
@voicemail_id_argument
@click.option("--yes", "-y", is_flag=True, help="Do not ask (required when not on a terminal).")
@click.pass_obj
@reports_errors
def delete_command(app_ctx: AppContext, voicemail_id: str, yes: bool) -> None:
    """Delete a voicemail permanently (this cannot be undone)."""
    checked_id(voicemail_id)
    if not yes:
        if not sys.stdin.isatty():
            fail("refusing to delete without --yes when not on a terminal", EXIT_USAGE)
        confirm_delete(app_ctx, voicemail_id)

    async def work(client: PhoneIncClient) -> None:
        await client.delete_voicemail(voicemail_id)

    app_ctx.run(work)
    click.echo(f"Deleted {voicemail_id}.", err=True)


def confirm_delete(app_ctx: AppContext, voicemail_id: str) -> None:
    """Say which voicemail it is (an unknown id fails here, before asking), then ask."""
    from vm_tui.timefmt import absolute

    async def work(client: PhoneIncClient) -> Voicemail:
        return await client.get_voicemail(voicemail_id)

    vm = app_ctx.run(work)
    question = (
        f"Delete the voicemail from {caller_label(vm, load_contacts(app_ctx))} "
        f"({absolute(vm.created_at)}) permanently?"
    )
    if not click.confirm(question, default=False, err=True):
        fail("not deleted", EXIT_OTHER)


class StatusLine:
    """One line of progress on stderr, rewritten in place; only when stderr is a terminal.

    Scripts and logs (stderr not a terminal) get nothing from it. Used as a context manager, it
    ends its line before an error message is printed.
    """

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self._width = 0
        self._text = ""

    def show(self, text: str) -> None:
        if not self.enabled or text == self._text:
            return
        pad = " " * max(self._width - len(text), 0)
        click.echo(f"\r{text}{pad}", err=True, nl=False)
        self._text = text
        self._width = max(self._width, len(text))

    def clear(self) -> None:
        if self._width:
            click.echo("\r" + " " * self._width + "\r", err=True, nl=False)
        self._width = 0
        self._text = ""

    def done(self) -> None:
        if self._width:
            click.echo("", err=True)
        self._width = 0
        self._text = ""

    def __enter__(self) -> StatusLine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            self._width = 0  # the interrupt handler ends the line
            return
        self.done()

    def download_progress(self, received: int, total: int | None) -> None:
        of = f" / {total // 1024} KB" if total else ""
        self.show(f"Downloading… {received // 1024} KB{of}")


def fetch_recording_for(
    app_ctx: AppContext, voicemail_id: str, status: StatusLine
) -> tuple[Voicemail, bytes]:
    """Retrieve (a freshly signed URL) then download with the key-less client; shared by
    ``download`` and ``play``."""
    from vm_tui.api import RecordingDownloader, fetch_recording
    from vm_tui.config import network_config

    async def work(client: PhoneIncClient) -> tuple[Voicemail, bytes]:
        downloader = RecordingDownloader(network=network_config(app_ctx.settings()))
        try:
            return await fetch_recording(client, downloader, voicemail_id, status.download_progress)
        finally:
            await downloader.aclose()

    return app_ctx.run(work)


@cli.command("download")
@voicemail_id_argument
@click.option(
    "-o",
    "--output",
    metavar="FILE|DIR",
    help="File to write, or an existing folder to write into (default: ~/Downloads or here).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_obj
@reports_errors
def download_command(
    app_ctx: AppContext, voicemail_id: str, output: str | None, force: bool
) -> None:
    """Download a voicemail's recording (mp3); prints the file's path."""
    from vm_tui.saving import SaveError, save_bytes

    checked_id(voicemail_id)
    explicit = explicit_file(output)
    if explicit is not None and explicit.exists() and not force:
        # Known before any download: don't fetch what we would refuse to write.
        raise SaveError(f"{explicit} already exists (use --force to overwrite)")
    with StatusLine() as status:
        vm, data = fetch_recording_for(app_ctx, voicemail_id, status)
    target = explicit or download_target(output, vm, app_ctx.settings().download_dir)
    path = save_bytes(data, target, force=force)
    click.echo(str(path))


def explicit_file(output: str | None) -> Path | None:
    """The file named by ``-o``, or None when ``-o`` is absent or names a folder."""
    from vm_tui.saving import SaveError

    if output is None:
        return None
    path = Path(output).expanduser()
    if path.is_dir():
        return None
    if output.endswith(("/", os.sep)):
        raise SaveError(f"folder {path} does not exist")
    return path


def download_target(output: str | None, vm: Voicemail, configured_dir: str | None) -> Path:
    from vm_tui.saving import default_download_dir, recording_filename

    folder = Path(output).expanduser() if output else default_download_dir(configured_dir)
    return folder / recording_filename(vm)


@cli.command("play")
@voicemail_id_argument
@click.option("--no-mark", is_flag=True, help="Don't mark it listened after playing it to the end.")
@click.pass_obj
@reports_errors
def play_command(app_ctx: AppContext, voicemail_id: str, no_mark: bool) -> None:
    """Play a voicemail; heard to the end, it is marked listened. Ctrl-C stops."""
    from vm_tui.api import ApiError
    from vm_tui.audio import NoSoundDeviceError, decode, require_ffmpeg, silence_alsa_errors

    checked_id(voicemail_id)
    app_ctx.checked_settings()
    require_ffmpeg()  # before downloading anything we could not decode
    with StatusLine() as status:
        vm, data = fetch_recording_for(app_ctx, voicemail_id, status)
        status.show("Decoding…")
        pcm = decode(data, "mp3")
        status.clear()
        silence_alsa_errors()  # ALSA would print its own complaints about a missing device
        caller = caller_label(vm, load_contacts(app_ctx))
        try:
            play_to_end(voicemail_id, pcm, status, caller=caller)
        except NoSoundDeviceError:
            raise CliError(
                "no sound device available (over ssh?); save the recording instead: "
                f"vm-tui download {voicemail_id}"
            ) from None
    if no_mark or vm.listened:
        return

    async def work(client: PhoneIncClient) -> Voicemail:
        return await client.set_listened(voicemail_id, True)

    try:
        app_ctx.run(work)
    except ApiError as error:
        message = describe_api_error(error)
        raise CliError(
            f"played to the end, but could not mark it listened: {message}", exit_code_for(error)
        ) from None
    click.echo(f"Marked {voicemail_id} listened.", err=True)


def playing_text(position: float, duration: float, caller: str = "") -> str:
    from vm_tui.timefmt import duration as clock

    text = f"▶ {clock(min(int(position), duration))} / {clock(duration)}"
    return f"{text}  {caller}" if caller else text


def play_to_end(
    key: str, pcm: Pcm, status: StatusLine, poll: float = 0.2, caller: str = ""
) -> None:
    """Play ``pcm`` and return at its natural end; raise the AudioError of a failure.

    Ctrl-C (KeyboardInterrupt) stops the audio and propagates: nothing is marked.
    """
    from vm_tui.audio import AudioError, PlaybackFailed, Player, PlayerEvent, PlayerState

    finished = threading.Event()
    events: list[PlayerEvent] = []

    def on_event(event: PlayerEvent) -> None:  # called on the player's owner thread
        events.append(event)
        finished.set()

    player = Player(on_event=on_event)
    try:
        player.play(key, pcm)
        status.show(playing_text(0, pcm.duration, caller))
        while not finished.wait(poll):
            if player.state is PlayerState.STOPPED and not finished.wait(1.0):
                raise AudioError("playback stopped unexpectedly")
            status.show(playing_text(player.position, pcm.duration, caller))
    finally:
        player.close()
    event = events[0]
    if isinstance(event, PlaybackFailed):
        raise event.error
    status.show(playing_text(pcm.duration, pcm.duration, caller))


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
    """Run the embedded demo Phone.inc server (prints its URL and key). Ctrl-C stops it."""
    from vm_tui.demo import serve_forever_cli

    code = serve_forever_cli(
        port=port,
        count=count,
        latency=latency,
        error_rate=error_rate,
        new_every=new_every or None,
    )
    sys.exit(code)


# -- auth: the key in the OS keyring, like gh ------------------------------------------------


@cli.group("auth")
def auth_group() -> None:
    """Log in (the key goes to the OS keyring), show where the key comes from, log out."""


def read_key_input() -> str:
    """The key from a prompt without echo on a terminal, else one line from stdin."""
    if sys.stdin.isatty():
        key = click.prompt("Paste your Phone.inc API key", hide_input=True, err=True)
    else:
        key = sys.stdin.readline()
    key = key.strip()
    if key:
        _SECRETS.add(key)
    return key


def check_new_key(key: str) -> None:
    if not key:
        fail("no API key given: paste it at the prompt, or pipe it on stdin", EXIT_USAGE)
    if not (key.isascii() and key.isprintable()) or any(ch.isspace() for ch in key):
        fail(
            "the API key contains spaces, control or non-ASCII characters "
            "(a Phone.inc key looks like phk_…); not saved",
            EXIT_AUTH,
        )
    warn_about_key(key)


def verify_key(settings: Settings, key: str) -> int:
    """Ask the API with ``key``; the number of voicemails, or exit with why it failed."""
    from dataclasses import replace

    from vm_tui.api import ApiError, AuthError, ConfigError

    async def work(client: PhoneIncClient) -> int:
        return len((await client.list_voicemails()).voicemails)

    try:
        return asyncio.run(_with_client(replace(settings, api_key=key), work))
    except AuthError:
        fail(f"the API key was rejected by {settings.base_url}", EXIT_AUTH)
    except ConfigError as error:
        fail(str(error), EXIT_USAGE)
    except ApiError as error:
        fail(f"could not check the key: {error}", exit_code_for(error))


@auth_group.command("login")
@click.pass_obj
@reports_errors
def auth_login(app_ctx: AppContext) -> None:
    """Check an API key against the API and store it in the OS keyring.

    Prompts without echo, or reads one line from stdin (`vm-tui auth login < key.txt`).
    Without a usable keyring, the key goes to the config file, made private (mode 0600).
    """
    from vm_tui.api.auth import mask_key
    from vm_tui.config import ENV_API_KEY, config_path, file_has_key, remove_key_from_file
    from vm_tui.config import store_key_in_file as store_in_file
    from vm_tui.keys_store import KeyringUnavailable, describe_backend, key_origin, set_key

    if app_ctx.api_key:
        raise click.UsageError("auth login reads the key from its prompt or stdin, not --api-key")
    settings = app_ctx.settings_without_keyring()
    key = read_key_input()
    check_new_key(key)
    verify_key(settings, key)
    origin = key_origin(settings.base_url)
    path = config_path()
    try:
        set_key(settings.base_url, key)
    except KeyringUnavailable as error:
        store_in_file(path, key)
        click.echo(
            f"{error}: stored the key in the config file {path} (mode 0600) instead.", err=True
        )
    else:
        click.echo(f"Stored the key in the system keyring ({describe_backend()}).", err=True)
        if file_has_key(path) and remove_key_from_file(path):
            click.echo(f"Removed the old api_key from {path} (it would come first).", err=True)
    click.echo(f"Logged in to {origin} with {mask_key(key)}.", err=True)
    if os.environ.get(ENV_API_KEY, "").strip():
        warn(f"{ENV_API_KEY} is set and comes before the stored key; unset it to use the new one")


def describe_key_source(settings: Settings) -> str:
    from vm_tui.config import ENV_API_KEY, config_path

    return {
        "flag": "the --api-key flag",
        "env": f"the {ENV_API_KEY} environment variable",
        "config file": f"the config file {config_path()}",
        "keyring": "the system keyring",
    }.get(settings.api_key_source, settings.api_key_source)


@auth_group.command("status")
@click.option("--check", is_flag=True, help="Also check that the key works (asks the API).")
@click.pass_obj
@reports_errors
def auth_status(app_ctx: AppContext, check: bool) -> None:
    """Show which key is used, where it comes from (masked), and the keyring's state."""
    from vm_tui.api.auth import mask_key
    from vm_tui.keys_store import KeyringUnavailable, describe_backend, get_key, key_origin

    settings = app_ctx.settings()
    lines = [f"{key_origin(settings.base_url)} (base URL {settings.base_url})"]
    try:
        in_keyring = get_key(settings.base_url)
        keyring_line = describe_backend()
    except KeyringUnavailable as error:
        in_keyring = None
        keyring_line = f"not available ({error})"
        if not error.no_backend:
            warn(f"keyring: {error}")
    if in_keyring:
        _SECRETS.add(in_keyring)
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
        fail(
            f"not logged in to {key_origin(settings.base_url)}: "
            "run `vm-tui auth login` or set PHONE_INC_API_KEY",
            EXIT_AUTH,
        )
    if check:
        check_key_characters(key)
        count = verify_key(settings, key)
        click.echo(f"  Check:    the key works ({count} voicemails)")


@auth_group.command("logout")
@click.pass_obj
@reports_errors
def auth_logout(app_ctx: AppContext) -> None:
    """Remove the stored key from the keyring and from the config file."""
    from vm_tui.config import ENV_API_KEY, config_path, remove_key_from_file
    from vm_tui.keys_store import KeyringUnavailable, delete_key, key_origin

    settings = app_ctx.settings_without_keyring()
    origin = key_origin(settings.base_url)
    removed: list[str] = []
    try:
        if delete_key(settings.base_url):
            removed.append("the system keyring")
    except KeyringUnavailable as error:
        if not error.no_backend:
            warn(f"keyring: {error}")
    path = config_path()
    if remove_key_from_file(path):
        removed.append(f"the config file {path}")
    if not removed:
        fail(f"no stored API key for {origin} (nothing to remove)", EXIT_OTHER)
    click.echo(f"Logged out of {origin}: removed the key from {' and '.join(removed)}.", err=True)
    if os.environ.get(ENV_API_KEY, "").strip():
        warn(f"{ENV_API_KEY} is still set in this environment")


# -- config ----------------------------------------------------------------------------------


@cli.group("config")
def config_group() -> None:
    """The config file: where it is, a commented default, the settings in effect."""


@config_group.command("path")
def config_path_command() -> None:
    """Print the config file's path (VM_TUI_CONFIG overrides it)."""
    from vm_tui.config import config_path

    click.echo(str(config_path()))


@config_group.command("init")
@click.option("--force", is_flag=True, help="Replace an existing config file.")
@reports_errors
def config_init_command(force: bool) -> None:
    """Write a commented default config file (mode 0600); prints its path."""
    from vm_tui.config import config_path, init_config

    path = config_path()
    init_config(path, force=force)
    click.echo(str(path))


@config_group.command("show")
@click.pass_obj
@reports_errors
def config_show_command(app_ctx: AppContext) -> None:
    """Check the config and print the settings in effect (the key masked)."""
    from dataclasses import fields

    from vm_tui.api.auth import mask_key
    from vm_tui.config import config_path, contacts_path, mask_proxy

    settings = app_ctx.settings()
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


def toml_value(value: object) -> str:
    """A TOML value for ``config show`` (plain text stays readable, anything odd is escaped)."""
    from vm_tui.safe_text import is_printable

    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=not is_printable(value))
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return json.dumps(value)


# -- contacts --------------------------------------------------------------------------------


@cli.group("contacts")
def contacts_group() -> None:
    """The local address book: names shown next to numbers (matched in E.164)."""


def open_contacts(app_ctx: AppContext) -> Contacts:
    from vm_tui.config import contacts_path
    from vm_tui.contacts import Contacts

    return Contacts.load(contacts_path(app_ctx.settings_without_keyring()))


region_option = click.option(
    "--region",
    metavar="CC",
    help="Country for numbers written without +country code, e.g. US or GB.",
)


@contacts_group.command("add")
@click.argument("number")
@click.argument("name")
@region_option
@click.pass_obj
@reports_errors
def contacts_add(app_ctx: AppContext, number: str, name: str, region: str | None) -> None:
    """Add NUMBER (international form, e.g. +14155551234) as NAME, or rename it."""
    from vm_tui.contacts import normalise
    from vm_tui.phone import format_number
    from vm_tui.safe_text import one_line

    contacts = open_contacts(app_ctx)
    contacts.add(number, name, default_region=region)
    e164 = normalise(number, region) or number
    shown = contacts.name_for(e164) or one_line(name)
    click.echo(f"Added {shown} {format_number(e164)} to {contacts.path}.", err=True)


@contacts_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
@reports_errors
def contacts_list(app_ctx: AppContext, as_json: bool) -> None:
    """List the contacts, by name."""
    from vm_tui.phone import format_number

    contacts = open_contacts(app_ctx)
    if as_json:
        entries = [{"number": number, "name": name} for number, name in contacts]
        click.echo(dump_json({"contacts": entries}))
        return
    if not len(contacts):
        click.echo(
            "No contacts yet: `vm-tui contacts add NUMBER NAME`, or import a .vcf or .csv file.",
            err=True,
        )
        return
    rows = [(format_number(number), name) for number, name in contacts]
    width = max(len(number) for number, _ in rows)
    click.echo("\n".join(f"{number.ljust(width)}  {name}" for number, name in rows))


@contacts_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@region_option
@click.pass_obj
@reports_errors
def contacts_import(app_ctx: AppContext, file: Path, region: str | None) -> None:
    """Import the numbers of a vCard (.vcf) or CSV (.csv) file.

    CSV: name,number rows (with or without a header), or a Google or Outlook export.
    """
    suffix = file.suffix.lower()
    if suffix not in (".vcf", ".vcard", ".csv"):
        raise click.UsageError(f"{file.name}: expected a .vcf or .csv file")
    contacts = open_contacts(app_ctx)
    if suffix == ".csv":
        count = contacts.import_csv(file, default_region=region)
    else:
        count = contacts.import_vcard(file, default_region=region)
    click.echo(f"Imported {count} numbers from {file} into {contacts.path}.", err=True)
    if contacts.skipped:
        hint = "" if region else " (numbers without +country code need --region)"
        example = contacts.skipped[0]
        warn(f"skipped {len(contacts.skipped)} entries without a usable number{hint}: {example}")
    if count == 0:
        sys.exit(EXIT_OTHER)


# -- shell completion ------------------------------------------------------------------------


@cli.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion_command(shell: str) -> None:
    """Print the shell completion script for SHELL.

    \b
    bash: eval "$(vm-tui completion bash)"    (in ~/.bashrc)
    zsh:  eval "$(vm-tui completion zsh)"     (in ~/.zshrc)
    fish: vm-tui completion fish > ~/.config/fish/completions/vm-tui.fish
    """
    from click.shell_completion import get_completion_class

    completion_class = get_completion_class(shell)
    assert completion_class is not None  # the Choice allows only shells click knows
    script = completion_class(cli, {}, "vm-tui", "_VM_TUI_COMPLETE").source()
    click.echo(script)


def main() -> None:
    cli(prog_name="vm-tui")
