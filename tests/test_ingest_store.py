"""`crossbrief ingest` into a real SQLite store, from files and from feeds and pages served by a
real HTTP server on 127.0.0.1 (allowed by conftest's fixture; the refusal is tested without it)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler

import pytest

from conftest import serve
from crossbrief import settings
from crossbrief.cli import main
from crossbrief.errors import InputError
from crossbrief.ingest.fetch import check_address
from crossbrief.ingest.read import read_inputs
from crossbrief.store import Store
from crossbrief.store.ingest import ingest

PAGES = {
    "/a1.html": (
        "Tram strike halts Corvel city centre",
        "Tram drivers in Corvel walked out at dawn on Monday in a dispute over night-shift pay, leaving the city "
        "centre without trams for the first time in eleven years. The transport union said 640 drivers joined "
        "the strike and that talks with the operator had broken down on Friday. Buses ran a reduced service and "
        "the city council urged commuters to work from home until Wednesday.",
    ),
    "/a2.html": (
        "Rare orchid found on Pellam Moor",
        "Botanists surveying Pellam Moor have found a colony of the ghost orchid, a plant last recorded in the "
        "county in 1987. The colony of about thirty flowering stems grows under old beech trees near the moor's "
        "northern edge, and its exact place is being kept secret to protect it from collectors. The county "
        "wildlife trust said the find showed the value of leaving the old woodland undisturbed.",
    ),
    "/a3.html": (
        "Ferry to Saltholm Island resumes after repairs",
        "The ferry between Brennport and Saltholm Island resumed sailing on Thursday after six weeks of repairs "
        "to its loading ramp, ending a period in which islanders depended on a small passenger launch. The "
        "operator said the 1998 vessel had passed its safety inspection and would run the full timetable of "
        "nine daily crossings. Shop owners on the island said deliveries had been badly disrupted.",
    ),
}


def _rss(items: list[dict[str, str]], title: str = "Local News") -> bytes:
    body = "".join(
        "<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in item.items()) + "</item>" for item in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://news.test/</link><description>d</description>{body}</channel></rss>").encode()


def _page(title: str, text: str) -> bytes:
    return (f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{text}</p></article></body></html>").encode()


NO_LINK_TEXT = (
    "The Marlow ferry will run every half hour from Monday, the harbour board said, after a second boat "
    "returned from repairs at the Tessel yard. Tickets keep their price until the end of the season."
)
FALLBACK_TEXT = (
    "Council workers repainted the Harbour Street bridge over the weekend, closing it to cars for two days "
    "while the old lead paint was removed and the railings were repaired by a local firm."
)


class _Handler(BaseHTTPRequestHandler):
    hits: Counter[str] = Counter()
    lock = threading.Lock()

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        with self.lock:
            self.hits[self.path] += 1
        base = f"http://{self.headers['Host']}"
        if self.path in PAGES:
            self._send(200, "text/html; charset=utf-8", _page(*PAGES[self.path]))
        elif self.path == "/feed.xml":
            items = [{"title": PAGES[p][0], "link": base + p, "pubDate": "Mon, 04 May 2026 08:00:00 GMT"}
                     for p in PAGES]
            self._send(200, "application/rss+xml", _rss(items))
        elif self.path == "/mixed.xml":
            items = [
                {"title": "An entry without a link", "description": "Short."},
                {"title": "Ferry every half hour", "description": NO_LINK_TEXT},
                {"title": "Gone", "link": base + "/missing.html", "description": "Gone soon."},
                {"title": "Bridge repainted", "link": base + "/gone-but-described.html",
                 "description": FALLBACK_TEXT},
                {"title": PAGES["/a1.html"][0], "link": base + "/a1.html"},
            ]
            self._send(200, "application/rss+xml", _rss(items, "Mixed"))
        elif self.path == "/news/relative.xml":  # links relative to the feed's own address
            items = [{"title": PAGES["/a1.html"][0], "link": "../a1.html"},
                     {"title": PAGES["/a2.html"][0], "link": "/a2.html"}]
            self._send(200, "application/rss+xml", _rss(items, "Relative"))
        elif self.path == "/notxml":
            self._send(200, "application/rss+xml", b"hello, this is not a feed at all {]")
        elif self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    with serve(_Handler) as base:
        yield base


WIRE = (
    "The Dovrel regional assembly voted 41 to 12 on Wednesday to ban new coal mines in the province, after a "
    "debate that lasted more than nine hours. The law, which takes effect in January, allows the three mines "
    "now open to keep working until 2035 but bars any new licence. Mining companies said the vote would cost "
    "jobs in the east of the province, while environmental groups called it a turning point for the region. "
    "The assembly also set up a fund of 200 million to retrain miners and support towns that depend on coal."
)


def _jsonl(tmp_path):
    path = tmp_path / "wire.jsonl"
    lines = [
        {"id": "w1", "title": "Dovrel bans new coal mines", "text": WIRE, "url": "https://wire.example/dovrel",
         "date": "2026-05-06"},
        # The same wire story as another outlet runs it: a near-copy, not a new article.
        {"id": "w2", "title": "Dovrel bans new coal mines", "text": WIRE + " Reporting by Ana Sorel.",
         "url": "https://paper.example/dovrel-coal", "date": "2026-05-06"},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def test_ingest_a_feed_and_files_then_again_adds_nothing(tmp_path, server):
    feed = f"{server}/feed.xml"
    with Store(tmp_path / "s.db") as store:
        run = ingest(store, [feed, str(_jsonl(tmp_path))], briefs=False, progress=False)
        assert run.failures == [] and (run.added, run.copies, run.unchanged) == (4, 1, 0), run
        assert store.count_articles() == 5
        [row] = store.feeds()
        assert (row.url, row.title, row.last_status, row.error_count) == (feed, "Local News", 200, 0)
        assert store.has_url(f"{server}/a2.html")
        [hit] = store.search("ghost orchid")
        assert hit.title == "Rare orchid found on Pellam Moor" and hit.date
        stored = store.article(hit.id)
        assert stored is not None and stored.source == f"{server}/a2.html"
        copy = [m for s in store.stories() for m in store.members(s.id) if m.copy_of]
        assert len(copy) == 1
        fetched = _Handler.hits["/a2.html"]

        again = ingest(store, [feed, str(_jsonl(tmp_path))], briefs=False, progress=False)
        assert (again.added, again.copies, again.unchanged, again.failed) == (0, 0, 5, 0)
        assert _Handler.hits["/a2.html"] == fetched  # a stored page is not fetched again
        assert store.count_articles() == 5
    # The grouper's state is in the store: a new process continues the same stories.
    with Store(tmp_path / "s.db") as store:
        assert sum(s.size for s in store.stories()) == 5


def test_bad_feeds_entries_and_pages_are_one_failure_each_and_the_rest_goes_on(tmp_path, server):
    bad_file = tmp_path / "broken.rss"
    bad_file.write_text("just some words, not XML", encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        run = ingest(store, [f"{server}/notxml", f"{server}/mixed.xml", str(bad_file), f"{server}/to-file"],
                     briefs=False, progress=False)
        failures = {p.input: p.message for p in run.failures}
        assert failures[f"{server}/notxml"].startswith("not an RSS or Atom feed")
        assert failures[f"{server}/mixed.xml#1"] == "feed entry 'An entry without a link' has no link"
        assert failures[f"{server}/missing.html"] == "HTTP 404 Not Found"
        assert f"{server}/to-file" in failures and "file:" in failures[f"{server}/to-file"]
        assert str(bad_file) in failures
        assert run.failed == 5, run.failures
        # The page that 404s but whose entry has text, and the entry with no link but a whole
        # text: the entry's text, with a warning each.
        warnings = {p.input: p.message for p in run.warnings}
        assert "used the feed's text" in warnings[f"{server}/gone-but-described.html"]
        assert warnings[f"{server}/mixed.xml#2"] == "feed entry has no link: used the feed's text"
        assert run.added == 3  # those two entries, and the good page
        assert [h.title for h in store.search("Harbour Street bridge")] == ["Bridge repainted"]
        assert [h.title for h in store.search("Marlow ferry")] == ["Ferry every half hour"]
        again = ingest(store, [f"{server}/mixed.xml"], briefs=False, progress=False)
        assert again.added == 0 and store.count_articles() == 3  # the same text again is the same article


def test_an_opml_file_of_feeds(tmp_path, server):
    opml = tmp_path / "feeds.opml"
    opml.write_text(f'<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>'
                    f'<outline text="Local" title="Local feed" type="rss" xmlUrl="{server}/feed.xml"/>'
                    f"</body></opml>", encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        run = ingest(store, [str(opml)], briefs=False, progress=False)
        assert (run.added, run.failed) == (3, 0)
        assert [f.url for f in store.feeds()] == [f"{server}/feed.xml"]


def test_a_feeds_relative_links_resolve_against_its_address(tmp_path, server):
    with Store(tmp_path / "s.db") as store:
        run = ingest(store, [f"{server}/news/relative.xml"], briefs=False, progress=False)
        assert (run.added, run.failed) == (2, 0), run.failures
        assert store.has_url(f"{server}/a1.html") and store.has_url(f"{server}/a2.html")


def test_private_addresses_are_refused_without_allow_private(tmp_path, server):
    with settings.overridden(allow_private=False):
        with Store(tmp_path / "s.db") as store:
            run = ingest(store, [f"{server}/feed.xml"], briefs=False, progress=False)
            [failure] = run.failures
            assert failure.message.startswith("refused: 127.0.0.1 is a loopback address")
            assert store.count_articles() == 0
        # `crossbrief brief URL` reads through the same fetch.
        _, [problem] = read_inputs([f"{server}/a1.html"])
        assert problem.message.startswith("refused: 127.0.0.1 is a loopback address")
    for address in ("10.1.2.3", "192.168.0.9", "169.254.169.254", "::1", "::ffff:127.0.0.1", "0.0.0.0", "fe80::1"):
        with pytest.raises(InputError, match="^refused: "):
            check_address(address)
    with pytest.raises(InputError, match="^refused: localhost .*loopback"):
        check_address("localhost")
    check_address("93.184.216.34")  # a public address: allowed


def test_cli_ingest_then_brief_and_export_a_stored_story(tmp_path, examples_dir, capsys):
    db = str(tmp_path / "c.db")
    assert main(["ingest", str(examples_dir), "--db", db, "-q"]) == 0
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == "crossbrief: added 5, unchanged 0, copies 0, failed 0"
    assert "briefs rebuilt 1" in err
    with Store(db) as store:
        story = max(store.stories(), key=lambda s: s.size)
        assert story.size >= 2 and store.brief_of(story.id) is not None
    assert main(["brief", "--story", story.id, "--db", db]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# ") and "## Summary" in out and "[1]" in out
    assert main(["export", "--story", story.id, "--format", "json", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["schema_version"] == 2
    assert main(["export", "--story", story.id, "--format", "html", "--db", db]) == 0
    assert "<html" in capsys.readouterr().out
    assert main(["ingest", str(examples_dir), "--db", db, "-q"]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == "crossbrief: added 0, unchanged 5, copies 0, failed 0"
    assert main(["brief", "--story", "nope", "--db", db]) == 2
    assert "story nope: not in" in capsys.readouterr().err
    assert main(["brief", "--story", story.id, "--db", str(tmp_path / "none.db")]) == 2
    assert "no such store" in capsys.readouterr().err
    assert main(["search", "spillway", "--db", db]) == 0
    assert "\t" in capsys.readouterr().out


def test_a_later_ingest_builds_the_briefs_an_earlier_one_left_out(tmp_path, examples_dir, capsys):
    # --no-briefs (or a run stopped while it built briefs) commits the articles and stories only;
    # the next ingest, even of nothing new, builds the briefs they lack, and then none again.
    db = str(tmp_path / "b.db")
    assert main(["ingest", str(examples_dir), "--db", db, "-q", "--no-briefs"]) == 0
    capsys.readouterr()
    with Store(db) as store:
        [behind] = store.stories_behind_on_briefs()
        assert store.brief_of(behind) is None
    assert main(["brief", "--story", behind, "--db", db]) == 2
    assert capsys.readouterr().err == (f"crossbrief: story {behind}: no brief stored yet (the next crossbrief "
                                       "ingest without --no-briefs builds it)\n")
    assert main(["ingest", str(examples_dir), "--db", db, "-q"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[-2:] == ["crossbrief: stories changed 0; briefs rebuilt 1",
                        "crossbrief: added 0, unchanged 5, copies 0, failed 0"]
    with Store(db) as store:
        assert store.brief_of(behind) is not None and store.stories_behind_on_briefs() == []
    assert main(["ingest", str(examples_dir), "--db", db, "-q"]) == 0
    assert capsys.readouterr().err.splitlines() == ["crossbrief: added 0, unchanged 5, copies 0, failed 0"]


def test_the_briefs_an_earlier_run_left_out_are_caught_up_a_bounded_number_per_run(tmp_path, examples_dir,
                                                                                  capsys, monkeypatch):
    # One story behind and a catch-up of none per run: the run builds nothing, and the story is
    # still behind (the bound is what keeps a watch round short after a bulk --no-briefs import).
    import crossbrief.store.ingest as store_ingest

    db = str(tmp_path / "c.db")
    assert main(["ingest", str(examples_dir), "--db", db, "-q", "--no-briefs"]) == 0
    monkeypatch.setattr(store_ingest, "BRIEF_CATCH_UP", 0)
    assert main(["ingest", str(examples_dir), "--db", db, "-q"]) == 0
    with Store(db) as store:
        assert len(store.stories_behind_on_briefs()) == 1
    capsys.readouterr()
