"""The store's schema, as numbered migrations applied in order on open (docs/store.md).

The database's `PRAGMA user_version` is the number of the last migration applied to it (0: a new
or empty file). Opening a store applies the migrations after it, each in its own transaction
together with the new user_version, so a migration that fails leaves the file as it was. A file
whose user_version is above the last migration here was written by a newer crossbrief and is
refused, never changed. Migrations are never edited once released: a change is a new one.
"""

from __future__ import annotations

import sqlite3

from crossbrief.errors import InputError

MIGRATIONS: list[str] = [
    # 1: everything but full-text search.
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,                 -- Article.id: the content hash of the clean text
        url TEXT NOT NULL DEFAULT '',
        canonical_url TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        outlet TEXT NOT NULL DEFAULT '',
        date TEXT NOT NULL DEFAULT '',       -- ISO date of first publication, when known
        author TEXT NOT NULL DEFAULT '',
        raw_text TEXT NOT NULL,              -- as read, before cleaning
        text TEXT NOT NULL,                  -- clean text
        content_hash TEXT NOT NULL,          -- SHA-256 of the clean text (hex)
        fetched_from TEXT NOT NULL DEFAULT '',  -- the source: a path, a URL, a feed's entry
        feed_url TEXT NOT NULL DEFAULT '',   -- the feed it came through, if any
        fetched_at TEXT NOT NULL,            -- UTC, ISO 8601
        removed TEXT NOT NULL DEFAULT '[]',  -- JSON: what cleaning removed, and why
        meta TEXT NOT NULL DEFAULT '{}'      -- JSON: other header fields
    );
    CREATE INDEX articles_canonical_url ON articles (canonical_url);
    CREATE INDEX articles_date ON articles (date);
    -- Every canonical URL that led to an article (a feed's link, the page after redirects).
    CREATE TABLE article_urls (
        canonical_url TEXT PRIMARY KEY,
        article TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE
    );
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        title TEXT NOT NULL DEFAULT '',
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT '',
        added_at TEXT NOT NULL,
        last_checked TEXT,
        next_check TEXT,                     -- UTC, ISO 8601; NULL: as soon as possible
        error_count INTEGER NOT NULL DEFAULT 0,
        last_status INTEGER,                 -- HTTP status of the last check
        last_error TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,                 -- the grouper's story id (from its first article)
        label TEXT NOT NULL DEFAULT '',
        first TEXT,                          -- earliest and latest member date (ISO), when known
        last TEXT,
        size INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE story_members (
        article TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        story TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
        copy_of TEXT REFERENCES articles (id),  -- the article it is a near-copy of
        position INTEGER NOT NULL            -- arrival order
    );
    CREATE INDEX story_members_story ON story_members (story, position);
    CREATE TABLE briefs (
        story TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
        version INTEGER NOT NULL,            -- 1, 2, ... per story: every build is kept
        json TEXT NOT NULL,                  -- model/schema.brief_to_dict
        members_hash TEXT NOT NULL,          -- SHA-256 of the sorted article ids briefed
        built_at TEXT NOT NULL,
        PRIMARY KEY (story, version)
    );
    -- The story grouper's state (stories/state.to_bytes), so the next ingest continues it
    -- (since migration 5 only a header here, the articles in grouper_articles).
    CREATE TABLE grouper_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        data BLOB NOT NULL,
        saved_at TEXT NOT NULL
    );
    """,
    # 2: full-text search over articles' titles and clean text (FTS5, kept by triggers).
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5 (
        title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
    );
    INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    """,
    # 3: a feed's RSS <ttl>, so that a 304 (no body) is scheduled as the feed asked (`watch`).
    """
    ALTER TABLE feeds ADD COLUMN ttl_minutes INTEGER;  -- NULL: the feed gives none
    """,
    # 4: each article's per-article analysis (stages/analyse/stored.py), made once at ingest and
    # used by every brief of its story instead of parsing it again.
    """
    CREATE TABLE article_analyses (
        article TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
        date TEXT NOT NULL,                  -- the publication date it was analysed against
        made_with TEXT NOT NULL,             -- crossbrief, spaCy and model versions: others are not used
        docs BLOB NOT NULL,                  -- spaCy DocBin of the sentences' parses
        data TEXT NOT NULL,                  -- JSON: sentences, mentions, quotes, dates, figures, roles
        made_at TEXT NOT NULL
    );
    """,
    # 5: the story grouper's state as one row per article (stories/state.records), appended with
    # each batch, and a small header, instead of one BLOB of every article's signature written
    # again with each batch (which made a batch's commit grow with the store). A store of an
    # earlier version keeps its BLOB in grouper_state.data until the next ingest turns it into rows.
    """
    CREATE TABLE grouper_articles (
        seq INTEGER PRIMARY KEY,             -- arrival order, from 0
        article TEXT NOT NULL,               -- Article.id
        story TEXT NOT NULL,
        copy_of TEXT,
        probability REAL,                    -- the join probability (NULL: started the story, or a copy)
        day INTEGER,                         -- publication date as an ordinal day (NULL: undated)
        vector BLOB NOT NULL,                -- static vector, float32
        minhash BLOB NOT NULL,               -- MinHash values, uint64 (zeros: too short to shingle)
        details TEXT NOT NULL                -- JSON: input key, terms, names, figures, outlet, title, lead
    );
    ALTER TABLE grouper_state ADD COLUMN header TEXT;      -- JSON (state.header); NULL: the old BLOB
    ALTER TABLE grouper_state ADD COLUMN generation TEXT;  -- a new token per save: who wrote last
    """,
]

LATEST = len(MIGRATIONS)


def version_of(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, name: str, upto: int = LATEST) -> int:
    """Apply the migrations after the database's version, up to `upto`; the version reached.

    `conn` must be in autocommit mode (isolation_level=None): each migration runs in its own
    BEGIN IMMEDIATE ... COMMIT with its user_version. InputError for a newer database."""
    current = version_of(conn)
    if current > LATEST:
        raise InputError(
            f"{name}: store schema version {current} is newer than this crossbrief reads ({LATEST}); "
            "upgrade crossbrief to open it"
        )
    for number in range(current + 1, upto + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if version_of(conn) >= number:  # another process migrated it meanwhile
                conn.execute("ROLLBACK")
                continue
            for statement in _statements(MIGRATIONS[number - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number:d}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return version_of(conn)


def _statements(script: str) -> list[str]:
    """The statements of a migration script, each whole (a trigger's body included)."""
    out: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                out.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        out.append(buffer.strip())
    return out
