"""Ingest at scale (issue 13, item 8): a generated stream of replayed Multi-News validation articles
into a fresh store, at several sizes.

    PYTHONPATH=src .venv/bin/python bench/store_scale.py [--sizes 1000 5000 20000] [--briefs]
        [--modes full cheap] [--data /work/shared/data/multinews/validation.jsonl.gz]
        [--work /tmp/crossbrief-scale]

The stream: every document of every validation cluster, in cluster order, the 5,622 clusters
spread over 30 days (a cluster's documents share its day); once the validation set is used up it
is replayed with its dates shifted 30 days on (beyond the grouper's window, so a replay makes new
stories, not copies) and one line naming the replay added to each text (so its clean text, hence
its id, is new). Texts stay in the work folder, outside the repository.

For each size and mode, a fresh store, and `crossbrief ingest STREAM.jsonl --db DB -q
[--no-briefs] [--no-analysis]` run as its own process (mode `full`: every new article also
segmented, parsed and analysed, its analysis stored; `cheap`: `--no-analysis`, the articles only
filed), while this script reads the store's article count every second (a reader
alongside the writer, as the web app is). Printed per size:

- articles/s over the whole run (process start to exit: imports and model loading included) and
  sustained (from the first committed batch to the last: the filing rate; with the analysis,
  from the first analyses stored to the last, all articles analysed: the analysis rate);
- the CPU seconds of the ingest process and its workers, per article (independent of what else
  runs on the machine);
- the db size on disk (with its WAL), of it the stored analyses (their docs and JSON), and the
  ingest process's peak RSS (wait4's ru_maxrss; the analysis workers are not counted);
- with `--briefs`, the briefs rebuilt in the run (they are part of the time).

Then, once, on the largest store, a brief rebuild after one new article, in one process with a
warm pipeline (as `watch` runs): one new article that joins a story of several articles is
ingested, and the time of that ingest (filing + the one brief) is printed beside the time of the
same story's first brief in that process, with how many of the story's articles the pipeline
had to process anew (the rest come from its per-article cache).

And across processes (cron's next `crossbrief ingest`): the same new article added by a new
process to a copy of the store with its stored analyses, and to a copy without them (every
analysis deleted: the brief parses its story's articles again, as before analyses were stored);
each process prints the time of filing the article and of the story's brief, and how many
sentences spaCy parsed; and the wall time of `crossbrief ingest NEW --db COPY -q` on each.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path("/work/shared/data/multinews/validation.jsonl.gz")
BASE_DAY = date(2026, 1, 1)
SPAN_DAYS = 30


def load_documents(path: Path) -> list[tuple[int, int, str]]:
    """(cluster number, document number, text) of every non-empty validation document, in order."""
    docs = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for c, line in enumerate(f):
            for j, text in enumerate(json.loads(line)["documents"]):
                if len(text.split()) >= 30:
                    docs.append((c, j, text))
    return docs


def held_out(docs: list[tuple[int, int, str]], big: bool = False) -> list[int]:
    """The positions of the documents kept out of the stream for the one-new-article rebuilds: the
    last document of each of the first five clusters of four or more, and of the first three of
    eight or more (`big`: those three only: a story with more articles to reuse)."""
    sizes: dict[int, int] = {}
    for c, _, _ in docs:
        sizes[c] = sizes.get(c, 0) + 1
    big_clusters = [c for c, n in sizes.items() if n >= 8][:3]
    clusters = big_clusters if big else [c for c, n in sizes.items() if n >= 4][:5] + big_clusters
    return [max(i for i, (c, _, _) in enumerate(docs) if c == cluster) for cluster in clusters]


def stream_row(docs: list[tuple[int, int, str]], n: int) -> dict:
    clusters = docs[-1][0] + 1
    c, j, text = docs[n % len(docs)]
    replay = n // len(docs)
    day = BASE_DAY + timedelta(days=replay * SPAN_DAYS + c * SPAN_DAYS // clusters)
    if replay:
        text = f"{text}\n\nThis is replay {replay} of the article, for the crossbrief scale benchmark."
    return {"id": f"mn-{c}-{j}-r{replay}", "text": text, "date": day.isoformat(), "outlet": f"outlet{j}"}


def write_stream(docs: list[tuple[int, int, str]], size: int, path: Path) -> None:
    skip = set(held_out(docs))
    with path.open("w", encoding="utf-8") as out:
        for n in range(size + len(skip)):
            if n not in skip:
                out.write(json.dumps(stream_row(docs, n)) + "\n")


def progress_count(store, analysis: bool) -> int:  # type: ignore[no-untyped-def]
    """What a run has done so far: articles stored, or with the analysis, articles analysed and
    stored (the analyses trail the articles by up to a few batches)."""
    if not analysis:
        return store.count_articles()
    return int(store.conn.execute("SELECT count(*) FROM article_analyses").fetchone()[0])


def usage_cpu(rusage: dict) -> float:
    return float(rusage.get("cpu", 0.0))


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def tree_cpu(root: int, seen: dict[int, float]) -> None:
    """Record in `seen` the CPU seconds (user + system) used so far by `root` and each process
    below it (the forkserver and the analysis workers), read from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
            cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    for pid in cpu:
        up = pid
        while up in parents and up != root and up > 1:
            up = parents[up]
        if up == root:
            seen[pid] = max(seen.get(pid, 0.0), cpu[pid])


