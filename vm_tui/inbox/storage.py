"""Private files: JSON written atomically with mode 0600 in a 0700 folder."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def write_private_json(path: Path, data: Any) -> None:
    """Write ``data`` so that a crash leaves either the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for chunk in _encode(data):
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _encode(data: Any) -> Iterator[str]:
    """JSON text in pieces: a top-level list is encoded one element per call.

    One ``json.dumps`` of 10,000 voicemails is a single C call that holds the GIL for tens of
    milliseconds; from a writer thread that would freeze the event loop just as long.
    """
    dumps = functools.partial(json.dumps, ensure_ascii=True, separators=(",", ":"))
    if not isinstance(data, dict):
        yield dumps(data)
        return
    yield "{"
    for number, (key, value) in enumerate(data.items()):
        yield ("," if number else "") + dumps(str(key)) + ":"
        if isinstance(value, list):
            yield (
                "["
                + "".join("," + dumps(item) if i else dumps(item) for i, item in enumerate(value))
                + "]"
            )
        else:
            yield dumps(value)
    yield "}"


def read_json(path: Path) -> Any:
    """The file's JSON, or None when missing. A corrupt file is set aside, not fatal."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        with contextlib.suppress(OSError):
            path.replace(path.with_name(path.name + ".corrupt"))
        return None
