"""`crossbrief watch`: conditional GETs, freshness hints, backoff and per-host throttling against a
real HTTP server on 127.0.0.1 (written here) and a real SQLite store in tmp_path; the pure
scheduling functions of store/watch.py without a server; a subprocess stopped by SIGINT."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import ROOT, serve
from crossbrief.cli import main
from crossbrief.errors import UsageError
from crossbrief.store import Store
from crossbrief.store import ingest as ingest_module
from crossbrief.store import watch as watch_module
from crossbrief.store.db import FeedRow
from crossbrief.store.watch import (
    MAX_INTERVAL,
    WatchOptions,
    backoff,
    conditional_headers,
    expires_in,
    format_duration,
    fresh_for,
    is_due,
    max_age,
    next_check_ok,
    next_check_throttled,
    parse_duration,
    parse_http_date,
    parse_iso,
    read_feed_list,
    retry_after,
    watch_round,
)

NOW = datetime(2026, 5, 4, 12, 0, 0, tzinfo=UTC)

PAGES = {
    "/a1.html": (
        "Tram strike halts Corvel city centre",
        "Tram drivers in Corvel walked out at dawn on Monday in a dispute over night-shift pay, leaving the city "
        "centre without trams for the first time in eleven years. The transport union said 640 drivers joined "
        "the strike and that talks with the operator had broken down on Friday.",
    ),
    "/a2.html": (
        "Rare orchid found on Pellam Moor",
        "Botanists surveying Pellam Moor have found a colony of the ghost orchid, a plant last recorded in the "
        "county in 1987. The colony of about thirty flowering stems grows under old beech trees near the moor's "
        "northern edge, and its exact place is being kept secret to protect it from collectors.",
    ),
    "/b1.html": (
        "Ferry to Saltholm Island resumes after repairs",
        "The ferry between Brennport and Saltholm Island resumed sailing on Thursday after six weeks of repairs "
        "to its loading ramp, ending a period in which islanders depended on a small passenger launch. The "
        "operator said the 1998 vessel had passed its safety inspection and would run nine daily crossings.",
    ),
}


def _rss(paths: list[str], base: str, ttl: int | None = None) -> bytes:
    items = "".join(f"<item><title>{PAGES[p][0]}</title><link>{base}{p}</link>"
                    "<pubDate>Mon, 04 May 2026 08:00:00 GMT</pubDate></item>" for p in paths)
    ttl_el = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Local</title>'
            f"<link>http://news.test/</link><description>d</description>{ttl_el}{items}</channel></rss>").encode()


class _State:
    """What the server serves and what it was asked (request headers per path)."""

    def __init__(self) -> None:
        self.feed = ["/a1.html"]  # the entries of /feed.xml
        self.ttl: int | None = None
        self.fail: dict[str, tuple[int, dict[str, str]]] = {}  # path -> (status, headers)
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (host, path, headers)
        self.lock = threading.Lock()
        self.active: dict[str, int] = {}  # host -> requests being answered
        self.most: dict[str, int] = {}  # host (or "*": all) -> the most at once

    def asked(self, path: str, host: str = "") -> list[dict[str, str]]:
        with self.lock:
            return [h for (hh, p, h) in self.requests if p == path and (not host or hh.startswith(host))]


def _handler(state: _State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            headers = {k.lower(): v for k, v in self.headers.items()}
            with state.lock:
                state.requests.append((headers.get("host", ""), self.path, headers))
            base = f"http://{self.headers['Host']}"
            host = self.headers["Host"].rsplit(":", 1)[0]
            if self.path in state.fail:
                status, extra = state.fail[self.path]
                self._send(status, "text/plain", b"no", extra)
            elif self.path in PAGES:
                title, text = PAGES[self.path]
                body = (f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}"
                        f"</h1><p>{text}</p></article></body></html>").encode()
                self._send(200, "text/html; charset=utf-8", body)
            elif self.path in ("/feed.xml", "/other.xml"):
                paths = state.feed if self.path == "/feed.xml" else ["/b1.html"]
                etag = '"' + hashlib.sha256(repr(paths).encode()).hexdigest()[:16] + '"'
                if headers.get("if-none-match") == etag:
                    self._send(304, "", b"", {"ETag": etag})
                else:
                    self._send(200, "application/rss+xml", _rss(paths, base, state.ttl), {"ETag": etag})
            elif self.path.startswith("/slow"):
                with state.lock:
                    state.active[host] = state.active.get(host, 0) + 1
                    state.most[host] = max(state.most.get(host, 0), state.active[host])
                    state.most["*"] = max(state.most.get("*", 0), sum(state.active.values()))
                time.sleep(0.25)
                with state.lock:
                    state.active[host] -= 1
                self._send(304, "", b"")
            elif self.path == "/notxml":
                self._send(200, "application/rss+xml", b"hello, not a feed {]")
            else:
                self._send(404, "text/plain", b"not found")

        def _send(self, status: int, ctype: str, body: bytes, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@pytest.fixture()
def served() -> Iterator[tuple[str, _State]]:
    state = _State()
    with serve(_handler(state)) as base:
        yield base, state


def _watch(db: Path, *args: str) -> int:
    return main(["watch", "--once", "--no-briefs", "--db", str(db), *args])


def _due_now(db: Path) -> None:
    """As if the feeds' next checks had come (instead of waiting for them)."""
    with Store(db) as store:
        for feed in store.feeds():
            store.update_feed(feed.url, next_check=None)


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"parse_feed": 0, "ingest": 0}
    real_parse, real_ingest = ingest_module.parse_feed, watch_module.ingest

    def parse_feed(*a, **k):  # type: ignore[no-untyped-def]
        calls["parse_feed"] += 1
        return real_parse(*a, **k)

    def ingest(*a, **k):  # type: ignore[no-untyped-def]
        calls["ingest"] += 1
        return real_ingest(*a, **k)

    monkeypatch.setattr(ingest_module, "parse_feed", parse_feed)
    monkeypatch.setattr(watch_module, "ingest", ingest)
    return calls


