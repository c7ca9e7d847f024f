"""Exit codes, and one line on stderr for every failure: never a traceback, never the key."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import click

if TYPE_CHECKING:
    from vm_tui.api import ApiError

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_NETWORK = 5  # the network, or anything a server does (5xx, 429, a body we cannot use)
EXIT_INTERRUPTED = 130

P = ParamSpec("P")
T = TypeVar("T")


class CliError(Exception):
    """An expected failure with its message and exit code."""

    def __init__(self, message: str, code: int = EXIT_OTHER) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class Redactor:
    """The keys this process has seen: masked out of everything it prints, whatever the origin."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def add(self, secret: str | None) -> None:
        if secret and len(secret.strip()) >= 4:
            self._secrets.add(secret.strip())

    def __call__(self, message: str) -> str:
        from vm_tui.api.auth import mask_key

        for secret in sorted(self._secrets, key=len, reverse=True):
            message = message.replace(secret, mask_key(secret))
        return message


def exit_code_for(error: BaseException) -> int:
    from vm_tui.api import (
        AuthError,
        ConfigError,
        ForbiddenError,
        NotFoundError,
        RecordingProcessingError,
    )

    if isinstance(error, RecordingProcessingError):
        return EXIT_OTHER  # nothing went wrong: it is not ready yet
    if isinstance(error, AuthError | ForbiddenError):
        return EXIT_AUTH
    if isinstance(error, NotFoundError):
        return EXIT_NOT_FOUND
    if isinstance(error, ConfigError):
        return EXIT_USAGE
    return EXIT_NETWORK  # whatever else a server did: down, slow, refusing, or nonsense


def describe_api_error(error: ApiError, key_source_hint: str) -> str:
    if error.status == 401:
        return f"API key rejected: {error} (check {key_source_hint})"
    if error.status == 403:
        return f"not allowed: {error}"
    return str(error)


def reports_errors(func: Callable[P, T]) -> Callable[P, T]:
    """One clear line and an exit code for every error we expect; nothing else escapes."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        from vm_tui.api import ApiError
        from vm_tui.audio.errors import AudioError
        from vm_tui.cli.context import current
        from vm_tui.local.files import LocalFileError

        try:
            return func(*args, **kwargs)
        except (click.exceptions.ClickException, click.exceptions.Abort, click.exceptions.Exit):
            raise  # click reports these itself (usage errors exit 2)
        except CliError as error:
            current().fail(error.message, error.code)
        except ApiError as error:
            ctx = current()
            ctx.fail(describe_api_error(error, ctx.key_source_hint()), exit_code_for(error))
        except KeyboardInterrupt:
            if sys.stderr.isatty():
                click.echo("", err=True)  # end the line the terminal's ^C echo left open
            sys.exit(EXIT_INTERRUPTED)
        except AudioError as error:
            current().fail(str(error), EXIT_OTHER)
        except BrokenPipeError:
            raise  # `vm-tui list | head`: click silences it
        except LocalFileError as error:  # config, contacts, outbox, a saved file: names the file
            current().fail(str(error), EXIT_OTHER)
        except OSError as error:
            current().fail(local_error_message(error), EXIT_OTHER)
        except Exception as error:
            # A bug of ours: still one line, never a traceback (VM_TUI_DEBUG=1 shows it).
            if os.environ.get("VM_TUI_DEBUG"):
                raise
            if from_server_data(error):
                # JSON too deep, a date past the calendar, a lone surrogate: the API layer turns
                # each into an ApiError; should one slip past it, it is still the server's.
                current().fail(
                    f"could not use what the server sent ({one_line_of(error)})", EXIT_NETWORK
                )
            current().fail(
                f"unexpected error ({type(error).__name__}: {error}); please report it", 1
            )

    return wrapper


def from_server_data(error: BaseException) -> bool:
    """A RecursionError, an OverflowError from a date, or a UnicodeEncodeError of a lone
    surrogate: nothing this program's own text or a local file produces."""
    if isinstance(error, UnicodeEncodeError):
        return error.reason == "surrogates not allowed"
    return isinstance(error, RecursionError | OverflowError)


def one_line_of(error: BaseException) -> str:
    from vm_tui.text.safe import one_line

    return one_line(f"{type(error).__name__}: {error}", 120)


def local_error_message(error: OSError) -> str:
    """An operating system error, naming the file when there is one."""
    from vm_tui.local.files import describe_os_error

    if error.filename:
        return f"{error.filename}: {describe_os_error(error)}"
    return describe_os_error(error)
