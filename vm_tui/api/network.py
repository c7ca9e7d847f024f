"""Proxies and CA files from the environment (as curl does), plus the config file's fallbacks.

Both HTTP clients are built with ``trust_env=False``: httpx would otherwise also read ``.netrc``
and attach its credentials. So the few variables that matter are read here and passed to httpx
explicitly:

- ``https_proxy`` / ``HTTPS_PROXY`` for https URLs, ``http_proxy`` / ``HTTP_PROXY`` for http,
  then ``all_proxy`` / ``ALL_PROXY``. As with curl, the lower-case name wins when both are set
  and an empty value counts as unset. A value without a scheme means ``http://``. The config
  file's ``proxy`` is used only when the environment names none (flags > env > file).
- ``no_proxy`` / ``NO_PROXY``: comma (or space) separated host names, domains (``corp.example``
  and ``.corp.example`` both match the domain and every host under it; ``*.corp.example`` too),
  IP addresses and CIDR ranges, each with an optional ``:port``; ``*`` alone means no proxy at
  all. It applies to the config file's proxy too.
- Loopback (127.0.0.0/8, ::1, ``localhost``) never goes through a proxy: the demo server and the
  tests must work whatever proxy is set.
- ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``, and the config file's ``ca_bundle``: CA certificates
  trusted on top of the OS store and certifi (see ``vm_tui.api.tls``).

Credentials in a proxy URL (``http://user:pass@proxy:3128``) go to that proxy only, as
``Proxy-Authorization``; messages name the proxy by host and port, never with them.
"""

from __future__ import annotations

import ipaddress
import os
import ssl
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import httpx

from vm_tui.api.tls import TrustSources, TrustStoreError, trust_store

from .errors import (
    ApiTimeoutError,
    CaFileError,
    CertificateError,
    ConfigError,
    NetworkError,
    ProxyError,
    TlsError,
)
from .urls import is_loopback

