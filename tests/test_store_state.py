"""The story grouper's state in the store (issue 13): one row per article, appended with each
batch, so that a commit writes its own articles and not the whole history again; read back, it
groups on as the grouper that wrote it would; a store of an earlier version (the state as one
BLOB) continues; two processes filing into one store at once lose nothing."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from crossbrief.store import Store
from crossbrief.store.ingest import ingest, restore_grouper
from crossbrief.store.schema import LATEST, migrate
from crossbrief.stories import state

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "bench" / "devset" / "events.jsonl"  # our own written articles


def _rows() -> list[dict]:
    return [json.loads(line) for line in EVENTS.read_text(encoding="utf-8").splitlines() if line.strip()]


def _parts(tmp_path: Path, rows: list[dict], cuts: list[int]) -> list[Path]:
    paths = []
    for n, (a, b) in enumerate(zip([0, *cuts], [*cuts, len(rows)])):
        path = tmp_path / f"part{n}-{a}-{b}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows[a:b]), encoding="utf-8")
        paths.append(path)
    return paths


def _members(store: Store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT article, story FROM story_members"))


def _state_rows(store: Store) -> list[tuple]:
    sql = "SELECT seq, article, story, vector, details FROM grouper_articles ORDER BY seq"
    return store.conn.execute(sql).fetchall()


def test_the_state_is_appended_as_rows_and_pieces_group_as_one_go(tmp_path):
    rows = _rows()
    whole, = _parts(tmp_path, rows, [])
    with Store(tmp_path / "one.db") as one:
        ingest(one, [str(whole)], briefs=False, analysis=False, progress=False)
        in_one_go = _members(one)
    db = tmp_path / "pieces.db"
    pieces = _parts(tmp_path, rows, [60, 110])
    before: list[tuple] = []
    for part in pieces:
        with Store(db) as store:
            ingest(store, [str(part)], briefs=False, analysis=False, progress=False)
            now = _state_rows(store)
            # Appended: the rows an earlier ingest wrote are there unchanged, numbered on.
            assert now[: len(before)] == before and [r[0] for r in now] == list(range(len(now)))
            before = now
    with Store(db) as store:
        assert _members(store) == in_one_go  # the same stories, the same ids
        grouper, generation, saved = restore_grouper(store)
        assert generation == store.grouper_generation() and generation is not None
        assert saved == len(grouper.assignments) == store.count_articles() == len(in_one_go)
        assert {a.article: a.story for a in grouper.assignments.values()} == in_one_go
        assert not store.grouper_state().legacy  # no BLOB of the whole state any more
        # A closed story's signatures are not kept in memory, an open one's are.
        open_members = {m for s in grouper.stories.values() if s.open for m in s.members}
        assert set(grouper.signatures) == open_members


def test_a_store_with_the_state_of_an_earlier_version_goes_on_grouping(tmp_path):
    """Before migration 5 the state was one BLOB (state.to_bytes); such a store opens, its next
    ingest continues the stories and turns the state into rows."""
    rows = _rows()
    first, second = _parts(tmp_path, rows, [80])
    whole, = _parts(tmp_path, rows, [])
    with Store(tmp_path / "one.db") as one:
        ingest(one, [str(whole)], briefs=False, analysis=False, progress=False)
        in_one_go = _members(one)
    db = tmp_path / "old.db"
    with Store(db) as store:
        ingest(store, [str(first)], briefs=False, analysis=False, progress=False)
        grouper = state.from_records(store.grouper_state().header, store.grouper_rows())
        blob = state.to_bytes(grouper)
        # As a store of schema 4 kept it, once migration 5 has run: the BLOB, no rows, no header.
        with store.transaction() as conn:
            conn.execute("DELETE FROM grouper_articles")
            conn.execute("UPDATE grouper_state SET data = ?, header = NULL, generation = NULL", (blob,))
        assert store.grouper_state().legacy == blob
    with Store(db) as store:
        run = ingest(store, [str(second)], briefs=False, analysis=False, progress=False)
        assert run.failed == 0
        assert _members(store) == in_one_go
        assert store.grouper_state().legacy is None
        assert len(_state_rows(store)) == len(in_one_go)


def test_migration_5_keeps_the_old_state_blob(tmp_path):
    path = tmp_path / "v4.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, "v4.db", upto=4) == 4
    conn.execute("INSERT INTO grouper_state (id, data, saved_at) VALUES (1, x'504b0304', 'x')")
    conn.close()
    with Store(path) as store:
        assert store.version == LATEST >= 5
        saved = store.grouper_state()
        assert saved.legacy == b"PK\x03\x04" and saved.header is None and saved.generation is None


def test_two_processes_filing_into_one_store_at_once_lose_nothing(tmp_path, monkeypatch):
    """Another process files a whole stream between this ingest's restoring the grouper and its
    commit (a real `crossbrief ingest` run at that moment): the commit finds the state moved on,
    and this batch is grouped again after the other's. Every stored article is then in the
    state, in the story it is stored under, and nothing the other process filed is lost."""
    import crossbrief.store.ingest as store_ingest

    rows = _rows()
    mine, theirs = _parts(tmp_path, rows, [80])
    db = tmp_path / "crossbrief.db"
    restores = []
    real = store_ingest.restore_grouper

    def restore_then_another_process_files(store):
        restored = real(store)
        restores.append(restored[1])
        if len(restores) == 1:
            other = subprocess.run(
                [sys.executable, "-m", "crossbrief.cli", "ingest", str(theirs), "--db", str(db), "--no-briefs",
                 "--no-analysis", "-q"], capture_output=True, text=True, timeout=600,
            )
            assert other.returncode == 0, other.stderr
        return restored

    monkeypatch.setattr(store_ingest, "restore_grouper", restore_then_another_process_files)
    with Store(db) as store:
        run = ingest(store, [str(mine)], briefs=False, analysis=False, progress=False)
        assert run.failed == 0
    assert len(restores) == 2 and restores[0] is None and restores[1] is not None  # restored again, once
    with Store(db) as store:
        assert store.count_articles() == len(rows)
        grouper, _, saved = real(store)
        assert saved == len(grouper.assignments) == store.count_articles()
        assert {a.article: a.story for a in grouper.assignments.values()} == _members(store)
