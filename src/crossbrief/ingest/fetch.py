"""Fetching one URL with httpx, within limits, as bytes plus what the response says about them.

Limits (`read.Limits`): each network step (connect, each read) may take `timeout` seconds (15 s
by default) and the whole fetch, connect + headers + body + redirects, `deadline` seconds
(30 s by default): a server that sends its headers and then one byte every few seconds is cut
off at the deadline ("gave up after 30 s: ..."). At most `max_redirects` redirects (5) and
`max_bytes` bytes (10 MB); only HTML, plain text and JSON content types.

The fetch runs in a worker thread so that the deadline holds however the server behaves; when
it passes, the caller gets its InputError at once and the worker stops at its next read.

Where a fetch may go: only http:// and https://, and, unless `allow_private`, only to public
addresses. Before every request, the first and each redirect, the host is resolved and the fetch
refused ("refused: ...") when any address it resolves to is private, loopback, link-local,
multicast, reserved or unspecified (IPv4-mapped IPv6 addresses are judged by their IPv4 address),
so that a page or feed cannot make crossbrief read the machine's own or its network's services.
`--allow-private` or CROSSBRIEF_ALLOW_PRIVATE=1 (`Settings.allow_private`) lifts that.

DNS rebinding: the connection goes to the address that was checked, not to a second resolution
of the name (a DNS server could answer with a public address for the check and a private one a
moment later). The check is made where the connection is opened (`_CheckedBackend`, the network
backend of httpx's connection pool): the host is resolved once, every address it resolves to must
be public, and the socket is connected to the first of them; TLS still verifies the certificate
against the host name. When a proxy is configured in the environment (HTTP_PROXY, ...), the proxy
connects and resolves; then only the request hook's check applies.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from crossbrief.errors import InputError
from crossbrief.version import __version__

FETCHABLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/json")
# Feeds (RSS, Atom) and OPML lists of feeds, besides articles.
FEED_TYPES = (
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
    "application/x-rss+xml", "text/x-opml",
)


@dataclass
class Fetched:
    data: bytes
    content_type: str  # lower-case media type, without parameters ("" when not sent)
    charset: str  # the Content-Type header's charset parameter, or ""
    final_url: str  # after redirects
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names (ETag, Cache-Control ...)


class HTTPStatusError(InputError):
    """An answer of status 400 or above ("HTTP 429 Too Many Requests"), with its status and its
    headers (lower-case names), for callers that act on them (`watch`: Retry-After)."""

    def __init__(self, status: int, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status} {reason}".strip())
        self.status = status
        self.headers = headers or {}


@dataclass
class _Progress:
    stage: str = "connecting"
    received: int = 0
    cancelled: threading.Event = field(default_factory=threading.Event)

    def describe(self) -> str:
        if self.stage == "body":
            return f"the response was still arriving ({self.received:,} bytes so far)"
        if self.stage == "headers":
            return "no response from the server"
        return "could not connect"


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def check_url(url: str) -> None:
    """InputError unless `url` is a well-formed http(s) URL (no whitespace or control characters)."""
    if any(c.isspace() or not c.isprintable() for c in url):
        raise InputError("not a valid URL (it contains a space, line break or control character)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
        host = parts.hostname
    except ValueError as err:
        raise InputError(f"not a valid URL ({err})") from None
    if parts.scheme not in ("http", "https") or not host:
        raise InputError("not a valid URL (expected http:// or https:// and a host)")


def _refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Why a fetch may not go to `address` ("" when it may): the kind of address it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for kind, flag in (
        ("loopback", address.is_loopback), ("link-local", address.is_link_local),
        ("multicast", address.is_multicast), ("unspecified", address.is_unspecified),
        ("private", address.is_private), ("reserved", address.is_reserved),
    ):
        if flag:
            return kind
    return "" if address.is_global else "private"


def check_address(host: str, port: int | None = None) -> None:
    """InputError when `host` (a name or an IP address) is, or resolves to, an address that is not
    public (see the module docstring), or cannot be resolved."""
    checked_address(host, port)


def checked_address(host: str, port: int | None = None) -> str:
    """The address to connect to for `host`: the first it resolves to, once every address it
    resolves to is known public (else InputError, as `check_address`)."""
    name = host.strip("[]")
    try:
        addresses = [ipaddress.ip_address(name)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(name, port or 80, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, OSError) as err:
            raise InputError(f"could not resolve host {name} ({getattr(err, 'strerror', None) or err})") from None
        addresses = []
        for info in infos:
            try:
                addresses.append(ipaddress.ip_address(str(info[4][0]).split("%")[0]))
            except ValueError:
                continue
    for address in addresses:
        kind = _refused(address)
        if kind:
            shown_host = name if name == str(address) else f"{name} ({address})"
            raise InputError(
                f"refused: {shown_host} is a {kind} address (--allow-private or CROSSBRIEF_ALLOW_PRIVATE=1 allows it)"
            )
    if not addresses:
        raise InputError(f"could not resolve host {name} (no address)")
    return str(addresses[0])


def checked_transport() -> Any:
    """An httpx transport whose connections go only to checked public addresses: the address
    resolved and checked is the one connected to (see the module docstring), or None when a proxy
    is configured (the proxy connects; the request hook's check applies)."""
    import urllib.request

    import httpcore
    import httpx

    if urllib.request.getproxies():
        return None

    class _CheckedBackend(httpcore.SyncBackend):
        def connect_tcp(
            self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
            socket_options: Any = None,
        ) -> httpcore.NetworkStream:
            address = checked_address(host, port)
            return super().connect_tcp(address, port, timeout, local_address, socket_options)

    transport = httpx.HTTPTransport()
    pool = getattr(transport, "_pool", None)
    if not hasattr(pool, "_network_backend"):
        # An httpx or httpcore whose pool is built otherwise: refuse rather than fetch unguarded.
        raise RuntimeError("cannot guard connections with this httpx/httpcore (no pool network backend)")
    pool._network_backend = _CheckedBackend()  # type: ignore[union-attr]  # noqa: SLF001 - httpcore's pool
    return transport


def _guard(allow_private: bool) -> Callable:
    """An httpx request hook: every request, the first and each redirect, to http(s) only, and to
    public addresses only unless `allow_private`."""

    def check(request: Any) -> None:
        scheme = request.url.scheme
        if scheme not in ("http", "https"):
            raise InputError(f"refused: a redirect to a {scheme}: URL (only http and https are fetched)")
        if not allow_private:
            check_address(request.url.host, request.url.port)

    return check


def _fetch(
    url: str, timeout: float, max_redirects: int, max_bytes: int, progress: _Progress,
    allow_private: bool = False, accept: tuple[str, ...] = FETCHABLE_TYPES, headers: dict[str, str] | None = None,
) -> Fetched:
    import httpx

    try:
        with httpx.Client(
            timeout=timeout, follow_redirects=True, max_redirects=max_redirects,
            headers={"User-Agent": f"crossbrief/{__version__} (+offline news brief tool)", **(headers or {})},
            event_hooks={"request": [_guard(allow_private)]},
            transport=None if allow_private else checked_transport(),
        ) as client:
            progress.stage = "headers"
            with client.stream("GET", url) as response:
                if response.status_code == 304:
                    final_url = str(response.url)
                    kept = {k.lower(): v for k, v in response.headers.items()}
                    return Fetched(b"", "", "", final_url, 304, kept)
                if response.status_code >= 400:
                    kept = {k.lower(): v for k, v in response.headers.items()}
                    raise HTTPStatusError(response.status_code, response.reason_phrase, kept)
                ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if ctype and not ctype.startswith(accept):
                    what = "an article (HTML, text or JSON)" if accept == FETCHABLE_TYPES else "an article or feed"
                    raise InputError(f"content type {ctype} is not {what}")
                try:
                    declared = int(response.headers.get("content-length") or 0)
                except ValueError:
                    declared = 0
                if declared > max_bytes:
                    raise InputError(f"response is {_megabytes(declared)}, over the {_megabytes(max_bytes)} limit")
                progress.stage = "body"
                chunks = []
                for chunk in response.iter_bytes():
                    if progress.cancelled.is_set():
                        raise InputError("cancelled")
                    progress.received += len(chunk)
                    if progress.received > max_bytes:
                        raise InputError(f"response is over the {_megabytes(max_bytes)} limit")
                    chunks.append(chunk)
                charset = response.charset_encoding or ""
                final_url = str(response.url)
                status = response.status_code
                kept = {k.lower(): v for k, v in response.headers.items()}
    except httpx.TimeoutException:
        raise InputError(f"timed out after {timeout:g} s") from None
    except httpx.TooManyRedirects:
        raise InputError(f"more than {max_redirects} redirects") from None
    except (httpx.InvalidURL, UnicodeError) as err:
        raise InputError(f"not a valid URL ({err})") from None
    except (httpx.HTTPError, httpx.StreamError) as err:
        raise InputError(f"could not fetch ({type(err).__name__}: {err})") from None
    return Fetched(b"".join(chunks), ctype, charset, final_url, status, kept)


def fetch(
    url: str, timeout: float, deadline: float, max_redirects: int, max_bytes: int, *,
    allow_private: bool = False, accept: tuple[str, ...] = FETCHABLE_TYPES, headers: dict[str, str] | None = None,
) -> Fetched:
    """The body of `url` and its content type, or InputError (one line) saying why not.

    `accept`: the content types taken (default: articles); `headers`: extra request headers (a
    conditional GET's If-None-Match, If-Modified-Since: a 304 answer is a Fetched of status 304
    and no data); `allow_private`: see the module docstring."""
    check_url(url)
    progress = _Progress()
    outcome: list[Fetched | BaseException] = []

    def work() -> None:
        try:
            outcome.append(_fetch(
                url, min(timeout, deadline), max_redirects, max_bytes, progress, allow_private, accept, headers
            ))
        except BaseException as err:  # noqa: BLE001 - handed to the caller's thread
            outcome.append(err)

    worker = threading.Thread(target=work, name=f"crossbrief-fetch {url[:60]}", daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(deadline)
    if not outcome:
        progress.cancelled.set()
        raise InputError(f"gave up after {deadline:g} s: {progress.describe()}")
    result = outcome[0]
    if isinstance(result, BaseException):
        if isinstance(result, InputError) and time.monotonic() - started > deadline:
            raise InputError(f"gave up after {deadline:g} s: {progress.describe()}") from None
        raise result
    return result
