"""One hierarchy for everything that can go wrong talking to Phone.inc.

Every error's ``str()`` is a single line fit to show a user. None of them ever carries the API key.
"""

from __future__ import annotations


class ApiError(Exception):
    """Base class: anything the client raises on purpose."""

    status: int | None = None

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.message


class HttpStatusError(ApiError):
    """The server answered with an error status."""


class BadRequestError(HttpStatusError):
    status = 400


class AuthError(HttpStatusError):
    """401: the key is missing, malformed, expired or revoked. Stop and ask for a new key."""

    status = 401


class ForbiddenError(HttpStatusError):
    status = 403


class NotFoundError(HttpStatusError):
    """404: no such voicemail (often: a colleague deleted it a moment ago)."""

    status = 404


class ValidationError(HttpStatusError):
    """422: the body's ``errors`` maps field names to messages."""

    status = 422

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


class RateLimitedError(HttpStatusError):
    """429: wait ``retry_after`` seconds (None when the server did not say)."""

    status = 429

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServerError(HttpStatusError):
    """5xx: provider trouble, worth retrying later."""


class NetworkError(ApiError):
    """No usable response: connection refused, reset, DNS, TLS, a proxy.

    ``transient``: worth retrying within the same command. A certificate the trust store
    rejects, or a proxy that wants credentials, will not fix itself in a second.
    """

    transient: bool = True


class ApiTimeoutError(NetworkError):
    """The server (or the proxy) took too long."""


class DeadlineError(ApiTimeoutError):
    """A whole request took longer than its budget (``vm_tui.api.limits``): a server that
    trickles its answer. Not retried within the same call (the budget is spent); the outbox and
    the poller try again later."""

    transient = False

    def __init__(self, message: str, *, seconds: float) -> None:
        super().__init__(message)
        self.seconds = seconds


class TlsError(NetworkError):
    """The TLS handshake failed (not a certificate problem: a protocol or cipher mismatch)."""


class CertificateError(TlsError):
    """The server's certificate is not trusted, or not for this host name."""

    transient = False


class ProxyError(NetworkError):
    """The proxy could not be reached, or refused to open a tunnel (an answer to CONNECT)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        # Not ``status``: that is the API's answer, and 403 from a proxy is not a 403 from
        # Phone.inc (the CLI would call it "not allowed").
        self.proxy_status = status
        if status in (403, 407):
            self.transient = False


class ProtocolError(ApiError):
    """A response we cannot use: not JSON, the wrong shape, a missing or mistyped field."""


class ConfigError(ApiError):
    """Bad client configuration (an unsafe base URL, an invalid id)."""


class CaFileError(ConfigError):
    """A CA file or folder to trust (SSL_CERT_FILE, SSL_CERT_DIR, ca_bundle) cannot be used."""


class InvalidIdError(ConfigError):
    """A voicemail id with characters that could change the request path."""


class DownloadError(ApiError):
    """The recording could not be fetched from storage."""


class RecordingExpiredError(DownloadError):
    """Storage refused the signed URL (403): fetch a fresh one and retry once."""


class RecordingProcessingError(DownloadError):
    """The voicemail has no recording yet (``recording_url`` is null)."""


class DownloadTooLargeError(DownloadError):
    """The recording is larger than the size cap."""


# Answers that say "not now" rather than "no": 408 (timeout), 421 (misdirected: a new
# connection will do), 425 (too early), 429 (rate limited), and the server's own trouble.
RETRY_STATUSES = frozenset({408, 421, 425, 429, 500, 502, 503, 504})


def is_retryable(error: ApiError) -> bool:
    """Worth trying again later: the network, an answer we could not use, the statuses above and
    any other 5xx. Every other 4xx is a definite refusal (401 has its own handling)."""
    if isinstance(error, NetworkError | ProtocolError | ServerError | RateLimitedError):
        return True
    status = error.status
    return isinstance(error, HttpStatusError) and status is not None and status in RETRY_STATUSES
