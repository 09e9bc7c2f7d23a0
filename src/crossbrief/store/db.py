"""The store: articles, feeds, stories and their briefs in one SQLite file (docs/store.md).

`Store(path)` opens (or creates) the file, in WAL mode with foreign keys on, and brings its
schema up to date (`schema.migrate`). Every method that writes runs in one transaction
(`BEGIN IMMEDIATE` ... `COMMIT`, rolled back on any error), so nothing already stored is lost
by a write that fails half-way; `transaction()` groups several writes into one. The CLI and the
web app share this API; nothing else touches the tables.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crossbrief.errors import InputError
from crossbrief.ingest.urls import canonical_url
from crossbrief.model import Article, Brief, Removal
from crossbrief.model.serialise import from_plain, to_plain
from crossbrief.stages.analyse.stored import AnalysisRecord
from crossbrief.store import schema

DEFAULT_DB = "crossbrief.db"
BUSY_TIMEOUT_MS = 10_000  # another process writing: wait this long before "database is locked"


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def members_hash(article_ids: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(article_ids)).encode("ascii", "replace")).hexdigest()


@dataclass
class StoryRow:
    id: str
    label: str
    first: str | None
    last: str | None
    size: int
    updated_at: str


@dataclass
class Member:
    article: str
    copy_of: str | None


@dataclass
class FeedRow:
    url: str
    title: str = ""
    etag: str = ""
    last_modified: str = ""
    added_at: str = ""
    last_checked: str | None = None
    next_check: str | None = None
    error_count: int = 0
    last_status: int | None = None
    last_error: str = ""
    ttl_minutes: int | None = None  # the feed's RSS <ttl>, as last parsed


@dataclass
class GrouperState:
    """The story grouper's saved state, as `Store.grouper_state` finds it."""

    header: dict[str, Any] | None  # stories/state.header, its rows in grouper_articles
    legacy: bytes | None  # a store written before migration 5: the whole state as one BLOB
    generation: str | None  # the token of the save that wrote it (None: never saved as rows)


@dataclass
class StoredBrief:
    story: str
    version: int
    data: dict[str, Any]  # brief_to_dict's document
    members_hash: str
    built_at: str


@dataclass
class SearchHit:
    id: str
    title: str
    outlet: str
    url: str
    date: str
    snippet: str


