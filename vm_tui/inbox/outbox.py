"""A change waiting for the server (a mark or a delete), and which one wins. Pure values.

Per voicemail the latest intent on this machine wins, whichever process it came from: a later
mark or delete supersedes every older one, so a stale retry can never undo what the user did
since. "Later" is when the user made it (``created``, wall-clock seconds), not when it was sent.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["listened", "delete"]
_last_created = 0.0


def _now() -> float:
    """Wall-clock seconds that never repeat in this process: two changes made in the same
    microsecond still have an order (the later one wins)."""
    global _last_created
    _last_created = max(time.time(), _last_created + 1e-6)
    return _last_created


@dataclass(frozen=True, slots=True)
class Operation:
    kind: Kind
    voicemail_id: str
    listened: bool | None = None  # for "listened"
    op_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created: float = field(default_factory=_now)
    owner: str = ""  # the process that sends it ("" or a process that is gone: anyone)

    @classmethod
    def mark(cls, voicemail_id: str, listened: bool, *, owner: str = "") -> Operation:
        return cls("listened", voicemail_id, listened, owner=owner)

    @classmethod
    def delete(cls, voicemail_id: str, *, owner: str = "") -> Operation:
        return cls("delete", voicemail_id, owner=owner)

    def newer_than(self, other: Operation) -> bool:
        return (self.created, self.op_id) > (other.created, other.op_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "voicemail_id": self.voicemail_id,
            "listened": self.listened,
            "op_id": self.op_id,
            "created": self.created,
            "owner": self.owner,
        }

    @classmethod
    def from_json(cls, raw: object) -> Operation | None:
        """The operation in ``raw``, or None when it is not one (junk is skipped, not fatal)."""
        if not isinstance(raw, Mapping):
            return None
        kind, vm_id, listened = raw.get("kind"), raw.get("voicemail_id"), raw.get("listened")
        if not isinstance(vm_id, str) or not vm_id or kind not in ("listened", "delete"):
            return None
        if kind == "listened" and not isinstance(listened, bool):
            return None
        op_id, owner = raw.get("op_id"), raw.get("owner")
        return cls(
            kind,
            vm_id,
            listened if kind == "listened" else None,
            op_id=op_id if isinstance(op_id, str) and op_id else uuid.uuid4().hex,
            created=_timestamp(raw.get("created")),
            owner=owner if isinstance(owner, str) else "",
        )


def latest_per_voicemail(ops: Iterable[Operation]) -> dict[str, Operation]:
    """The winning operation of each voicemail."""
    latest: dict[str, Operation] = {}
    for op in ops:
        current = latest.get(op.voicemail_id)
        if current is None or op.newer_than(current):
            latest[op.voicemail_id] = op
    return latest


def _timestamp(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return time.time()
