"""``vm-tui demo-server``: the stand-in Phone.inc alone, for trying the scripting commands."""

from __future__ import annotations

import sys

import click

from .errors import reports_errors


@click.command("demo-server")
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
