"""Build the real parts (client, downloader, player, files, demo server) and run the app."""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

from vm_tui.api import PhoneIncClient, RecordingDownloader
from vm_tui.api.auth import key_format_warning
from vm_tui.contacts import Contacts, ContactsError
from vm_tui.local.config import ENV_API_KEY, Settings, contacts_path, network_config
from vm_tui.local.files import remove_stale_temp_files
from vm_tui.local.inbox_cache import InboxCache
from vm_tui.local.outbox_journal import OutboxJournal
from vm_tui.local.paths import inbox_cache_path, outbox_path, seen_path, state_dir
from vm_tui.local.seen import SeenFile
from vm_tui.local.ui_state import remember_theme

if TYPE_CHECKING:
    from vm_tui.application.head_start import HeadStart
    from vm_tui.ui.app import VoicemailApp


def launch(settings: Settings, *, demo: bool = False, head_start: HeadStart | None = None) -> int:
    """Run the inbox until it quits (``q``, Ctrl+C, a signal); the process's exit status."""
    from vm_tui.audio.alsa import silence_alsa_errors
    from vm_tui.audio.track import SHARED_CACHE

    forget_key_in_environment()
    SHARED_CACHE.budget = int(settings.audio_cache_mb * 1024 * 1024)
    # ALSA prints errors straight to stderr, which would tear Textual's screen.
    silence_alsa_errors()
    with contextlib.ExitStack() as stack:
        app = build_app(settings, stack, demo=demo, head_start=head_start)
        app.run()
    return app.exit_status


def build_app(
    settings: Settings,
    stack: contextlib.ExitStack,
    *,
    demo: bool = False,
    head_start: HeadStart | None = None,
) -> VoicemailApp:
    """The app with its real parts (closed by ``stack``): client, player, journal, cache..."""
    from vm_tui.audio.player import Player
    from vm_tui.ui.app import VoicemailApp

    base_url, api_key = settings.base_url, settings.api_key
    if demo:
        from vm_tui.demo import DemoServer

        server = stack.enter_context(DemoServer())
        base_url, api_key = server.base_url, server.api_key
    # Proxies and CAs from the environment, then the config file (the demo is loopback:
    # never proxied).
    network = network_config(settings)
    client = PhoneIncClient(api_key, base_url, network=network) if api_key else None
    if demo or client is None:
        head_start = None  # it asked another origin (or nobody)
    player = Player()
    stack.callback(player.close)
    warnings = [w for w in [key_format_warning(api_key) if api_key and not demo else None] if w]
    contacts = _load_contacts(settings, warnings)
    # What an interrupted write of an earlier run left behind.
    remove_stale_temp_files(state_dir())
    # The demo server starts afresh every time: nothing of it is kept on disk.
    seen = None if demo else SeenFile(seen_path())
    if seen is not None:
        stack.callback(seen.flush)  # after the app, before the player closes
    return VoicemailApp(
        client=client,
        downloader=RecordingDownloader(network=network),
        player=player,
        settings=settings,
        startup_warnings=warnings,
        journal=OutboxJournal(None if demo else outbox_path()),
        cache=InboxCache(inbox_cache_path()) if settings.cache and not demo else None,
        seen=seen,
        contacts=contacts,
        remember_theme=remember_theme,
        handle_signals=True,
        head_start=head_start,
    )


def start_first_inbox(settings: Settings) -> HeadStart | None:
    """Ask for the first inbox now, before the UI is imported (see HeadStart)."""
    from vm_tui.application.head_start import HeadStart

    api_key = settings.api_key
    if not api_key:
        return None
    network = network_config(settings)
    return HeadStart(lambda: PhoneIncClient(api_key, settings.base_url, network=network)).start()


def forget_key_in_environment() -> None:
    """The key has been read: no child (ffmpeg, the notify or call command) may inherit it."""
    os.environ.pop(ENV_API_KEY, None)


def _load_contacts(settings: Settings, warnings: list[str]) -> Contacts | None:
    path = contacts_path(settings)
    try:
        return Contacts.load(path)
    except ContactsError as error:
        warnings.append(f"Contacts not loaded: {error}")
        return None
