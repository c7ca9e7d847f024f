"""The Phone.inc Voicemails API: client, models, errors, recording download. No UI here."""

# First, before httpx is imported (by .client): keeps it from importing its command line.
from . import _httpx_cli  # noqa: F401
from .client import PhoneIncClient
from .download import RecordingDownloader
from .errors import (
    ApiError,
    ApiTimeoutError,
    AuthError,
    BadRequestError,
    ConfigError,
    DeadlineError,
    DownloadError,
    DownloadTooLargeError,
    ForbiddenError,
    HttpStatusError,
    InvalidIdError,
    NetworkError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    RecordingExpiredError,
    RecordingProcessingError,
    ServerError,
    ValidationError,
)
from .limits import Limits
from .models import Inbox, SkippedItem, Voicemail, parse_inbox, parse_voicemail
from .recording import fetch_recording
from .retry import NO_RETRY, RetryPolicy
from .urls import DEFAULT_BASE_URL

__all__ = [
    "DEFAULT_BASE_URL",
    "NO_RETRY",
    "ApiError",
    "ApiTimeoutError",
    "AuthError",
    "BadRequestError",
    "ConfigError",
    "DeadlineError",
    "DownloadError",
    "DownloadTooLargeError",
    "ForbiddenError",
    "HttpStatusError",
    "Inbox",
    "InvalidIdError",
    "Limits",
    "NetworkError",
    "NotFoundError",
    "PhoneIncClient",
    "ProtocolError",
    "RateLimitedError",
    "RecordingDownloader",
    "RecordingExpiredError",
    "RecordingProcessingError",
    "RetryPolicy",
    "ServerError",
    "SkippedItem",
    "ValidationError",
    "Voicemail",
    "fetch_recording",
    "parse_inbox",
    "parse_voicemail",
]