def run_ingest(stream: Path, db: Path, briefs: bool, analysis: bool = True) -> dict:
    from crossbrief.store import Store

    cmd = [sys.executable, "-m", "crossbrief.cli", "ingest", str(stream), "--db", str(db), "-q"]
    if not briefs:
        cmd.append("--no-briefs")
    if not analysis:
        cmd.append("--no-analysis")
    counts: list[tuple[float, int]] = []
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()
    rusage: dict = {}

    def wait() -> None:
        _, status, usage = os.wait4(proc.pid, 0)
        rusage["maxrss_mb"] = usage.ru_maxrss / 1024
        rusage["cpu"] = usage.ru_utime + usage.ru_stime
        rusage["status"] = status
        done.set()

    threading.Thread(target=wait, daemon=True).start()
    cpu: dict[int, float] = {}
    while not done.wait(1.0):
        tree_cpu(proc.pid, cpu)
        if db.exists():
            try:
                with Store(db, create=False) as store:
                    counts.append((time.perf_counter() - start, progress_count(store, analysis)))
            except Exception as err:  # noqa: BLE001 - a reader's failure is a finding, printed
                print(f"  reader failed: {type(err).__name__}: {err}", flush=True)
    wall = time.perf_counter() - start
    err = proc.stderr.read() if proc.stderr else ""
    if rusage.get("status"):
        raise SystemExit(f"ingest failed ({rusage['status']}): {err[-2000:]}")
    with Store(db, create=False) as store:
        total = store.count_articles()
        analysed, analyses_bytes = store.conn.execute(
            "SELECT count(*), coalesce(sum(length(docs) + length(data)), 0) FROM article_analyses").fetchone()
    counts.append((wall, analysed if analysis else total))
    started = next((t for t, n in counts if n > 0), wall)
    last_t, last_n = counts[-1]
    first_n = next((n for t, n in counts if t >= started), 0)
    # One commit at the end (no batches) leaves no rate between commits to report.
    sustained = (last_n - first_n) / (last_t - started) if last_t > started and last_n > first_n else float("nan")
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    closing = [line for line in err.splitlines() if "added" in line or "briefs rebuilt" in line]
    return {"wall": wall, "articles": total, "sustained": sustained, "db_mb": size / 1e6,
            "analysed": analysed, "analyses_mb": analyses_bytes / 1e6,
            # The ingest process's own CPU from wait4 (exact); its workers' as last sampled.
            "cpu": sum(v for k, v in cpu.items() if k != proc.pid) + usage_cpu(rusage),
            "maxrss_mb": rusage["maxrss_mb"], "closing": "; ".join(closing)}


def copy_store(db: Path, trial: Path) -> None:
    """`trial` (and its WAL files) made a fresh copy of the store `db`, replacing any before."""
    for old in trial.parent.glob(trial.name + "*"):
        old.unlink()
    for part in db.parent.glob(db.name + "*"):
        shutil.copy(part, trial.parent / part.name.replace(db.name, trial.name))


def joined_story(db: Path, docs: list[tuple[int, int, str]]) -> tuple[Path, str] | None:
    """The first held-out document (of a big cluster first) that joins a story of two or more
    articles in `db` (written to a file), and that story's id; learnt by ingesting it into a copy
    of the store."""

    from crossbrief.store import Store
    from crossbrief.store.ingest import ingest

    extra = db.parent / "held-out.json"
    trial = db.parent / "trial.db"
    big = held_out(docs, big=True)
    for n in big + [n for n in held_out(docs) if n not in big]:  # a big story first, else any
        extra.write_text(json.dumps(stream_row(docs, n)), encoding="utf-8")
        copy_store(db, trial)
        with Store(trial) as store:
            joined = ingest(store, [str(extra)], briefs=False, analysis=False, progress=False).stories
        with Store(db) as store:
            story = store.story(joined[0]) if joined else None
            if story is not None and len(store.articles_of_story(story.id, copies=False)) >= 2:
                return extra, story.id
    return None


