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


# Elements per write: one write per element makes the writer thread hand the GIL back and forth
# so often that the event loop waits tens of ms for it; the whole list at once is a second copy
# of the inbox in memory. 1,000 voicemails are ~600 KB.
_ELEMENTS_PER_WRITE = 1000


def _encode(data: Any) -> Iterator[str]:
    """JSON text in pieces: a top-level list (or iterator) is encoded a thousand elements a piece.

    One ``json.dumps`` of 10,000 voicemails is a single C call that holds the GIL for tens of
    milliseconds; from a writer thread that would freeze the event loop just as long. Piece by
    piece, and from an iterator, there is also never a second copy of the inbox in memory: the
    writer's peak would otherwise stay in the process as RSS (freed, but not given back).
    """
    dumps = functools.partial(json.dumps, ensure_ascii=True, separators=(",", ":"))
    if not isinstance(data, dict):
        yield dumps(data)
        return
    yield "{"
    for number, (key, value) in enumerate(data.items()):
        yield ("," if number else "") + dumps(str(key)) + ":"
        if isinstance(value, (list, Iterator)):
            yield "["
            pieces: list[str] = []
            for index, item in enumerate(value):
                pieces.append("," + dumps(item) if index else dumps(item))
                if len(pieces) == _ELEMENTS_PER_WRITE:
                    yield "".join(pieces)
                    pieces.clear()
            yield "".join(pieces) + "]"
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
