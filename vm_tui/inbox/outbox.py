"""The outbox: every mutation waits here, on disk, until the server confirms it.

A network drop, a crash or a restart loses nothing: pending operations are replayed on the next
start. Per voicemail the newest wish wins (mark twice = one PATCH; delete supersedes a mark).
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from .storage import read_json, write_private_json

Kind = Literal["listened", "delete"]
_VERSION = 1


@dataclass(frozen=True, slots=True)
class Operation:
    kind: Kind
    voicemail_id: str
    listened: bool | None = None  # for "listened"
    op_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created: float = field(default_factory=time.time)

    @classmethod
    def mark(cls, voicemail_id: str, listened: bool) -> Operation:
        return cls("listened", voicemail_id, listened)

    @classmethod
    def delete(cls, voicemail_id: str) -> Operation:
        return cls("delete", voicemail_id)


class Outbox:
    """Pending operations in order, persisted after every change (``path=None``: memory only)."""

    def __init__(self, path: Path | None = None, *, on_change: Callable[[], None] | None = None):
        self.path = path
        self._ops: list[Operation] = []
        self.on_change = on_change
        if path is not None:
            self._ops = _load(path)

    def __len__(self) -> int:
        return len(self._ops)

    def pending(self) -> list[Operation]:
        return list(self._ops)

    def put(self, op: Operation) -> None:
        """Add ``op``; it replaces any older operation on the same voicemail."""
        self._ops = [o for o in self._ops if o.voicemail_id != op.voicemail_id]
        self._ops.append(op)
        self._save()

    def remove(self, op: Operation) -> None:
        """Done (confirmed, or given up): forget exactly this operation, not a newer one."""
        before = len(self._ops)
        self._ops = [o for o in self._ops if o.op_id != op.op_id]
        if len(self._ops) != before:
            self._save()

    def contains(self, op: Operation) -> bool:
        return any(o.op_id == op.op_id for o in self._ops)

    def _save(self) -> None:
        if self.path is not None:
            payload = {"version": _VERSION, "operations": [asdict(o) for o in self._ops]}
            write_private_json(self.path, payload)
        if self.on_change is not None:
            self.on_change()


def _load(path: Path) -> list[Operation]:
    data = read_json(path)
    if not isinstance(data, dict) or data.get("version") != _VERSION:
        return []
    raw_ops = data.get("operations")
    if not isinstance(raw_ops, list):
        return []
    ops: list[Operation] = []
    for raw in raw_ops:
        if not isinstance(raw, dict):
            continue
        kind, vm_id = raw.get("kind"), raw.get("voicemail_id")
        listened = raw.get("listened")
        if not isinstance(vm_id, str) or kind not in ("listened", "delete"):
            continue
        if kind == "listened" and not isinstance(listened, bool):
            continue
        ops.append(
            Operation(
                kind,
                vm_id,
                listened if kind == "listened" else None,
                op_id=str(raw.get("op_id") or uuid.uuid4().hex),
                created=_timestamp(raw.get("created")),
            )
        )
    return ops


def _timestamp(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return time.time()
