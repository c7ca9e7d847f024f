"""While a playback starts, background decodes wait between pieces; foreground ones never do."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tests.audio.audio_helpers import FakeBackend, ramp_pcm
from vm_tui.audio.player import Player
from vm_tui.audio.start_gate import HOLD, START_GATE, StartGate
from vm_tui.audio.stream import Decoding


def wait_for(predicate: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


def test_a_background_decode_waits_while_a_playback_starts(half_hour_mp3: Path) -> None:
    pieces: list[int] = []
    decoding = Decoding(half_hour_mp3, rate=8000, background=True)

    def read() -> None:
        for piece in decoding.chunks():
            pieces.append(len(piece))

    START_GATE.close()
    reader = threading.Thread(target=read, daemon=True)
    try:
        reader.start()
        time.sleep(HOLD / 3)
        assert pieces == []  # ffmpeg has had time for several pieces: the reader holds back
        # A decode for what plays now is not held back.
        played = Decoding(half_hour_mp3, rate=8000, duration=0.5)
        assert len(played.read_all()) == 8000  # 0.5 s of 16-bit mono at 8 kHz
        START_GATE.open()
        wait_for(lambda: len(pieces) > 3)
    finally:
        START_GATE.open()
        decoding.cancel()
        reader.join(5)


def test_a_start_that_never_reports_back_holds_the_pass_for_at_most_hold() -> None:
    gate = StartGate(hold=0.05)
    gate.close()
    began = time.monotonic()
    gate.wait()
    assert 0.04 <= time.monotonic() - began < 1.0
    began = time.monotonic()
    gate.wait()  # the hold is over: no wait at all
    assert time.monotonic() - began < 0.02


def test_the_player_holds_the_gate_until_the_sound_is_handed_over() -> None:
    gate = StartGate(hold=30)  # longer than the test: only the player opens it
    backend = FakeBackend()
    backend.gate = threading.Event()  # the backend's play() blocks until this is set
    player = Player(backend, start_gate=gate)
    try:
        player.play("vm", ramp_pcm(2.0))
        assert backend.entered.wait(5)
        assert not gate._open.is_set()  # the device is being handed the sound: still closed
        backend.gate.set()
        wait_for(lambda: gate._open.is_set())
        assert backend.handles  # it opened after the hand-over, not before
    finally:
        backend.gate.set()
        player.close()
