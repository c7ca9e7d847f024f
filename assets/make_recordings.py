"""Generate the demo voicemail recordings: real speech from espeak-ng, small mono mp3s.

Run from anywhere: ``python assets/make_recordings.py``. Needs ``espeak-ng`` and ``ffmpeg``.
Writes ``assets/recordings/<name>.mp3`` and ``assets/recordings/manifest.json`` (name -> the exact
text spoken, which the demo server uses as the transcription).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

OUT_DIR = Path(__file__).resolve().parent / "recordings"
SAMPLE_RATE = 22050
BITRATE = "32k"  # plenty for speech; keeps the committed set around 200 KB
MIN_SECONDS, MAX_SECONDS = 3.0, 8.0


class Recording(NamedTuple):
    name: str
    voice: str  # espeak-ng voice, optionally with a +variant
    speed: int  # words per minute
    pitch: int  # 0-99, 50 is espeak's default
    text: str


RECORDINGS: tuple[Recording, ...] = (
    Recording(
        "dana_acme",
        "en-us+f3",
        165,
        55,
        "Hi, this is Dana from Acme. Give me a call back about the invoice when you get a "
        "chance. Thanks!",
    ),
    Recording(
        "oliver_delivery",
        "en-gb+m3",
        180,
        45,
        "Hello, it's Oliver from Northwind Logistics. Your delivery is booked for Thursday "
        "morning. Ring me if that doesn't suit.",
    ),
    Recording(
        "claire_devis",
        "fr-fr+f2",
        155,
        60,
        "Bonjour, c'est Claire de la société Lumière. Pouvez-vous me rappeler au sujet du "
        "devis ? Merci beaucoup.",
    ),
    Recording(
        "jonas_rechnung",
        "de+m2",
        165,
        40,
        "Guten Tag, hier spricht Jonas Becker. Ich rufe wegen der offenen Rechnung an. "
        "Bitte rufen Sie mich zurück.",
    ),
    Recording(
        "sam_outage",
        "en-gb-x-gbclan+m1",
        185,
        50,
        "Hey, it's Sam calling from Sydney. Our phones stopped ringing this morning. Can "
        "someone from support call me back urgently?",
    ),
    Recording(
        "priya_password",
        "en-us+f4",
        178,
        65,
        "Hi, Priya here. I reset my password, but I still can't log in to the dashboard. "
        "Could you call me back?",
    ),
    Recording(
        "fiona_upgrade",
        "en-gb-scotland+f2",
        155,
        58,
        "Hello, this is Fiona from Edinburgh. We'd like to upgrade our plan to twenty seats. "
        "Cheers.",
    ),
    Recording(
        "tony_order",
        "en-us-nyc+m1",
        170,
        35,
        "Yeah, hi, it's Tony from the deli on Fifth Avenue. Your catering order is confirmed "
        "for Friday at noon.",
    ),
    Recording(
        "lucia_reunion",
        "es+f3",
        155,
        60,
        "Hola, soy Lucía de Madrid. Quería confirmar la reunión del lunes a las diez. Un saludo.",
    ),
    Recording(
        "mike_checkin",
        "en-us+m7",
        150,
        42,
        "Hi, it's Mike. Just checking in. Call me back when you can.",
    ),
)


def _duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip())


def _render(rec: Recording, workdir: Path) -> Path:
    wav = workdir / f"{rec.name}.wav"
    mp3 = OUT_DIR / f"{rec.name}.mp3"
    subprocess.run(
        ["espeak-ng", "-v", rec.voice, "-s", str(rec.speed), "-p", str(rec.pitch), "-w", wav],
        input=rec.text,
        check=True,
        text=True,
    )
    # A short lead-in of silence, like a real voicemail after the beep; -bitexact and no
    # metadata keep the output stable across runs.
    ffmpeg = ["ffmpeg", "-v", "error", "-y", "-i", str(wav)]
    ffmpeg += ["-af", "adelay=300,apad=pad_dur=0.3", "-ac", "1", "-ar", str(SAMPLE_RATE)]
    ffmpeg += ["-codec:a", "libmp3lame", "-b:a", BITRATE, "-map_metadata", "-1", "-bitexact"]
    subprocess.run([*ffmpeg, str(mp3)], check=True)
    return mp3


def main() -> int:
    for tool in ("espeak-ng", "ffmpeg", "ffprobe"):
        if shutil.which(tool) is None:
            print(f"make_recordings: {tool} not found on PATH", file=sys.stderr)
            return 1
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, str] = {}
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for rec in RECORDINGS:
            mp3 = _render(rec, Path(tmp))
            seconds = _duration(mp3)
            if not MIN_SECONDS <= seconds <= MAX_SECONDS:
                print(f"{rec.name}: {seconds:.1f} s is outside {MIN_SECONDS}-{MAX_SECONDS} s")
                return 1
            size = mp3.stat().st_size
            total += size
            manifest[rec.name] = rec.text
            print(f"{rec.name:16} {rec.voice:18} {seconds:4.1f} s {size / 1024:5.1f} KiB")
    manifest_path = OUT_DIR / "manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"{len(manifest)} recordings, {total / 1024:.0f} KiB in {OUT_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
