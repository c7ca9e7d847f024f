"""The API key in the OS keyring (the ``keyring`` package), one entry per API origin.

``keyring`` is imported only when a key is looked up there: a key from a flag, the environment
or the config file never pays for it. Every failure of a backend (none installed, a locked or
broken one, D-Bus gone) becomes :class:`KeyringUnavailable` with a one-line reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "vm-tui"

# Backends that exist only to say "there is no keyring": storing there would lose the key.
_UNUSABLE = {"keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"}


class KeyringUnavailable(Exception):
    """No usable keyring backend (``no_backend``), or the backend failed; the message says."""

    def __init__(self, message: str, *, no_backend: bool = False) -> None:
        super().__init__(message)
        self.no_backend = no_backend


def key_origin(base_url: str) -> str:
    """The keyring user name for a base URL: its origin, ``https://app.phone.inc``."""
    parts = urlsplit(base_url.strip())
    scheme = (parts.scheme or "https").lower()
    host = (parts.hostname or parts.path.split("/")[0]).lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"https": 443, "http": 80}.get(scheme)
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


def _backend() -> KeyringBackend:
    try:
        import keyring
    except ImportError as error:  # pragma: no cover - a dependency, but be robust
        raise KeyringUnavailable(
            f"the keyring package is not installed ({error})", no_backend=True
        ) from None
    try:
        backend = keyring.get_keyring()
    except Exception as error:
        raise _failure(error) from None
    if backend_name(backend) in _UNUSABLE:
        raise KeyringUnavailable("no system keyring is available", no_backend=True)
    return backend


def backend_name(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def describe_backend() -> str:
    """A short name of the backend in use (for messages), e.g. ``SecretService Keyring``."""
    backend = _backend()
    name = getattr(type(backend), "name", None)
    return str(name) if isinstance(name, str) and name else backend_name(backend)


def _failure(error: BaseException) -> KeyringUnavailable:
    from keyring.errors import NoKeyringError

    if isinstance(error, NoKeyringError):
        return KeyringUnavailable("no system keyring is available", no_backend=True)
    text = " ".join(str(error).split()) or type(error).__name__
    return KeyringUnavailable(f"the keyring failed: {text[:200]}")


def get_key(base_url: str) -> str | None:
    """The key stored for ``base_url``'s origin, or None; KeyringUnavailable on any failure."""
    backend = _backend()
    try:
        value = backend.get_password(SERVICE, key_origin(base_url))
    except Exception as error:
        raise _failure(error) from None
    if value is not None and not isinstance(value, str):
        raise KeyringUnavailable("the keyring returned something that is not text")
    return value.strip() or None if value else None


def set_key(base_url: str, key: str) -> None:
    """Store ``key``, then read it back: a backend that silently drops it is not usable."""
    backend = _backend()
    origin = key_origin(base_url)
    try:
        backend.set_password(SERVICE, origin, key)
        stored = backend.get_password(SERVICE, origin)
    except Exception as error:
        raise _failure(error) from None
    if stored != key:
        raise KeyringUnavailable("the keyring did not keep the key")


def delete_key(base_url: str) -> bool:
    """Remove the key for ``base_url``'s origin; False when there was none."""
    backend = _backend()
    origin = key_origin(base_url)
    try:
        if backend.get_password(SERVICE, origin) is None:
            return False
        backend.delete_password(SERVICE, origin)
    except Exception as error:
        raise _failure(error) from None
    return True
