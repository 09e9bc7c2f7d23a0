"""The web app under load, on 127.0.0.1 only (issue 14; figures in docs/benchmarks.md).

    python bench/web_load.py [--db PATH] [--clients 100] [--seconds 20] [--renders 30]

1. A store (built once at --db, then reused): a story of 200 articles (reports of one event of
   our own invention, generated from phrase pools, from 40 outlets over five days) and 30 small
   stories, by the real `crossbrief ingest` of JSONL files.
2. `crossbrief serve` on a free port of 127.0.0.1, in its own process.
3. Warm render: the 200-article story page fetched once, then `--renders` times one after the
   other: the median and p95 time to the last byte (nothing else running).
4. Load: `--clients` concurrent keep-alive clients (bare asyncio HTTP/1.1) read the story list,
   story pages, article pages, search and the API (stories, a story, an article, search) for
   `--seconds` (at most 30), first alone (the baseline), then while a `crossbrief ingest` of 30
   new articles (15 new stories and their briefs) writes to the same store. Printed per phase:
   requests, errors (any status but 200, or a transport error), p50/p95/max latency, requests
   per second, and the ingest's exit code and closing line.

The load phases take at most 60 s together (an ingest still running after 30 s is stopped).
Exit 0 when there was no error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "crossbrief.cli"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

OUTLETS = [f"{a} {b}" for a in ("Northern", "Coastal", "Metro", "County", "Daily", "Evening", "Harbour", "Valley")
           for b in ("Times", "Record", "Gazette", "Echo", "Post")]
POOLS = [
    ["A fire broke out at the Orvane chemical plant in Harlow Bay {when}, {forcing} about {evac} residents "
     "{from_homes}, {who} said."],
    ["{Crews} fought the blaze for {hours} hours before it was brought under control, and {inj} workers were "
     "taken to hospital with {burns}."],
    ["The plant's owner, Castrel Industries, said a {fault} in a storage tank {caused} the fire and that it "
     "would {cooperate} with the inquiry."],
    ["{Official} {said_verb}: \"We are {checking} the air and the water around Harlow Bay {every} hour.\""],
    ["Schools in Harlow Bay and {town} will stay closed until {day}, the {council} said."],
    ["{Residents} described {seeing} a column of black smoke that could be seen from {town}."],
    ["Environmental groups {asked} why the plant, which {stores} solvents, was allowed so close to {homes}."],
    ["The {agency} said readings of the air near the plant were {level} on {measure_day}."],
]
FILL = {
    "when": ["early on Monday", "on Monday morning", "before dawn on Monday", "in the early hours of Monday"],
    "forcing": ["forcing", "prompting", "leading officials to order"],
    "evac": ["2,000", "2,400", "2,000", "1,800"],
    "from_homes": ["to leave their homes", "from their homes", "to evacuate", "out of nearby streets"],
    "who": ["the fire service", "emergency officials", "the county", "firefighters"],
    "Crews": ["Firefighters", "Crews", "About 80 firefighters", "Fire crews from three counties"],
    "hours": ["nine", "ten", "nine", "eleven"],
    "inj": ["four", "five", "four", "three"],
    "burns": ["burns", "minor burns", "breathing problems", "smoke inhalation"],
    "fault": ["valve failure", "faulty valve", "leak", "pressure fault"],
    "caused": ["caused", "probably started", "was behind", "appears to have started"],
    "cooperate": ["cooperate fully", "work", "help", "assist"],
    "Official": ["County health officer Mira Solberg", "Mira Solberg, the county health officer",
                 "Health officer Mira Solberg"],
    "said_verb": ["said", "told reporters", "said on Monday"],
    "checking": ["checking", "testing", "measuring", "sampling"],
    "every": ["every", "once an", "at least once an"],
    "town": ["Kelby", "Marrow", "Kelby", "Pentry"],
    "day": ["Wednesday", "Thursday", "Wednesday", "further notice"],
    "council": ["county council", "education office", "council", "local authority"],
    "Residents": ["Residents", "Neighbours", "People living nearby", "Witnesses"],
    "seeing": ["seeing", "watching", "waking to"],
    "asked": ["asked", "questioned", "demanded to know"],
    "stores": ["stores", "holds", "keeps large amounts of"],
    "homes": ["homes", "houses", "a primary school", "the town centre"],
    "agency": ["environment agency", "regional air monitor", "environment office"],
    "level": ["normal", "back to normal", "within safe limits", "slightly raised"],
    "measure_day": ["Tuesday", "Tuesday morning", "Monday night"],
}
SMALL = [  # (place, what) pairs for the small stories: two reports each
    (place, what) for place in ("Dunmere", "Oskar Fjord", "Tilbrook", "Ravelin", "Hollin Cross", "Sayle")
    for what in ("a tram derailment", "a school roof collapse", "a water main burst", "a power cut",
                 "a landslide on the coast road")
]


def big_story(rng: random.Random, n: int = 200) -> list[dict]:
    rows = []
    for i in range(n):
        sentences = []
        for pool in POOLS:
            for _ in range(2):
                if rng.random() < 0.8:
                    sentences.append(re.sub(r"\{(\w+)\}", lambda m: rng.choice(FILL[m.group(1)]),
                                            rng.choice(pool)))
        sentences.append(f"This is report number {i + 1} on the Harlow Bay fire, filed by our correspondent "
                         f"{rng.choice(['Ada', 'Ben', 'Cleo', 'Dev', 'Esme', 'Finn'])} {rng.randint(100, 999)}.")
        outlet = OUTLETS[i % len(OUTLETS)]
        slug = outlet.lower().replace(" ", "")
        rows.append({"title": f"Harlow Bay chemical plant fire: report {i + 1}", "outlet": outlet,
                     "date": f"2026-06-{1 + i % 5:02d}", "url": f"https://{slug}.example/harlow-fire/{i}",
                     "text": "\n".join(sentences)})
    return rows


SMALL_SENTENCES = [
    "Officials in {place} said {what} on Monday left {n} people stranded and closed {roads} roads.",
    "Engineers were sent to {place} and expected to finish repairs by {day}, the {council} said.",
    "Nobody was hurt in {place}, although {n2} households were told to stay indoors.",
    "It was the {nth} time since {year} that {place} had seen {what}, local records show.",
    "Shops in the centre of {place} closed early and the {line} bus line was suspended.",
    "The {council} of {place} promised a report on {what} within {weeks} weeks.",
]


def small_stories(pairs: list[tuple[str, str]], day: int, tag: str = "") -> list[dict]:
    """Two reports of each (place, what): its own figures and wording per story, so that stories are
    not near-copies of each other. `tag` makes a run's articles new to a store that has the others."""
    rows = []
    for n, (place, what) in enumerate(pairs):
        rng = random.Random(f"{place}/{what}/{tag}")
        fill = {"place": place, "what": what, "n": rng.randint(20, 900), "roads": rng.choice(["two", "three"]),
                "day": rng.choice(["Friday", "Thursday"]), "council": rng.choice(["council", "local authority"]),
                "n2": rng.randint(10, 300), "nth": rng.choice(["second", "third", "fourth"]),
                "year": rng.randint(1960, 2020), "line": rng.randint(1, 99), "weeks": rng.randint(2, 8)}
        chosen = rng.sample(SMALL_SENTENCES, 4)
        for k, outlet in enumerate(("Island Wire", "Morning Ledger")):
            sentences = [t.format(**fill) for t in (chosen if k == 0 else chosen[::-1])]
            if tag:
                sentences.append(f"Bulletin {tag}, filed by {outlet}.")
            rows.append({"title": f"{what.capitalize()} in {place}", "outlet": outlet,
                         "date": f"2026-07-{day:02d}", "url": f"https://{outlet.lower().replace(' ', '')}.example/"
                         f"{place.lower().replace(' ', '-')}-{n}-{day}{'-' + tag if tag else ''}",
                         "text": " ".join(sentences)})
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def build_store(db: Path, work: Path) -> None:
    """Small stories by the real ingest; the 200-article story stored as one story through the
    Store API with its brief by the real Pipeline (the grouper would split 200 generated reports
    into several stories, and the page of one large story is what is measured)."""
    from crossbrief.model import Article
    from crossbrief.pipeline import Pipeline
    from crossbrief.store import Store
    from crossbrief.store.db import Member
    from crossbrief.stories.signature import prepare

    t = time.perf_counter()
    small = write_jsonl(work / "small.jsonl", small_stories(SMALL[:15], 1))
    subprocess.run([*CLI, "ingest", str(small), "--db", str(db), "-q"], env=ENV, check=False)
    rows = big_story(random.Random(14))
    with Store(db) as store:
        articles = []
        for n, row in enumerate(rows):
            article = Article(source=f"big.jsonl:{n + 1}", raw_text=row["text"], title=row["title"], url=row["url"],
                              date=row["date"], outlet=row["outlet"])
            prepare(article)
            store.add_article(article)
            articles.append(article)
        story = "sbench-harlow-fire"
        store.save_story(story, rows[0]["title"], "2026-06-01", "2026-06-05", [Member(a.id, None) for a in articles])
        stored = store.articles_of_story(story)
        store.save_brief(story, Pipeline().brief(stored), [a.id for a in stored])
    print(f"store built in {time.perf_counter() - t:.0f} s: {db}", flush=True)


