"""The application layer: what the inbox does, with no Textual in it.

Shared by the TUI (``vm_tui.ui``) and the command line (``vm_tui.cli``). Everything here runs on
one asyncio loop and tells its face what changed through ``AppEvent`` values (``events.py``);
blocking work (ffmpeg, simpleaudio, file writes) runs in threads and comes back to the loop.
"""
