"""A small threaded HTTP CONNECT proxy for tests (standard library only).

It resolves the host names it is given itself (``api.phone.test`` -> 127.0.0.1), so the demo
server's public names are reachable only through it. It records every request line and header
it receives, and can be told to refuse (407 asking for credentials, 403) or to require
credentials. Only CONNECT is tunnelled; anything else (a plain forward-proxy request) is
recorded and answered 501, so a test sees at once if a client sent a request to it in clear.
"""

from __future__ import annotations

import base64
import contextlib
import select
import socket
import threading
from dataclasses import dataclass, field
from types import TracebackType


@dataclass(frozen=True)
class ProxyRequest:
    method: str
    target: str  # "host:port" for CONNECT, a URL for a forward request
    headers: dict[str, str]  # lower-cased names
    raw: bytes  # everything the proxy read before answering (request line and headers)


@dataclass
class ConnectProxy:
    """``with ConnectProxy({"api.phone.test": "127.0.0.1"}) as proxy: proxy.url``"""

    hosts: dict[str, str] = field(default_factory=dict)
    refuse: int | None = None  # answer every CONNECT with this status (407, 403, 502...)
    credentials: tuple[str, str] | None = None  # require these (407 without them)
    requests: list[ProxyRequest] = field(default_factory=list)
    tunnelled: list[str] = field(default_factory=list)  # "host:port" of tunnels opened
    # Every byte any client sent, tunnelled ones included (TLS records: opaque to the proxy).
    received: bytearray = field(default_factory=bytearray)

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url_with(self, user: str, password: str) -> str:
        return f"http://{user}:{password}@127.0.0.1:{self.port}"

    def __enter__(self) -> ConnectProxy:
        self._spawn(self._accept_loop)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
        for thread in self._threads:
            thread.join(5)

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    # -- serving -----------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            self._track(client)
            self._spawn(self._serve, client)

    def _serve(self, client: socket.socket) -> None:
        with contextlib.suppress(OSError):
            request = _read_head(client)
            if request is None:
                client.close()
                return
            self.requests.append(request)
            self.received += request.raw
            if request.method != "CONNECT":
                _answer(client, 501, "Not Implemented")
                return
            if self.refuse is not None:
                extra = 'Proxy-Authenticate: Basic realm="test"\r\n' if self.refuse == 407 else ""
                _answer(client, self.refuse, "Refused", extra)
                return
            if self.credentials is not None and not self._authorised(request):
                _answer(
                    client,
                    407,
                    "Proxy Authentication Required",
                    'Proxy-Authenticate: Basic realm="test"\r\n',
                )
                return
            host, _, port = request.target.rpartition(":")
            address = self.hosts.get(host.strip("[]").lower())
            if address is None or not port.isdigit():
                _answer(client, 502, "Bad Gateway")  # what a proxy says for an unknown name
                return
            try:
                upstream = socket.create_connection((address, int(port)), timeout=5)
            except OSError:
                _answer(client, 502, "Bad Gateway")
                return
            self._track(upstream)
            self.tunnelled.append(request.target)
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            _pipe(client, upstream, self.received)

    def _authorised(self, request: ProxyRequest) -> bool:
        assert self.credentials is not None
        user, password = self.credentials
        expected = base64.b64encode(f"{user}:{password}".encode()).decode()
        return request.headers.get("proxy-authorization", "") == f"Basic {expected}"


def _read_head(client: socket.socket) -> ProxyRequest | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(4096)
        if not chunk:
            return None
        data += chunk
        if len(data) > 65536:
            return None
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    method, target, _version = [*lines[0].split(" "), "", ""][:3]
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return ProxyRequest(method, target, headers, data)


def _answer(client: socket.socket, status: int, reason: str, extra: str = "") -> None:
    head = f"HTTP/1.1 {status} {reason}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
    client.sendall(head.encode())
    client.close()


def _pipe(a: socket.socket, b: socket.socket, from_a: bytearray) -> None:
    """Copy bytes both ways until either side closes; what ``a`` sends is kept in ``from_a``."""
    try:
        while True:
            readable, _, _ = select.select([a, b], [], [], 30)
            if not readable:
                return
            for source in readable:
                data = source.recv(65536)
                if not data:
                    return
                if source is a:
                    from_a += data
                (b if source is a else a).sendall(data)
    except OSError:
        return
    finally:
        for sock in (a, b):
            with contextlib.suppress(OSError):
                sock.close()
