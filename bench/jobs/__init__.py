"""Jobs that run inside a child process; each exposes ``run(args) -> dict``."""
