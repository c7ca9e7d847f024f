"""Private files on this machine: the one atomic writer, JSON reading, and their errors.

Everything vm-tui keeps (config, contacts, outbox, cache, ui state) is written here: atomically
(a crash leaves the old file or the new one, never half), fsynced, mode 0600 in a 0700 folder.
A temporary file is named after the writing process, so one left by a crash is recognised and
removed at the next start (``remove_stale_temp_files``), never one another process is writing.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.tmp$")


class LocalFileError(Exception):
    """A file of ours (config, contacts, outbox, a saved recording) is unusable; ``str()`` is one
    line that names the file."""


class StorageError(LocalFileError):
    """A local file could not be written; ``str()`` names the file and the reason."""

    def __init__(self, path: Path, reason: str, error_number: int | None = None) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = path
        self.reason = reason
        self.errno = error_number


def describe_os_error(error: OSError) -> str:
    """``read-only file system``, ``no space left on device``: the reason, in a few words."""
    if error.errno in (errno.EROFS,):
        return "read-only file system"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "no space left on device"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.ENOTDIR:
        return "a file is in the way of its folder"
    if error.errno == errno.EISDIR:
        return "a folder is in the way of the file"
    return (error.strerror or type(error).__name__).lower()


def ensure_private_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except FileExistsError:  # exist_ok covers a folder: this is a file in the way
        raise StorageError(folder, "a file is in the way of its folder", errno.ENOTDIR) from None
    except OSError as error:
        raise StorageError(folder, describe_os_error(error), error.errno) from None
    if not folder.is_dir():
        raise StorageError(folder, "a file is in the way of its folder", errno.ENOTDIR)


def write_private(path: Path, data: str | bytes | Iterable[str], *, mode: int = 0o600) -> None:
    """Write ``data`` atomically to ``path`` (fsynced, ``mode``, folder made 0700 if new).

    ``data`` may be an iterable of text pieces, written one at a time (no second copy of a big
    document in memory). Raises StorageError naming the path.
    """
    ensure_private_folder(path.parent)
    temp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)  # O_CREAT's mode is masked by the umask
            if isinstance(data, bytes):
                handle.write(data)
            elif isinstance(data, str):
                handle.write(data.encode("utf-8"))
            else:
                for piece in data:
                    handle.write(piece.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise StorageError(path, describe_os_error(error), error.errno) from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def write_private_json(path: Path, data: Any) -> None:
    write_private(path, encode_json(data))


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Temporary files left by an interrupted write of a process that is gone: removed."""
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        found = _TEMP.match(entry.name)
        if found is None or process_alive(int(found["pid"])):
            continue
        with contextlib.suppress(OSError):
            entry.unlink()
            removed.append(entry)
    return removed


def process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


# Elements per write: one write per element makes a writer thread hand the GIL back and forth
# so often that the event loop waits tens of ms for it; the whole list at once is a second copy
# of the inbox in memory. 1,000 voicemails are ~600 KB.
_ELEMENTS_PER_PIECE = 1000


def encode_json(data: Any) -> Iterator[str]:
    """JSON text in pieces: a top-level list (or iterator) is encoded a thousand elements a piece.

    One ``json.dumps`` of 10,000 voicemails is a single C call that holds the GIL for tens of
    milliseconds; from a writer thread that would freeze the event loop just as long. Piece by
    piece, and from an iterator, there is also never a second copy of the inbox in memory.
    """
    dumps = functools.partial(json.dumps, ensure_ascii=True, separators=(",", ":"))
    if not isinstance(data, dict):
        yield dumps(data)
        return
    yield "{"
    for number, (key, value) in enumerate(data.items()):
        yield ("," if number else "") + dumps(str(key)) + ":"
        if isinstance(value, list | Iterator):
            yield "["
            pieces: list[str] = []
            for index, item in enumerate(value):
                pieces.append("," + dumps(item) if index else dumps(item))
                if len(pieces) == _ELEMENTS_PER_PIECE:
                    yield "".join(pieces)
                    pieces.clear()
            yield "".join(pieces) + "]"
        else:
            yield dumps(value)
    yield "}"


def read_json(path: Path) -> Any:
    """The file's JSON, or None when missing or unreadable. A corrupt file is set aside."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return None  # a folder in the way, no permission: nothing usable here
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        with contextlib.suppress(OSError):
            path.replace(path.with_name(path.name + ".corrupt"))
        return None
