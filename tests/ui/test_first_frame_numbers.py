"""The first frame does not wait for the phone number formatter (~30 ms to import): its numbers
are shown as given, and formatted right after it. In a fresh process, as a user's vm-tui starts
(this one has long imported the formatter)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.cli.cli_helpers import REPO_ROOT
from vm_tui.demo import DemoServer

PROBE = textwrap.dedent(
    """
    import asyncio, json, sys, time
    from vm_tui.api import PhoneIncClient
    from vm_tui.application.head_start import HeadStart
    from vm_tui.ui.app import VoicemailApp
    from vm_tui.ui.widgets.voicemail_list import VoicemailList

    first_row = {}
    render_row = VoicemailList._render_row
    display = VoicemailApp._display

    def noting_rows(self, vm, *args):
        first_row.setdefault("caller", vm.caller)
        return render_row(self, vm, *args)

    def noting_frames(self, screen, renderable):
        display(self, screen, renderable)
        if renderable is not None and "caller" in first_row:  # the first frame with rows
            first_row.setdefault("loaded", "phonenumbers" in sys.modules)

    VoicemailList._render_row = noting_rows
    VoicemailApp._display = noting_frames

    async def main(base_url, key):
        # As vm-tui starts: the first inbox has arrived while the UI was built.
        head_start = HeadStart(lambda: PhoneIncClient(key, base_url)).start()
        while not head_start._future.done():
            time.sleep(0.01)
        app = VoicemailApp(client=PhoneIncClient(key, base_url), head_start=head_start)
        async with app.run_test(size=(120, 36)) as pilot:
            for _ in range(25):
                await pilot.pause(0.02)
            text = "\\n".join(s.text for s in app.screen._compositor.render_strips())
        print(json.dumps({**first_row, "screen": text}))

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


def test_numbers_are_formatted_right_after_the_first_frame(fixed_server: DemoServer) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, fixed_server.base_url, fixed_server.api_key],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout.splitlines()[-1])
    assert answer["loaded"] is False  # the first frame with rows was out before the formatter
    from vm_tui.text.phone import format_number

    formatted = format_number(answer["caller"])
    assert formatted != answer["caller"]
    # Repainted since: the list row and the detail pane show it formatted, never as given.
    assert answer["screen"].count(formatted) >= 2
    assert answer["caller"] not in answer["screen"]
