"""Keypress to PCM handed to the audio backend: prefetched against cold, and cold on its own."""

from __future__ import annotations

from bench.procs import progress, run_job
from bench.report import Row
from bench.stats import median, ms, ratio, spread, times

COUNT = 10_000
WARM_TARGET = 0.050
COLD_TARGET = 0.400


def measure(reps: int) -> list[Row]:
    progress(f"play: {reps} prefetched and {reps} cold, alternating")
    _, r = run_job("play", {"count": COUNT, "reps": reps}, timeout=300)
    warm = [run["latency"] for run in r["warm"]]
    cold = [run["latency"] for run in r["cold"]]
    missed_prefetch = sum(not run["prefetched"] for run in r["warm"])
    warm_value, cold_value = median(warm), median(cold)
    return [
        Row(
            "keypress to PCM handed to the backend, selected >= 1 s before",
            ms(warm_value),
            f"{ms(cold_value)} (cold play, same voicemail)",
            times(ratio(warm_value, cold_value)),
            "< 50 ms",
            warm_value < WARM_TARGET,
            note=(
                f"median of {reps} fresh apps ({spread(warm)}), inbox of {COUNT:,}; "
                f"prefetch not finished at the keypress in {missed_prefetch} of them; "
                "a silent backend notes when play() is called"
            ),
        ),
        Row(
            "cold play on loopback (keypress to PCM handed over)",
            ms(cold_value),
            target="< 400 ms",
            met=cold_value < COLD_TARGET,
            note=f"median of {reps} ({spread(cold)}): retrieve, download, ffmpeg decode",
        ),
    ]
