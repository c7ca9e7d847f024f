"""Quiet, stoppable HTTP plumbing shared by the API and storage origins (stdlib only)."""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import ssl
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from vm_tui.demo.faults import Fault


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # raw request target, query string included, as received
    headers: dict[str, str]  # lower-cased names; repeated headers joined with ", "
    body: bytes
    peer: str = ""  # the client's address and port: which connection the request came on


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    headers: Sequence[tuple[str, str]] = field(default=())


JSON = "application/json; charset=utf-8"


def json_reply(status: int, body: object) -> Reply:
    """``body`` is sent as is when str/bytes (already JSON), else serialised compactly."""
    if isinstance(body, bytes):
        data = body
    elif isinstance(body, str):
        data = body.encode()
    else:
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Reply(status, data, (("Content-Type", JSON),))


class TrackedHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its connections, so ``close_all`` leaves no thread behind.

    Keep-alive handler threads block reading the next request; shutting their sockets down
    is the only way to end them promptly.

    ``tls``: serve https with this server-side context. The handshake runs in the connection's
    own thread, so a client that never completes it holds up nobody else.
    """

    daemon_threads = True
    block_on_close = False

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self._tls = tls
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._workers: set[threading.Thread] = set()
        self._closing = False
        super().__init__(address, handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup: skip it.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_one,
            args=(request, client_address),
            name=f"vm-tui-demo-conn-{self.server_port}",
            daemon=True,
        )
        with self._lock:
            if self._closing:
                self.shutdown_request(request)
                return
            self._conns.add(request)
            self._workers.add(thread)
        thread.start()

    def _serve_one(self, request: socket.socket, client_address: Any) -> None:
        try:
            if self._tls is not None:
                request = self._start_tls(request)
            self.finish_request(request, client_address)
        except Exception:  # noqa: S110 - a client hanging up mid-request is routine here
            pass
        finally:
            self.shutdown_request(request)
            with self._lock:
                self._conns.discard(request)
                self._workers.discard(threading.current_thread())

    def _start_tls(self, raw: socket.socket) -> socket.socket:
        assert self._tls is not None
        raw.settimeout(10.0)  # a client that never finishes the handshake
        wrapped = self._tls.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
        with self._lock:  # wrapping took the descriptor over: track the TLS socket instead
            self._conns.discard(raw)
            self._conns.add(wrapped)
        try:
            wrapped.do_handshake()
        except BaseException:
            with self._lock:
                self._conns.discard(wrapped)
            wrapped.close()
            raise
        return wrapped

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: the default prints a traceback to stderr."""

    def close_all(self, timeout: float = 2.0) -> None:
        """Hang up every open connection and wait for its handler thread."""
        with self._lock:
            self._closing = True
            conns, workers = list(self._conns), list(self._workers)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for worker in workers:
            worker.join(timeout)


class QuietHandler(BaseHTTPRequestHandler):
    """Reads the whole request, records it, then lets the subclass answer with a ``Reply``."""

    protocol_version = "HTTP/1.1"  # keep-alive, like the real thing
    server_version = "PhoneIncDemo/1.0"
    sys_version = ""
    timeout = 30  # idle keep-alive connections end on their own
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle + delayed ACK add
    # ~40 ms to every keep-alive response.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Nothing on stderr."""

    # -- subclass hooks ------------------------------------------------------------------------

    def record(self, request: RecordedRequest) -> None:
        raise NotImplementedError

    def answer(self, request: RecordedRequest) -> None:
        raise NotImplementedError

    # -- plumbing ------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        body = self._read_body()
        if body is None:
            self.send_reply(json_reply(400, {"error": "Malformed request body"}))
            return
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        host, port = self.client_address[:2]
        request = RecordedRequest(self.command, self.path, headers, body, f"{host}:{port}")
        self.record(request)  # before answering, so tests see even dropped requests
        self.answer(request)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _dispatch

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        if not length.strip().isdigit():
            return None
        return self.rfile.read(int(length))

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        while True:
            size_line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                return None
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def send_reply(self, reply: Reply, *, declared_length: int | str | None = None) -> None:
        """Send ``reply``; HEAD gets headers only. ``declared_length`` can lie (truncation, or
        any text at all), and the connection is closed after it."""
        self._send_head(reply, declared_length)
        if self.command != "HEAD" and reply.body:
            self.wfile.write(reply.body)
        self.wfile.flush()
        if declared_length is not None:
            self.hang_up()

    def send_trickled(self, reply: Reply, bytes_per_second: float, stop: threading.Event) -> None:
        """Send ``reply`` with its headers at once and its body at ``bytes_per_second`` (at
        least a byte at a time), until it is sent, the client hangs up, or ``stop`` is set."""
        self._send_head(reply, None)
        self.wfile.flush()
        if self.command == "HEAD":
            return
        step = max(1, int(bytes_per_second / 10))
        pause = step / bytes_per_second
        body = reply.body
        for start in range(0, len(body), step):
            if stop.wait(pause):
                return self.hang_up()
            try:
                self.wfile.write(body[start : start + step])
                self.wfile.flush()
            except OSError:  # the client gave up: that is what a deadline does
                return self.hang_up()
        return None

    def _send_head(self, reply: Reply, declared_length: int | str | None) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        length = len(reply.body) if declared_length is None else declared_length
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def hang_up(self) -> None:
        """Close the connection now, whatever was (not) sent."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)

    def simple_fault(self, fault: Fault) -> bool:
        """Answer the faults that replace the response outright; False for the others."""
        if fault.kind == "drop_connection":
            self.hang_up()
        elif fault.kind in ("status", "html_502", "rate_limited", "redirect"):
            self.send_reply(Reply(fault.code, fault.body, fault.headers))
        else:
            return False
        return True
