"""Fetch a voicemail's audio: a fresh signed URL every time, one retry when it expired."""

from __future__ import annotations

from .client import PhoneIncClient
from .download import Progress, RecordingDownloader
from .errors import RecordingExpiredError, RecordingProcessingError
from .models import Voicemail


async def fetch_recording(
    client: PhoneIncClient,
    downloader: RecordingDownloader,
    voicemail_id: str,
    on_progress: Progress | None = None,
) -> tuple[Voicemail, bytes]:
    """Retrieve the voicemail (a freshly signed URL, never cached), then download it.

    A 403 from storage means the signature expired between retrieve and download: retrieve again
    once and retry. Returns the retrieved voicemail too (it may carry fresher fields).
    """
    for attempt in (1, 2):
        voicemail = await client.get_voicemail(voicemail_id)
        if voicemail.recording_url is None:
            raise RecordingProcessingError(
                "the recording is still processing; try again in a moment"
            )
        try:
            return voicemail, await downloader.fetch(voicemail.recording_url, on_progress)
        except RecordingExpiredError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
