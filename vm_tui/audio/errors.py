"""Audio errors. ``str(error)`` is always a one-line message fit to show a user."""

from __future__ import annotations


class AudioError(Exception):
    """Base class for everything the audio layer raises on purpose."""


class FfmpegMissingError(AudioError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "ffmpeg not found: install it (sudo apt-get install ffmpeg / brew install ffmpeg)"
        )


class DecodeError(AudioError):
    """The bytes are not audio ffmpeg understands, or they are corrupt."""


class NoSoundDeviceError(AudioError):
    """No usable output device. ``detail`` keeps the backend's own words for logs."""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__("No sound device available (save the recording to a file instead)")