# -- against the server ------------------------------------------------------------------------------
def test_conditional_get_304_then_new_entry(served, tmp_path, capsys, monkeypatch) -> None:
    base, state = served
    db = tmp_path / "w.db"
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# my feeds\n{base}/feed.xml\n\n", encoding="utf-8")
    calls = _counting(monkeypatch)

    assert _watch(db, str(feeds), "--every", "10m") == 0
    out = capsys.readouterr().out
    assert "round 1: feeds checked 1 (not modified 0, failed 0), added 1 (stories changed 1, briefs rebuilt 0), " \
        "next check in 10m" in out
    with Store(db) as store:
        feed = store.feed(f"{base}/feed.xml")
        assert feed is not None and feed.etag and feed.last_status == 200
        assert store.count_articles() == 1
        assert parse_iso(feed.next_check) >= datetime.now(UTC) + timedelta(seconds=590)
    assert calls == {"parse_feed": 1, "ingest": 1}
    first = state.asked("/feed.xml")[0]
    assert "if-none-match" not in first and first["user-agent"].startswith("crossbrief/")

    # Not due yet: nothing is asked.
    assert _watch(db, "--every", "10m") == 0
    assert "feeds checked 0" in capsys.readouterr().out
    assert len(state.asked("/feed.xml")) == 1

    # Due, unchanged: a conditional GET, a 304, no parsing, no ingest.
    _due_now(db)
    assert _watch(db, "--every", "10m") == 0
    out = capsys.readouterr().out
    assert "round 1: feeds checked 1 (not modified 1, failed 0), added 0" in out
    assert state.asked("/feed.xml")[-1]["if-none-match"] == feed.etag
    assert calls == {"parse_feed": 1, "ingest": 1}
    with Store(db) as store:
        again = store.feed(f"{base}/feed.xml")
        assert again is not None and again.last_status == 304 and again.etag == feed.etag
        assert store.count_articles() == 1

    # A new entry: a new ETag, the feed parsed, only the new entry fetched and added.
    state.feed = ["/a1.html", "/a2.html"]
    _due_now(db)
    assert _watch(db, "--every", "10m") == 0
    assert "feeds checked 1 (not modified 0, failed 0), added 1" in capsys.readouterr().out
    assert calls == {"parse_feed": 2, "ingest": 2}
    assert len(state.asked("/a1.html")) == 1 and len(state.asked("/a2.html")) == 1
    with Store(db) as store:
        assert store.count_articles() == 2
        assert store.feed(f"{base}/feed.xml").etag != feed.etag  # type: ignore[union-attr]


def test_ttl_delays_next_check(served, tmp_path, capsys) -> None:
    base, state = served
    state.ttl = 120  # minutes
    db = tmp_path / "w.db"
    with Store(db) as store:
        store.add_feed(f"{base}/other.xml")
    assert _watch(db, "--every", "1m") == 0
    assert "next check in 2h" in capsys.readouterr().out
    with Store(db) as store:
        feed = store.feed(f"{base}/other.xml")
        assert feed is not None and feed.ttl_minutes == 120
        assert parse_iso(feed.next_check) >= datetime.now(UTC) + timedelta(minutes=119)
    # A 304 has no body: the stored <ttl> still counts.
    _due_now(db)
    assert _watch(db, "--every", "1m") == 0
    assert "(not modified 1, failed 0), added 0, next check in 2h" in capsys.readouterr().out


