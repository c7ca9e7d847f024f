"""``vm-tui`` with no command: the inbox (``--demo``: against the embedded demo server)."""

from __future__ import annotations

import sys

from .context import current
from .errors import reports_errors


@reports_errors
def run_tui(*, demo: bool, poll_interval: float | None) -> None:
    from vm_tui import startup

    startup.begin()  # before the UI is imported: see vm_tui.startup
    from vm_tui.local.config import network_config
    from vm_tui.ui.launch import launch, start_first_inbox

    ctx = current()
    settings = ctx.settings(
        poll_interval=poll_interval,
        use_keyring=not demo,  # the demo brings its own key
    )
    https = not demo and settings.base_url.startswith("https:")
    startup.preload_trust(network_config(settings).trust, https=https)
    head_start = None
    if settings.api_key and not demo:
        ctx.check_key(settings.api_key)
        head_start = start_first_inbox(settings)  # its request overlaps building the UI
    sys.exit(launch(settings, demo=demo, head_start=head_start))
