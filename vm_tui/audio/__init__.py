"""Decode voicemail audio and play it with pause, seek and speed. No UI imports here.

Importing this package is cheap: pydub and simpleaudio are imported on first use.
"""

from vm_tui.audio.alsa import silence_alsa_errors
from vm_tui.audio.backend import Backend, PlayHandle, SimpleaudioBackend
from vm_tui.audio.decode import decode, ffmpeg_path, require_ffmpeg
from vm_tui.audio.effects import Rendering, change_speed
from vm_tui.audio.errors import AudioError, DecodeError, FfmpegMissingError, NoSoundDeviceError
from vm_tui.audio.pcm import Pcm
from vm_tui.audio.player import (
    PlaybackEnded,
    PlaybackFailed,
    Player,
    PlayerEvent,
    PlayerState,
)

__all__ = [
    "AudioError",
    "Backend",
    "DecodeError",
    "FfmpegMissingError",
    "NoSoundDeviceError",
    "Pcm",
    "PlayHandle",
    "PlaybackEnded",
    "PlaybackFailed",
    "Player",
    "PlayerEvent",
    "PlayerState",
    "Rendering",
    "SimpleaudioBackend",
    "change_speed",
    "decode",
    "ffmpeg_path",
    "require_ffmpeg",
    "silence_alsa_errors",
]