def test_429_backs_off_that_host_only(served, tmp_path, capsys) -> None:
    base, state = served
    port = base.rsplit(":", 1)[1]
    other_host = f"http://localhost:{port}"
    state.fail["/busy.xml"] = (429, {"Retry-After": "120"})
    db = tmp_path / "w.db"
    with Store(db) as store:
        for url in (f"{base}/busy.xml", f"{base}/feed.xml", f"{other_host}/other.xml"):
            store.add_feed(url)
    started = datetime.now(UTC)
    assert _watch(db, "--every", "30s") == 1  # one feed failed
    captured = capsys.readouterr()
    assert "HTTP 429" in captured.err and "backed off 2m" in captured.err
    with Store(db) as store:
        busy = store.feed(f"{base}/busy.xml")
        same_host = store.feed(f"{base}/feed.xml")
        other = store.feed(f"{other_host}/other.xml")
    assert busy is not None and same_host is not None and other is not None
    assert busy.error_count == 1 and busy.last_status == 429 and "HTTP 429" in busy.last_error
    # Every feed of 127.0.0.1 waits the Retry-After; the other host's feed was polled as usual.
    for row in (busy, same_host):
        assert parse_iso(row.next_check) >= started + timedelta(seconds=119)
    assert other.last_status == 200 and other.error_count == 0
    assert parse_iso(other.next_check) <= datetime.now(UTC) + timedelta(seconds=31)
    assert state.asked("/other.xml", "localhost")
    # The next round asks nothing of 127.0.0.1 (not due), only what is due.
    with Store(db) as store:
        store.update_feed(f"{other_host}/other.xml", next_check=None)
    asked = len(state.asked("/busy.xml"))
    assert _watch(db, "--every", "30s") == 0
    assert len(state.asked("/busy.xml")) == asked


@pytest.mark.parametrize(("per_host", "overall"), [(2, 8), (5, 3)])
def test_request_caps(served, tmp_path, per_host, overall) -> None:
    base, state = served
    port = base.rsplit(":", 1)[1]
    with Store(tmp_path / "w.db") as store:
        for host in ("127.0.0.1", "localhost"):
            for n in range(5):
                store.add_feed(f"http://{host}:{port}/slow{n}.xml")
        result = watch_round(store, WatchOptions(every=60, per_host=per_host, overall=overall, briefs=False))
    assert result.checked == 10 and result.not_modified == 10
    assert max(state.most["127.0.0.1"], state.most["localhost"]) <= per_host
    assert state.most["*"] == min(overall, 2 * per_host)  # the caps are reached, never passed


def test_errors_back_off_and_reset(served, tmp_path, capsys) -> None:
    base, state = served
    state.fail["/feed.xml"] = (500, {})
    db = tmp_path / "w.db"
    with Store(db) as store:
        store.add_feed(f"{base}/feed.xml")
        store.add_feed(f"{base}/notxml")
    for errors in (1, 2):
        before = datetime.now(UTC)
        assert _watch(db, "--every", "60s") == 1
        with Store(db) as store:
            broken, notxml = store.feed(f"{base}/feed.xml"), store.feed(f"{base}/notxml")
        assert broken is not None and notxml is not None
        assert broken.error_count == errors and broken.last_error == "HTTP 500 Internal Server Error"
        assert notxml.error_count == errors and notxml.last_error  # a parse failure, through ingest
        wait = 60 * 2 ** errors
        for row in (broken, notxml):
            assert before + timedelta(seconds=wait - 1) <= parse_iso(row.next_check)
            assert parse_iso(row.next_check) <= datetime.now(UTC) + timedelta(seconds=wait + 1)
        _due_now(db)
    assert "failed 2" in capsys.readouterr().out
    del state.fail["/feed.xml"]
    assert _watch(db, "--every", "60s") == 1  # notxml still fails
    with Store(db) as store:
        fixed = store.feed(f"{base}/feed.xml")
        assert fixed is not None and fixed.error_count == 0 and fixed.last_error == "" and fixed.last_status == 200


def test_no_feeds_is_usage_error(tmp_path, capsys) -> None:
    assert _watch(tmp_path / "w.db") == 2
    assert "no feeds to watch" in capsys.readouterr().err


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_cleanly(served, tmp_path, sig) -> None:
    base, _ = served
    db = tmp_path / "w.db"
    env = {**os.environ, "CROSSBRIEF_ALLOW_PRIVATE": "1", "PYTHONPATH": str(ROOT / "src")}
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"{base}/feed.xml\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "crossbrief.cli", "watch", str(feeds), "--db", str(db), "--every", "1h",
         "--no-briefs"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the first round's line, then it sleeps
        assert line.startswith("round 1: feeds checked 1"), line
        time.sleep(0.3)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert f"stopped ({sig.name}) after 1 rounds: added 1" in out
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    finally:
        conn.close()


