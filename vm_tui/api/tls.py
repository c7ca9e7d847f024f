"""The TLS trust store every HTTPS client of this process shares, loadable ahead of time.

What is trusted, in this order (all of it, not the first that exists):

1. the operating system's store. On macOS and Windows that is ``truststore``'s context, which
   asks the OS to verify each chain (as pip does). On Linux and the BSDs truststore only loads
   OpenSSL's default paths (which honour SSL_CERT_FILE / SSL_CERT_DIR), or the first
   distribution bundle that exists when those are empty, but it does so again before every
   handshake: ~20 ms of PEM parsing on the event loop per new connection here. So there the
   same paths are loaded once, into a plain context, when the store is built;
2. certifi's bundle (what httpx trusts by default);
3. SSL_CERT_FILE and SSL_CERT_DIR, loaded explicitly (from the environment the caller read);
4. ``ca_bundle`` from the config file.

A file or folder named by 3 or 4 that cannot be used raises ``TrustStoreError`` naming it.

Building it means OpenSSL parsing CA bundles: tens of ms on every start, in C code that
releases the GIL. ``preload()`` starts that in a thread first thing, so it runs beside the
imports of the UI instead of after them; the clients then take the finished context. (The
imports of ssl and certifi stay on the caller's thread: Python code gains nothing from a thread,
and httpx needs both anyway.) One context per set of sources, shared by the API client and the
recording downloader, also saves building it a second time.
"""

from __future__ import annotations

import contextlib
import os
import re
import ssl
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass

import certifi

# Where truststore looks on Linux when OpenSSL's compiled-in defaults are empty (a Python built
# against another OpenSSL, e.g. pyenv or python.org builds); the same list, same order.
_CA_FILE_CANDIDATES = (
    "/etc/ssl/cert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/pki/tls/cert.pem",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/ssl/ca-bundle.pem",
)
_HASHED_NAME = re.compile(r"^[0-9a-fA-F]{8}\.[0-9]$")
_OS_VERIFIES = sys.platform in ("darwin", "win32")


class TrustStoreError(Exception):
    """A CA file or folder that was asked for cannot be used; the message names it."""


@dataclass(frozen=True)
class TrustSources:
    """The extra CA files and folders to trust on top of the OS store and certifi."""

    cert_file: str | None = None  # SSL_CERT_FILE
    cert_dir: str | None = None  # SSL_CERT_DIR (OpenSSL accepts a list, os.pathsep between)
    ca_bundle: str | None = None  # the config file's ca_bundle (already an absolute path)

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, ca_bundle: str | None = None
    ) -> TrustSources:
        env = os.environ if environ is None else environ
        return cls(
            cert_file=env.get("SSL_CERT_FILE") or None,
            cert_dir=env.get("SSL_CERT_DIR") or None,
            ca_bundle=ca_bundle or None,
        )


_lock = threading.Lock()
_contexts: dict[TrustSources, ssl.SSLContext] = {}


def trust_store(sources: TrustSources | None = None) -> ssl.SSLContext:
    """The verifying context for ``sources`` (default: SSL_CERT_FILE / SSL_CERT_DIR of
    ``os.environ``, no ca_bundle). Certificates and host names are always verified.

    Built once per set of sources and process; waits for a preload in progress rather than
    building it twice. Raises TrustStoreError for a named file or folder that is unusable.
    """
    key = TrustSources.from_environ() if sources is None else sources
    with _lock:
        context = _contexts.get(key)
        if context is None:
            context = _contexts[key] = _build(key)
        return context


def preload(sources: TrustSources | None = None) -> None:
    """Start building the trust store in a daemon thread; a failure is left to ``trust_store``."""
    key = TrustSources.from_environ() if sources is None else sources
    threading.Thread(
        target=_build_quietly, args=(key,), name="vm-tui-tls-preload", daemon=True
    ).start()


def _build_quietly(sources: TrustSources) -> None:
    # The caller of trust_store() meets the error itself, where it is reported properly.
    with contextlib.suppress(Exception):
        trust_store(sources)


def _build(sources: TrustSources) -> ssl.SSLContext:
    context, loaded = _os_store()
    context.load_verify_locations(cafile=certifi.where())
    loaded.add(os.path.realpath(certifi.where()))
    for path, what in ((sources.cert_file, "SSL_CERT_FILE"), (sources.ca_bundle, "ca_bundle")):
        if path and os.path.realpath(path) not in loaded:
            _load_file(context, path, what)
            loaded.add(os.path.realpath(path))
    if sources.cert_dir:
        _load_dirs(context, sources.cert_dir)
    # PROTOCOL_TLS_CLIENT already means both; say it anyway, a store must never be lax.
    context.verify_mode = ssl.CERT_REQUIRED
    context.check_hostname = True
    return context


def _os_store() -> tuple[ssl.SSLContext, set[str]]:
    """The OS store, and the real paths of the CA files it loaded (not to parse them twice)."""
    if _OS_VERIFIES:
        import truststore

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT), set()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # What truststore's OpenSSL backend does before every handshake, done once.
    defaults = ssl.get_default_verify_paths()
    if defaults.cafile or (defaults.capath and _has_hashed_certs(defaults.capath)):
        context.set_default_verify_paths()
        return context, {os.path.realpath(defaults.cafile)} if defaults.cafile else set()
    for candidate in _CA_FILE_CANDIDATES:
        if os.path.isfile(candidate):
            context.load_verify_locations(cafile=candidate)
            return context, {os.path.realpath(candidate)}
    return context, set()


def _has_hashed_certs(folder: str) -> bool:
    try:
        return any(_HASHED_NAME.match(name) for name in os.listdir(folder))
    except OSError:
        return False


def _load_file(context: ssl.SSLContext, path: str, what: str) -> None:
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise TrustStoreError(f"cannot read the CA file {path} ({what}): {reason}") from None
    try:
        context.load_verify_locations(cafile=path)
    except (ssl.SSLError, ValueError):
        raise TrustStoreError(
            f"the CA file {path} ({what}) holds no PEM certificate OpenSSL can read"
        ) from None


def _load_dirs(context: ssl.SSLContext, value: str) -> None:
    for folder in (part for part in value.split(os.pathsep) if part):
        if not os.path.isdir(folder):
            raise TrustStoreError(f"the CA folder {folder} (SSL_CERT_DIR) does not exist")
    # Looked up by hashed name at each verification: loading costs nothing now.
    context.load_verify_locations(capath=value)
