"""How a recording is rendered for listening: speed (pitch kept), skip silence, voice boost.

- Skip silence shortens every pause longer than ``LONG_PAUSE`` to ``KEPT_PAUSE`` and trims the
  silence before the first word and after the last, and returns a time map from the rendered
  audio back to the recording, so positions, seeking and the waveform stay in the recording's
  own timeline (vm-tui's own pass over the PCM: ffmpeg's silenceremove gives no map).
- Voice boost levels loudness for speech with ffmpeg's ``dynaudnorm`` (a peak target below full
  scale: nothing clips), so a caller who mumbled into a speakerphone is as easy to hear.
- Speed is ffmpeg's ``atempo`` (pydub ignores filter parameters, so ffmpeg runs directly).

Both filters go through one ffmpeg process per piece of audio.
"""

from __future__ import annotations

import math
import os
import subprocess
import warnings
from dataclasses import dataclass

from vm_tui.audio.decode import require_ffmpeg
from vm_tui.audio.errors import DecodeError, FfmpegMissingError
from vm_tui.audio.pcm import Pcm

LONG_PAUSE = 0.5  # seconds of silence that count as a pause to shorten
KEPT_PAUSE = 0.25  # what is left of it
FRAME = 0.02  # seconds per loudness measurement
SILENCE_FLOOR = 10 ** (-50 / 20)  # -50 dBFS: quieter is silence whatever else
MIN_SPEED, MAX_SPEED = 0.5, 2.0
BOOST = "dynaudnorm=f=150:g=15:p=0.9:m=30:s=0"  # peak 0.9 (no clipping), up to 30x quieter
_PRIVATE_ENV = ("PHONE_INC_API_KEY",)

with warnings.catch_warnings():  # deprecated on 3.12; audioop-lts provides it on 3.13
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop


@dataclass(frozen=True, slots=True)
class Rendering:
    """One way of listening; part of the key of every cached rendering."""

    speed: float = 1.0
    skip_silence: bool = False
    voice_boost: bool = False


@dataclass(frozen=True, slots=True)
class Span:
    """``length`` seconds of the recording from ``recording_at`` play from ``played_at`` (in the
    rendered audio at 1x)."""

    played_at: float
    recording_at: float
    length: float


class TimeMap:
    """Rendered time (at 1x) to recording time and back, for audio with pauses cut out."""

    def __init__(self, spans: tuple[Span, ...], recording_length: float) -> None:
        self.spans = spans
        self.recording_length = recording_length

    @classmethod
    def identity(cls, length: float) -> TimeMap:
        return cls((Span(0.0, 0.0, length),), length)

    @property
    def played_length(self) -> float:
        last = self.spans[-1] if self.spans else None
        return last.played_at + last.length if last else 0.0

    @property
    def saved(self) -> float:
        """Seconds skip silence saves."""
        return max(self.recording_length - self.played_length, 0.0)

    def to_recording(self, played: float) -> float:
        for span in self.spans:
            if played < span.played_at + span.length:
                return span.recording_at + max(played - span.played_at, 0.0)
        return self.recording_length

    def to_played(self, recording: float) -> float:
        """Where ``recording`` time is heard; inside a cut pause, where the pause is heard."""
        for span in self.spans:
            if recording < span.recording_at + span.length:
                return span.played_at + max(recording - span.recording_at, 0.0)
        return self.played_length


def frame_levels(pcm: Pcm, frame: float = FRAME) -> list[float]:
    """RMS level (0..1) of each ``frame`` seconds of 16-bit ``pcm``."""
    step = max(1, round(frame * pcm.sample_rate)) * pcm.frame_size
    data = pcm.data
    return [audioop.rms(data[i : i + step], 2) / 32768 for i in range(0, len(data), step)]