# -- pure scheduling ---------------------------------------------------------------------------------
def test_parse_duration_and_format() -> None:
    assert parse_duration("15m") == 900
    assert parse_duration("90s") == 90 and parse_duration("90") == 90
    assert parse_duration("1h30m") == 5400 and parse_duration("1d") == 86400
    for bad in ("", "soon", "15x", "0s", "m15"):
        with pytest.raises(UsageError):
            parse_duration(bad)
    assert format_duration(45) == "45s"
    assert format_duration(900) == "15m"
    assert format_duration(7500) == "2h 5m"
    assert format_duration(86400 + 3 * 3600) == "1d 3h"
    assert format_duration(599.4) == "10m" and format_duration(7199.2) == "2h" and format_duration(0) == "0s"


def test_max_age() -> None:
    assert max_age("public, max-age=3600") == 3600
    assert max_age('max-age="60"') == 60
    assert max_age("no-cache") == 0
    assert max_age("private") is None
    assert max_age("") is None


def test_http_dates_expires_retry_after() -> None:
    assert parse_http_date("Mon, 04 May 2026 12:10:00 GMT") == NOW + timedelta(minutes=10)
    assert parse_http_date("not a date") is None
    assert expires_in("Mon, 04 May 2026 13:00:00 GMT", NOW) == 3600
    assert expires_in("Mon, 04 May 2026 11:00:00 GMT", NOW) == 0  # passed
    assert expires_in("0", NOW) == 0  # invalid: already expired
    assert expires_in("", NOW) is None
    assert retry_after("120", NOW) == 120
    assert retry_after("Mon, 04 May 2026 12:05:00 GMT", NOW) == 300
    assert retry_after("", NOW) is None and retry_after("soon", NOW) is None


def test_fresh_for_and_next_check() -> None:
    every = 900.0
    assert fresh_for({}, None, NOW) == 0
    assert fresh_for({"cache-control": "max-age=7200"}, None, NOW) == 7200
    # max-age wins over Expires (as HTTP says)
    assert fresh_for({"cache-control": "max-age=60", "expires": "Mon, 04 May 2026 14:00:00 GMT"}, None, NOW) == 60
    assert fresh_for({"expires": "Mon, 04 May 2026 14:00:00 GMT"}, None, NOW) == 7200
    assert fresh_for({}, 30, NOW) == 1800  # RSS <ttl> in minutes
    assert fresh_for({"retry-after": "4000"}, 30, NOW) == 4000
    assert next_check_ok(NOW, every) == NOW + timedelta(seconds=900)
    assert next_check_ok(NOW, every, {"cache-control": "max-age=60"}) == NOW + timedelta(seconds=900)  # every
    assert next_check_ok(NOW, every, {"cache-control": "max-age=3600"}) == NOW + timedelta(hours=1)
    assert next_check_ok(NOW, every, {}, 120) == NOW + timedelta(hours=2)
    assert next_check_ok(NOW, every, {"cache-control": "max-age=9999999"}) == NOW + timedelta(seconds=MAX_INTERVAL)


def test_backoff_and_throttle() -> None:
    assert backoff(900, 1) == 1800 and backoff(900, 3) == 7200
    assert backoff(900, 20) == MAX_INTERVAL
    assert next_check_throttled(NOW, 60, 1, {"retry-after": "120"}) == NOW + timedelta(seconds=120)
    assert next_check_throttled(NOW, 600, 1, {"retry-after": "120"}) == NOW + timedelta(seconds=600)  # >= every
    assert next_check_throttled(NOW, 60, 2, {}) == NOW + timedelta(seconds=240)  # no Retry-After: backoff
    when = next_check_throttled(NOW, 60, 1, {"retry-after": "Mon, 04 May 2026 13:00:00 GMT"})
    assert when == NOW + timedelta(hours=1)


def test_due_and_conditional_headers(tmp_path) -> None:
    feed = FeedRow("http://x.test/f", etag='"abc"', last_modified="Mon, 04 May 2026 08:00:00 GMT")
    assert conditional_headers(feed) == {"If-None-Match": '"abc"', "If-Modified-Since": "Mon, 04 May 2026 08:00:00 GMT"}
    assert conditional_headers(FeedRow("http://x.test/f")) == {}
    assert is_due(feed, NOW)  # never checked
    feed.next_check = (NOW + timedelta(seconds=1)).isoformat()
    assert not is_due(feed, NOW) and is_due(feed, NOW + timedelta(seconds=1))
    opml = tmp_path / "f.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body><outline text="A" title="A" '
                    'xmlUrl="http://a.test/rss"/></body></opml>', encoding="utf-8")
    assert read_feed_list(str(opml)) == [("http://a.test/rss", "A")]
