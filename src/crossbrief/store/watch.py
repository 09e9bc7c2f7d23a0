"""`crossbrief watch`: poll the store's feeds, politely, and ingest what is new (docs/store.md).

Each round checks the feeds that are due (`next_check` NULL or passed) with a conditional GET
(If-None-Match / If-Modified-Since from the stored ETag / Last-Modified), at most `per_host`
requests to one host and `overall` in all at once. A 304 costs nothing: no parsing, no ingest;
it is recorded. New feed data goes through `store.ingest.ingest` (the path of `crossbrief
ingest`), handed the responses already had. Then every feed checked gets its next check:

- after a success (200 or 304): no sooner than `every`, nor than the feed says it stays fresh
  (Cache-Control max-age, Expires, RSS <ttl>, Retry-After), and never more than MAX_INTERVAL;
- after an error: `every * 2**error_count`, capped at MAX_INTERVAL (error_count and last_error
  stored, both reset by the next success);
- after a 429 or 503: every feed of that host waits Retry-After (seconds or an HTTP date; when
  absent, the backoff above), and no other feed of that host is asked in the same round.

The functions that compute times are pure (`now` passed in) and tested without a server.
"""

from __future__ import annotations

import email.utils
import math
import re
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crossbrief.errors import InputError, UsageError
from crossbrief.ingest.feeds import OPML_SUFFIXES, parse_opml, sniff_xml
from crossbrief.ingest.fetch import FEED_TYPES, FETCHABLE_TYPES, Fetched, HTTPStatusError, fetch
from crossbrief.ingest.problems import problem
from crossbrief.ingest.read import Limits
from crossbrief.model import Problem
from crossbrief.store.db import FeedRow, Store
from crossbrief.store.ingest import ingest

DEFAULT_EVERY = 15 * 60.0  # seconds between two checks of a feed, at least
MAX_INTERVAL = 24 * 3600.0  # no feed waits longer than this (backoff and freshness hints alike)
PER_HOST = 2  # requests at once to one host
OVERALL = 8  # requests at once in all
THROTTLED = (429, 503)  # "slow down": the whole host backs off

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


# -- durations and dates -----------------------------------------------------------------------------
def parse_duration(text: str) -> float:
    """Seconds in "90s", "15m", "2h", "1d", "1h30m" or a plain number of seconds (UsageError if not)."""
    value = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        seconds = float(value)
    else:
        parts = re.findall(r"(\d+(?:\.\d+)?)([smhd])", value)
        if not parts or "".join(n + u for n, u in parts) != value.replace(" ", ""):
            raise UsageError(f"--every {text}: not a duration (e.g. 90s, 15m, 2h, 1d)")
        seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    if seconds < 1:
        raise UsageError(f"--every {text}: must be at least 1s")
    return seconds


