"""Options every command takes, before or after its name: ``vm-tui list --base-url URL`` and
``vm-tui --base-url URL list`` do the same. Their values go to the shared ``CliContext``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _store(ctx: click.Context, param: click.Parameter, value: object) -> None:
    from .context import current

    if param.name is not None and not ctx.resilient_parsing:
        current().set_option(param.name, value)


BASE_URL = click.option(
    "--base-url",
    expose_value=False,
    callback=_store,
    help="API base URL (default https://app.phone.inc/api/v1). Env: PHONE_INC_BASE_URL.",
)
API_KEY = click.option(
    "--api-key",
    expose_value=False,
    callback=_store,
    help="API key. Prefer the PHONE_INC_API_KEY environment variable: flags show in `ps`.",
)


def global_options(func: F) -> F:
    """``--base-url`` and ``--api-key`` on a command (the root group has them too)."""
    return BASE_URL(API_KEY(func))


def voicemail_id_argument(func: F) -> F:
    return click.argument("voicemail_id", metavar="ID")(func)


def checked_id(voicemail_id: str) -> str:
    """Reject an id that could reshape the request path before anything is sent."""
    from vm_tui.api.urls import check_id

    check_id(voicemail_id)
    return voicemail_id
