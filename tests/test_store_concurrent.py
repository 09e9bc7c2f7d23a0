"""Readers are served while `crossbrief ingest` writes (issue 13, item 5): a real ingest process
files a long stream into a real SQLite file while `brief --story`, `search`, `stories-list` (real
processes) and `Store` queries read it. No reader may fail with "database is locked", see a torn
state (articles without their story, a story whose size is not its members), or see no progress."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from crossbrief.store import Store

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "bench" / "devset" / "events.jsonl"  # our own written articles


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crossbrief.cli", *args], capture_output=True, text=True,
                          timeout=300)


def _stream(path: Path, copies: int) -> int:
    """A long JSONL stream of distinct articles: each event article again with a counter line."""
    rows = [json.loads(line) for line in EVENTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    more = [dict(r, id=f"{r['id']}-{k}", text=f"{r['text']}\n\nThe desk updated this report {k + 2} times "
                 "before it ran, its editor said on Monday.") for k in range(copies) for r in rows]
    path.write_text("".join(json.dumps(r) + "\n" for r in more), encoding="utf-8")
    return len(more)


def _consistent_counts(db: Path) -> tuple[int, int]:
    """(articles, story members) in one snapshot; they must agree, and every story's size must
    be its number of members."""
    with Store(db, create=False) as store, store.snapshot() as conn:
        articles = store.count_articles()
        members = int(conn.execute("SELECT count(*) FROM story_members").fetchone()[0])
        wrong = conn.execute(
            "SELECT count(*) FROM stories s WHERE s.size != (SELECT count(*) FROM story_members m "
            "WHERE m.story = s.id)"
        ).fetchone()[0]
        hits = store.search("river")
    assert wrong == 0
    assert hits or articles < 50
    return articles, members


def test_readers_are_served_while_ingest_writes_in_batches(tmp_path, examples_dir):
    db = tmp_path / "crossbrief.db"
    first = _cli("ingest", str(examples_dir), "--db", str(db), "-q")
    assert first.returncode == 0, first.stderr
    with Store(db) as store:
        story = next(s for s in store.stories() if store.brief_of(s.id) is not None)
        before = store.count_articles()
    stored_brief = _cli("brief", "--story", story.id, "--db", str(db), "--format", "json")
    assert stored_brief.returncode == 0, stored_brief.stderr

    stream = tmp_path / "stream.jsonl"
    total = _stream(stream, 12)
    writer = subprocess.Popen(
        [sys.executable, "-m", "crossbrief.cli", "ingest", str(stream), "--db", str(db), "--no-briefs", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    seen: list[int] = []
    reader_runs = 0
    deadline = time.monotonic() + 600
    try:
        while writer.poll() is None and time.monotonic() < deadline:
            articles, members = _consistent_counts(db)
            assert articles == members  # a batch's articles and their memberships arrive together
            seen.append(articles)
            # The CLI's readers, each a process of its own opening the store while it is written.
            for result in (_cli("brief", "--story", story.id, "--db", str(db), "--format", "json"),
                           _cli("search", "river", "--db", str(db)),
                           _cli("stories-list", "--db", str(db))):
                assert result.returncode == 0, result.stderr
                assert "locked" not in result.stderr
                reader_runs += 1
            assert json.loads(_cli("brief", "--story", story.id, "--db", str(db), "--format", "json").stdout) \
                == json.loads(stored_brief.stdout)
    finally:
        if writer.poll() is None:
            writer.kill()
    _, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert "locked" not in err
    assert err.splitlines()[-1].startswith("crossbrief: added ") and err.endswith("failed 0\n")
    # The readers saw the stream arrive batch by batch, not all at the end.
    progress = sorted(set(seen))
    assert len([n for n in progress if before < n < before + total]) >= 2, progress
    assert reader_runs >= 6
    with Store(db) as store:
        assert store.count_articles() == before + total


def test_an_ingest_after_another_process_wrote_continues_from_the_stored_state(tmp_path):
    """A process keeps the grouper it last committed for its next ingest (watch's rounds) only
    while the store's state is what it wrote: after another process's ingest it restores."""
    from crossbrief.store.ingest import ingest, restore_grouper

    rows = [json.loads(line) for line in EVENTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    parts = []
    for n, chunk in enumerate((rows[:40], rows[40:80], rows[80:120])):
        path = tmp_path / f"part{n}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in chunk), encoding="utf-8")
        parts.append(path)
    db = tmp_path / "crossbrief.db"
    with Store(db) as store:
        ingest(store, [str(parts[0])], briefs=False, progress=False)
    other = _cli("ingest", str(parts[1]), "--db", str(db), "--no-briefs", "-q")  # another process
    assert other.returncode == 0, other.stderr
    with Store(db) as store:
        run = ingest(store, [str(parts[2])], briefs=False, progress=False)
        assert run.failed == 0
        grouper, _, saved = restore_grouper(store)
        assert saved == len(grouper.assignments)
        # The state knows every stored article, the other process's included, and the stories agree.
        known = {a.article for a in grouper.assignments.values()}
        assert known == {a for (a,) in store.conn.execute("SELECT article FROM story_members")}
        assert len(grouper.assignments) == store.count_articles()
        stored = dict(store.conn.execute("SELECT article, story FROM story_members"))
        assert all(stored[a.article] == a.story for a in grouper.assignments.values())