def render_times(db: Path, url: str, n: int) -> list[float]:
    """Seconds to render `url` by the app itself (create_app, no response cache), after one warm-up."""
    from fastapi.testclient import TestClient

    from crossbrief.web import WebSettings, create_app

    with TestClient(create_app(WebSettings(db=db, response_cache=0))) as client:
        client.get(url)
        times = []
        for _ in range(n):
            t = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append(time.perf_counter() - t)
    return times


def html_brief_times(db: Path, story: str, n: int) -> list[float]:
    """Seconds for the existing HTML renderer (`render.to_html`) on the same brief, parsed once."""
    from crossbrief.model.schema import brief_from_dict
    from crossbrief.render import to_html
    from crossbrief.store import Store

    with Store(db, create=False) as store:
        stored = store.brief_of(story)
    assert stored is not None
    brief = brief_from_dict(stored.data)
    to_html(brief)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        to_html(brief)
        times.append(time.perf_counter() - t)
    return times


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(db: Path, *options: str) -> Iterator[int]:
    """`crossbrief serve --db DB [options]` in a process of its own on a free port of 127.0.0.1;
    yields the port once the server answers, and stops it (Ctrl-C, as a user would) at the end."""
    port = free_port()
    server = subprocess.Popen([*CLI, "serve", "--db", str(db), "--port", str(port), *options], env=ENV,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        print(server.stderr.readline().strip(), flush=True)  # "serving DB on http://127.0.0.1:PORT/"
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for _ in range(300):
                try:
                    client.get("/api/stories")
                    break
                except httpx.TransportError:
                    if server.poll() is not None:
                        raise RuntimeError(f"crossbrief serve exited {server.returncode}") from None
                    time.sleep(0.1)
        yield port
    finally:
        server.send_signal(2)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def load(port: int, urls: list[str], clients: int, seconds: float,
               done: Callable[[], bool] | None = None) -> tuple[list[float], list[str], int]:
    """`clients` keep-alive HTTP/1.1 connections, each asking for one URL after another (chosen at
    random) until `seconds` are up, or sooner once `done()` is true. A bare asyncio client: httpx's
    async client costs so much CPU per request that on two cores it, not the server, would be what
    is measured. Returns the latencies, the errors (any status but 200, or a transport error) and
    the number of requests."""
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + seconds

    async def one_client(k: int) -> None:
        rng = random.Random(k)
        reader = writer = None
        while time.monotonic() < stop and not (done and done()):
            url = rng.choice(urls)
            t = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                assert reader is not None
                writer.write(f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                await writer.drain()
                head = (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)).decode("latin-1")
                status = int(head.split(" ", 2)[1])
                length = re.search(r"(?im)^content-length:\s*(\d+)", head)
                if length is None:
                    raise ValueError("no Content-Length")
                await asyncio.wait_for(reader.readexactly(int(length.group(1))), 30)
                if status != 200:
                    errors.append(f"{url}: HTTP {status}")
            except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError) as err:
                errors.append(f"{url}: {type(err).__name__}")
                if writer is not None:
                    writer.close()
                reader = writer = None
            latencies.append(time.perf_counter() - t)
        if writer is not None:
            writer.close()

    await asyncio.gather(*(one_client(k) for k in range(clients)))
    return latencies, errors, len(latencies)