# The variables read, in the order they are tried for each scheme (lower case first, as curl).
_PROXY_NAMES = {
    "https": ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"),
    "http": ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"),
}
_NO_PROXY_NAMES = ("no_proxy", "NO_PROXY")
_CERT_NAMES = ("SSL_CERT_FILE", "SSL_CERT_DIR")
_READ = (
    *sorted({name for names in _PROXY_NAMES.values() for name in names}),
    *_NO_PROXY_NAMES,
    *_CERT_NAMES,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PROXY_SCHEMES = ("http", "https")

CERTIFICATE_HINT = "a TLS-inspecting proxy? set SSL_CERT_FILE or add its CA to the system store"


@dataclass(frozen=True)
class NetworkConfig:
    """Where requests go (which proxy, if any) and which extra CAs are trusted.

    ``environ`` holds only the variables above, copied when the config was made.
    """

    proxy: str | None = field(default=None, repr=False)  # the config file's fallback proxy
    ca_bundle: str | None = None  # an extra PEM file to trust (absolute path)
    environ: Mapping[str, str] = field(
        default_factory=lambda: types.MappingProxyType({}), repr=False
    )

    @classmethod
    def from_environment(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        proxy: str | None = None,
        ca_bundle: str | None = None,
    ) -> NetworkConfig:
        env = os.environ if environ is None else environ
        kept = {name: env[name] for name in _READ if env.get(name)}
        return cls(
            proxy=proxy or None,
            ca_bundle=ca_bundle or None,
            environ=types.MappingProxyType(kept),
        )

    def __repr__(self) -> str:
        proxy = describe_proxy(self.proxy) if self.proxy else None
        return f"NetworkConfig(proxy={proxy!r}, ca_bundle={self.ca_bundle!r}, environ=[…])"

    # -- proxies -------------------------------------------------------------------------------

    def proxy_for(self, url: str | httpx.URL) -> str | None:
        """The proxy URL (credentials included, for httpx) to reach ``url`` through, or None.

        Raises ConfigError naming the variable when the proxy that applies is not usable.
        """
        target = httpx.URL(url) if isinstance(url, str) else url
        scheme, host = target.scheme, target.host
        if not host or is_loopback(host):
            return None
        port = target.port or _DEFAULT_PORTS.get(scheme)
        if self._bypassed(host, port):
            return None
        for name in _PROXY_NAMES.get(scheme, ()):
            value = self.environ.get(name)
            if value:
                return check_proxy_url(value, name)
        if self.proxy:
            return check_proxy_url(self.proxy, "proxy (config file)")
        return None

    def _bypassed(self, host: str, port: int | None) -> bool:
        for name in _NO_PROXY_NAMES:
            value = self.environ.get(name)
            if value:
                return no_proxy_matches(value, host, port)
        return False

    # -- trust ---------------------------------------------------------------------------------

    @property
    def trust(self) -> TrustSources:
        return TrustSources.from_environ(self.environ, self.ca_bundle)

    def ssl_context(self) -> ssl.SSLContext:
        """The shared verifying context for this config (built once; see ``vm_tui.api.tls``)."""
        try:
            return trust_store(self.trust)
        except TrustStoreError as error:
            raise CaFileError(str(error)) from None


_nothing: list[ssl.SSLContext] = []


def trusts_nothing() -> ssl.SSLContext:
    """A verifying context with no CA at all, for a client that only ever speaks plain http
    (loopback): cheap to make, and any https it were given would fail verification."""
    if not _nothing:
        _nothing.append(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
    return _nothing[0]


def default_config(config: NetworkConfig | None) -> NetworkConfig:
    return NetworkConfig.from_environment() if config is None else config


def httpx_proxy(proxy: str | None, context: ssl.SSLContext) -> httpx.Proxy | None:
    """httpx's Proxy: credentials become Proxy-Authorization, sent to the proxy only; an https
    proxy is verified with the same trust store."""
    if proxy is None:
        return None
    url = httpx.URL(proxy)
    return httpx.Proxy(url, ssl_context=context if url.scheme == "https" else None)


# -- NO_PROXY ----------------------------------------------------------------------------------


def no_proxy_matches(value: str, host: str, port: int | None = None) -> bool:
    """Whether a NO_PROXY value covers ``host`` (a name or an IP literal) on ``port``."""
    host = host.strip("[]").rstrip(".").lower()
    address = _ip(host)
    for raw in value.replace(",", " ").split():
        entry, entry_port = _split_port(raw.strip().lower())
        if entry == "*":
            return True
        if not entry or (entry_port is not None and entry_port != port):
            continue
        if "/" in entry:
            if address is not None and _in_network(address, entry):
                return True
            continue
        entry_address = _ip(entry)
        if entry_address is not None:
            if address is not None and address == entry_address:
                return True
            continue
        domain = entry.lstrip("*").lstrip(".").rstrip(".")
        if domain and address is None and (host == domain or host.endswith("." + domain)):
            return True
    return False


def _split_port(entry: str) -> tuple[str, int | None]:
    """``host:port``, ``[v6]:port``, ``10.0.0.0/8:8080`` -> (entry, port); bare IPv6 kept."""
    if entry.startswith("["):
        inside, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return inside, int(port) if port.isdigit() else None
    if entry.count(":") == 1:
        name, _, port = entry.partition(":")
        if port.isdigit():
            return name, int(port)
        return name, None
    return entry, None


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _in_network(address: ipaddress.IPv4Address | ipaddress.IPv6Address, entry: str) -> bool:
    try:
        return address in ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return False


# -- proxy URLs --------------------------------------------------------------------------------


def check_proxy_url(value: str, source: str) -> str:
    """``value`` as a proxy URL httpx accepts (``http://`` added when it names no scheme), or
    ConfigError naming ``source`` (never echoing the value: it may hold a password)."""
    text = value.strip()
    if "://" not in text:
        text = "http://" + text  # curl's default for a bare host:port
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError):
        raise ConfigError(f"{source} is not a valid proxy URL") from None
    if url.scheme not in _PROXY_SCHEMES:
        raise ConfigError(
            f"{source}: {url.scheme}:// proxies are not supported (use an http:// or https:// "
            "proxy)"
        )
    if not url.host or "%" in url.host:
        raise ConfigError(f"{source} is not a valid proxy URL (it names no host)")
    if url.port is not None and not 0 < url.port < 65536:
        raise ConfigError(f"{source} is not a valid proxy URL (bad port)")
    return text


def mask_proxy_url(proxy: str) -> str:
    """The proxy URL with its password (if any) shown as ``***``."""
    parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
    if parts.password is None:
        return proxy
    user = parts.netloc.rpartition("@")[0].partition(":")[0]
    host = parts.netloc.rpartition("@")[2]
    shown = urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    return shown if "://" in proxy else shown.removeprefix("http://")


def describe_proxy(proxy: str) -> str:
    """``proxy.corp:3128``: the proxy as messages name it (never its credentials)."""
    try:
        url = httpx.URL(proxy if "://" in proxy else "http://" + proxy)
    except (httpx.InvalidURL, TypeError):
        return "the proxy"
    if not url.host:
        return "the proxy"
    host = f"[{url.host}]" if ":" in url.host else url.host
    port = url.port or _DEFAULT_PORTS.get(url.scheme)
    return f"{host}:{port}" if port else host


# -- what went wrong ---------------------------------------------------------------------------


def describe_transport_error(
    error: httpx.TransportError, host: str, proxy: str | None
) -> NetworkError:
    """One short line for what httpx raised while reaching ``host`` (through ``proxy``).

    Never the proxy's credentials, never a URL (recording URLs are signed).
    """
    via = f"the proxy {describe_proxy(proxy)}" if proxy else None
    if isinstance(error, httpx.ProxyError):
        return _proxy_refusal(error, host, via or "the proxy", proxy)
    if isinstance(error, httpx.TimeoutException):
        # Before the TLS checks: a handshake that timed out has an SSLWantReadError inside.
        return _timeout(error, host, via)
    certificate = _cause(error, ssl.SSLCertVerificationError)
    if certificate is not None:
        return CertificateError(f"certificate verify failed for {host} ({CERTIFICATE_HINT})")
    tls = _cause(error, ssl.SSLError)
    if tls is not None:
        reason = str(getattr(tls, "reason", None) or "handshake failed")
        return TlsError(f"TLS handshake with {host} failed ({reason.lower().replace('_', ' ')})")
    if isinstance(error, httpx.ConnectError):
        return _connect_failure(error, host, via)
    if isinstance(error, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return NetworkError(f"the connection to {host} closed before a complete answer")
    return NetworkError(f"cannot reach {host} ({type(error).__name__})")


def _proxy_refusal(error: httpx.ProxyError, host: str, via: str, proxy: str | None) -> ProxyError:
    # httpcore's message is the proxy's status line to CONNECT: "407 Proxy Authentication ..."
    words = str(error).split()
    status = int(words[0]) if words and words[0].isdigit() and len(words[0]) == 3 else None
    refused = f"{via} refused to connect to {host}"
    if status == 407:
        if proxy is not None and httpx.URL(proxy).userinfo:
            why = "it rejected the credentials in the proxy URL"
        else:
            why = "it asks for credentials (user:password@ in the proxy URL)"
        return ProxyError(f"{refused}: HTTP 407, {why}", status=status)
    if status == 403:
        return ProxyError(
            f"{refused}: HTTP 403, forbidden by the proxy (it asks for no credentials)",
            status=status,
        )
    if status is not None:
        return ProxyError(f"{via} could not connect to {host} (HTTP {status})", status=status)
    return ProxyError(refused)


def _timeout(error: httpx.TimeoutException, host: str, via: str | None) -> ApiTimeoutError:
    if isinstance(error, httpx.ConnectTimeout):
        return ApiTimeoutError(f"timed out connecting to {via or host}")
    if isinstance(error, httpx.PoolTimeout):
        return ApiTimeoutError(f"timed out waiting for a free connection to {host}")
    if via is not None:
        return ApiTimeoutError(f"{host} did not answer in time (through {via})")
    return ApiTimeoutError(f"{host} did not answer in time")


def _connect_failure(error: httpx.ConnectError, host: str, via: str | None) -> NetworkError:
    """Through a proxy, the only TCP connection is to the proxy: a refusal or an unknown name
    is about the proxy, not the API (the proxy resolves the API's name itself)."""
    text = str(error).lower()
    refused = "refused" in text or _cause(error, ConnectionRefusedError) is not None
    unknown = ("name" in text and ("resol" in text or "not known" in text)) or (
        "nodename" in text or "getaddrinfo" in text or "no address" in text
    )
    if via is not None:
        if refused:
            return ProxyError(f"cannot reach {via}: connection refused")
        if unknown:
            unresolved = ProxyError(f"cannot reach {via}: host name not found")
            unresolved.transient = False
            return unresolved
        return ProxyError(f"cannot reach {via}: connection failed")
    if refused:
        return NetworkError(f"cannot reach {host}: connection refused")
    if unknown:
        # Not retried within the command (as an untrusted certificate is not): a name that
        # does not resolve now will not in the next seconds. The outbox still tries later.
        failure = NetworkError(f"cannot reach {host}: host name not found")
        failure.transient = False
        return failure
    return NetworkError(f"cannot reach {host}: connection failed")


def _cause(error: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return None
        if isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None
