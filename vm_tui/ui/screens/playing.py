"""The inbox screen's keys for listening: play, pause, seek, speed, save.

A part of ``InboxScreen`` (a mixin, so the actions stay on the screen that binds the keys). The
playback session lives in the application layer; this only asks it, and shows what it says.
"""

from __future__ import annotations

import asyncio

from vm_tui.application.playback import PROCESSING
from vm_tui.text.safe import one_line
from vm_tui.ui.screens.inbox_parts import InboxParts
from vm_tui.ui.widgets.player_bar import PlayerBar

PLAYER_REFRESH = 0.2  # seconds between position updates while playing


class PlayingActions(InboxParts):
    def action_play(self) -> None:
        if self.selected_id is not None:
            self.service.play(self.selected_id)

    def action_pause(self) -> None:
        self.service.playback.toggle_pause()

    def action_stop(self) -> None:
        self.service.playback.stop()

    def action_seek(self, seconds: float) -> None:
        self.service.playback.seek(seconds)

    def action_speed(self, direction: int) -> None:
        self.service.playback.change_speed(direction)

    def action_toggle_skip_silence(self) -> None:
        on = self.service.playback.toggle_skip_silence()
        self.app.notify(f"Skip silence {'on' if on else 'off'}.", timeout=2)

    def action_toggle_voice_boost(self) -> None:
        on = self.service.playback.toggle_voice_boost()
        self.app.notify(f"Voice boost {'on' if on else 'off'}.", timeout=2)

    def on_player_bar_seek(self, message: PlayerBar.Seek) -> None:
        self.service.playback.seek_to_fraction(message.fraction)

    def show_waveform(self) -> None:
        """The bar draws the recording it reports on: the one playing, else the one shown."""
        bar = self.part(PlayerBar)
        if bar is None:
            return
        status = self.service.playback.status()
        about = status.voicemail_id if status.state not in ("idle", "error") else None
        envelope = self.service.library.envelope(about or self._shown_id or "")
        if bar.envelope is not envelope:
            bar.envelope = envelope

    def _playback_changed(self) -> None:
        """Show the session's status now; while it plays, keep the position moving."""
        status = self.service.playback.status()
        bar = self.part(PlayerBar)  # None: the refresh fired while the app shuts down
        if bar is not None:
            bar.view = status
        self.show_waveform()
        playing = status.state == "playing"
        if playing and self._player_timer is None:
            self._player_timer = self.set_interval(PLAYER_REFRESH, self._playback_changed)
        elif not playing and self._player_timer is not None:
            self._player_timer.stop()
            self._player_timer = None

    def action_save(self) -> None:
        vm = self.selected()
        if vm is None:
            return
        if not vm.recording_ready:
            self.app.notify(PROCESSING)
            return
        self.run_worker(self._save(vm.id), group="save", exit_on_error=False)

    async def _save(self, voicemail_id: str) -> None:
        from vm_tui.api import ApiError
        from vm_tui.audio.errors import AudioError
        from vm_tui.local.saving import default_download_dir, recording_filename, save_in_folder

        try:
            voicemail, mp3 = await self.service.library.mp3(voicemail_id)
        except (ApiError, AudioError) as error:
            message = one_line(str(error), 120)
            self.app.notify(
                f"Could not download the recording to save it: {message}",
                severity="error",
                markup=False,
            )
            return
        folder = default_download_dir(self.settings.download_dir)
        name = recording_filename(voicemail)
        try:
            path = await asyncio.to_thread(save_in_folder, mp3, folder, name)
        except Exception as error:  # SaveError or OSError: show it, never crash
            self.app.notify(
                f"Could not save: {one_line(str(error), 160)}", severity="error", markup=False
            )
            return
        self.app.notify(f"Saved to {path}", markup=False)
