"""Decode a recording held in memory to PCM simpleaudio accepts (pydub + ffmpeg).

Recordings on disk are decoded a window at a time (``vm_tui.audio.stream``); this whole-file
decode is for audio that could not be written to disk (a full or read-only temp folder).
"""

from __future__ import annotations

import io
import shutil

from vm_tui.audio.errors import DecodeError, FfmpegMissingError
from vm_tui.audio.pcm import Pcm

# simpleaudio refuses other rates on some platforms.
SUPPORTED_RATES = frozenset({8000, 11025, 16000, 22050, 32000, 44100, 48000, 88200, 96000, 192000})

# Naming the decoder makes pydub skip its ffprobe call: 3x faster, and ffprobe is not needed.
# (Passing format= alone does NOT skip ffprobe in pydub 0.25.1.)
_DECODERS = {"mp3": "mp3"}


def ffmpeg_path() -> str | None:
    # Not cached: PATH can change (and tests change it).
    return shutil.which("ffmpeg")


def require_ffmpeg() -> str:
    path = ffmpeg_path()
    if path is None:
        raise FfmpegMissingError()
    return path


def decode(data: bytes, fmt: str = "mp3") -> Pcm:
    """Decode ``data`` to 16-bit PCM with 1-2 channels at a rate simpleaudio accepts."""
    fmt = fmt.lower().lstrip(".")
    # Check first: pydub warns at import and fails cryptically when ffmpeg is missing.
    require_ffmpeg()
    if not data:
        raise DecodeError(f"Not a playable {fmt} recording (it is empty)")
    from pydub import AudioSegment  # lazy: importing pydub spawns `which` lookups

    try:
        seg = AudioSegment.from_file(io.BytesIO(data), format=fmt, codec=_DECODERS.get(fmt))
        if seg.channels > 2:
            seg = seg.set_channels(1)
        if seg.sample_width != 2:
            seg = seg.set_sample_width(2)
        if seg.frame_rate not in SUPPORTED_RATES:
            seg = seg.set_frame_rate(48000 if 48000 % seg.frame_rate == 0 else 44100)
        raw = bytes(seg.raw_data)
    except FileNotFoundError as e:  # ffmpeg vanished between the check and the call
        raise FfmpegMissingError() from e
    except Exception as e:  # pydub raises CouldntDecodeError, but also IndexError etc.
        raise DecodeError(f"Not a playable {fmt} recording (ffmpeg could not decode it)") from e
    if not raw:
        raise DecodeError(f"Not a playable {fmt} recording (no audio in it)")
    return Pcm(raw, sample_rate=seg.frame_rate, channels=seg.channels, sample_width=2)
