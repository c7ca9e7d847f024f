"""The demo inbox: seeded voicemails, synthetic bulk ones and new arrivals, all deterministic.

Every voicemail speaks one of the recordings and carries that recording's text as its
transcription. Ids are UUIDv7-shaped and depend only on the seed and the order of creation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from vm_tui.demo.model import Line, Voicemail

SALES = Line("0193f4a9-7c34-7c00-9e3d-2b2b8a7f1c01", "Sales", "+14155551234", "+1 415-555-1234")
SUPPORT = Line("0193f4a9-7c34-7c00-9e3d-2b2b8a7f1c02", "Support", "+16285550100", "+1 628-555-0100")
LONDON = Line(
    "0193f4a9-7c34-7c00-9e3d-2b2b8a7f1c03", "London office", "+442079460958", "+44 20 7946 0958"
)
PARIS = Line(
    "0193f4a9-7c34-7c00-9e3d-2b2b8a7f1c04", "Paris office", "+33199001234", "+33 1 99 00 12 34"
)
LINES: tuple[Line, ...] = (SALES, SUPPORT, LONDON, PARIS)

# Id timestamps count back from here (Dec 2024, like the seed's example ids).
_ID_HORIZON_MS = 0x0193F4CB7777


@dataclass(frozen=True)
class Seed:
    recording: str
    caller: str
    line: Line
    age: timedelta  # created this long before server start
    listened_after: timedelta | None = None  # listened this long after it was created
    state: str = "ready"  # "ready", "processing" (no recording yet) or "untranscribed"


_H = timedelta(hours=1)
_M = timedelta(minutes=1)

# Newest first. Numbers sit in ranges reserved for fiction where the country has one.
SEEDS: tuple[Seed, ...] = (
    Seed("mike_checkin", "+61491570156", SUPPORT, 2 * _M, state="processing"),
    Seed("tony_order", "+12125550183", SALES, 25 * _M, state="untranscribed"),
    Seed("dana_acme", "+14085550199", SALES, 3 * _H + 12 * _M),
    Seed("claire_devis", "+33639981234", PARIS, 5 * _H + 40 * _M),
    Seed("sam_outage", "+61255501234", SUPPORT, 19 * _H, listened_after=40 * _M),
    Seed("jonas_rechnung", "+493023125456", SALES, 27 * _H + 5 * _M),
    Seed("oliver_delivery", "+447700900123", LONDON, 31 * _H, listened_after=2 * _H),
    Seed("priya_password", "+12125550147", SUPPORT, 50 * _H, listened_after=15 * _M),
    Seed("fiona_upgrade", "+441314960017", LONDON, 74 * _H, listened_after=26 * _H),
    Seed("lucia_reunion", "+34910000123", PARIS, 98 * _H + 30 * _M, listened_after=3 * _H),
)

# Synthetic callers: (country code + fixed prefix, digits to randomise).
_CALLER_PATTERNS: tuple[tuple[str, int], ...] = (
    ("+1415555", 4),
    ("+1212555", 4),
    ("+44770090", 4),
    ("+4413149600", 2),
    ("+3363998", 4),
    ("+4930231250", 2),
    ("+6149157", 4),
    ("+612555", 5),
    ("+3491000", 4),
)


def uuid7(ts_ms: int, rng: random.Random) -> str:
    """A UUIDv7 string: 48-bit ms timestamp, version 7, variant 10, random bits from ``rng``."""
    value = (
        (ts_ms & (1 << 48) - 1) << 80
        | 0x7 << 76
        | rng.getrandbits(12) << 64
        | 0b10 << 62
        | rng.getrandbits(62)
    )
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class VoicemailFactory:
    """Makes voicemails relative to ``start`` (wall clock) from one seeded RNG."""

    def __init__(self, *, seed: int, start: datetime, manifest: dict[str, str]) -> None:
        missing = {s.recording for s in SEEDS} - manifest.keys()
        if missing:
            raise ValueError(f"recordings missing from manifest: {sorted(missing)}")
        self._rng = random.Random(seed)
        self._start = start
        self._manifest = manifest
        self._names = sorted(manifest)
        self._arrivals = 0

    def _new_id(self, age: timedelta) -> str:
        # The id's timestamp grows as age shrinks (like real UUIDv7s minted over time) but
        # does not depend on the wall clock, so a seed always gives the same ids.
        return uuid7(_ID_HORIZON_MS - int(age.total_seconds() * 1000), self._rng)

    def initial(self, count: int | None) -> list[Voicemail]:
        """The inbox at server start, newest first: the seeds, then synthetic ones for ``count``."""
        seeds = SEEDS if count is None else SEEDS[: max(0, count)]
        made = [self._from_seed(seed) for seed in seeds]
        extra = 0 if count is None else count - len(seeds)
        age = SEEDS[-1].age
        for i in range(extra):
            age += timedelta(minutes=self._rng.randint(5, 70))
            made.append(self._synthetic(i, age))
        return made

    def _from_seed(self, seed: Seed) -> Voicemail:
        listened = None if seed.listened_after is None else seed.age - seed.listened_after
        vm = self._make(seed.recording, seed.caller, seed.line, seed.age, listened)
        if seed.state == "processing":
            vm.pending_recording, vm.recording = vm.recording, None
        if seed.state in ("processing", "untranscribed"):
            vm.pending_transcription, vm.transcription = vm.transcription, None
        return vm

    def _synthetic(self, index: int, age: timedelta) -> Voicemail:
        rng = self._rng
        listened = None
        if rng.random() < 0.85:  # most old voicemails have been dealt with
            listened = max(age - timedelta(minutes=rng.randint(2, 600)), timedelta(0))
        line = LINES[rng.randrange(len(LINES))]
        return self._make(
            self._names[index % len(self._names)], self._caller(), line, age, listened
        )

    def _caller(self) -> str:
        prefix, digits = _CALLER_PATTERNS[self._rng.randrange(len(_CALLER_PATTERNS))]
        return prefix + str(self._rng.randrange(10**digits)).zfill(digits)

    def _make(
        self, recording: str, caller: str, line: Line, age: timedelta, listened: timedelta | None
    ) -> Voicemail:
        """``age`` and ``listened`` are durations before server start."""
        return Voicemail(
            id=self._new_id(age),
            caller=caller,
            created_at=(self._start - age).replace(microsecond=0),
            line=line,
            listened_at=None
            if listened is None
            else (self._start - listened).replace(microsecond=0),
            transcription=self._manifest[recording],
            recording=recording,
        )

    def arrival(self, now: datetime) -> Voicemail:
        """A fresh, unlistened voicemail created ``now``, cycling over recordings and lines."""
        self._arrivals += 1
        n = self._arrivals
        vm = self._make(
            self._names[(n * 3) % len(self._names)],
            self._caller(),
            LINES[n % len(LINES)],
            timedelta(seconds=-n),  # only orders the id; created_at is set just below
            None,
        )
        vm.created_at = now.replace(microsecond=0)
        return vm