# Run in a new process: file one article into a store, then rebuild its story's brief, timed.
ONE_ARTICLE_PROCESS = """
import json, sys, time
from crossbrief.pipeline import Pipeline
from crossbrief.resources.nlp import Parser
from crossbrief.store import Store
from crossbrief.store.ingest import IngestRun, ingest, rebuild_briefs
db, extra = sys.argv[1], sys.argv[2]
parser = Parser()
pipeline = Pipeline(nlp=parser)
t0 = time.perf_counter()
with Store(db) as store:
    if extra.startswith("story:"):  # no new article: rebuild this story's brief
        run = IngestRun(stories=[extra[len("story:"):]])
    else:
        run = ingest(store, [extra], briefs=False, progress=False, pipeline=pipeline, workers=1)
    t1 = time.perf_counter()
    filed_parsed = parser.parsed_sentences
    pipeline.encoder, pipeline.static_encoder, pipeline.selector, pipeline.spacy  # the models, loaded
    t2 = time.perf_counter()
    rebuild_briefs(store, IngestRun(stories=run.stories), pipeline)
    t3 = time.perf_counter()
    size = len(store.articles_of_story(run.stories[0], copies=False))
print(json.dumps({"file": t1 - t0, "models": t2 - t1, "brief": t3 - t2, "articles": size,
                  "parsed_filing": filed_parsed, "parsed_brief": parser.parsed_sentences - filed_parsed}))
"""