def load_while_ingesting(port: int, urls: list[str], clients: int, seconds: float, articles: Path, db: Path,
                         until_ingested: bool = False) -> tuple[list[float], list[str], int, int | None, str]:
    """`load` while a `crossbrief ingest ARTICLES --db DB` process writes to the server's store: for
    `seconds`, or (`until_ingested`) only until the ingest exits. The ingest is given 30 s from
    its start and then stopped. Returns `load`'s figures, the ingest's exit code (None when it
    was stopped) and its closing line."""
    ingest = subprocess.Popen([*CLI, "ingest", str(articles), "--db", str(db), "-q"], env=ENV,
                              stderr=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    try:
        latencies, errors, n = asyncio.run(load(port, urls, clients, seconds,
                                                (lambda: ingest.poll() is not None) if until_ingested else None))
        try:
            code: int | None = ingest.wait(max(1.0, 30.0 - (time.monotonic() - t0)))
        except subprocess.TimeoutExpired:
            code = None
    finally:
        if ingest.poll() is None:
            ingest.kill()
        lines = (ingest.stderr.read() if ingest.stderr else "").strip().splitlines()
        ingest.wait()
    return latencies, errors, n, code, lines[-1] if lines else ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "crossbrief-web-bench.db")
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--renders", type=int, default=30)
    ap.add_argument("--no-ingest", action="store_true", help="only the load alone (the baseline phase)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="crossbrief-web-bench-"))
    if not args.db.exists():
        build_store(args.db, work)
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), flush=True)

    with served(args.db) as port:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as client:
            stories = client.get("/api/stories", params={"per_page": 100}).json()["items"]
            big = max(stories, key=lambda s: s["size"])
            doc = client.get(f"/api/stories/{big['id']}").json()
            print(f"largest story: {big['size']} articles, {len(doc['articles'])} in its brief "
                  f"(JSON {len(json.dumps(doc)) / 1e6:.1f} MB)", flush=True)
            # Warm render of the large story's page.
            client.get(f"/stories/{big['id']}")
            times = []
            for _ in range(args.renders):
                t = time.perf_counter()
                r = client.get(f"/stories/{big['id']}")
                times.append(time.perf_counter() - t)
                assert r.status_code == 200
            rendered = render_times(args.db, f"/stories/{big['id']}", args.renders)
            print(f"story page of {big['size']} articles, warm (brief parsed once; page rendered every time, "
                  f"in-process), {args.renders} renders: median {statistics.median(rendered) * 1000:.0f} ms, "
                  f"p95 {quantile(rendered, 0.95) * 1000:.0f} ms, page {len(r.content) / 1e3:.0f} kB", flush=True)
            print(f"same page over HTTP, kept rendered: median {statistics.median(times) * 1000:.0f} ms", flush=True)
            baseline = html_brief_times(args.db, big["id"], args.renders)
            print(f"baseline: the same brief by render.to_html (crossbrief export --format html), "
                  f"median {statistics.median(baseline) * 1000:.0f} ms", flush=True)
            small = [s for s in stories if s["id"] != big["id"]]
            articles = [a["id"] for a in doc["articles"][:50]]

        urls = (["/", "/?page=2&per_page=5", f"/stories/{big['id']}", "/api/stories", f"/api/stories/{big['id']}",
                 "/api/search?q=Harlow+fire", "/search?q=roads"]
                + [f"/stories/{s['id']}" for s in small[:10]] + [f"/api/stories/{s['id']}" for s in small[:10]]
                + [f"/api/articles/{a}" for a in articles[:10]] + [f"/articles/{a}" for a in articles[:5]])
        rng = random.Random(port)  # new places each run: new stories, so the ingest writes briefs too
        heads = ["Ar", "Bel", "Cor", "Dun", "El", "Fen", "Gor", "Hal", "Ist", "Kel"]
        tails = ["brook", "mere", "ford", "wick", "stead", "holm", "by", "ton"]
        places = [f"{rng.choice(heads)}{rng.choice(tails)} {rng.choice(heads)}{rng.choice(tails)}" for _ in range(15)]
        more = write_jsonl(work / f"more-{port}.jsonl", small_stories(
            [(place, SMALL[n][1]) for n, place in enumerate(places)], 2 + port % 27, tag=str(port)))
        # Two phases of at most 30 s each (60 s in all): the load alone (the baseline), then the
        # same load while an ingest writes new stories and their briefs to the store.
        seconds = min(args.seconds, 30.0)
        failed = False
        for phase in ("alone", "while ingest writes"):
            writing = phase != "alone"
            if writing and args.no_ingest:
                break
            t0 = time.monotonic()
            if writing:
                latencies, errors, n, code, last = load_while_ingesting(port, urls, args.clients, seconds, more,
                                                                        args.db)
            else:
                latencies, errors, n = asyncio.run(load(port, urls, args.clients, seconds))
            print(f"load {phase}: {args.clients} clients, {seconds:.0f} s, {n} requests ({n / seconds:.0f}/s), "
                  f"errors {len(errors)}, latency p50 {quantile(latencies, 0.5) * 1000:.0f} ms, "
                  f"p95 {quantile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms", flush=True)
            for e in sorted(set(errors))[:10]:
                print("  error:", e)
            failed = failed or bool(errors)
            if writing:
                print(f"  the ingest: exit {code}, finished {time.monotonic() - t0:.0f} s after the load began; "
                      f"{last}", flush=True)
                failed = failed or code not in (0, 1)
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
