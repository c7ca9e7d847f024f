"""DemoServer: a stand-in Phone.inc on loopback (API + storage origins) for --demo and tests."""

from __future__ import annotations

import ssl
import threading
import time
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from vm_tui.demo import recordings
from vm_tui.demo.api import ApiHandler
from vm_tui.demo.context import Context, Options
from vm_tui.demo.data import LINES, VoicemailFactory
from vm_tui.demo.faults import Fault
from vm_tui.demo.httpbase import RecordedRequest, TrackedHTTPServer
from vm_tui.demo.model import Line, Voicemail, parse_moment, to_dict
from vm_tui.demo.signing import UrlSigner
from vm_tui.demo.storage import StorageHandler
from vm_tui.demo.store import VoicemailStore

# phk_ + 28 base58 characters, like a real key; printed by the CLI, never a secret.
DEMO_API_KEY = "phk_DemoVmTuiKeyNotSecret2345678"


class DemoServer:
    def __init__(
        self,
        *,
        api_key: str = DEMO_API_KEY,
        count: int | None = None,
        seed: int = 0,
        new_every: float | None = 45.0,
        fill_in_after: float | None = 5.0,
        latency: float = 0.0,
        error_rate: float = 0.0,
        rate_limit_every: int = 0,
        url_ttl: float = 60.0,
        host: str = "127.0.0.1",
        port: int = 0,
        storage_port: int = 0,
        start_time: datetime | None = None,
        tls: ssl.SSLContext | None = None,
        public_host: str | None = None,
        storage_host: str | None = None,
    ) -> None:
        """``tls``: serve both origins over https with this server-side context.
        ``public_host`` / ``storage_host``: the names the API and storage origins go by in URLs
        (base URL, recording links, the redirect to storage), e.g. ``api.phone.test``; both
        still listen on ``host``. Default: ``host``; storage defaults to ``public_host``.
        With names that do not resolve, something else must get the clients there (a proxy).
        """
        if count is not None and count < 0:
            raise ValueError("count must be >= 0")
        if new_every is not None and new_every <= 0:
            raise ValueError("new_every must be positive (or None to disable)")
        if not 0.0 <= error_rate <= 1.0:
            raise ValueError("error_rate must be between 0 and 1")
        if latency < 0 or rate_limit_every < 0 or url_ttl <= 0:
            raise ValueError("latency and rate_limit_every must be >= 0, url_ttl > 0")
        self.api_key = api_key
        self.count = count
        self.seed = seed
        self.new_every = new_every
        self.fill_in_after = fill_in_after
        self.url_ttl = url_ttl
        self.host = host
        self.tls = tls
        self.public_host = public_host or host
        self.storage_host = storage_host or self.public_host
        self._ports = (port, storage_port)
        self._start_time = start_time
        self._options = Options(api_key, latency, error_rate, rate_limit_every)
        self.requests: list[RecordedRequest] = []
        self.storage_requests: list[RecordedRequest] = []
        self._ctx: Context | None = None
        self._factory: VoicemailFactory | None = None
        self._servers: list[TrackedHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self._lifecycle = threading.Lock()
        self._stopped = False
        self._factory_lock = threading.Lock()  # the factory's RNG is shared by two threads

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> DemoServer:
        """Bind both origins, seed the inbox, start serving and the timers. Returns self."""
        with self._lifecycle:
            if self._ctx is not None or self._stopped:
                raise RuntimeError("a DemoServer can be started only once")
            start = self._start_time or datetime.now(UTC)
            self._factory = VoicemailFactory(
                seed=self.seed, start=start, manifest=recordings.manifest()
            )
            store = VoicemailStore(self._factory.initial(self.count))
            signer = UrlSigner(ttl=self.url_ttl)
            ctx = Context(
                store=store,
                signer=signer,
                options=self._options,
                seed=self.seed,
                requests=self.requests,
                storage_requests=self.storage_requests,
            )
            try:
                api = TrackedHTTPServer(
                    (self.host, self._ports[0]), ApiHandler.bound(ctx), self.tls
                )
                self._servers.append(api)
                storage = TrackedHTTPServer(
                    (self.host, self._ports[1]), StorageHandler.bound(ctx), self.tls
                )
                self._servers.append(storage)
            except OSError:
                self._close_servers()
                self._servers.clear()
                raise
            scheme = "https" if self.tls is not None else "http"
            signer.origin = f"{scheme}://{_url_host(self.public_host)}:{api.server_port}"
            signer.storage_origin = (
                f"{scheme}://{_url_host(self.storage_host)}:{storage.server_port}"
            )
            self._ctx = ctx
            pending = [
                vm.id for vm in store.all() if vm.pending_recording or vm.pending_transcription
            ]
            for srv, name in ((api, "api"), (storage, "storage")):
                self._spawn(f"vm-tui-demo-{name}", srv.serve_forever, 0.02)
            self._spawn("vm-tui-demo-timers", self._run_timers, time.monotonic(), pending)
            return self

    def _spawn(self, name: str, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def stop(self) -> None:
        """Stop serving, hang up every connection, end the timers; joins every thread."""
        with self._lifecycle:
            if self._stopped:
                return
            self._stopped = True
            if self._ctx is not None:
                self._ctx.stopping.set()
            if self._threads:  # shutdown() would wait forever on a loop that never ran
                for srv in self._servers:
                    srv.shutdown()
            self._close_servers()
            for thread in self._threads:
                thread.join(5.0)

    def _close_servers(self) -> None:
        for srv in self._servers:
            srv.server_close()
            srv.close_all()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _run_timers(self, started: float, pending: list[str]) -> None:
        """Fill-in of the processing/untranscribed voicemails, and new arrivals."""
        ctx = self._context()
        fill_at = (
            None if self.fill_in_after is None or not pending else started + self.fill_in_after
        )
        arrive_at = None if self.new_every is None else started + self.new_every
        while fill_at is not None or arrive_at is not None:
            due = min(t for t in (fill_at, arrive_at) if t is not None)
            if ctx.stopping.wait(max(0.0, due - time.monotonic())):
                return
            now = time.monotonic()
            if fill_at is not None and now >= fill_at:
                ctx.store.fill_in(pending)
                fill_at = None
            if arrive_at is not None and self.new_every is not None and now >= arrive_at:
                ctx.store.add(self._new_arrival())
                arrive_at += self.new_every

    # -- addresses -------------------------------------------------------------------------------

    def _context(self) -> Context:
        if self._ctx is None:
            raise RuntimeError(
                "DemoServer not started: call start() or use it as a context manager"
            )
        return self._ctx

    def _new_arrival(self) -> Voicemail:
        assert self._factory is not None
        with self._factory_lock:
            return self._factory.arrival(self._context().now())

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT`` (``https://PUBLIC_HOST:PORT`` with ``tls`` and a name)"""
        return self._context().signer.origin

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/api/v1``"""
        return self.origin + "/api/v1"

    @property
    def storage_origin(self) -> str:
        return self._context().signer.storage_origin

    # -- state hooks for tests -----------------------------------------------------------------

    def voicemails(self) -> list[dict[str, Any]]:
        """Current state, newest first, in the list spelling with freshly signed URLs."""
        ctx = self._context()
        return [self._as_dict(vm) for vm in ctx.store.all()]

    def _as_dict(self, vm: Voicemail, *, retrieve: bool = False) -> dict[str, Any]:
        signer = self._context().signer
        url = signer.recording_url(vm.id, signer.new_expiry()) if vm.recording else None
        return to_dict(vm, url, retrieve=retrieve)

    def unlistened_count(self) -> int:
        return self._context().store.snapshot()[0]

    def add_voicemail(self, **overrides: Any) -> dict[str, Any]:
        """A new voicemail (default: now, unlistened, next recording and line), newest first.

        Overrides: ``id``, ``caller`` (or ``from``), ``transcription``, ``created_at``,
        ``listened_at`` (datetime or ISO string), ``recording`` (a manifest name, or None for
        "processing"), ``line`` (line name, main number or ``Line``).
        """
        ctx = self._context()
        vm = self._new_arrival()
        if "recording" in overrides and "transcription" not in overrides:
            rec = overrides["recording"]
            overrides["transcription"] = None if rec is None else recordings.manifest().get(rec)
        _apply(vm, overrides)
        ctx.store.add(vm)
        return self._as_dict(vm)

    def update_voicemail(self, vm_id: str, **fields: Any) -> None:
        """Change a voicemail as a colleague or the phone system would. KeyError if unknown.

        Fields: those of ``add_voicemail`` plus ``listened`` (bool: now / None) and
        ``recording_ready`` (True: the pending recording appears; False: back to processing).
        """
        ctx = self._context()
        if "id" in fields:
            raise TypeError("a voicemail's id cannot change")
        if "listened" in fields:
            fields["listened_at"] = ctx.now() if fields.pop("listened") else None
        ctx.store.modify(vm_id, lambda vm: _apply(vm, fields))

    def remove_voicemail(self, vm_id: str) -> None:
        """Delete it (as a colleague would). KeyError if unknown."""
        if not self._context().store.remove(vm_id):
            raise KeyError(vm_id)

    def recording_bytes(self, vm_id: str) -> bytes:
        """The exact mp3 bytes storage serves for this voicemail (its recording, even pending)."""
        vm = self._context().store.get(vm_id)
        if vm is None:
            raise KeyError(vm_id)
        name = vm.recording or vm.pending_recording
        if name is None:
            raise ValueError(f"voicemail {vm_id} has no recording")
        return recordings.audio(name)

    def inject(self, fault: Fault, *, times: int = 1, path: str | None = None) -> None:
        """Queue ``fault`` for the next ``times`` API-origin requests whose raw path starts with
        ``path`` (any path when None)."""
        self._context().api_faults.add(fault, times=times, path=path)

    def inject_storage(self, fault: Fault, *, times: int = 1) -> None:
        self._context().storage_faults.add(fault, times=times)

    def clear_faults(self) -> None:
        ctx = self._context()
        ctx.api_faults.clear()
        ctx.storage_faults.clear()

    def expire_urls(self) -> None:
        """Every URL signed so far (recording and storage) is now expired."""
        self._context().signer.expire_all()

    def clear_requests(self) -> None:
        self.requests.clear()
        self.storage_requests.clear()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _find_line(value: object) -> Line:
    if isinstance(value, Line):
        return value
    for line in LINES:
        if value in (line.name, line.number, line.id):
            return line
    raise ValueError(f"unknown line {value!r}; use one of {[line.name for line in LINES]}")


def _apply(vm: Voicemail, fields: dict[str, Any]) -> None:
    """Set hook fields on ``vm`` in place (raises TypeError/ValueError on bad input)."""
    for name, value in fields.items():
        if name == "id":
            vm.id = str(value)
        elif name in ("caller", "from"):
            vm.caller = str(value)
        elif name == "transcription":
            vm.transcription = value
            vm.pending_transcription = None
        elif name in ("created_at", "listened_at"):
            moment = parse_moment(value)
            if name == "created_at":
                if moment is None:
                    raise ValueError("created_at cannot be None")
                vm.created_at = moment
            else:
                vm.listened_at = moment
        elif name == "recording":
            if value is not None and not recordings.known(value):
                raise ValueError(f"unknown recording {value!r}")
            if value is None:
                vm.pending_recording = vm.recording or vm.pending_recording
            else:
                vm.pending_recording = None
            vm.recording = value
        elif name == "recording_ready":
            if value:
                vm.recording = (
                    vm.recording or vm.pending_recording or sorted(recordings.manifest())[0]
                )
                vm.pending_recording = None
            elif vm.recording is not None:
                vm.pending_recording, vm.recording = vm.recording, None
        elif name == "line":
            vm.line = _find_line(value)
        else:
            raise TypeError(f"unknown voicemail field {name!r}")
