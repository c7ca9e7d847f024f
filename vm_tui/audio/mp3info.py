"""An mp3's sample rate, channels and duration from its headers, without decoding it.

Enough to choose the decode rate (never upsample) and to show a length before a long recording
is decoded: the first frame header, then a Xing/Info or VBRI header when the encoder wrote one
(exact frame count), else the constant-bitrate estimate. Anything else is "not known".
"""

from __future__ import annotations

from dataclasses import dataclass

_BITRATES = {  # kbit/s by (MPEG-1?, index), layer III
    True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_SCAN = 64 * 1024  # bytes searched for the first frame after any ID3 tag


@dataclass(frozen=True, slots=True)
class Mp3Info:
    sample_rate: int
    channels: int
    duration: float  # seconds; an estimate unless ``exact``
    exact: bool


def probe(head: bytes, total_size: int) -> Mp3Info | None:
    """Read ``head`` (the file's first bytes, 64 KB is plenty) of a ``total_size`` byte mp3."""
    start = _skip_id3(head)
    for offset in range(start, min(len(head) - 4, start + _SCAN)):
        if head[offset] != 0xFF or (head[offset + 1] & 0xE0) != 0xE0:
            continue
        info = _frame(head, offset, total_size)
        if info is not None:
            return info
    return None


def _skip_id3(head: bytes) -> int:
    if len(head) >= 10 and head[:3] == b"ID3":
        size = 0
        for byte in head[6:10]:  # "syncsafe": 7 bits a byte
            size = (size << 7) | (byte & 0x7F)
        footer = 10 if head[5] & 0x10 else 0
        return 10 + size + footer
    return 0


def _frame(head: bytes, offset: int, total_size: int) -> Mp3Info | None:
    b1, b2, b3 = head[offset + 1], head[offset + 2], head[offset + 3]
    version = (b1 >> 3) & 0x03  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
    layer = (b1 >> 1) & 0x03  # 1: layer III
    bitrate_index, rate_index = b2 >> 4, (b2 >> 2) & 0x03
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    mpeg1 = version == 3
    rate = _RATES[version][rate_index]
    bitrate = _BITRATES[mpeg1][bitrate_index] * 1000
    channels = 1 if (b3 >> 6) == 3 else 2
    samples_per_frame = 1152 if mpeg1 else 576
    frames = _vbr_frames(head, offset, mpeg1, channels)
    if frames:
        return Mp3Info(rate, channels, frames * samples_per_frame / rate, exact=True)
    audio_bytes = max(total_size - offset, 0)
    return Mp3Info(rate, channels, audio_bytes * 8 / bitrate, exact=False)


def _vbr_frames(head: bytes, offset: int, mpeg1: bool, channels: int) -> int | None:
    side_info = (32 if channels == 2 else 17) if mpeg1 else (17 if channels == 2 else 9)
    xing = offset + 4 + side_info
    if head[xing : xing + 4] in (b"Xing", b"Info") and len(head) >= xing + 12:
        flags = int.from_bytes(head[xing + 4 : xing + 8], "big")
        if flags & 0x01:
            return int.from_bytes(head[xing + 8 : xing + 12], "big") or None
    vbri = offset + 4 + 32
    if head[vbri : vbri + 4] == b"VBRI" and len(head) >= vbri + 18:
        return int.from_bytes(head[vbri + 14 : vbri + 18], "big") or None
    return None
