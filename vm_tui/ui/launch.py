"""Build the real parts (client, downloader, player, files, demo server) and run the app."""

from __future__ import annotations

import contextlib

from vm_tui.api import PhoneIncClient, RecordingDownloader
from vm_tui.api.auth import key_format_warning
from vm_tui.contacts import Contacts, ContactsError
from vm_tui.local.config import Settings, contacts_path, network_config
from vm_tui.local.files import remove_stale_temp_files
from vm_tui.local.inbox_cache import InboxCache
from vm_tui.local.outbox_journal import OutboxJournal
from vm_tui.local.paths import inbox_cache_path, outbox_path, seen_path, state_dir
from vm_tui.local.seen import SeenFile
from vm_tui.local.ui_state import remember_theme


def launch(settings: Settings, *, demo: bool = False) -> int:
    from vm_tui.audio.alsa import silence_alsa_errors
    from vm_tui.audio.player import Player
    from vm_tui.ui.app import VoicemailApp

    # ALSA prints errors straight to stderr, which would tear Textual's screen.
    silence_alsa_errors()
    with contextlib.ExitStack() as stack:
        base_url, api_key = settings.base_url, settings.api_key
        if demo:
            from vm_tui.demo import DemoServer

            server = stack.enter_context(DemoServer())
            base_url, api_key = server.base_url, server.api_key
        # Proxies and CAs from the environment, then the config file (the demo is loopback:
        # never proxied).
        network = network_config(settings)
        client = PhoneIncClient(api_key, base_url, network=network) if api_key else None
        player = Player()
        stack.callback(player.close)
        warnings = [w for w in [key_format_warning(api_key) if api_key and not demo else None] if w]
        contacts = _load_contacts(settings, warnings)
        # The demo server starts afresh every time: nothing of it is kept on disk.
        remove_stale_temp_files(state_dir())
        seen = None if demo else SeenFile(seen_path())
        app = VoicemailApp(
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
        )
        result = app.run()
        if seen is not None:
            seen.flush()
    return result or app.return_code or 0


def _load_contacts(settings: Settings, warnings: list[str]) -> Contacts | None:
    path = contacts_path(settings)
    try:
        return Contacts.load(path)
    except ContactsError as error:
        warnings.append(f"Contacts not loaded: {error}")
        return None
