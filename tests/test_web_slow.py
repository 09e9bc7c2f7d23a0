"""`crossbrief serve` against slow, stalled and many clients (issue 14), over a store filled by the
real `crossbrief ingest`: the real server in its own process on 127.0.0.1, read through raw
sockets (to send a request a byte at a time, or not to read the answer) and by the load client of
bench/web_load.py, while another real `crossbrief ingest` writes to the same store.

The request deadline is set small here (`--request-timeout 1.5`) so that the tests wait seconds,
not tens of seconds; each test asserts what the server did (closed, answered), never how fast.
"""

from __future__ import annotations

import importlib.util
import re
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from conftest import ROOT
from crossbrief.cli import main

DEADLINE = 1.5  # seconds: the --request-timeout of the server under test


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("crossbrief_bench_web_load", ROOT / "bench" / "web_load.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench()

# A story of exactly one article: nothing else in the store is about a lighthouse.
LONE = {"title": "Keeper of the Skarholm light hands over the lamp", "outlet": "Cape Herald", "date": "2026-07-03",
        "url": "https://capeherald.example/skarholm-keeper",
        "text": "The last resident keeper of the Skarholm lighthouse retired on Friday after thirty-one years on "
                "the rock. From next month the lamp will be switched and watched from the harbour office on the "
                "mainland. The harbour board thanked her at a short gathering on the quay."}


# A story told by three outlets in their own words (so that it has a brief, with citations).
TRAM = [
    ("Dunmere Post", "Tram leaves the rails in Dunmere", "A tram came off the rails on Quarry Street in Dunmere on "
     "Monday morning, injuring six passengers. The operator said the number 4 line would stay closed until Thursday. "
     "Engineers blamed a cracked rail near the depot."),
    ("Valley Echo", "Six hurt as Dunmere tram derails", "Six passengers were hurt when a tram derailed in Dunmere "
     "on Monday. Engineers found a cracked rail close to the depot, the operator said. The line is expected to "
     "reopen on Thursday, and buses will replace trams until then."),
    ("Northern Record", "Cracked rail behind Dunmere derailment", "A cracked rail near the depot caused Monday's "
     "derailment in Dunmere, the tram operator said. Six people on board were injured, none of them seriously. "
     "Replacement buses will run on the number 4 route until the line reopens on Thursday."),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A story of three reports, two small ones (bench/web_load.py's generator) and the lone
    article, stored, grouped and briefed by the real ingest."""
    folder = tmp_path_factory.mktemp("web-slow")
    rows = [{"title": title, "outlet": outlet, "date": "2026-07-01", "text": text,
             "url": f"https://{outlet.lower().replace(' ', '')}.example/dunmere-tram"} for outlet, title, text in TRAM]
    rows += bench.small_stories([("Tilbrook", "a power cut"), ("Sayle", "a water main burst")], 1) + [LONE]
    path = folder / "web.db"
    assert main(["ingest", str(bench.write_jsonl(folder / "first.jsonl", rows)), "--db", str(path), "-q"]) == 0
    return path


@pytest.fixture(scope="module")
def port(db: Path) -> Iterator[int]:
    """`crossbrief serve --request-timeout 1.5` on a free port."""
    with bench.served(db, "--request-timeout", str(DEADLINE)) as p:
        yield p


@pytest.fixture(scope="module")
def client(port: int) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
        yield c


def _closed_by_server(sock: socket.socket) -> bool:
    """Whether the server has closed (or reset) the connection, without waiting."""
    if not select.select([sock], [], [], 0)[0]:
        return False
    try:
        return sock.recv(65536) == b""
    except ConnectionError:
        return True


def _read_response(sock: socket.socket) -> tuple[int, bytes]:
    """One HTTP/1.1 response (status, body) read off a raw socket; the app always sends Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    assert length, head
    while len(body) < int(length.group(1)):
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection mid-body"
        body += chunk
    assert len(body) == int(length.group(1)), "a response came that was not asked for"
    return int(head.split(b" ", 2)[1]), body


# -- slow and stalled clients ----------------------------------------------------------------------
def test_a_request_head_sent_a_byte_at_a_time_is_cut_off_while_others_are_served(port: int, client: httpx.Client):
    header = b"X-Slowly: " + b"z" * 20  # 30 bytes, one every 0.5 s: 15 s, ten times the deadline
    sent, closed, served_meanwhile = 0, False, []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        for byte in header:
            time.sleep(0.5)
            if _closed_by_server(sock):
                closed = True
                break
            try:
                sock.sendall(bytes([byte]))
            except ConnectionError:
                closed = True
                break
            sent += 1
            served_meanwhile.append(client.get("/").status_code)
        assert closed, "the server kept a request head that never ended"
        assert sent < len(header)  # closed while the bytes were still coming
    assert served_meanwhile and set(served_meanwhile) == {200}  # everyone else was served meanwhile


def test_a_client_that_connects_and_sends_nothing_is_closed(port: int):
    with socket.create_connection(("127.0.0.1", port), timeout=10 * DEADLINE) as sock:
        try:
            assert sock.recv(1) == b""  # closed, no answer (a timeout here: the server kept it open)
        except ConnectionResetError:
            pass


def test_a_kept_alive_client_asking_again_within_the_deadline_is_not_cut_off(port: int, client: httpx.Client):
    story = next(s["id"] for s in client.get("/api/stories").json()["items"] if s["size"] == 3)
    paths = ["/", f"/stories/{story}", "/api/stories", f"/api/stories/{story}", "/search?q=roads", "/"]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        for path in paths:  # 6 requests 0.6 s apart: the connection lives well past one deadline
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            status, body = _read_response(sock)
            assert status == 200 and body, path
            time.sleep(0.6)
        assert not _closed_by_server(sock)


def test_a_client_that_never_reads_its_answers_is_dropped(port: int, client: httpx.Client):
    """Pipelined requests for pages whose answers the client never reads: the server's send buffer
    fills and its writes wait. It drops the connection instead of waiting for ever."""
    story = next(s["id"] for s in client.get("/api/stories").json()["items"] if s["size"] == 3)
    one = len(client.get(f"/api/stories/{story}").content)
    asked = max(200, 8_000_000 // one)  # megabytes of answers: far beyond any socket buffer
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    with sock:
        sock.settimeout(30)
        sock.connect(("127.0.0.1", port))
        sock.sendall(f"GET /api/stories/{story} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode() * asked)
        time.sleep(4 * DEADLINE)  # not reading
        received, ended = b"", False
        try:
            while chunk := sock.recv(1 << 20):
                received += chunk
            ended = True  # the server closed it
        except ConnectionResetError:
            ended = True  # the server dropped it
        assert ended and received.count(b"HTTP/1.1 200 OK") < asked
    assert client.get("/").status_code == 200


def test_the_story_of_three_reports_has_a_cited_summary(client: httpx.Client):
    tram = next(s for s in client.get("/api/stories").json()["items"] if s["size"] == 3)
    doc = client.get(f"/api/stories/{tram['id']}").json()
    assert doc["summary"] and doc["story"]["brief_version"] == 1
    assert any(s["also"] for s in doc["summary"])  # the outlets report the same things
    page = client.get(f"/stories/{tram['id']}").text
    assert 'class="cite"' in page and "No brief yet" not in page


# -- a story of one article ------------------------------------------------------------------------
def test_a_story_of_one_article_shows_its_article_as_its_source(client: httpx.Client):
    lone = next(s for s in client.get("/api/stories").json()["items"] if s["size"] == 1)
    assert lone["label"] == LONE["title"] and lone["first"] == LONE["date"]
    doc = client.get(f"/api/stories/{lone['id']}").json()
    assert doc["summary"] == [] and doc["story"]["brief_version"] is None
    assert [a["title"] for a in doc["articles"]] == [LONE["title"]]
    assert "thirty-one years" in doc["articles"][0]["text"]
    assert any("one article" in p["message"] for p in doc["problems"])  # says why there is no summary
    [source] = doc["story"]["sources"]
    assert source["status"] == "not briefed" and "only article" in source["reason"]
    assert source["url"] == LONE["url"]
    page = client.get(f"/stories/{lone['id']}")
    assert page.status_code == 200
    text = page.text
    assert f"<h1>{LONE['title']}</h1>" in text and "1 article from 1 outlet" in text
    assert "No brief yet" in text  # the page says why there is no cross-checked summary
    assert f'href="{LONE["url"]}"' in text and f'href="/articles/{source["article"]}"' in text
    article = client.get(f"/articles/{source['article']}")
    assert article.status_code == 200 and "harbour office on the mainland" in article.text


# -- many clients while the store is written -------------------------------------------------------
def test_a_hundred_clients_are_all_served_while_an_ingest_writes(db: Path, tmp_path: Path):
    """bench/web_load.py's load (100 keep-alive clients) against `crossbrief serve` (its default
    request deadline) while `crossbrief ingest` adds two stories: every answer 200, and the ingest
    succeeds. How fast is the benchmark's business (docs/benchmarks.md), not this test's."""
    more = bench.write_jsonl(tmp_path / "more.jsonl", bench.small_stories(
        [("Ravelin", "a school roof collapse"), ("Hollin Cross", "a landslide on the coast road")], 2, tag="load"))
    with bench.served(db) as p, httpx.Client(base_url=f"http://127.0.0.1:{p}", timeout=30) as c:
        before = c.get("/api/stories").json()["items"]
        urls = (["/", "/?page=1&per_page=2", "/api/stories", "/search?q=roads", "/api/search?q=council"]
                + [f"/stories/{s['id']}" for s in before] + [f"/api/stories/{s['id']}" for s in before])
        latencies, errors, n, code, last = bench.load_while_ingesting(p, urls, 100, 45, more, db,
                                                                      until_ingested=True)
        print(f"100 clients: {n} requests while the ingest ran, errors {len(errors)}; the ingest: {last}")
        assert errors == [] and n >= 100
        assert code == 0, last
        after = c.get("/api/stories").json()
        assert after["total"] == len(before) + 2
        assert {s["label"] for s in after["items"]} >= {"A school roof collapse in Ravelin",
                                                         "A landslide on the coast road in Hollin Cross"}
        for s in after["items"]:
            assert c.get(f"/stories/{s['id']}").status_code == 200
