"""The web app (`crossbrief serve`), driven as a user drives it: a store filled by the real
`crossbrief ingest` from feeds and pages served on 127.0.0.1 (tests/web_site.py), the real app
under uvicorn on a free port of 127.0.0.1, read over HTTP and in Debian's headless Chromium.

Screenshots of the story list and a story page are written to tests/artifacts/ (or the folder in
CROSSBRIEF_TEST_ARTIFACTS); the test prints where.
"""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from markupsafe import escape

from conftest import ARTIFACTS, ROOT
from crossbrief import settings
from crossbrief.cli import main
from crossbrief.model.schema import brief_from_dict
from crossbrief.web import WebSettings, create_app, server_config
from web_site import FERRY_NOISE, OUTLET_HOSTS, PAYLOAD_OUTLET, PAYLOAD_TITLE, PAYLOAD_URL, ferry_jsonl
from web_site import site as serve_site


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serve_site() as base:
        yield base


@pytest.fixture(scope="module")
def db(site: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store filled by two real ingests: the first makes both stories and their briefs; the second
    adds a fourth bridge report and a near-copy (a new brief version) and a feed that fails."""
    folder = tmp_path_factory.mktemp("web")
    path = folder / "web.db"
    with settings.overridden(allow_private=True):
        assert main(["ingest", f"{site}/feed.xml", str(ferry_jsonl(folder / "ferry.jsonl")), "--db", str(path),
                     "-q"]) == 0
        assert main(["feeds", "add", f"{site}/gone.xml", "--db", str(path)]) == 0
        assert main(["ingest", f"{site}/feed2.xml", f"{site}/gone.xml", "--db", str(path), "-q"]) == 1
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base(db: Path) -> Iterator[str]:
    """The app from create_app, served by uvicorn as `crossbrief serve` runs it (server_config), on
    127.0.0.1 for the module's tests."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(server_config(create_app(WebSettings(db=db, per_page=20)), host="127.0.0.1",
                                          port=port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as c:
        yield c


def _stories(client: httpx.Client) -> dict[str, dict]:
    items = client.get("/api/stories").json()["items"]
    return {("ferry" if "Kessing" in s["label"] else "bridge"): s for s in items}


# -- pages and API over HTTP -----------------------------------------------------------------------
def test_story_list_shows_each_story_newest_first_with_outlets_and_days(client: httpx.Client):
    data = client.get("/api/stories").json()
    assert data["total"] == 2 and data["page"] == 1 and data["next"] is None
    assert [s["updated_at"] for s in data["items"]] == sorted((s["updated_at"] for s in data["items"]), reverse=True)
    stories = _stories(client)
    bridge = stories["bridge"]
    assert bridge["size"] == 5
    # Each outlet's pages come from a host of its own (127.0.0.2, ...): an address names no outlet,
    # so outlets are named by their pages' site names.
    assert sorted(bridge["outlets"]) == sorted(OUTLET_HOSTS)
    assert sum(d["articles"] for d in bridge["articles_per_day"]) + bridge["undated"] == 5
    assert bridge["first"] <= bridge["last"]
    page = client.get("/")
    assert page.status_code == 200
    assert page.text.count('class="story"') == 2 and page.text.count("<svg class=\"spark\"") == 2
    assert f'href="/stories/{bridge["id"]}"' in page.text


def test_story_list_pages_and_filters(client: httpx.Client):
    one = client.get("/api/stories", params={"per_page": 1}).json()
    assert one["pages"] == 2 and len(one["items"]) == 1 and one["next"]
    two = client.get(one["next"]).json()
    assert two["page"] == 2 and two["prev"] and {one["items"][0]["id"], two["items"][0]["id"]} == {
        s["id"] for s in client.get("/api/stories").json()["items"]}
    stories = _stories(client)
    by_outlet = client.get("/api/stories", params={"outlet": "Island News"}).json()
    assert [s["id"] for s in by_outlet["items"]] == [stories["ferry"]["id"]]
    late = client.get("/api/stories", params={"since": "2026-05-10"}).json()
    assert [s["id"] for s in late["items"]] == [stories["bridge"]["id"]]
    early = client.get("/api/stories", params={"until": "2026-05-05"}).json()
    assert [s["id"] for s in early["items"]] == [stories["ferry"]["id"]]
    html_page = client.get("/", params={"outlet": "Island News"}).text
    assert html_page.count('class="story"') == 1
    for bad in ({"page": "x"}, {"page": 0}, {"per_page": 1000}, {"since": "yesterday"}):
        r = client.get("/api/stories", params=bad)
        assert r.status_code == 400 and r.json()["error"], bad
        assert client.get("/", params=bad).status_code == 400


def test_story_page_cites_each_outlets_own_sentence(client: httpx.Client):
    bridge = _stories(client)["bridge"]
    doc = client.get(f"/api/stories/{bridge['id']}").json()
    brief = brief_from_dict(doc)  # the brief's documented schema, with a `story` object added
    assert brief.summary and doc["story"]["brief_version"] == 2
    texts = {a.id: a.text for a in brief.articles}
    page = client.get(f"/stories/{bridge['id']}").text
    checked = 0
    for n, s in enumerate(brief.summary):
        for other in s.also + s.differ:
            index = s.support[other]
            sentence = next(a for a in brief.articles if a.id == other).sentences[index].text
            assert sentence in texts[other]
            number = [a.id for a in brief.articles].index(other) + 1
            block = re.search(rf'id="support-{n}-{number}">(.*?)</blockquote>', page, re.S)
            assert block and escape(sentence) in block.group(1)
            checked += 1
    assert checked >= 2  # the outlets report the same things: citations with their sentences


def test_story_page_shows_figures_quotes_sources_and_what_changed(client: httpx.Client):
    bridge = _stories(client)["bridge"]
    page = client.get(f"/stories/{bridge['id']}").text
    assert '<tr class="differ">' in page  # 14 vs 16 injured: the difference highlighted
    assert "<mark>" in page
    assert "Ilse Varga" in page and 'class="wordings"' in page
    assert "Tarrow General Hospital" in page or "Tarrow" in page
    # The near-copy is marked, with why; not briefed.
    copy = re.search(r'<li class="source copy">(.*?)</li>', page, re.S)
    assert copy and "Regional Digest" in copy.group(1) and (
        "near-copy of [1] Tarrow Courier" in html.unescape(copy.group(1)))
    # What changed between version 1 and 2: as the two briefs' summaries differ.
    v1 = client.get(f"/api/stories/{bridge['id']}", params={"version": 1}).json()
    v2 = client.get(f"/api/stories/{bridge['id']}").json()
    before, after = [s["text"] for s in v1["summary"]], [s["text"] for s in v2["summary"]]
    changes = v2["story"]["changes"]
    assert changes["from_version"] == 1 and changes["to_version"] == 2
    assert changes["sentences_added"] == [t for t in after if t not in before]
    assert changes["sentences_dropped"] == [t for t in before if t not in after]
    assert changes["articles_added"] == ["Tarrow Gazette"]
    assert "What changed since version 1" in page
    for t in changes["sentences_added"]:
        assert f"<ins>{escape(t)}</ins>" in page
    old = client.get(f"/stories/{bridge['id']}", params={"version": 1})
    assert old.status_code == 200 and "Brief version 1 of 2" in old.text
    assert client.get(f"/stories/{bridge['id']}", params={"version": 9}).status_code == 404


def test_article_page_strikes_removed_noise_with_its_reason(client: httpx.Client):
    ferry = _stories(client)["ferry"]
    doc = client.get(f"/api/stories/{ferry['id']}").json()
    noisy = next(a for a in doc["articles"] if a["outlet"] == "Island News")
    data = client.get(f"/api/articles/{noisy['id']}").json()
    assert data["stories"] == [{"id": ferry["id"], "label": ferry["label"]}]
    removed = {r["text"]: r["reason"] for r in data["removed"]}
    assert {"Scroll down for video", "Share this article"} <= set(removed)
    page = client.get(f"/articles/{noisy['id']}").text
    for line, reason in removed.items():
        assert re.search(rf"<del>{re.escape(str(escape(line)))}</del> <span class=\"reason[^>]*>{reason}<", page)
    # Kept paragraphs in their order as read, each sentence its own span; noise between them.
    body = page[page.index('<div class="body">'):]
    positions = [body.index(f"<del>{escape(line)}</del>" if line in removed else escape(line.split(",")[0]))
                 for line in FERRY_NOISE]
    assert positions == sorted(positions)
    assert body.count('class="sent"') >= len(FERRY_NOISE) - len(removed)
    assert f'href="/stories/{ferry["id"]}"' in page
    assert client.get("/articles/0000000000000000").status_code == 404
    assert client.get("/api/articles/bad%20id").status_code == 400


def test_search_groups_articles_by_story(client: httpx.Client):
    stories = _stories(client)
    data = client.get("/api/search", params={"q": "footbridge Lenne"}).json()
    assert data["total"] == 1 and data["items"][0]["story"]["id"] == stories["bridge"]["id"]
    assert len(data["items"][0]["articles"]) >= 4
    both = client.get("/api/search", params={"q": "Tuesday"}).json()
    assert {g["story"]["id"] for g in both["items"]} == {stories["bridge"]["id"], stories["ferry"]["id"]}
    page = client.get("/search", params={"q": "Nordlink"}).text
    assert page.count('class="story"') == 1 and f'href="/stories/{stories["ferry"]["id"]}"' in page
    for odd in ('"', "NEAR(a b)", "*", "a OR", "<script>", "x" * 200):
        r = client.get("/api/search", params={"q": odd})
        assert r.status_code == 200, odd
    assert client.get("/api/search", params={"q": "x" * 201}).status_code == 400


def test_feeds_page_shows_health(client: httpx.Client, site: str):
    page = html.unescape(client.get("/feeds").text)
    assert f"{site}/feed.xml" in page and "HTTP 200" in page and "Lenne Valley News" in page
    failing = re.search(r'<tr class="failing">(.*?)</tr>', page, re.S)
    assert failing and f"{site}/gone.xml" in failing.group(1) and "404" in failing.group(1)
    feeds = {f["url"]: f for f in client.get("/api/feeds").json()["items"]}
    assert feeds[f"{site}/gone.xml"]["error_count"] == 1 and feeds[f"{site}/feed.xml"]["last_status"] == 200


def test_etags_answer_304_until_the_content_changes(client: httpx.Client):
    for url in ("/api/stories", f"/api/stories/{_stories(client)['bridge']['id']}", "/", "/feeds"):
        first = client.get(url)
        tag = first.headers["etag"]
        again = client.get(url, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get("/api/stories", params={"per_page": 1}).headers["etag"] != client.get(
        "/api/stories").headers["etag"]


def test_a_write_to_the_store_shows_at_once(client: httpx.Client, db: Path):
    """Pages are kept rendered until the store changes: a change is never hidden by that."""
    before = client.get("/feeds")
    url = "https://later.example/feed.xml"
    assert url not in before.text
    assert main(["feeds", "add", url, "--db", str(db)]) == 0
    after = client.get("/feeds", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and url in after.text and after.headers["etag"] != before.headers["etag"]
    assert main(["feeds", "remove", url, "--db", str(db)]) == 0
    assert url not in client.get("/feeds").text


def test_every_page_has_a_strict_csp_and_no_inline_script(client: httpx.Client):
    stories = _stories(client)
    urls = ["/", f"/stories/{stories['bridge']['id']}", f"/stories/{stories['ferry']['id']}", "/feeds",
            "/search?q=ferry", "/docs", "/stories/missing"]
    for url in urls:
        r = client.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        scripts = re.findall(r"<script\b[^>]*>", r.text)
        assert scripts == ['<script src="/static/app.js" defer>'], url  # no other script, none inline
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", r.text.replace(
            "href=\"http", "")), url  # no asset from elsewhere
        for link in re.findall(r'<a href="https?://[^>]*>', r.text):  # links out: no opener, no referrer
            assert 'rel="noopener noreferrer"' in link, link
    assert client.get("/static/app.js").status_code == 200 and client.get("/static/app.css").status_code == 200


def test_openapi_and_self_hosted_docs(client: httpx.Client):
    spec = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}", "/api/search"} <= set(
        spec["paths"])
    docs = client.get("/docs").text
    assert "/api/stories/{story_id}" in docs and "cdn" not in docs.lower() and 'href="/openapi.json"' in docs
    assert client.get("/redoc").status_code == 404


