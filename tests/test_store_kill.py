"""A store survives `crossbrief ingest` killed with SIGKILL in the middle of a run: the batches
committed before the kill are all there, whole, and the next run completes the rest."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from crossbrief.store import Store

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "bench" / "devset" / "events.jsonl"  # our own written articles


def _ingest(db: Path, source: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "crossbrief.cli", "ingest", str(source), "--db", str(db), "--no-briefs", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_sigkill_mid_ingest_leaves_a_consistent_store_with_everything_committed_before(tmp_path):
    rows = [json.loads(line) for line in EVENTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    first, rest = tmp_path / "first.jsonl", tmp_path / "rest.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in rows[:20]), encoding="utf-8")
    # The second run is made long (each line repeated with a counter, so each is a new article).
    more = [dict(r, id=f"{r['id']}-{k}", text=f"{r['text']}\n\nThis report was revised {k + 2} times by the "
                 "night desk before it ran, the editors said on Monday.") for k in range(60) for r in rows[20:]]
    rest.write_text("".join(json.dumps(r) + "\n" for r in more), encoding="utf-8")
    db = tmp_path / "crossbrief.db"
    done = _ingest(db, first)
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    with Store(db) as store:
        before = store.count_articles()
    assert before == 20

    run = _ingest(db, rest)
    # Killed once a reader has seen some of its batches committed (the models loaded, the 8,000
    # articles read, a few batches filed), whatever the machine's speed.
    seen = before
    deadline = time.monotonic() + 300
    while seen < before + 400 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        with Store(db, create=False) as store:
            seen = store.count_articles()
    assert run.poll() is None, "the ingest ended before it could be killed"
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=60)
    assert run.returncode == -signal.SIGKILL

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Store(db) as store:
        kept = store.count_articles()
        assert seen <= kept < before + len(more)  # nothing committed before the kill is lost
        with store.snapshot() as c:
            # Whole batches only: every stored article has its story, and they are the stream's first ones.
            assert int(c.execute("SELECT count(*) FROM story_members").fetchone()[0]) == kept
            ids = {json.loads(m).get("id") for (m,) in c.execute("SELECT meta FROM articles")}
        assert ids - {r["id"] for r in rows[:20]} == {r["id"] for r in more[: kept - before]}
    # The next run completes what the killed one did not.
    again = _ingest(db, rest)
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    with Store(db) as store:
        assert store.count_articles() == before + len(more)
