"""A store survives `crossbrief ingest` killed with SIGKILL in the middle of a run."""

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


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


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
    # Killed once it has done two seconds of work (models loaded, reading and grouping 8,000
    # articles), whatever the machine's speed.
    deadline = time.monotonic() + 120
    while _cpu_seconds(run.pid) < 2.0 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=60)
    assert run.returncode == -signal.SIGKILL

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Store(db) as store:
        assert store.count_articles() >= before  # nothing committed before the kill is lost
        assert store.count_articles() in (before, before + len(more))  # a run is all or nothing
    # The next run completes what the killed one did not.
    again = _ingest(db, rest)
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    with Store(db) as store:
        assert store.count_articles() == before + len(more)
