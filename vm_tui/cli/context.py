"""What every command shares: the options given (before or after the command), the settings,
the redactor, and a client to run async work with. Held on click's context, never global."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import replace
from types import FrameType
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

import click

from .errors import EXIT_AUTH, Redactor

if TYPE_CHECKING:
    from vm_tui.api import PhoneIncClient
    from vm_tui.local.config import Settings

T = TypeVar("T")

KEY_SOURCE_HINTS = {
    "flag": "the --api-key value",
    "config file": "api_key in the config file",
    "keyring": "the key saved by `vm-tui auth login`",
}


class CliContext:
    def __init__(self) -> None:
        self.base_url: str | None = None
        self.api_key: str | None = None
        self.cache: bool | None = None
        self.redactor = Redactor()
        self._settings: Settings | None = None
        self._environ: dict[str, str] | None = None
        self._key_checked = False
        self._warned_flag = False

    # -- options given before or after the command --------------------------------------------

    def set_option(self, name: str, value: object) -> None:
        """A global option's value (later ones win: `vm-tui list --base-url X` as well as
        `vm-tui --base-url X list`)."""
        if value is None or value is False:
            return
        if name == "base_url":
            self.base_url = str(value)
        elif name == "api_key":
            self.api_key = str(value)
            self.redactor.add(self.api_key)
            if not self._warned_flag:
                self._warned_flag = True
                self.warn(
                    "--api-key is visible to other users in the process list; "
                    "prefer the PHONE_INC_API_KEY environment variable"
                )
        elif name == "no_cache":
            self.cache = False
        self._settings = None

    # -- settings -----------------------------------------------------------------------------

    def settings(self, *, use_keyring: bool = True, **flags: Any) -> Settings:
        """Flags > env > config file > keyring (imported only when nothing earlier has a key).

        The first call takes the key out of this process's environment (see ``environment``):
        no child vm-tui starts (ffmpeg, the notify or call command) inherits it.
        """
        from vm_tui.local.config import load_settings

        if self._settings is None or flags or not use_keyring:
            settings = load_settings(
                base_url=self.base_url,
                api_key=self.api_key,
                cache=self.cache,
                environ=self.environment(),
                use_keyring=use_keyring,
                use_state=True,
                **flags,
            )
            if settings.api_key:
                self.redactor.add(settings.api_key)
            if flags or not use_keyring:
                return settings
            self._settings = settings
        return self._settings

    def environment(self) -> dict[str, str]:
        """The environment as this command started, key included; ``os.environ`` no longer
        holds the key once this was first called."""
        if self._environ is None:
            from vm_tui.local.config import ENV_API_KEY

            self._environ = dict(os.environ)
            os.environ.pop(ENV_API_KEY, None)
            self.redactor.add(self._environ.get(ENV_API_KEY))
        return self._environ

    def key_source_hint(self) -> str:
        source = self._settings.api_key_source if self._settings is not None else "env"
        return KEY_SOURCE_HINTS.get(source, "PHONE_INC_API_KEY")

    def checked_settings(self) -> Settings:
        """Settings with a usable key, or exit 3 with a hint (the key itself is never shown)."""
        settings = self.settings()
        key = settings.api_key
        if not key:
            self.fail(
                "no API key: run `vm-tui auth login` or set PHONE_INC_API_KEY "
                "(or run `vm-tui --demo` to try the demo)",
                EXIT_AUTH,
            )
        if not self._key_checked:
            self._key_checked = True
            self.check_key(key)
        return settings

    def check_key(self, key: str, *, then: str = "") -> None:
        """The one key check: exit 3 if it cannot go into a header; warn if it looks odd."""
        from vm_tui.api.auth import key_format_warning, key_is_sendable

        if not key_is_sendable(key):
            where = then or f"check {self.key_source_hint()}"
            self.fail(
                "the API key contains spaces, control or non-ASCII characters; "
                f"{where} (a Phone.inc key looks like phk_…)",
                EXIT_AUTH,
            )
        warning = key_format_warning(key)
        if warning:
            self.warn(warning)

    # -- running ------------------------------------------------------------------------------

    def run(
        self,
        work: Callable[[PhoneIncClient], Coroutine[Any, Any, T]],
        *,
        key: str | None = None,
    ) -> T:
        """Run ``work`` with a client for the settings (or for ``key``), closed afterwards."""
        if key is None:
            settings = self.checked_settings()
        else:
            settings = replace(self.settings(use_keyring=False), api_key=key)
        with signals_interrupt():
            return asyncio.run(_set_aside(with_client(settings, work))).value

    # -- saying things ------------------------------------------------------------------------

    def fail(self, message: str, code: int) -> NoReturn:
        from vm_tui.text.safe import one_line

        click.echo(f"vm-tui: {one_line(self.redactor(message))}", err=True)
        raise SystemExit(code)

    def warn(self, message: str) -> None:
        from vm_tui.text.safe import one_line

        click.echo(f"vm-tui: warning: {one_line(self.redactor(message))}", err=True)

    def say(self, message: str) -> None:
        """Progress and confirmations, on stderr (stdout is for what scripts read)."""
        click.echo(self.redactor(message), err=True)


class _Result(Generic[T]):
    """The work's result, kept where asyncio will not print it. Leaving ``asyncio.run`` puts
    the old SIGINT handler back, and Python 3.11's ``signal`` then formats the repr of the
    handler it replaced, which holds the main task and so its result: for an inbox of 10,000
    that was a repr of every voicemail (~170 ms, and a string as long as the whole inbox)."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<result>"


async def _set_aside(work: Coroutine[Any, Any, T]) -> _Result[T]:
    return _Result(await work)


async def with_client(
    settings: Settings, work: Callable[[PhoneIncClient], Coroutine[Any, Any, T]]
) -> T:
    from vm_tui.api import PhoneIncClient
    from vm_tui.local.config import network_config

    assert settings.api_key is not None
    network = network_config(settings)  # proxies and CAs: env, then the config file
    async with PhoneIncClient(settings.api_key, settings.base_url, network=network) as client:
        return await work(client)


@contextlib.contextmanager
def signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP stop the work as Ctrl-C does (``play`` stops the sound and marks
    nothing), and the command exits 128 + the signal (143, 129) instead of 130.

    Each is handed to whatever handles SIGINT now: while ``asyncio.run`` runs, its handler
    cancels the main task, so every ``finally`` of the work runs before KeyboardInterrupt.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    from vm_tui.application.signals import detach_from_terminal, status_for_signal, terminal_gone

    received: list[int] = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        if terminal_gone():  # SIGHUP after the terminal closed: writing to it would fail
            detach_from_terminal()
        on_sigint = signal.getsignal(signal.SIGINT)
        if callable(on_sigint) and on_sigint is not interrupt:
            on_sigint(signal.SIGINT, frame)
        else:
            raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, interrupt) for signum in _TERMINATING}
    try:
        yield
    except KeyboardInterrupt:
        if not received:
            raise  # Ctrl-C itself: 130, as errors.reports_errors says
        if sys.stderr.isatty():
            click.echo("", err=True)  # end the progress line
        raise SystemExit(status_for_signal(received[0])) from None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


_TERMINATING = (signal.SIGTERM, signal.SIGHUP)


def current() -> CliContext:
    """The CliContext of the command running now."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(CliContext) if ctx is not None else None
    if found is None:  # a command called outside the root group (tests)
        found = CliContext()
        if ctx is not None:
            ctx.obj = found
    return found
