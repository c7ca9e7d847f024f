"""RemoteDemo: start, drive and stop a demo server running in a child process."""

from __future__ import annotations

import json
import subprocess
import threading
from types import TracebackType
from typing import Any

from bench.procs import PYTHON, REPO, ChildFailed, child_env


class RemoteDemo:
    """Loopback only. Calls block for one pipe round trip (well under a millisecond); jobs make
    them outside measured windows, on the loop, so the app's thread pool stays the app's own."""

    def __init__(self, count: int, *, seed: int = 0) -> None:
        self.count = count
        self.seed = seed
        self.base_url = ""
        self.api_key = ""
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def start(self) -> RemoteDemo:
        self._proc = subprocess.Popen(
            [PYTHON, "-m", "bench.demo_child", str(self.count), str(self.seed)],
            cwd=REPO,
            env=child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        hello = self._read()
        self.base_url, self.api_key = hello["base_url"], hello["api_key"]
        return self

    def _read(self) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise ChildFailed(f"the demo server (count={self.count}) exited")
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise ChildFailed(f"demo server: {reply['error']}")
        return reply

    def call(self, cmd: str, **args: Any) -> dict[str, Any]:
        with self._lock:
            assert self._proc is not None and self._proc.stdin is not None
            self._proc.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
            self._proc.stdin.flush()
            return self._read()

    def add(self) -> str:
        return str(self.call("add")["id"])

    def churn(self, adds: int, changes: int, deletes: int) -> None:
        self.call("churn", adds=adds, changes=changes, deletes=deletes)

    def playable(self, skip: int = 0) -> str:
        return str(self.call("playable", skip=skip)["id"])

    def add_recording(self, name: str, path: str) -> None:
        """Serve the mp3 at ``path`` (read by the server's process) as recording ``name``."""
        self.call("add_recording", name=name, path=path)

    def add_voicemail(self, **fields: Any) -> str:
        """A new voicemail at the top of the inbox. Fields: ``recording`` (a name),
        ``transcription`` or ``transcription_chars`` (made up to that length); unlistened."""
        return str(self.call("add_voicemail", **fields)["id"])

    def unlisten_all(self) -> int:
        return int(self.call("unlisten_all")["unlistened"])

    def request_count(self, method: str) -> int:
        return int(self.call("requests", method=method)["count"])

    def top(self) -> dict[str, Any]:
        """The newest voicemail in the list's spelling, less its transcription."""
        top: dict[str, Any] = self.call("top")["voicemail"]
        return top

    def unlistened(self) -> int:
        return int(self.call("unlistened")["count"])

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            assert proc.stdin is not None
            proc.stdin.write(json.dumps({"cmd": "stop"}) + "\n")
            proc.stdin.close()
            proc.wait(10)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        finally:
            if proc.stdout is not None:
                proc.stdout.close()

    def __enter__(self) -> RemoteDemo:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
