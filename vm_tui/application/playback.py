"""The playback session: one voicemail at a time, loaded, played, paused, sought, sped up.

The player (``vm_tui.audio.player``) makes sound on its own thread; its events come back to
the event loop here. A recording heard to its natural end is reported (``PlaybackFinished``)
and handed to ``on_finished`` (the inbox marks it listened); stopping, switching to another
voicemail or a failure finishes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Callable
from dataclasses import replace

from vm_tui.api import ApiError, NotFoundError, RecordingProcessingError
from vm_tui.audio.errors import AudioError, NoSoundDeviceError
from vm_tui.audio.player import (
    MAX_PLAYER_SPEED,
    MIN_PLAYER_SPEED,
    PlaybackEnded,
    PlaybackFailed,
    Player,
    PlayerEvent,
    PlayerState,
)
from vm_tui.text.safe import one_line

from .events import Emit, Notice, PlaybackChanged, PlaybackFinished, PlaybackStatus, ignore
from .library import Recording, RecordingLibrary

SPEEDS = (0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
PROCESSING = "The recording is still processing; try again in a moment."
GONE = "That voicemail was deleted by someone else."


def audio_message(error: AudioError) -> str:
    if isinstance(error, NoSoundDeviceError):
        return "No sound device available (over ssh?). Press s to save the recording instead."
    return one_line(str(error), 160)


def load_failure_message(error: ApiError | AudioError) -> str:
    if isinstance(error, NotFoundError):
        return GONE
    if isinstance(error, RecordingProcessingError):
        return PROCESSING
    if isinstance(error, AudioError):
        return audio_message(error)
    return f"Could not load the recording: {one_line(str(error), 120)}"


class PlaybackSession:
    def __init__(
        self,
        library: RecordingLibrary,
        player: Player | None,
        *,
        emit: Emit = ignore,
        on_finished: Callable[[str], None] | None = None,
        on_gone: Callable[[str], None] | None = None,
        speed: float = 1.0,
        skip_silence: bool = False,
        voice_boost: bool = False,
    ) -> None:
        self.library = library
        self.player = player
        self.emit = emit
        self.on_finished = on_finished
        self.on_gone = on_gone
        self.speed = speed
        self.skip_silence = skip_silence
        self.voice_boost = voice_boost
        self.playing_id: str | None = None
        self._view = self._idle()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._context: contextvars.Context | None = None
        self._task: asyncio.Task[None] | None = None
        self._measuring: asyncio.Task[None] | None = None
        self._waiter: tuple[str, asyncio.Future[bool]] | None = None

    def start(self) -> None:
        """Bind to the running loop: player events come back to it, in the context of the
        caller (a face may keep its own state in context variables, as Textual does)."""
        self._loop = asyncio.get_running_loop()
        self._context = contextvars.copy_context()
        if self.player is not None:
            self.player.set_listener(self._from_audio_thread)

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self.player is not None:
            self.player.set_listener(None)
            self.player.stop()

    # -- what is shown ------------------------------------------------------------------------

    def _idle(self, message: str = "") -> PlaybackStatus:
        return PlaybackStatus(
            speed=self.speed,
            message=message,
            skip_silence=self.skip_silence,
            voice_boost=self.voice_boost,
        )

    def status(self) -> PlaybackStatus:
        """Now, with the live position while playing (the face polls this)."""
        player = self.player
        if player is None or self.playing_id is None or player.key != self.playing_id:
            return self._view
        if self._view.state in ("downloading", "decoding", "error"):
            return self._view
        state = player.state
        if state is PlayerState.IDLE:
            return self._view
        recording = self.library.cached(self.playing_id)
        return PlaybackStatus(
            state=state.value,
            voicemail_id=self.playing_id,
            position=player.position,
            duration=player.duration,
            speed=player.speed,
            skip_silence=self.skip_silence,
            voice_boost=self.voice_boost,
            saved=recording.saved_by_skipping if recording is not None else None,
        )

    def _show(self, view: PlaybackStatus) -> None:
        self._view = view
        self.emit(PlaybackChanged(view))

    # -- commands -----------------------------------------------------------------------------

    def play(self, voicemail_id: str, *, recording_ready: bool = True) -> None:
        """Load (if needed) and play ``voicemail_id``, replacing whatever played."""
        if self.player is None:
            self._show(PlaybackStatus(state="error", message="Audio is not available."))
            return
        if not recording_ready:
            self._show(self._idle(PROCESSING))
            return
        self.player.stop()
        self._settle(None, False)  # whatever played before was replaced
        self.playing_id = voicemail_id
        if self._task is not None:
            self._task.cancel()
        self._task = asyncio.ensure_future(self._load_and_play(voicemail_id))

    async def play_to_end(self, voicemail_id: str) -> bool:
        """Play and wait (the CLI): True at the natural end, False when stopped or replaced;
        raises the ApiError or AudioError that stopped it."""
        waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.play(voicemail_id)
        if self.player is None:
            raise NoSoundDeviceError("no player")
        self._waiter = (voicemail_id, waiter)
        return await waiter

    def _settle(self, voicemail_id: str | None, outcome: bool | BaseException) -> None:
        """Tell a ``play_to_end`` caller how its voicemail's playback ended."""
        if self._waiter is None or (voicemail_id is not None and self._waiter[0] != voicemail_id):
            return
        _, waiter = self._waiter
        self._waiter = None
        if waiter.done():
            return
        if isinstance(outcome, BaseException):
            waiter.set_exception(outcome)
        else:
            waiter.set_result(outcome)

    async def _load_and_play(self, voicemail_id: str) -> None:
        try:
            recording = await self.library.load(
                voicemail_id,
                lambda stage, got, total: self._loading(voicemail_id, stage, got, total),
            )
        except (ApiError, AudioError) as error:
            self._load_failed(voicemail_id, error)
            return
        if self.playing_id != voicemail_id or self.player is None:
            return
        self._start(voicemail_id, recording)

    def _start(self, voicemail_id: str, recording: Recording) -> None:
        assert self.player is not None
        self.player.set_rendering(
            speed=self.speed, skip_silence=self.skip_silence, voice_boost=self.voice_boost
        )
        self.player.play(voicemail_id, recording.track)
        self._show(replace(self.status(), state="playing", voicemail_id=voicemail_id))
        if recording.envelope is None:  # the waveform, once: the bar draws it when it comes
            self._measuring = asyncio.ensure_future(self._measure(voicemail_id))

    async def _measure(self, voicemail_id: str) -> None:
        from vm_tui.audio.track import Cancelled

        with contextlib.suppress(AudioError, Cancelled):
            await self.library.measure(voicemail_id)

    def _loading(self, voicemail_id: str, stage: str, received: int, total: int | None) -> None:
        if self.playing_id != voicemail_id:
            return
        if stage == "downloading":
            fraction = (received / total) if total else None
            kb = f"{received // 1024} KB" + (f" of {total // 1024} KB" if total else "")
            view = PlaybackStatus(
                "downloading", voicemail_id, speed=self.speed, progress=fraction, message=kb
            )
        else:
            view = PlaybackStatus("decoding", voicemail_id, speed=self.speed)
        self._show(view)

    def _load_failed(self, voicemail_id: str, error: ApiError | AudioError) -> None:
        message = load_failure_message(error)
        if isinstance(error, NotFoundError) and self.on_gone is not None:
            self.on_gone(voicemail_id)
        if self.playing_id == voicemail_id:
            self.playing_id = None
        self._show(PlaybackStatus(state="error", speed=self.speed, message=message))
        self.emit(Notice(message, "error"))
        self._settle(voicemail_id, error)

    def toggle_pause(self) -> None:
        if self.player is not None and self.playing_id is not None:
            self.player.toggle_pause()
            self._show(self.status())

    def stop(self) -> None:
        if self.player is not None and self.playing_id is not None:
            self.player.stop()
            self._show(self.status())
            self._settle(self.playing_id, False)

    def seek(self, seconds: float) -> None:
        if self.player is not None and self.playing_id is not None:
            self.player.seek(seconds)
            self._show(self.status())

    def seek_to(self, seconds: float) -> None:
        if self.player is not None and self.playing_id is not None:
            self.player.seek_to(seconds)
            self._show(self.status())

    def seek_to_fraction(self, fraction: float) -> None:
        """A click on the waveform: that point of the recording."""
        if self.player is not None and self.playing_id is not None:
            self.seek_to(max(0.0, min(1.0, fraction)) * self.player.duration)

    def toggle_skip_silence(self) -> bool:
        """On or off from the current position; kept for the next voicemail."""
        self.skip_silence = not self.skip_silence
        if self.player is not None:
            self.player.set_rendering(skip_silence=self.skip_silence)
        self._show(replace(self.status(), skip_silence=self.skip_silence))
        return self.skip_silence

    def toggle_voice_boost(self) -> bool:
        self.voice_boost = not self.voice_boost
        if self.player is not None:
            self.player.set_rendering(voice_boost=self.voice_boost)
        self._show(replace(self.status(), voice_boost=self.voice_boost))
        return self.voice_boost

    def change_speed(self, direction: int) -> float:
        """One step slower (-1) or faster (+1) through ``SPEEDS``; kept for the next voicemail."""
        index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.speed))
        index = max(0, min(len(SPEEDS) - 1, index + direction))
        self.speed = max(MIN_PLAYER_SPEED, min(MAX_PLAYER_SPEED, SPEEDS[index]))
        if self.player is not None:
            self.player.set_speed(self.speed)
        self._show(replace(self.status(), speed=self.speed))
        return self.speed

    def forget(self, voicemail_id: str) -> None:
        """It was deleted: stop it if it plays."""
        if self.playing_id == voicemail_id and self.player is not None:
            self.player.stop()
            self.playing_id = None

    # -- the audio thread's events ------------------------------------------------------------

    def _from_audio_thread(self, event: PlayerEvent) -> None:
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closing: nothing to show
                loop.call_soon_threadsafe(self._on_player_event, event, context=self._context)

    def _on_player_event(self, event: PlayerEvent) -> None:
        if isinstance(event, PlaybackFailed):
            if event.key == self.playing_id:
                self.playing_id = None
            text = audio_message(event.error)
            self._show(PlaybackStatus(state="error", speed=self.speed, message=text))
            self.emit(Notice(text, "error"))
            self._settle(event.key, event.error)
        elif isinstance(event, PlaybackEnded):
            self._show(self.status())
            self.emit(PlaybackFinished(event.key))
            if self.on_finished is not None:
                self.on_finished(event.key)
            self._settle(event.key, True)
