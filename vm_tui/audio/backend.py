"""The thing that makes sound. Only ``Player``'s owner thread calls a backend."""

from __future__ import annotations

from typing import Any, Protocol

from vm_tui.audio.alsa import silence_alsa_errors
from vm_tui.audio.errors import AudioError, NoSoundDeviceError


class PlayHandle(Protocol):
    def is_playing(self) -> bool: ...

    def stop(self) -> None: ...


class Backend(Protocol):
    def play(
        self, data: bytes, channels: int, sample_width: int, sample_rate: int
    ) -> PlayHandle: ...


class SimpleaudioBackend:
    """simpleaudio (ALSA on Linux). Imported on first play so importing vm_tui stays cheap."""

    def play(self, data: bytes, channels: int, sample_width: int, sample_rate: int) -> PlayHandle:
        silence_alsa_errors()  # before the first device open: that is when ALSA complains
        sa = _import_simpleaudio()
        try:
            handle: PlayHandle = sa.play_buffer(bytes(data), channels, sample_width, sample_rate)
        except sa._simpleaudio.SimpleaudioError as e:  # no device, device busy, bad params
            raise NoSoundDeviceError(str(e)) from e
        except (ValueError, TypeError, BufferError) as e:
            raise AudioError(f"Can't play this audio: {e}") from e
        return handle


def _import_simpleaudio() -> Any:
    try:
        import simpleaudio
        import simpleaudio._simpleaudio  # SimpleaudioError lives here, not in the package
    except ImportError as e:
        raise AudioError(f"Audio playback is unavailable: simpleaudio failed to load ({e})") from e
    return simpleaudio