def format_duration(seconds: float) -> str:
    """ "45s", "15m", "14m 30s", "2h 5m", "1d 3h": seconds rounded up (times are stored to the
    second), then to the minute from an hour on and to the hour from a day on."""
    s = max(0, math.ceil(seconds - 1e-6))
    if s >= 86400:
        s = round(s / 3600) * 3600
    elif s >= 3600:
        s = round(s / 60) * 60
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m" + (f" {s % 60}s" if s % 60 else "")
    if s < 86400:
        return f"{s // 3600}h" + (f" {s % 3600 // 60}m" if s % 3600 // 60 else "")
    return f"{s // 86400}d" + (f" {s % 86400 // 3600}h" if s % 86400 // 3600 else "")


def parse_http_date(value: str) -> datetime | None:
    """An HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT", or the older forms) as UTC, or None."""
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def max_age(cache_control: str) -> float | None:
    """Cache-Control's max-age in seconds (0 for no-cache / no-store), or None when it has none."""
    directives = [d.strip().lower() for d in cache_control.split(",") if d.strip()]
    for d in directives:
        if d in ("no-cache", "no-store"):
            return 0.0
    for d in directives:
        m = re.fullmatch(r'max-age\s*=\s*"?(\d+)"?', d)
        if m:
            return float(m.group(1))
    return None


def expires_in(expires: str, now: datetime) -> float | None:
    """Seconds from `now` until an Expires date (0 when passed or invalid, as HTTP says), or None when absent."""
    if not expires.strip():
        return None
    when = parse_http_date(expires)
    return max(0.0, (when - now).total_seconds()) if when else 0.0


def retry_after(value: str, now: datetime) -> float | None:
    """Retry-After in seconds from `now`: a number of seconds or an HTTP date; None when absent or unreadable."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    when = parse_http_date(value)
    return max(0.0, (when - now).total_seconds()) if when else None


def fresh_for(headers: Mapping[str, str], ttl_minutes: int | None, now: datetime) -> float:
    """How long the feed says its answer stays fresh, in seconds: the longest of Cache-Control
    max-age (over Expires, as HTTP says), RSS <ttl> and Retry-After; 0 when it says nothing."""
    age = max_age(headers.get("cache-control", ""))
    if age is None:
        age = expires_in(headers.get("expires", ""), now)
    hints = [age or 0.0, (ttl_minutes or 0) * 60.0, retry_after(headers.get("retry-after", ""), now) or 0.0]
    return max(hints)


def next_check_ok(
    now: datetime, every: float, headers: Mapping[str, str] | None = None, ttl_minutes: int | None = None
) -> datetime:
    """When to check a feed again after a success: no sooner than `every` and than `fresh_for`,
    no later than MAX_INTERVAL."""
    delay = max(every, fresh_for(headers or {}, ttl_minutes, now))
    return now + timedelta(seconds=min(delay, max(every, MAX_INTERVAL)))


def backoff(every: float, errors: int) -> float:
    """Seconds to wait after the `errors`-th error in a row: every * 2**errors, capped at MAX_INTERVAL."""
    return min(every * 2 ** max(0, min(errors, 30)), max(every, MAX_INTERVAL))


def next_check_throttled(now: datetime, every: float, errors: int, headers: Mapping[str, str]) -> datetime:
    """When a host that answered 429/503 may be asked again: Retry-After (at least `every`), else backoff."""
    wait = retry_after(headers.get("retry-after", ""), now)
    delay = backoff(every, errors) if wait is None else min(max(every, wait), max(every, MAX_INTERVAL))
    return now + timedelta(seconds=delay)


def iso(when: datetime) -> str:
    return when.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def is_due(feed: FeedRow, now: datetime) -> bool:
    when = parse_iso(feed.next_check)
    return when is None or when <= now


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def conditional_headers(feed: FeedRow) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the feed's stored ETag / Last-Modified."""
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    return headers


def read_feed_list(path: str) -> list[tuple[str, str]]:
    """(URL, title) of the feeds in an OPML file, or in a text file of one URL a line (# comments)."""
    data = Path(path).read_bytes()
    if Path(path).suffix.lower() in OPML_SUFFIXES or sniff_xml(data) == "opml":
        return parse_opml(data, path)
    feeds = []
    for line in data.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            feeds.append((line, ""))
    return feeds


# -- rounds ----------------------------------------------------------------------------------------
class Stop:
    """Set (from a signal handler, say) to stop between steps; read by the round's threads."""

    def __init__(self) -> None:
        self.requested = False
        self.reason = ""

    def request(self, reason: str = "") -> None:
        self.reason = self.reason or reason
        self.requested = True

    def sleep(self, seconds: float) -> None:
        """Sleep up to `seconds`, waking within half a second of a stop."""
        end = time.monotonic() + seconds
        while not self.requested:
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(0.5, left))


@dataclass
class WatchOptions:
    every: float = DEFAULT_EVERY
    per_host: int = PER_HOST
    overall: int = OVERALL
    briefs: bool = True
    limits: Limits = field(default_factory=Limits)
    # The Pipeline that rebuilds briefs, kept from round to round: an article processed for one
    # round's brief is not parsed again when its story grows in the next (made on first use).
    pipeline: Any = field(default=None, repr=False)


@dataclass
class Round:
    number: int = 0
    checked: int = 0
    not_modified: int = 0
    failed: int = 0
    added: int = 0  # new articles stored (near-copies included)
    stories: int = 0  # stories that changed
    briefs: int = 0  # briefs rebuilt
    problems: list[Problem] = field(default_factory=list)  # failures (fatal) and warnings
    next_in: float | None = None  # seconds until the earliest next check
    internal: bool = False

    def line(self) -> str:
        later = "none (no feeds)" if self.next_in is None else format_duration(self.next_in)
        changed = f" (stories changed {self.stories}, briefs rebuilt {self.briefs})" if self.added else ""
        return (f"round {self.number}: feeds checked {self.checked} (not modified {self.not_modified}, "
                f"failed {self.failed}), added {self.added}{changed}, next check in {later}")


class _Fetcher:
    """The round's conditional GETs, `overall` at once and `per_host` at once to one host; a host
    that says 429/503 is asked nothing more this round."""

    def __init__(self, options: WatchOptions, stop: Stop) -> None:
        self.options = options
        self.stop = stop
        self.lock = threading.Lock()
        self.slots: dict[str, threading.Semaphore] = {}
        self.throttled: set[str] = set()
        self.allow_private = options.limits.private_allowed()

    def get(self, feed: FeedRow) -> Fetched | InputError | None:
        """The answer, the error, or None when not asked (stopping, or its host throttled)."""
        host = host_of(feed.url)
        with self.lock:
            slot = self.slots.setdefault(host, threading.Semaphore(self.options.per_host))
        with slot:
            if self.stop.requested or host in self.throttled:
                return None
            lim = self.options.limits
            try:
                return fetch(
                    feed.url, lim.timeout, lim.deadline, lim.max_redirects, lim.max_bytes,
                    allow_private=self.allow_private, accept=FETCHABLE_TYPES + FEED_TYPES,
                    headers=conditional_headers(feed),
                )
            except InputError as err:
                if isinstance(err, HTTPStatusError) and err.status in THROTTLED:
                    with self.lock:
                        self.throttled.add(host)
                return err


def watch_round(
    store: Store, options: WatchOptions, stop: Stop | None = None, *, clock: Callable[[], datetime] | None = None
) -> Round:
    """Check the feeds that are due, ingest what is new, schedule every feed checked (see the module docstring)."""
    stop = stop or Stop()
    clock = clock or (lambda: datetime.now(UTC))
    result = Round()
    now = clock()
    due = _interleaved([f for f in store.feeds() if is_due(f, now)])
    answers: list[Fetched | InputError | None] = []
    if due:
        fetcher = _Fetcher(options, stop)
        with ThreadPoolExecutor(min(options.overall, len(due))) as pool:
            answers = list(pool.map(fetcher.get, due))
    now = clock()
    fresh: dict[str, Fetched] = {}
    held: dict[str, datetime] = {}  # host -> when it may be asked again (it said 429/503)
    for feed, answer in zip(due, answers):
        if answer is None:
            continue
        if isinstance(answer, InputError):
            result.checked += 1
            result.failed += 1
            result.problems.append(problem(feed.url, _failed(store, feed, answer, options.every, now, held)))
        elif answer.status == 304:
            result.checked += 1
            result.not_modified += 1
            store.update_feed(
                feed.url, last_checked=iso(now), last_status=304, error_count=0, last_error="",
                etag=answer.headers.get("etag") or feed.etag,
                last_modified=answer.headers.get("last-modified") or feed.last_modified,
                next_check=iso(next_check_ok(now, options.every, answer.headers, feed.ttl_minutes)),
            )
        else:
            fresh[feed.url] = answer
    if fresh and not stop.requested:
        rows = {f.url: f for f in due}
        if options.briefs and options.pipeline is None:
            from crossbrief.pipeline import Pipeline

            options.pipeline = Pipeline()  # loads its models on first use
        run = ingest(store, list(fresh), limits=options.limits, briefs=options.briefs, progress=False,
                     fetched=fresh, pipeline=options.pipeline)
        now = clock()
        result.added = run.added + run.copies
        result.stories, result.briefs = len(run.stories), run.briefs
        result.problems += [*run.failures, *run.warnings]
        result.internal = run.internal
        for url, answer in fresh.items():
            result.checked += 1
            if url in run.failed_feeds:
                result.failed += 1
                errors = rows[url].error_count + 1
                store.update_feed(url, error_count=errors, last_status=answer.status,
                                  next_check=iso(now + timedelta(seconds=backoff(options.every, errors))))
            else:
                row = store.feed(url)
                ttl = row.ttl_minutes if row else None
                store.update_feed(url, last_status=answer.status,
                                  next_check=iso(next_check_ok(now, options.every, answer.headers, ttl)))
    _hold(store, held)
    result.next_in = _next_in(store, clock())
    return result


def _interleaved(feeds: list[FeedRow]) -> list[FeedRow]:
    """The feeds one host after another (a, b, c, a, b, ...), so that no request slot waits on a
    host that is at its cap while another host has work."""
    seen: dict[str, int] = {}
    ranked = []
    for feed in feeds:
        host = host_of(feed.url)
        seen[host] = seen.get(host, 0) + 1
        ranked.append((seen[host], feed))
    return [feed for _, feed in sorted(ranked, key=lambda item: item[0])]


def _failed(
    store: Store, feed: FeedRow, err: InputError, every: float, now: datetime, held: dict[str, datetime]
) -> str:
    """Record a failed check: backoff; for a 429/503, its host held (in `held`). The error's line."""
    errors = feed.error_count + 1
    status = err.status if isinstance(err, HTTPStatusError) else None
    if isinstance(err, HTTPStatusError) and err.status in THROTTLED:
        until = next_check_throttled(now, every, errors, err.headers)
        host = host_of(feed.url)
        until = held[host] = max(until, held.get(host, until))
        message = f"{err}; host {host} backed off {format_duration((until - now).total_seconds())}"
    else:
        until = now + timedelta(seconds=backoff(every, errors))
        message = str(err)
    store.update_feed(feed.url, last_checked=iso(now), last_status=status, error_count=errors,
                      last_error=message, next_check=iso(until))
    return message


def _hold(store: Store, held: dict[str, datetime]) -> None:
    """No feed of a host that said 429/503 is checked before the host's time (whatever else it got)."""
    if not held:
        return
    with store.transaction():
        for feed in store.feeds():
            until = held.get(host_of(feed.url))
            current = parse_iso(feed.next_check)
            if until is not None and (current is None or current < until):
                store.update_feed(feed.url, next_check=iso(until))


def _next_in(store: Store, now: datetime) -> float | None:
    times = [parse_iso(f.next_check) for f in store.feeds()]
    if not times:
        return None
    return max(0.0, min((t - now).total_seconds() if t else 0.0 for t in times))


def watch(
    store: Store, options: WatchOptions, stop: Stop, report: Callable[[Round], None], *, once: bool = False
) -> list[Round]:
    """Rounds until `stop` (or one with `once`); each round that checked something (every round
    with `once`) is given to `report`. Sleeps until the next feed is due, at most `every`."""
    rounds: list[Round] = []
    while not stop.requested:
        result = watch_round(store, options, stop)
        if result.checked or once:
            result.number = len(rounds) + 1
            rounds.append(result)
            report(result)
        if once:
            break
        wait = options.every if result.next_in is None else min(options.every, result.next_in)
        stop.sleep(max(1.0, wait))
    return rounds


__all__ = [
    "Round", "Stop", "WatchOptions", "backoff", "expires_in", "format_duration", "fresh_for", "max_age",
    "next_check_ok", "next_check_throttled", "parse_duration", "parse_http_date", "read_feed_list",
    "retry_after", "watch", "watch_round",
]
