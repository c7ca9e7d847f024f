"""A recording's loudness envelope: a peak per short block, drawn as one bar per column.

Made once per recording, off the event loop: from the decoded audio of a short recording, or
from a decoding pass that keeps nothing but the peaks for a long one (a 3-hour recording is
216,000 blocks: an array of floats, not 345 MB of audio). The time skip silence would save is
measured in the same pass.
"""

from __future__ import annotations

import warnings
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

from vm_tui.audio.effects import KEPT_PAUSE, LONG_PAUSE, pauses, silence_threshold

with warnings.catch_warnings():  # deprecated on 3.12; audioop-lts provides it on 3.13
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

BLOCK = 0.05  # seconds per peak
BARS = "▁▂▃▄▅▆▇█"


@dataclass
class Envelope:
    """Peaks (0..1) and RMS levels (0..1) of consecutive ``BLOCK``-second blocks."""

    peaks: array[float] = field(default_factory=lambda: array("f"))
    levels: array[float] = field(default_factory=lambda: array("f"))
    complete: bool = False  # the whole recording was measured

    @property
    def duration(self) -> float:
        return len(self.peaks) * BLOCK

    def add(self, pcm: bytes, sample_rate: int) -> None:
        """Measure ``pcm`` (16-bit mono) block by block; a partial last block waits for more."""
        step = max(2, round(BLOCK * sample_rate) * 2)
        for start in range(0, len(pcm) - step + 1, step):
            block = pcm[start : start + step]
            self.peaks.append(audioop.max(block, 2) / 32768)
            self.levels.append(audioop.rms(block, 2) / 32768)

    def columns(self, count: int) -> list[float]:
        """``count`` heights (0..1): the loudest block of each column's stretch, scaled so the
        recording's loudest block is full height."""
        if count <= 0 or not self.peaks:
            return [0.0] * max(count, 0)
        top = max(self.peaks) or 1.0
        blocks = len(self.peaks)
        heights = []
        for column in range(count):
            start = column * blocks // count
            end = max(start + 1, (column + 1) * blocks // count)
            heights.append(max(self.peaks[start:end]) / top)
        return heights

    def saved_by_skipping_silence(self) -> float:
        """Seconds skip silence saves over the whole recording (its pauses and edges)."""
        levels = list(self.levels)
        if not levels:
            return 0.0
        runs = pauses(levels, silence_threshold(levels), BLOCK)
        total = self.duration
        saved = 0.0
        for start, end in runs:
            end = min(end, total)
            if start == 0.0 or end >= total - BLOCK:
                saved += max(end - start - KEPT_PAUSE / 2, 0.0)
            elif end - start > LONG_PAUSE:
                saved += end - start - KEPT_PAUSE
        return saved


def envelope_of(pieces: Iterable[bytes], sample_rate: int) -> Envelope:
    """The envelope of PCM arriving in pieces (carried over between them: blocks stay whole)."""
    envelope = Envelope()
    step = max(2, round(BLOCK * sample_rate) * 2)
    carry = b""
    for piece in pieces:
        data = carry + piece
        whole = len(data) - len(data) % step
        envelope.add(data[:whole], sample_rate)
        carry = data[whole:]
    if carry:
        envelope.add(carry + bytes(step - len(carry)), sample_rate)
    envelope.complete = True
    return envelope


def bars(heights: list[float]) -> str:
    """One block character per height (``▁`` for silence, ``█`` for the loudest)."""
    top = len(BARS) - 1
    return "".join(BARS[min(top, max(0, round(h * top)))] for h in heights)
