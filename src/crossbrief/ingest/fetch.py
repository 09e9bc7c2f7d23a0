"""Fetching one URL with httpx, within limits, as bytes plus what the response says about them.

Limits (`read.Limits`): each network step (connect, each read) may take `timeout` seconds (15 s
by default) and the whole fetch, connect + headers + body + redirects, `deadline` seconds
(30 s by default): a server that sends its headers and then one byte every few seconds is cut
off at the deadline ("gave up after 30 s: ..."). At most `max_redirects` redirects (5) and
`max_bytes` bytes (10 MB); only HTML, plain text and JSON content types.

The fetch runs in a worker thread so that the deadline holds however the server behaves; when
it passes, the caller gets its InputError at once and the worker stops at its next read.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crossbrief.errors import InputError
from crossbrief.version import __version__

FETCHABLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/json")


@dataclass
class Fetched:
    data: bytes
    content_type: str  # lower-case media type, without parameters ("" when not sent)
    charset: str  # the Content-Type header's charset parameter, or ""
    final_url: str  # after redirects


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


def _fetch(url: str, timeout: float, max_redirects: int, max_bytes: int, progress: _Progress) -> Fetched:
    import httpx

    try:
        with httpx.Client(
            timeout=timeout, follow_redirects=True, max_redirects=max_redirects,
            headers={"User-Agent": f"crossbrief/{__version__} (+offline news brief tool)"},
        ) as client:
            progress.stage = "headers"
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise InputError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
                ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if ctype and not ctype.startswith(FETCHABLE_TYPES):
                    raise InputError(f"content type {ctype} is not an article (HTML, text or JSON)")
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
    except httpx.TimeoutException:
        raise InputError(f"timed out after {timeout:g} s") from None
    except httpx.TooManyRedirects:
        raise InputError(f"more than {max_redirects} redirects") from None
    except (httpx.InvalidURL, UnicodeError) as err:
        raise InputError(f"not a valid URL ({err})") from None
    except (httpx.HTTPError, httpx.StreamError) as err:
        raise InputError(f"could not fetch ({type(err).__name__}: {err})") from None
    return Fetched(b"".join(chunks), ctype, charset, final_url)


def fetch(url: str, timeout: float, deadline: float, max_redirects: int, max_bytes: int) -> Fetched:
    """The body of `url` and its content type, or InputError (one line) saying why not."""
    check_url(url)
    progress = _Progress()
    outcome: list[Fetched | BaseException] = []

    def work() -> None:
        try:
            outcome.append(_fetch(url, min(timeout, deadline), max_redirects, max_bytes, progress))
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