def one_new_article_across_processes(db: Path, docs: list[tuple[int, int, str]]) -> None:
    import sqlite3

    found = joined_story(db, docs)
    if found is None:
        print("across processes: every held-out document started a story of its own: no brief to rebuild")
    else:
        rebuild_across_processes(db, found[1], str(found[0]), ("script", "cli"))
    # And the biggest story's brief, rebuilt by a new process (no new article): more to reuse.
    with sqlite3.connect(db) as conn:
        biggest = conn.execute("SELECT story FROM story_members WHERE copy_of IS NULL GROUP BY story "
                               "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    rebuild_across_processes(db, biggest, f"story:{biggest}", ("script",))


def rebuild_across_processes(db: Path, story: str, extra: str, attempts: tuple[str, ...]) -> None:
    """In a new process, on a copy of `db` with and one without its stored analyses: file `extra`
    (or, "story:ID", nothing) and rebuild the story's brief, timed."""
    import sqlite3

    for label, keep in (("stored analyses", True), ("parsing again (analyses deleted)", False)):
        for attempt in attempts:
            copy = db.parent / f"rebuild-{keep}-{attempt}.db"
            for old in db.parent.glob(copy.name + "*"):
                old.unlink()
            with sqlite3.connect(db) as conn:
                conn.execute("VACUUM INTO ?", (str(copy),))
            if not keep:
                with sqlite3.connect(copy) as conn:
                    conn.execute("DELETE FROM article_analyses")
            with sqlite3.connect(copy) as conn:  # the story's brief as it was before the new article
                conn.execute("DELETE FROM briefs WHERE story = ?", (story,))
            start = time.perf_counter()
            if attempt == "script":
                out = subprocess.run([sys.executable, "-c", ONE_ARTICLE_PROCESS, str(copy), str(extra)],
                                     check=True, capture_output=True, text=True).stdout
                r = json.loads(out.splitlines()[-1])
                print(f"across processes, {label}: story {story} now {r['articles']} articles; filing "
                      f"{r['file']:.1f} s (parsed {r['parsed_filing']} sentences), models loaded {r['models']:.1f} s, "
                      f"its brief {r['brief']:.1f} s "
                      f"(parsed {r['parsed_brief']} sentences); process {time.perf_counter() - start:.1f} s",
                      flush=True)
            else:
                subprocess.run([sys.executable, "-m", "crossbrief.cli", "ingest", str(extra), "--db", str(copy), "-q"],
                               check=True, capture_output=True, text=True)
                print(f"across processes, {label}: `crossbrief ingest NEW --db COPY -q` "
                      f"{time.perf_counter() - start:.1f} s wall", flush=True)
            for old in db.parent.glob(copy.name + "*"):
                old.unlink()


def one_new_article(db: Path, docs: list[tuple[int, int, str]]) -> None:
    """A brief rebuild after one new article, in one process with a warm pipeline: the held-out
    document is ingested into a copy of the store first, to learn the story it joins; in the
    store itself that story's brief is built, then the document ingested and the brief rebuilt."""

    from crossbrief.model import Article
    from crossbrief.pipeline import Pipeline
    from crossbrief.store import Store
    from crossbrief.store.ingest import IngestRun, ingest, rebuild_briefs

    extra = db.parent / "held-out.json"
    trial = db.parent / "trial.db"
    story = None
    for n in held_out(docs):  # the first held-out document that joins a story of two or more
        extra.write_text(json.dumps(stream_row(docs, n)), encoding="utf-8")
        copy_store(db, trial)
        with Store(trial) as store:
            joined = ingest(store, [str(extra)], briefs=False, progress=False).stories
        with Store(db) as store:
            story = store.story(joined[0]) if joined else None
        if story is not None and story.size >= 2:
            break
        story = None
    if story is None:
        print("one new article: every held-out document started a story of its own: no brief to rebuild")
        return
    with Store(db) as store:
        # The story as it was: the across-process runs above filed the article into copies only.
        pipeline = Pipeline()
        processed: list[str] = []
        original = pipeline.process

        def counting(article: Article, **kwargs):  # type: ignore[no-untyped-def]
            done = original(article, **kwargs)
            if done is not cached.get(done.article.id):
                processed.append(article.source)
            return done

        cached: dict = {}
        pipeline.process = counting  # type: ignore[method-assign]
        pipeline.brief([Article(source="warm-up", raw_text=docs[0][2]), Article(source="w2", raw_text=docs[1][2])])
        processed.clear()
        start = time.perf_counter()
        store.conn.execute("DELETE FROM briefs WHERE story = ?", (story.id,))
        rebuild_briefs(store, IngestRun(stories=[story.id]), pipeline)
        first = time.perf_counter() - start
        first_processed = len(processed)
        cached.update({a.id: pipeline.process(a) for a in store.articles_of_story(story.id)})
        processed.clear()
        start = time.perf_counter()
        again = ingest(store, [str(extra)], pipeline=pipeline, progress=False)
        second = time.perf_counter() - start
        grown = store.story(story.id)
    print(f"one new article (held out of its cluster) into story {story.id} ({story.size} articles; models "
          f"loaded): its brief {first:.1f} s ({first_processed} articles processed); after one new article, "
          f"ingest + rebuild {second:.1f} s ({again.summary()}; stories changed {len(again.stories)}, briefs "
          f"rebuilt {again.briefs}; story now {grown.size if grown else '?'} articles, "
          f"{len(processed)} processed anew, the rest from the pipeline's cache)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--briefs", action="store_true", help="rebuild briefs too (default --no-briefs)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--work", type=Path, default=Path("/tmp/crossbrief-scale"))
    parser.add_argument("--no-rebuild", action="store_true", help="skip the one-new-article rebuilds")
    parser.add_argument("--rebuild-only", action="store_true",
                        help="no ingest runs: the one-new-article rebuilds on the stores of --sizes left in --work")
    parser.add_argument("--modes", nargs="+", choices=["full", "cheap"], default=["full", "cheap"],
                        help="full: with the per-article analysis (the default of ingest); cheap: --no-analysis")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"{args.data}: no such file (the Multi-News validation split)", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    docs = load_documents(args.data)
    print(f"{len(docs)} validation documents; sizes {args.sizes}; briefs {'on' if args.briefs else 'off'}; "
          f"{os.cpu_count()} cpus", flush=True)
    db = full_db = None
    for size in [] if args.rebuild_only else args.sizes:
        stream = args.work / f"stream-{size}.jsonl"
        write_stream(docs, size, stream)
        for mode in args.modes:
            db = args.work / f"store-{size}-{mode}.db"
            for old in args.work.glob(db.name + "*"):
                old.unlink()
            before = load_average()
            r = run_ingest(stream, db, args.briefs, analysis=mode == "full")
            print(f"{size:>7} articles, {mode}: {r['wall']:.0f} s, {r['articles'] / r['wall']:.1f} articles/s "
                  f"overall, {r['sustained']:.1f} sustained (nan: one commit); db {r['db_mb']:.0f} MB "
                  f"({r['analysed']} analyses, {r['analyses_mb']:.0f} MB); peak RSS {r['maxrss_mb']:.0f} MB; "
                  f"load {before} -> {load_average()}; CPU {r['cpu']:.0f} s in all processes, "
                  f"{1000 * r['cpu'] / max(r['articles'], 1):.1f} ms an article; {r['closing']}", flush=True)
            if mode == "full":
                full_db = db
    if args.rebuild_only:
        full_db = db = args.work / f"store-{args.sizes[-1]}-full.db"
    if db is not None and not args.no_rebuild:
        if full_db is not None:
            one_new_article_across_processes(full_db, docs)
        one_new_article(full_db or db, docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
