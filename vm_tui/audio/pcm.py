"""Decoded audio as raw interleaved little-endian PCM, the form simpleaudio plays."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pcm:
    data: bytes
    sample_rate: int
    channels: int
    sample_width: int = 2

    def __post_init__(self) -> None:
        if self.sample_rate <= 0 or self.channels <= 0 or self.sample_width <= 0:
            raise ValueError("sample_rate, channels and sample_width must be positive")
        if len(self.data) % self.frame_size:
            raise ValueError("data length is not a whole number of frames")

    def __repr__(self) -> str:  # the default repr would dump megabytes of samples
        return (
            f"Pcm({len(self.data)} bytes, {self.sample_rate} Hz, {self.channels} ch, "
            f"{self.sample_width * 8}-bit, {self.duration:.3f} s)"
        )

    @property
    def frame_size(self) -> int:
        return self.channels * self.sample_width

    @property
    def frame_count(self) -> int:
        return len(self.data) // self.frame_size

    @property
    def duration(self) -> float:
        return self.frame_count / self.sample_rate

    def offset_bytes(self, seconds: float) -> int:
        """Byte offset of the frame at ``seconds``, clamped to [0, len(data)]."""
        if not seconds > 0:  # also catches NaN
            return 0
        if seconds >= self.duration:  # also catches inf, which round() rejects
            return len(self.data)
        # round, not int: 0.3 * 44100 is 13229.999..., which must be frame 13230
        return min(round(seconds * self.sample_rate), self.frame_count) * self.frame_size

    def slice_from(self, seconds: float) -> bytes:
        return self.data[self.offset_bytes(seconds) :]
