"""Make the README's screenshot: the demo inbox, a voicemail playing with its waveform.

    .venv/bin/python assets/make_screenshot.py   # writes assets/screenshot.svg and .png

The real app against the embedded demo server, headless at 120x36, in fresh state folders; the
sound goes to a silent backend that plays in real time (so the playhead moves as it would), and
the picture is taken 40% into the longest of the first recordings.
The PNG needs ``rsvg-convert`` (librsvg2-bin).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

SIZE = (120, 36)
PLAYED_PART = 0.4  # of the recording, played when the picture is taken


async def take(svg: Path) -> None:
    from bench.harness import build_app, loaded, wait_until
    from bench.recording_backend import RecordingBackend
    from vm_tui.audio.player import Player, PlayerState
    from vm_tui.demo import DemoServer
    from vm_tui.ui.widgets.voicemail_list import VoicemailList

    with DemoServer(new_every=None, fill_in_after=None) as server:
        player = Player(backend=RecordingBackend())
        app = build_app(server.base_url, server.api_key, player=player)
        try:
            async with app.run_test(size=SIZE) as pilot:
                await loaded(app)
                vm_list = app.query_one(VoicemailList)
                library = app.service.library
                # The longest of the first rows' recordings: its waveform says the most.
                longest, seconds = "", 0.0
                for vm_id in vm_list.ids[:8]:
                    vm = app.service.state.get(vm_id)
                    if vm is None or not vm.recording_ready:
                        continue
                    vm_list.select(vm_id)
                    await wait_until(lambda i=vm_id: library.cached(i) is not None, 30, vm_id)
                    if library.durations.get(vm_id, 0.0) > seconds:
                        longest, seconds = vm_id, library.durations[vm_id]
                vm_list.select(longest)
                await pilot.press("enter")
                await wait_until(lambda: player.state is PlayerState.PLAYING, 10, "playback")
                await asyncio.sleep(seconds * PLAYED_PART)
                app.save_screenshot(filename=svg.name, path=str(svg.parent))
                await pilot.press("x")
        finally:
            player.close()


def main() -> int:
    svg = HERE / "screenshot.svg"
    with tempfile.TemporaryDirectory() as home:
        for name in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            os.environ[name] = str(Path(home) / name.lower())
        asyncio.run(take(svg))
    converter = shutil.which("rsvg-convert")
    if converter is None:
        print(f"wrote {svg}; install librsvg2-bin for the PNG", file=sys.stderr)
        return 1
    # librsvg drops the leading spaces of a text span (the gap before a column) unless told.
    spaced = svg.read_text().replace("<svg ", '<svg xml:space="preserve" ', 1)
    subprocess.run(
        [converter, "-z", "1.25", "-o", str(HERE / "screenshot.png")],
        input=spaced.encode(),
        check=True,
    )
    print(f"wrote {svg} and {HERE / 'screenshot.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