def test_payloads_are_text_in_the_html(client: httpx.Client):
    ferry = _stories(client)["ferry"]
    doc = client.get(f"/api/stories/{ferry['id']}").json()
    bad = next(a for a in doc["articles"] if a["url"] == PAYLOAD_URL)
    for url in ("/", f"/stories/{ferry['id']}", f"/articles/{bad['id']}", "/search?q=Kessing"):
        text = client.get(url).text
        assert "<script>window" not in text and "onerror=\"window" not in text and "<img" not in text, url
        assert 'href="javascript:' not in text.lower(), url
    page = client.get(f"/stories/{ferry['id']}").text
    assert escape(PAYLOAD_OUTLET) in page and escape(PAYLOAD_TITLE) in page
    assert escape(PAYLOAD_URL) in page  # shown as text, not linked


# -- the command -----------------------------------------------------------------------------------
def test_serve_command_runs_and_reports_bad_input(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    assert main(["serve", "--db", str(tmp_path / "none.db")]) == 2
    assert capsys.readouterr().err.strip().endswith("none.db: no such store (crossbrief ingest creates it)")
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    assert main(["serve", "--db", str(tmp_path / "junk.db")]) == 2
    assert "not a crossbrief store" in capsys.readouterr().err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert main(["serve", "--db", str(db), "--port", str(busy.getsockname()[1])]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "cannot listen on 127.0.0.1:" in err[0]
    assert main(["serve", "--db", str(db), "--port", "70000"]) == 2
    # The real command: binds to 127.0.0.1 by default, serves, stops on SIGINT.
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "crossbrief.cli", "serve", "--db", str(db), "--port", str(port)],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stderr.readline() if proc.stderr else ""
        assert f"on http://127.0.0.1:{port}/" in line
        deadline = time.monotonic() + 30
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
    finally:
        proc.send_signal(2)
        assert proc.wait(20) == 0


# -- in the browser (the `browser` fixture: conftest.py) ---------------------------------------------
def test_no_payload_runs_in_chromium(browser, client: httpx.Client, base: str):
    ferry = _stories(client)["ferry"]
    doc = client.get(f"/api/stories/{ferry['id']}").json()
    bad = next(a for a in doc["articles"] if a["url"] == PAYLOAD_URL)
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for url in ("/", f"/stories/{ferry['id']}", f"/articles/{bad['id']}", "/search?q=Kessing"):
        page.goto(base + url)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", url
        assert page.title().endswith(" · crossbrief") and page.title() != "pwned", url
        if url.startswith("/stories"):  # the payload title is the page's title, as text
            assert page.title() == PAYLOAD_TITLE + " · crossbrief"
        assert page.evaluate("document.querySelectorAll('img, [onerror], a[href^=\"javascript\" i]').length") == 0
        scripts = page.evaluate("Array.from(document.scripts).map(s => s.src)")
        assert scripts == [base + "/static/app.js"], url
        shown = page.inner_text("main")
        assert "<script>window.__pwned" in shown or "<img src=x onerror" in shown, url
        if url.startswith("/stories"):
            for a in page.query_selector_all("a.cite"):  # clicking every citation runs nothing either
                a.click()
            assert page.evaluate("typeof window.__pwned") == "undefined"
    page.goto(base + f"/stories/{ferry['id']}")
    assert page.inner_text("h1") == PAYLOAD_TITLE
    assert dialogs == []
    page.close()


def test_citations_reveal_their_sentence_and_keys_navigate(browser, client: httpx.Client, base: str):
    bridge = _stories(client)["bridge"]
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "/")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "stories.png"), full_page=True)
    page.keyboard.press("j")
    first = page.evaluate("document.querySelector('.story.current').dataset.href")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.evaluate("document.querySelector('.story.current').dataset.href") == first
    page.keyboard.press("o")
    page.wait_for_url(base + first)
    page.goto(base + f"/stories/{bridge['id']}")
    cite = page.query_selector_all(".sentence a.cite")[1]  # the second: another outlet's sentence
    target = cite.get_attribute("data-support")
    assert not page.is_visible(f"#{target}")
    cite.hover()
    assert page.is_visible(f"#{target}")
    page.mouse.move(0, 0)
    assert not page.is_visible(f"#{target}")
    cite.click()
    page.mouse.move(0, 0)
    assert page.is_visible(f"#{target}")  # pinned by the click
    assert page.inner_text(f"#{target}").count("“") >= 1
    page.screenshot(path=str(ARTIFACTS / "story.png"), full_page=True)
    cite.click()
    assert not page.is_visible(f"#{target}")
    assert errors == []  # nothing the CSP blocked, no script error
    print(f"screenshots: {ARTIFACTS / 'stories.png'} {ARTIFACTS / 'story.png'}")
    page.close()


def test_pages_work_offline_from_the_servers_own_files(browser, client: httpx.Client, base: str):
    """Every request a page makes goes to this server (no CDN, no font, no other host)."""
    bridge = _stories(client)["bridge"]
    page = browser.new_page()
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(httpx.URL(r.url).host) if r.url.startswith("http") else None)
    for url in ("/", f"/stories/{bridge['id']}", "/docs", "/feeds"):
        page.goto(base + url)
        page.wait_for_load_state("networkidle")
    assert hosts == {"127.0.0.1"}
    page.close()

