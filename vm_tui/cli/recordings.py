"""``vm-tui download`` and ``vm-tui play``: the same recording library and playback session
the inbox uses (retrieve a freshly signed URL, download without the key, decode, play)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .context import CliContext, current
from .errors import CliError, reports_errors
from .options import checked_id, global_options, voicemail_id_argument
from .output import StatusLine, caller, playing_text

if TYPE_CHECKING:
    from vm_tui.api import PhoneIncClient, Voicemail
    from vm_tui.application.library import RecordingLibrary
    from vm_tui.audio import Rendering
    from vm_tui.audio.player import Player
    from vm_tui.contacts import Contacts

PROGRESS_EVERY = 0.2  # seconds between updates of the progress line


def library_for(client: PhoneIncClient, ctx: CliContext) -> RecordingLibrary:
    from vm_tui.api import RecordingDownloader
    from vm_tui.application.library import RecordingLibrary
    from vm_tui.local.config import network_config

    downloader = RecordingDownloader(network=network_config(ctx.settings()))
    return RecordingLibrary(client, downloader)


@click.command("download")
@voicemail_id_argument
@click.option(
    "-o",
    "--output",
    metavar="FILE|DIR",
    help="File to write, or an existing folder to write into (default: ~/Downloads or here).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@global_options
@reports_errors
def download_command(voicemail_id: str, output: str | None, force: bool) -> None:
    """Download a voicemail's recording (mp3); prints the file's path."""
    from vm_tui.local.saving import SaveError, save_bytes

    ctx = current()
    checked_id(voicemail_id)
    explicit = explicit_file(output)
    if explicit is not None and explicit.exists() and not force:
        # Known before any download: don't fetch what we would refuse to write.
        raise SaveError(f"{explicit} already exists (use --force to overwrite)")

    async def work(client: PhoneIncClient) -> tuple[Voicemail, bytes]:
        library = library_for(client, ctx)
        try:
            return await library.mp3(voicemail_id, status.loading)
        finally:
            await library.aclose()

    with StatusLine() as status:
        vm, mp3 = ctx.run(work)
    target = explicit or download_target(output, vm, ctx.settings().download_dir)
    click.echo(str(save_bytes(mp3, target, force=force)))


def explicit_file(output: str | None) -> Path | None:
    """The file named by ``-o``, or None when ``-o`` is absent or names a folder."""
    from vm_tui.local.saving import SaveError

    if output is None:
        return None
    path = Path(output).expanduser()
    if path.is_dir():
        return None
    if output.endswith(("/", os.sep)):
        raise SaveError(f"folder {path} does not exist")
    return path


def download_target(output: str | None, vm: Voicemail, configured_dir: str | None) -> Path:
    from vm_tui.local.saving import default_download_dir, recording_filename

    folder = Path(output).expanduser() if output else default_download_dir(configured_dir)
    return folder / recording_filename(vm)


@click.command("play")
@voicemail_id_argument
@click.option("--no-mark", is_flag=True, help="Don't mark it listened after playing it to the end.")
@click.option(
    "--speed", type=click.FloatRange(0.75, 2.0), help="0.75 to 2, pitch kept (default_speed)."
)
@click.option(
    "--skip-silence/--keep-silence",
    default=None,
    help="Shorten pauses longer than half a second (config: skip_silence).",
)
@click.option(
    "--voice-boost/--no-voice-boost",
    default=None,
    help="Level a quiet caller's loudness for speech (config: voice_boost).",
)
@global_options
@reports_errors
def play_command(
    voicemail_id: str,
    no_mark: bool,
    speed: float | None,
    skip_silence: bool | None,
    voice_boost: bool | None,
) -> None:
    """Play a voicemail; heard to the end, it is marked listened. Ctrl-C stops."""
    from vm_tui.audio import NoSoundDeviceError, Rendering, require_ffmpeg, silence_alsa_errors
    from vm_tui.audio.player import Player

    ctx = current()
    checked_id(voicemail_id)
    settings = ctx.checked_settings()
    rendering = Rendering(
        settings.default_speed if speed is None else speed,
        settings.skip_silence if skip_silence is None else skip_silence,
        settings.voice_boost if voice_boost is None else voice_boost,
    )
    require_ffmpeg()  # before downloading anything we could not decode
    silence_alsa_errors()  # ALSA would print its own complaints about a missing device
    player = Player()
    try:
        with StatusLine() as status:
            try:
                vm, heard = ctx.run(
                    lambda client: play_to_end(ctx, client, player, voicemail_id, status, rendering)
                )
            except NoSoundDeviceError:
                raise CliError(
                    "no sound device available (over ssh?); save the recording instead: "
                    f"vm-tui download {voicemail_id}"
                ) from None
    finally:
        player.close()
    if not heard or no_mark or vm.listened:
        return
    from vm_tui.cli.voicemails import send_change
    from vm_tui.inbox.outbox import Operation

    try:
        send_change(ctx, lambda owner: Operation.mark(voicemail_id, True, owner=owner))
    except SystemExit:
        raise
    ctx.say(f"Marked {voicemail_id} listened.")


async def play_to_end(
    ctx: CliContext,
    client: PhoneIncClient,
    player: Player,
    voicemail_id: str,
    status: StatusLine,
    rendering: Rendering,
) -> tuple[Voicemail, bool]:
    """Load, play with a progress line, and return at the end: (the voicemail, heard to the
    end). Raises the ApiError or AudioError that stopped it; Ctrl-C stops the sound."""
    from vm_tui.application.playback import PlaybackSession

    library = library_for(client, ctx)
    session = PlaybackSession(
        library,
        player,
        speed=rendering.speed,
        skip_silence=rendering.skip_silence,
        voice_boost=rendering.voice_boost,
    )
    session.start()
    try:
        recording = await library.load(voicemail_id, status.loading)
        status.clear()
        who = caller(recording.voicemail, _contacts(ctx))
        playing = asyncio.ensure_future(session.play_to_end(voicemail_id))
        while not playing.done():
            now = session.status()
            status.show(playing_text(now.position, recording.duration, who))
            await asyncio.wait({playing}, timeout=PROGRESS_EVERY)
        heard = playing.result()
        if heard:
            status.show(playing_text(recording.duration, recording.duration, who))
        return recording.voicemail, heard
    finally:
        session.close()
        await library.aclose()


def _contacts(ctx: CliContext) -> Contacts | None:
    from vm_tui.cli.voicemails import load_contacts

    return load_contacts(ctx)
