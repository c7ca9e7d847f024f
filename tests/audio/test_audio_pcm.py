from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vm_tui.audio import Pcm


def test_properties() -> None:
    pcm = Pcm(bytes(4 * 44100), sample_rate=44100, channels=2)
    assert (pcm.frame_size, pcm.frame_count, pcm.duration) == (4, 44100, 1.0)
    assert "44100 Hz" in repr(pcm) and len(repr(pcm)) < 100


def test_rejects_partial_frames() -> None:
    with pytest.raises(ValueError):
        Pcm(b"\0\0\0", sample_rate=8000, channels=1)


def test_offset_rounds_to_the_nearest_frame() -> None:
    pcm = Pcm(bytes(2 * 44100), sample_rate=44100, channels=1)
    # 0.3 * 44100 == 13229.999...: int() would land one frame early
    assert pcm.offset_bytes(0.3) == 13230 * 2


@given(
    frames=st.integers(0, 5000),
    rate=st.sampled_from([8000, 22050, 44100]),
    channels=st.integers(1, 2),
    seconds=st.one_of(st.floats(-10, 10), st.just(math.inf), st.just(-math.inf), st.just(math.nan)),
)
def test_offset_is_frame_aligned_and_clamped(
    frames: int, rate: int, channels: int, seconds: float
) -> None:
    pcm = Pcm(bytes(frames * channels * 2), sample_rate=rate, channels=channels)
    offset = pcm.offset_bytes(seconds)
    assert 0 <= offset <= len(pcm.data)
    assert offset % pcm.frame_size == 0
    assert pcm.slice_from(seconds) == pcm.data[offset:]


@given(a=st.floats(0, 3), b=st.floats(0, 3))
def test_offset_is_monotonic(a: float, b: float) -> None:
    pcm = Pcm(bytes(2 * 22050 * 2), sample_rate=22050, channels=1)
    if a <= b:
        assert pcm.offset_bytes(a) <= pcm.offset_bytes(b)
