"""Reading inputs: header lines, formats, bad inputs, and fetching from a real local HTTP server."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import serve
from crossbrief.ingest.read import Limits, read_inputs, split_header

BODY = (
    "The city council voted on Tuesday to close the old tram depot, ending 90 years of service. "
    "About 140 workers will move to the new depot in the east of the city, the council said.\n"
    "The mayor said the site would become housing."
)
ARTICLE_HTML = f"""<!doctype html><html><head><title>Tram depot to close | The Gazette</title>
<meta property="og:site_name" content="The Gazette">
<meta property="article:published_time" content="2025-05-06T08:00:00Z"></head>
<body><nav><a href="/">Home</a></nav><article><h1>Tram depot to close</h1>
<p>{BODY.replace(chr(10), '</p><p>')}</p></article><footer>Contact us</footer></body></html>"""


def test_header_lines_become_metadata():
    text = "\n".join([
        "https://www.example-news.test/2025/05/06/tram-depot",
        "Tram depot to close after 90 years - Example News",
        "Trams,City Council,Transport,Housing",
        "May 6, 2025",
        "123456",
        BODY,
    ])
    fields, body = split_header(text)
    assert fields["url"] == "https://www.example-news.test/2025/05/06/tram-depot"
    assert fields["title"] == "Tram depot to close after 90 years - Example News"
    assert fields["keywords"] == ["Trams", "City Council", "Transport", "Housing"]
    assert fields["date"] == "2025-05-06"
    assert fields["id"] == "123456"
    assert body == BODY


def test_text_file_metadata_and_outlet(tmp_path: Path):
    path = tmp_path / "gazette.txt"
    path.write_text("https://www.example-news.test/a\nTram depot to close - Example News\nMay 6, 2025\n" + BODY)
    [article], problems = read_inputs([str(path)])
    assert not problems
    assert article.outlet == "example-news.test"
    assert article.title == "Tram depot to close"
    assert article.meta["site_name"] == "Example News"
    assert article.date == "2025-05-06"
    assert "https://" not in article.raw_text


def test_body_without_header_keeps_its_first_line(tmp_path: Path):
    path = tmp_path / "plain.txt"
    path.write_text(BODY)
    [article], _ = read_inputs([str(path)])
    assert article.raw_text == BODY and article.title == "" and article.outlet == "plain"


def test_html_through_trafilatura(tmp_path: Path):
    path = tmp_path / "page.html"
    path.write_text(ARTICLE_HTML)
    [article], problems = read_inputs([str(path)])
    assert not problems
    assert "tram depot" in article.raw_text and "Contact us" not in article.raw_text
    assert article.title.startswith("Tram depot to close")
    assert article.date == "2025-05-06"


def test_json_and_jsonl_objects(tmp_path: Path):
    one = tmp_path / "one.json"
    one.write_text(
        json.dumps({"text": BODY, "title": "Depot", "url": "https://x.test/a", "date": "2025-05-06", "outlet": "X"})
    )
    many = tmp_path / "many.jsonl"
    many.write_text(json.dumps({"text": BODY}) + "\n" + json.dumps({"title": "no text"}) + "\n{broken\n")
    articles, problems = read_inputs([str(one), str(many)])
    assert [a.outlet for a in articles] == ["X", "many"]
    assert articles[0].date == "2025-05-06" and articles[0].title == "Depot"
    assert [p.input for p in problems] == [f"{many}:2", f"{many}:3"]
    assert "text" in problems[0].message and "invalid JSON" in problems[1].message


def test_folder_is_searched_recursively_and_in_order(tmp_path: Path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(BODY)
    (tmp_path / "1.txt").write_text(BODY)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    articles, problems = read_inputs([str(tmp_path)])
    assert [Path(a.source).name for a in articles] == ["1.txt", "2.txt"] and not problems


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: None, "no such file or folder"),
        (lambda p: p.write_bytes(b""), "empty file"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20), "binary file"),
        (lambda p: p.write_text("<html><body><nav>Home</nav></body></html>"), "no article text"),
    ],
)
def test_bad_inputs_give_one_line_problems(tmp_path: Path, make, message):
    path = tmp_path / ("bad.html" if "article text" in message else "bad.txt")
    make(path)
    articles, problems = read_inputs([str(path)])
    assert not articles
    assert len(problems) == 1 and message in problems[0].message and "\n" not in problems[0].message
    assert problems[0].input == str(path)


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    _, [problem] = read_inputs([str(path)])
    assert "50.0 MB" in problem.message and "limit" in problem.message


def test_empty_folder(tmp_path: Path):
    _, [problem] = read_inputs([str(tmp_path)])
    assert "no articles" in problem.message


def test_one_bad_input_does_not_sink_the_rest(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text(BODY)
    articles, problems = read_inputs([str(tmp_path / "missing.txt"), str(good)])
    assert len(articles) == 1 and len(problems) == 1


# -- URLs, against a real HTTP server on 127.0.0.1 ----------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):  # noqa: N802 - the http.server API
        routes = {
            "/article": (200, "text/html; charset=utf-8", ARTICLE_HTML.encode()),
            "/plain": (200, "text/plain", BODY.encode()),
            "/image": (200, "image/png", b"\x89PNG"),
            "/big": (200, "text/html", b"<p>" + b"x" * 300_000 + b"</p>"),
        }
        if self.path == "/slow":
            time.sleep(2)
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/article")
            self.end_headers()
            return
        status, ctype, body = routes.get(self.path, (404, "text/html", b"<h1>Not found</h1>"))
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def server():
    with serve(_Handler) as url:
        yield url


def test_fetch_html_article_following_a_redirect(server):
    [article], problems = read_inputs([f"{server}/moved"], limits=Limits(timeout=5))
    assert not problems
    assert "tram depot" in article.raw_text
    assert article.url == f"{server}/article" and article.source == f"{server}/moved"
    assert article.outlet == "The Gazette"  # its site name: an address names no outlet


def test_fetch_plain_text(server):
    [article], _ = read_inputs([f"{server}/plain"])
    assert article.raw_text.startswith("The city council")


@pytest.mark.parametrize(
    "path, limits, message",
    [
        ("/missing", Limits(), "HTTP 404"),
        ("/slow", Limits(timeout=0.5), "timed out"),
        ("/loop", Limits(max_redirects=3), "redirects"),
        ("/image", Limits(), "content type image/png"),
        ("/big", Limits(max_bytes=100_000), "over the"),
    ],
)
def test_fetch_failures_are_one_line_problems(server, path, limits, message):
    articles, [problem] = read_inputs([f"{server}{path}"], limits=limits)
    assert not articles and message in problem.message and problem.input == f"{server}{path}"


def test_unreachable_host_is_a_problem():
    # Port 9 (discard) on loopback: nothing listens there, so the connection is refused at once.
    _, [problem] = read_inputs(["http://127.0.0.1:9/x"], limits=Limits(timeout=2))
    assert "could not fetch" in problem.message


def test_a_page_served_from_an_address_takes_its_outlet_from_its_site_name():
    from crossbrief.ingest.read import article_from_html

    body = " ".join(f"The harbour board met on Tuesday and agreed plan number {i} for the quay." for i in range(12))
    page = ('<html><head><meta property="og:site_name" content="Harbour Gazette"><title>Quay plan</title></head>'
            f"<body><article><h1>Quay plan</h1><p>{body}</p></article></body></html>")
    assert article_from_html(page, "p", url="http://127.0.0.1:8765/a.html").outlet == "Harbour Gazette"
    assert article_from_html(page, "p", url="http://localhost/a.html").outlet == "Harbour Gazette"
    assert article_from_html(page, "p", url="https://www.harbour-gazette.example/a.html").outlet == \
        "harbour-gazette.example"
