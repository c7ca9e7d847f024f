"""Small builders for voicemails in pure tests (the API and UI tests use the demo server)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vm_tui.api.models import Inbox, Voicemail

T0 = datetime(2026, 5, 11, 12, 0, tzinfo=UTC)


def vm(
    vm_id: str,
    *,
    minutes_ago: int = 0,
    listened: bool = False,
    transcription: str | None = "hello",
    recording: bool = True,
) -> Voicemail:
    return Voicemail(
        id=vm_id,
        caller="+14085550199",
        created_at=T0 - timedelta(minutes=minutes_ago),
        listened_at=T0 if listened else None,
        transcription=transcription,
        recording_url="https://example.test/r" if recording else None,
        line_name="Sales",
        line_number="+14155551234",
        line_number_formatted="+1 415-555-1234",
    )


def inbox(*voicemails: Voicemail, unlistened: int | None = None) -> Inbox:
    count = sum(not v.listened for v in voicemails) if unlistened is None else unlistened
    return Inbox(count, tuple(voicemails))
