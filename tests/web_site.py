"""Articles, feeds and pages of our own for the web app's tests and benchmark, served by a real HTTP
server on 127.0.0.1 (tests/conftest.serve). None of this text comes from a real outlet.

Two stories: a footbridge collapse in Tarrow (three pages in /feed.xml, then a fourth and a
near-copy in /feed2.xml) and a ferry strike in Kessing (a JSONL file: one article with page noise
for the cleaner to remove, one whose title, text, outlet and URL carry script payloads).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BRIDGE = {
    "/bridge-courier.html": (
        "Footbridge collapses over the Lenne in Tarrow",
        "Tarrow Courier",
        [
            "A steel footbridge over the river Lenne in Tarrow collapsed on Tuesday evening while a crowd was "
            "crossing it after a football match, injuring 14 people, the fire service said.",
            "Rescuers pulled six people from the water near the old mill, and two of them were taken to the "
            "Tarrow General Hospital with serious injuries.",
            "Mayor Ilse Varga said: \"We will find out why this bridge failed and who is responsible for it.\"",
            "The footbridge, built in 1974, had been inspected in March and declared safe, the council said.",
            "Police closed both banks of the Lenne and asked people to avoid the area until Thursday.",
        ],
    ),
    "/bridge-herald.html": (
        "Fourteen hurt as Tarrow footbridge gives way",
        "Lenne Herald",
        [
            "Fourteen people were injured when a footbridge over the Lenne in Tarrow gave way on Tuesday evening "
            "as football fans crossed it, according to the fire service.",
            "Six people fell into the river near the old mill and were rescued, and two were taken to Tarrow "
            "General Hospital in a serious condition.",
            "\"We will find out why this bridge failed and who is responsible,\" Mayor Ilse Varga told reporters.",
            "The council said the bridge had been built in 1974 and had passed an inspection in March.",
            "Engineers from the regional roads agency will examine the broken span on Wednesday.",
        ],
    ),
    "/bridge-post.html": (
        "Tarrow bridge collapse: sixteen injured after match",
        "Valley Post",
        [
            "The steel footbridge across the Lenne in Tarrow collapsed on Tuesday evening as a crowd crossed it "
            "after a football match, injuring 16 people, the fire service said.",
            "Six fans were rescued from the river near the old mill, and two remain in Tarrow General Hospital "
            "with serious injuries.",
            "Mayor Ilse Varga promised an inquiry, saying: \"We will find out why this bridge failed.\"",
            "The 1974 footbridge had been declared safe after an inspection in March, according to the council.",
        ],
    ),
}
# Served in /feed2.xml, for the second ingest: a fourth report, and a near-copy of the first.
BRIDGE_LATER = {
    "/bridge-gazette.html": (
        "Inquiry opens into Tarrow footbridge collapse",
        "Tarrow Gazette",
        [
            "The regional roads agency opened an inquiry on Wednesday into the collapse of the footbridge over "
            "the Lenne in Tarrow, which injured 14 people on Tuesday evening.",
            "Engineers said a corroded bolt in the northern support of the span was the first thing they would "
            "examine, and that the wreck would stay in the river until Friday.",
            "Mayor Ilse Varga said the council would publish the March inspection report on its website.",
            "The footbridge, built in 1974, carried about two thousand people on match days, the council said.",
        ],
    ),
    "/bridge-courier-copy.html": (
        "Footbridge collapses over the Lenne in Tarrow",
        "Regional Digest",
        [*BRIDGE["/bridge-courier.html"][2], "This report was first published by the Tarrow Courier and is "
         "reproduced here with its permission."],
    ),
}

FERRY_NOISE = [
    "Ferry crews at the port of Kessing began a 48-hour strike on Monday over staff cuts, stranding about "
    "3,000 passengers bound for the islands, the operator Nordlink said.",
    "Scroll down for video",
    "Share this article",
    "The seafarers' union said Nordlink planned to cut 120 jobs on its Kessing routes and had refused to meet "
    "its negotiators.",
    "Union leader Tomas Brandt said: \"We did not want this strike, but the company left us no choice.\"",
    "Read more: Ten years of the island ferries",
    "Nordlink said it would run two chartered boats on Tuesday and refund every cancelled ticket.",
]
# Every field a reader sees carries a payload that would set a global or change the page title if
# it ever ran: the tests check in a real browser that none did.
PAYLOAD_TITLE = "</title><script>window.__pwned='title';document.title='pwned'</script> Kessing ferry strike"
PAYLOAD_OUTLET = "<img src=x onerror=\"window.__pwned='outlet'\">Harbour Watch"
PAYLOAD_URL = "javascript:window.__pwned='url'"
FERRY_PAYLOAD = [
    "Ferry crews in Kessing walked out on Monday for 48 hours over job cuts <script>window.__pwned='text'</script>, "
    "leaving about 3,000 island passengers stranded, the operator Nordlink said.",
    "The union said Nordlink wanted to cut 120 jobs on the Kessing routes <img src=x onerror=\"window.__pwned="
    "'img'\"> and would not negotiate.",
    "Tomas Brandt of the seafarers' union said: \"We did not want this strike, but the company left us no "
    "choice.\" <a href=\"javascript:window.__pwned='link'\">details</a>",
    "Nordlink said chartered boats would sail on Tuesday and that all cancelled tickets would be refunded.",
]


def ferry_jsonl(path: Path) -> Path:
    rows = [
        {"title": "Kessing ferry crews strike over job cuts", "outlet": "Island News", "date": "2026-05-04",
         "url": "https://islandnews.example/kessing-strike", "text": "\n".join(FERRY_NOISE)},
        {"title": PAYLOAD_TITLE, "outlet": PAYLOAD_OUTLET, "date": "2026-05-04", "url": PAYLOAD_URL,
         "text": "\n".join(FERRY_PAYLOAD)},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def page_html(title: str, outlet: str, paragraphs: list[str]) -> bytes:
    from html import escape

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><title>{escape(title)}</title>"
            f"<meta property=\"og:site_name\" content=\"{escape(outlet)}\"></head><body><article>"
            f"<h1>{escape(title)}</h1>{body}</article></body></html>").encode()


# Each outlet's pages are served from an address of its own (127.0.0.2, ...): ingest names an
# outlet by the host of its URL, so one server would make every article the same outlet.
OUTLET_HOSTS = {outlet: f"127.0.0.{n}" for n, outlet in enumerate(
    sorted({o for _, o, _ in (*BRIDGE.values(), *BRIDGE_LATER.values())}), 2)}


def rss(base: str, pages: dict[str, tuple[str, str, list[str]]], day: str) -> bytes:
    from html import escape

    items = "".join(
        f"<item><title>{escape(title)}</title><link>{SiteHandler.bases.get(outlet, base)}{path}</link>"
        f"<pubDate>{day}</pubDate></item>"
        for path, (title, outlet, _) in pages.items()
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Lenne Valley News</title>'
            f"<link>{base}/</link><description>local</description>{items}</channel></rss>").encode()


class SiteHandler(BaseHTTPRequestHandler):
    """The feeds and pages above; /gone.xml answers 404 (a failing feed)."""

    bases: dict[str, str] = {}  # outlet -> the base URL its pages are served from (see `site`)

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        base = f"http://{self.headers['Host']}"
        path = self.path.split("?")[0]
        pages = {**BRIDGE, **BRIDGE_LATER}
        if path in pages:
            self._send(200, "text/html; charset=utf-8", page_html(*pages[path]))
        elif path == "/feed.xml":
            self._send(200, "application/rss+xml", rss(base, BRIDGE, "Tue, 12 May 2026 20:00:00 GMT"))
        elif path == "/feed2.xml":
            self._send(200, "application/rss+xml", rss(base, BRIDGE_LATER, "Wed, 13 May 2026 09:00:00 GMT"))
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def site() -> Iterator[str]:
    """The feeds on 127.0.0.1 and each outlet's pages on its own loopback address, for as long as
    the block runs; yields the feeds' base URL."""
    with ExitStack() as stack:
        def start(host: str) -> str:
            httpd = ThreadingHTTPServer((host, 0), SiteHandler)
            httpd.daemon_threads = True
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            stack.callback(httpd.server_close)
            stack.callback(httpd.shutdown)
            return f"http://{host}:{httpd.server_address[1]}"

        SiteHandler.bases = {outlet: start(host) for outlet, host in OUTLET_HOSTS.items()}
        yield start("127.0.0.1")
