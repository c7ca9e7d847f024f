"""``python -m bench.cli_play ARGS...``: run the vm-tui CLI with a stand-in sound device.

The device notes ``time.time()`` of the first PCM handed to it in the file named by
BENCH_PLAY_OUT (stdout and stderr belong to the CLI), and holds a copy of each buffer while it
"plays" it in real time, as simpleaudio holds the one it plays. Otherwise this is `vm-tui`:
the same entry point, settings and player.
"""

from __future__ import annotations

import os
import sys
import time


class Handle:
    def __init__(self, data: bytes, seconds: float) -> None:
        self.data = data
        self.until = time.monotonic() + seconds
        self.stopped = False

    def is_playing(self) -> bool:
        return not self.stopped and time.monotonic() < self.until

    def stop(self) -> None:
        self.stopped = True
        self.data = b""


class Device:
    def __init__(self) -> None:
        self.first = True

    def play(self, data: bytes, channels: int, sample_width: int, sample_rate: int) -> Handle:
        if self.first:
            self.first = False
            with open(os.environ["BENCH_PLAY_OUT"], "w", encoding="utf-8") as out:
                out.write(repr(time.time()))
        copy = bytes(data)  # as SimpleaudioBackend does before simpleaudio copies it again
        return Handle(copy, len(copy) / (channels * sample_width * sample_rate))


def main() -> None:
    import vm_tui.audio.player

    vm_tui.audio.player.SimpleaudioBackend = Device  # type: ignore[misc,assignment]
    sys.argv = ["vm-tui", *sys.argv[1:]]
    from vm_tui.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