def silence_threshold(levels: list[float]) -> float:
    """Quieter than this is silence: well above the noise floor, well below the speech."""
    if not levels:
        return SILENCE_FLOOR
    ordered = sorted(levels)
    floor = ordered[len(ordered) // 10]
    loud = ordered[min(len(ordered) - 1, (len(ordered) * 9) // 10)]
    return max(SILENCE_FLOOR, min(floor * 4, loud / 8))


def pauses(
    levels: list[float], threshold: float, frame: float = FRAME
) -> list[tuple[float, float]]:
    """``(start, end)`` in seconds of every run of silent frames."""
    runs: list[tuple[float, float]] = []
    start: int | None = None
    for index, level in enumerate([*levels, math.inf]):
        if level < threshold:
            if start is None:
                start = index
        elif start is not None:
            runs.append((start * frame, index * frame))
            start = None
    return runs


def silence_map(
    pcm: Pcm, *, at_start: bool, at_end: bool, threshold: float | None = None
) -> TimeMap:
    """What skip silence keeps of ``pcm``: long pauses shortened, the edges of the recording
    (``at_start``, ``at_end``: this piece begins or ends it) trimmed."""
    levels = frame_levels(pcm)
    length = pcm.duration
    limit = silence_threshold(levels) if threshold is None else threshold
    cuts: list[tuple[float, float]] = []  # (from, to) removed, in recording time
    for start, end in pauses(levels, limit):
        end = min(end, length)
        if at_start and start == 0.0:
            cuts.append((0.0, max(end - KEPT_PAUSE / 2, 0.0)))
        elif at_end and end >= length - FRAME:
            cuts.append((min(start + KEPT_PAUSE / 2, length), length))
        elif end - start > LONG_PAUSE:
            cuts.append((start + KEPT_PAUSE / 2, end - KEPT_PAUSE / 2))
    spans: list[Span] = []
    played = kept_from = 0.0
    for cut_from, cut_to in cuts:
        if cut_from > kept_from:
            spans.append(Span(played, kept_from, cut_from - kept_from))
            played += cut_from - kept_from
        kept_from = max(kept_from, cut_to)
    if length > kept_from:
        spans.append(Span(played, kept_from, length - kept_from))
    return TimeMap(tuple(spans), length)


def cut(pcm: Pcm, time_map: TimeMap) -> Pcm:
    """The parts of ``pcm`` the map keeps, one after the other."""
    if len(time_map.spans) == 1 and time_map.saved == 0.0:
        return pcm
    pieces = []
    for span in time_map.spans:
        start = pcm.offset_bytes(span.recording_at)
        pieces.append(pcm.data[start : pcm.offset_bytes(span.recording_at + span.length)])
    return Pcm(b"".join(pieces), pcm.sample_rate, pcm.channels, pcm.sample_width)


def filters(speed: float, voice_boost: bool) -> list[str]:
    chain = [BOOST] if voice_boost else []
    if speed != 1.0:
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise ValueError(f"speed must be between {MIN_SPEED} and {MAX_SPEED}, got {speed}")
        chain.append(f"atempo={speed:.6g}")
    return chain


def apply_filters(pcm: Pcm, speed: float = 1.0, voice_boost: bool = False) -> Pcm:
    """``pcm`` through ffmpeg's boost and tempo filters (nothing to do: ``pcm`` itself)."""
    chain = filters(speed, voice_boost)
    if not chain:
        return pcm
    if pcm.sample_width != 2:
        raise ValueError("effects need 16-bit PCM")
    raw = ["-f", "s16le", "-ar", str(pcm.sample_rate), "-ac", str(pcm.channels)]
    command = [
        require_ffmpeg(),
        *("-hide_banner", "-nostdin", "-loglevel", "error"),
        *raw,
        *("-i", "pipe:0", "-filter:a", ",".join(chain)),
        *raw,
        "pipe:1",
    ]
    env = {k: v for k, v in os.environ.items() if k not in _PRIVATE_ENV}
    try:
        proc = subprocess.run(command, input=pcm.data, capture_output=True, check=False, env=env)
    except FileNotFoundError as error:
        raise FfmpegMissingError() from error
    if proc.returncode != 0:
        detail = proc.stderr.decode(errors="replace").strip().splitlines()
        raise DecodeError(f"ffmpeg could not render the audio: {detail[-1] if detail else '?'}")
    out = proc.stdout
    return Pcm(out[: len(out) - len(out) % pcm.frame_size], pcm.sample_rate, pcm.channels, 2)


def change_speed(pcm: Pcm, speed: float) -> Pcm:
    """Play ``pcm`` ``speed`` times faster without changing its pitch (ffmpeg ``atempo``)."""
    return apply_filters(pcm, speed=speed)