class Store:
    """One crossbrief database (see the module docstring). Use it in a `with`, or `close()` it.

    `create=False` refuses a file that does not exist yet, or is empty (InputError), for commands
    that only read: opening would write a new store's schema into it (an empty file is a new store
    to SQLite), and a reader given the wrong path must not turn that file into a database."""

    def __init__(self, path: str | Path = DEFAULT_DB, *, create: bool = True) -> None:
        self.path = Path(path)
        self.name = str(path)
        if not create and not self.path.exists():
            raise InputError(f"{self.name}: no such store (crossbrief ingest creates it)")
        if self.path.is_dir():
            raise InputError(f"{self.name}: a folder, not a store file")
        if create and not self.path.exists() and not self.path.parent.is_dir():
            # sqlite3 would say only "unable to open database file".
            raise InputError(f"{self.name}: cannot create the store (the folder {self.path.parent} does not exist)")
        if not create and self.path.stat().st_size == 0:
            raise InputError(f"{self.name}: an empty file, not a store (crossbrief ingest makes it one)")
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as err:
            raise InputError(f"{self.name}: cannot open the store ({err})") from None
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.version = schema.migrate(self.conn, self.name)
        except sqlite3.DatabaseError as err:
            self.conn.close()
            raise InputError(f"{self.name}: not a crossbrief store ({err})") from None
        except BaseException:
            self.conn.close()
            raise

    # -- connection and transactions ---------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction (nested uses join the outer one): committed at the end of the
        outermost block, rolled back if anything in it raises."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self.conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                self._depth -= 1
                if outer:
                    self.conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self.conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Reads that see one state of the store (a read transaction: in WAL mode a writer
        committing meanwhile does not block them and is not seen half-way). Inside a
        `transaction()` it is that transaction."""
        with self._lock:
            if self._depth:
                yield self.conn
                return
            self.conn.execute("BEGIN DEFERRED")
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
                self.conn.execute("COMMIT")  # nothing was written: this ends the read

    def _one(self, sql: str, params: tuple = ()) -> Any:
        return self.conn.execute(sql, params).fetchone()

    # -- articles -----------------------------------------------------------------------------------
    def has_id(self, article_id: str) -> bool:
        return self._one("SELECT 1 FROM articles WHERE id = ?", (article_id,)) is not None

    def has_url(self, url: str) -> bool:
        """Whether an article came from this URL (compared canonically: tracking parameters, case of
        the host, the fragment ... do not count)."""
        return self.article_of_url(url) is not None

    def article_of_url(self, url: str) -> str | None:
        key = canonical_url(url)
        if not key:
            return None
        row = self._one("SELECT article FROM article_urls WHERE canonical_url = ?", (key,))
        return str(row[0]) if row else None

    def add_article(
        self, article: Article, *, urls: Iterable[str] = (), feed_url: str = "", fetched_at: str | None = None
    ) -> bool:
        """Store a cleaned article (its id set); False when one with its id is there already
        (then only `urls` are added as more ways to it). `urls`: every address that led to it."""
        if not article.id:
            raise ValueError("add_article needs a cleaned article (its id set)")
        with self.transaction() as conn:
            added = not self.has_id(article.id)
            if added:
                conn.execute(
                    "INSERT INTO articles (id, url, canonical_url, title, outlet, date, author, raw_text, text, "
                    "content_hash, fetched_from, feed_url, fetched_at, removed, meta) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        article.id, article.url, article.canonical_url or canonical_url(article.url), article.title,
                        article.outlet, article.date, article.author, article.raw_text, article.text,
                        content_hash(article.text), article.source, feed_url, fetched_at or now(),
                        json.dumps(to_plain(article.removed), ensure_ascii=False),
                        json.dumps(article.meta, ensure_ascii=False),
                    ),
                )
            for url in {canonical_url(u) for u in (article.url, *urls)} - {""}:
                conn.execute(
                    "INSERT OR IGNORE INTO article_urls (canonical_url, article) VALUES (?, ?)", (url, article.id)
                )
        return added

    def article(self, article_id: str) -> Article | None:
        """The stored article as read (raw text and metadata; `text` and `removed` as cleaned)."""
        row = self._one(
            "SELECT id, url, canonical_url, title, outlet, date, author, raw_text, text, fetched_from, meta "
            "FROM articles WHERE id = ?", (article_id,),
        )
        return _article(row) if row else None

    def articles_of_story(self, story_id: str, *, copies: bool = True) -> list[Article]:
        """The story's articles in arrival order (without near-copies when `copies` is False)."""
        rows = self.conn.execute(
            "SELECT a.id, a.url, a.canonical_url, a.title, a.outlet, a.date, a.author, a.raw_text, a.text, "
            "a.fetched_from, a.meta FROM story_members m JOIN articles a ON a.id = m.article "
            "WHERE m.story = ? " + ("" if copies else "AND m.copy_of IS NULL ") + "ORDER BY m.position",
            (story_id,),
        ).fetchall()
        return [_article(r) for r in rows]

    def stories_behind_on_briefs(self) -> list[str]:
        """Stories of two or more articles (copies not counted) whose latest brief is missing or was
        built from other articles: as an ingest with --no-briefs, or one stopped while it rebuilt
        briefs, leaves them (their articles are committed before any brief is built)."""
        members: dict[str, list[str]] = {}
        rows = self.conn.execute("SELECT story, article FROM story_members WHERE copy_of IS NULL ORDER BY position")
        for story_id, article_id in rows:
            members.setdefault(story_id, []).append(article_id)
        latest = dict(self.conn.execute(
            "SELECT b.story, b.members_hash FROM briefs b "
            "WHERE b.version = (SELECT max(version) FROM briefs WHERE story = b.story)"
        ).fetchall())
        return [s for s, ids in members.items() if len(ids) >= 2 and latest.get(s) != members_hash(ids)]

    def count_articles(self) -> int:
        return int(self._one("SELECT count(*) FROM articles")[0])

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Articles whose title or text hold every word of `query` (FTS5; words are matched as
        given, not as FTS5 syntax), best first."""
        words = [w for w in query.replace('"', " ").split() if w]
        if not words:
            return []
        match = " ".join(f'"{w}"' for w in words)
        rows = self.conn.execute(
            "SELECT a.id, a.title, a.outlet, a.url, a.date, snippet(articles_fts, 1, '[', ']', '…', 12) "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        ).fetchall()
        return [SearchHit(*r) for r in rows]

    # -- per-article analyses -----------------------------------------------------------------------
    def save_analyses(self, records: Iterable[AnalysisRecord]) -> int:
        """Store articles' analyses (replacing an article's earlier one); how many were stored.
        Records of articles not in the store are skipped."""
        stored = 0
        with self.transaction() as conn:
            for r in records:
                cur = conn.execute(
                    "INSERT OR REPLACE INTO article_analyses (article, date, made_with, docs, data, made_at) "
                    "SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?)",
                    (r.article_id, r.date, r.made_with, r.docs, r.data, now(), r.article_id),
                )
                stored += cur.rowcount
        return stored

    def analyses_of(self, article_ids: Iterable[str]) -> dict[str, AnalysisRecord]:
        """The stored analyses of these articles (whatever made them), by article id."""
        ids = list(article_ids)
        out: dict[str, AnalysisRecord] = {}
        for start in range(0, len(ids), 500):  # within SQLite's limit on parameters
            chunk = ids[start:start + 500]
            rows = self.conn.execute(
                "SELECT article, date, made_with, docs, data FROM article_analyses "
                f"WHERE article IN ({', '.join('?' * len(chunk))})", chunk,
            )
            out.update({r[0]: AnalysisRecord(r[0], r[1], r[2], bytes(r[3]), r[4]) for r in rows})
        return out

    # -- stories ------------------------------------------------------------------------------------
    def save_story(
        self, story_id: str, label: str, first: str | None, last: str | None, members: Iterable[Member]
    ) -> None:
        """Add or update a story and its members (members already stored keep their place)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO stories (id, label, first, last, size, updated_at) VALUES (?, ?, ?, ?, 0, ?) "
                "ON CONFLICT (id) DO UPDATE SET label = excluded.label, first = excluded.first, "
                "last = excluded.last, updated_at = excluded.updated_at",
                (story_id, label, first, last, now()),
            )
            position = int(self._one("SELECT count(*) FROM story_members")[0])
            for member in members:
                cur = conn.execute(
                    "INSERT OR IGNORE INTO story_members (article, story, copy_of, position) VALUES (?, ?, ?, ?)",
                    (member.article, story_id, member.copy_of, position),
                )
                position += cur.rowcount
            conn.execute(
                "UPDATE stories SET size = (SELECT count(*) FROM story_members WHERE story = ?) WHERE id = ?",
                (story_id, story_id),
            )

    def stories(self, limit: int | None = None) -> list[StoryRow]:
        """Stories, the latest updated first."""
        sql = "SELECT id, label, first, last, size, updated_at FROM stories ORDER BY updated_at DESC, id"
        rows = self.conn.execute(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ()).fetchall()
        return [StoryRow(*r) for r in rows]

    def story(self, story_id: str) -> StoryRow | None:
        row = self._one("SELECT id, label, first, last, size, updated_at FROM stories WHERE id = ?", (story_id,))
        return StoryRow(*row) if row else None

    def members(self, story_id: str) -> list[Member]:
        rows = self.conn.execute(
            "SELECT article, copy_of FROM story_members WHERE story = ? ORDER BY position", (story_id,)
        ).fetchall()
        return [Member(*r) for r in rows]

    def grouper_state(self) -> GrouperState:
        """The story grouper's saved state: its header and rows (`grouper_rows`), or the BLOB of a
        store written before migration 5, or nothing yet."""
        row = self._one("SELECT data, header, generation FROM grouper_state WHERE id = 1")
        if row is None:
            return GrouperState(None, None, None)
        data, head, generation = row
        if head is None:
            return GrouperState(None, bytes(data) if data else None, generation)
        return GrouperState(json.loads(head), None, generation)

    def grouper_generation(self) -> str | None:
        row = self._one("SELECT generation FROM grouper_state WHERE id = 1")
        return row[0] if row else None

    def grouper_rows(self) -> Iterator[tuple]:
        """The grouper state's article rows (stories/state.Record), in arrival order."""
        yield from self.conn.execute(
            "SELECT seq, article, story, copy_of, probability, day, vector, minhash, details "
            "FROM grouper_articles ORDER BY seq"
        )

    def save_grouper_state(self, header: dict[str, Any], rows: Sequence[tuple]) -> str:
        """Append `rows` (stories/state.records) to the grouper's state and set its header; the
        new generation token. Rows already there with the same seq are replaced (a state turned
        into rows from the old BLOB writes them all)."""
        generation = uuid.uuid4().hex
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO grouper_articles "
                "(seq, article, story, copy_of, probability, day, vector, minhash, details) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.execute(
                "INSERT INTO grouper_state (id, data, header, generation, saved_at) VALUES (1, x'', ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET data = x'', header = excluded.header, "
                "generation = excluded.generation, saved_at = excluded.saved_at",
                (json.dumps(header), generation, now()),
            )
        return generation

    # -- briefs -------------------------------------------------------------------------------------
    def save_brief(self, story_id: str, brief: Brief | dict[str, Any], article_ids: Iterable[str]) -> int:
        """Store a new version of the story's brief; its version number."""
        from crossbrief.model.schema import brief_to_dict

        data = brief if isinstance(brief, dict) else brief_to_dict(brief)
        with self.transaction() as conn:
            version = int(self._one("SELECT coalesce(max(version), 0) FROM briefs WHERE story = ?", (story_id,))[0])
            conn.execute(
                "INSERT INTO briefs (story, version, json, members_hash, built_at) VALUES (?, ?, ?, ?, ?)",
                (story_id, version + 1, json.dumps(data, ensure_ascii=False), members_hash(article_ids), now()),
            )
        return version + 1

    def brief_of(self, story_id: str, version: int | None = None) -> StoredBrief | None:
        """The story's latest brief (or the given version), or None when none was built."""
        sql = "SELECT story, version, json, members_hash, built_at FROM briefs WHERE story = ? "
        row = self._one(
            sql + ("AND version = ?" if version else "ORDER BY version DESC LIMIT 1"),
            (story_id, version) if version else (story_id,),
        )
        if not row:
            return None
        return StoredBrief(row[0], row[1], json.loads(row[2]), row[3], row[4])

    # -- reads for the web app (src/crossbrief/web) -------------------------------------------------
    def stories_page(
        self, limit: int, offset: int = 0, *, outlet: str = "", since: str = "", until: str = ""
    ) -> tuple[list[StoryRow], int]:
        """One page of stories, the latest updated first, and how many match in all. `outlet`: only
        stories with an article from it; `since`/`until` (ISO dates): only stories whose date span
        meets [since, until] (stories without dates are left out by either)."""
        where, params = [], []
        if outlet:
            where.append("id IN (SELECT m.story FROM story_members m JOIN articles a ON a.id = m.article "
                         "WHERE a.outlet = ?)")
            params.append(outlet)
        if since:
            where.append("last >= ?")
            params.append(since)
        if until:
            where.append("first <= ?")
            params.append(until)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        total = int(self._one("SELECT count(*) FROM stories" + clause, tuple(params))[0])
        rows = self.conn.execute(
            "SELECT id, label, first, last, size, updated_at FROM stories" + clause
            + " ORDER BY updated_at DESC, id LIMIT ? OFFSET ?", (*params, limit, offset),
        ).fetchall()
        return [StoryRow(*r) for r in rows], total

    def story_articles_meta(self, story_ids: Iterable[str]) -> dict[str, list[tuple[str, str, str | None]]]:
        """(article id, outlet, date) of each member of the given stories, in arrival order, without
        reading their text: what a list of stories shows (outlets, articles per day)."""
        ids = list(story_ids)
        out: dict[str, list[tuple[str, str, str | None]]] = {i: [] for i in ids}
        if not ids:
            return out
        rows = self.conn.execute(
            "SELECT m.story, a.id, a.outlet, a.date FROM story_members m JOIN articles a ON a.id = m.article "
            f"WHERE m.story IN ({', '.join('?' * len(ids))}) ORDER BY m.position", ids,
        ).fetchall()
        for story, article, outlet, date in rows:
            out[story].append((article, outlet, date or None))
        return out

    def outlets(self, limit: int = 500) -> list[str]:
        """The outlets of the stored articles, by name (at most `limit`)."""
        rows = self.conn.execute(
            "SELECT DISTINCT outlet FROM articles WHERE outlet != '' ORDER BY outlet LIMIT ?", (limit,)
        )
        return [r[0] for r in rows]

    def stories_of_articles(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Article id -> the story it is in, for those of `article_ids` that are in one."""
        ids = list(article_ids)
        if not ids:
            return {}
        rows = self.conn.execute(
            f"SELECT article, story FROM story_members WHERE article IN ({', '.join('?' * len(ids))})", ids
        )
        return {a: s for a, s in rows}

    def removed_of(self, article_id: str) -> list[Removal]:
        """What cleaning removed from the article, and why (in order)."""
        row = self._one("SELECT removed FROM articles WHERE id = ?", (article_id,))
        return [from_plain(Removal, r) for r in json.loads(row[0] or "[]")] if row else []

    def brief_json(self, story_id: str, version: int) -> str | None:
        """The stored JSON text of one version of the story's brief, unparsed (None if there is none)."""
        row = self._one("SELECT json FROM briefs WHERE story = ? AND version = ?", (story_id, version))
        return str(row[0]) if row else None

    def brief_versions(self, story_id: str) -> list[tuple[int, str]]:
        """(version, built_at) of every brief of the story, the latest first."""
        rows = self.conn.execute(
            "SELECT version, built_at FROM briefs WHERE story = ? ORDER BY version DESC", (story_id,)
        )
        return [(int(v), str(b)) for v, b in rows]

    # -- feeds --------------------------------------------------------------------------------------
    def add_feed(self, url: str, title: str = "") -> bool:
        """Record a feed (False when it is there already; a title given then replaces an empty one)."""
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO feeds (url, title, added_at) VALUES (?, ?, ?)", (url, title, now())
            )
            if not cur.rowcount and title:
                conn.execute("UPDATE feeds SET title = ? WHERE url = ? AND title = ''", (title, url))
        return bool(cur.rowcount)

    def feed(self, url: str) -> FeedRow | None:
        row = self._one(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE url = ?", (url,))
        return FeedRow(*row) if row else None

    def feeds(self) -> list[FeedRow]:
        return [FeedRow(*r) for r in self.conn.execute(f"SELECT {_FEED_COLUMNS} FROM feeds ORDER BY url")]

    def update_feed(self, url: str, **fields: Any) -> None:
        """Set some of a feed's columns (etag, last_modified, next_check, error_count, ...)."""
        unknown = set(fields) - (set(_FEED_COLUMNS.replace(" ", "").split(",")) - {"url"})
        if unknown:
            raise ValueError(f"not a feed column: {', '.join(sorted(unknown))}")
        if not fields:
            return
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.transaction() as conn:
            conn.execute(f"UPDATE feeds SET {assignments} WHERE url = ?", (*fields.values(), url))

    def remove_feed(self, url: str) -> bool:
        """Forget a feed (its articles stay); False when it was not there."""
        with self.transaction() as conn:
            return bool(conn.execute("DELETE FROM feeds WHERE url = ?", (url,)).rowcount)


_FEED_COLUMNS = (
    "url, title, etag, last_modified, added_at, last_checked, next_check, error_count, last_status, last_error, "
    "ttl_minutes"
)


def _article(row: tuple) -> Article:
    (article_id, url, canonical, title, outlet, date, author, raw_text, text, source, meta) = row
    return Article(
        source=source, raw_text=raw_text, title=title, url=url, date=date, author=author, outlet=outlet,
        meta=json.loads(meta) if meta else {}, id=article_id, canonical_url=canonical, text=text,
    )
