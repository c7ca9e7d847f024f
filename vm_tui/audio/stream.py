"""Decode part of a recording file to PCM with an ffmpeg process this module owns.

pydub's ``from_file`` reads all of ffmpeg's output at once and seeks by decoding from the start
(its ``-ss`` comes after ``-i``), which for a 3-hour recording means gigabytes and a minute
before the first sound. Here ffmpeg seeks in the input (``-ss`` before ``-i``), decodes only
the window asked for, as mono 16-bit at no more than 16 kHz (telephone audio is 8 kHz; nothing
is ever upsampled), and is killed the moment its caller gives up (``Decoding.cancel``).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from vm_tui.audio.decode import SUPPORTED_RATES, require_ffmpeg
from vm_tui.audio.errors import DecodeError, FfmpegMissingError

MAX_RATE = 16_000
READ_SIZE = 64 * 1024
BACKGROUND_NICENESS = 10  # on two cores, a 3-hour waveform pass must not slow Enter
# A background reader sleeps this long after handing over each piece. The waveform pass runs
# Python (the peaks) on piece after piece, and CPython gives the GIL to a thread waiting for
# it only after 5 ms (the switch interval) while the holder keeps busy: the player's thread
# started Enter's sound up to 5 ms late behind it. With the pause it waits for one piece.
BACKGROUND_PAUSE = 0.0002
_PRIVATE_ENV = ("PHONE_INC_API_KEY",)


def decode_rate(source_rate: int | None) -> int:
    """The rate to decode at: the source's, capped at 16 kHz, rounded down to one simpleaudio
    plays everywhere."""
    ceiling = min(source_rate or MAX_RATE, MAX_RATE)
    return max((r for r in SUPPORTED_RATES if r <= ceiling), default=8000)


class Decoding:
    """One ffmpeg process decoding ``[start, start + duration)`` of ``path``."""

    def __init__(
        self,
        path: Path,
        *,
        rate: int,
        start: float = 0.0,
        duration: float | None = None,
        background: bool = False,
    ) -> None:
        command = [
            require_ffmpeg(),
            *("-hide_banner", "-nostdin", "-loglevel", "error"),
            *(("-ss", f"{start:.3f}") if start > 0 else ()),
            *("-i", str(path)),
            *(("-t", f"{duration:.3f}") if duration is not None else ()),
            *("-map", "0:a:0", "-ac", "1", "-ar", str(rate), "-f", "s16le"),
            # Written in 32 KB blocks, not one write per decoded frame (~400 bytes at 8 kHz):
            # the reader woke for each, and each wake took the GIL back from the event loop.
            # A 3-hour waveform pass cost the reading thread 2.1-2.5 s of CPU, now 0.65 s.
            *("-flush_packets", "0", "pipe:1"),
        ]
        env = {k: v for k, v in os.environ.items() if k not in _PRIVATE_ENV}
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
        except FileNotFoundError as error:
            raise FfmpegMissingError() from error
        self.background = background
        if background:  # a prefetch or the waveform's pass: what is played now comes first
            with contextlib.suppress(OSError, AttributeError):
                os.setpriority(os.PRIO_PROCESS, self._process.pid, BACKGROUND_NICENESS)
        self.rate = rate
        self._cancelled = threading.Event()
        # Drained beside stdout: a damaged file makes ffmpeg complain per frame, and a full
        # stderr pipe would stop it (and us) for good.
        self._stderr = b""
        self._stderr_reader = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_reader.start()

    def _drain_stderr(self) -> None:
        pipe = self._process.stderr
        if pipe is None:
            return
        with contextlib.suppress(OSError, ValueError):
            for line in pipe:
                self._stderr = (self._stderr + line)[-2000:]

    @property
    def pid(self) -> int:
        return self._process.pid

    def chunks(self) -> Iterator[bytes]:
        """The PCM as it comes (whole frames); DecodeError if ffmpeg fails, nothing if cancelled."""
        stdout = self._process.stdout
        assert stdout is not None
        carry = b""
        try:
            while True:
                data = stdout.read(READ_SIZE)
                if not data:
                    break
                data = carry + data
                cut = len(data) - len(data) % 2
                carry = data[cut:]
                if cut:
                    yield data[:cut]
                    if self.background:
                        time.sleep(BACKGROUND_PAUSE)
        finally:
            code = self._finish()
        if self._cancelled.is_set():
            return
        if code != 0:
            raise DecodeError("Not a playable mp3 recording (ffmpeg could not decode it)")

    def read_all(self) -> bytes:
        return b"".join(self.chunks())

    def cancel(self) -> None:
        """Kill ffmpeg (from any thread); the reader then stops without an error."""
        self._cancelled.set()
        with contextlib.suppress(ProcessLookupError, OSError):
            self._process.kill()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _finish(self) -> int:
        process = self._process
        if process.poll() is None and self._cancelled.is_set():
            with contextlib.suppress(ProcessLookupError, OSError):
                process.kill()
        code = process.wait()
        self._stderr_reader.join(timeout=5)
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        return code
