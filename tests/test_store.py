"""The store: a real SQLite file in tmp_path; migrations, transactions, search, feeds, briefs."""

from __future__ import annotations

import sqlite3

import pytest

from crossbrief.errors import InputError
from crossbrief.model import Article
from crossbrief.stages.clean import clean
from crossbrief.stages.identity import article_id
from crossbrief.store import Member, Store
from crossbrief.store.schema import LATEST, MIGRATIONS, migrate

TEXT = (
    "Engineers at the Harwick reservoir opened all four sluice gates on Tuesday after a week of heavy rain "
    "raised the water level to within a metre of the crest, the regional water board said."
)


def _article(
    text: str = TEXT, url: str = "https://news.example/harwick?utm_source=x", title: str = "Sluices open"
) -> Article:
    article = Article(source=url, raw_text=text, title=title, url=url, outlet="news.example", date="2026-05-01")
    clean(article)
    article.id = article_id(article.text)
    return article


def test_a_v1_store_opens_and_is_upgraded_with_its_articles_searchable(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, "old.db", upto=1) == 1  # a store as the first release made it: no search
    conn.execute(
        "INSERT INTO articles (id, title, raw_text, text, content_hash, fetched_at) VALUES (?, ?, ?, ?, ?, ?)",
        ("00aa11bb22cc33dd", "Reservoir sluices opened", TEXT, TEXT, "h", "2026-05-01T00:00:00+00:00"),
    )
    conn.close()
    with Store(path) as store:
        assert store.version == LATEST == len(MIGRATIONS) >= 2
        [hit] = store.search("sluice gates")
        assert hit.id == "00aa11bb22cc33dd" and "[sluice]" in hit.snippet
        assert store.has_id("00aa11bb22cc33dd")


def test_a_v2_store_is_upgraded_with_its_feeds(tmp_path):
    path = tmp_path / "v2.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, "v2.db", upto=2) == 2  # before feeds had ttl_minutes
    conn.execute("INSERT INTO feeds (url, title, etag, added_at) VALUES ('http://a.test/rss', 'A', '\"e\"', 'x')")
    conn.close()
    with Store(path) as store:
        assert store.version == LATEST >= 3
        feed = store.feed("http://a.test/rss")
        assert feed is not None and feed.etag == '"e"' and feed.ttl_minutes is None
        store.update_feed(feed.url, ttl_minutes=30)
        assert store.feed(feed.url).ttl_minutes == 30  # type: ignore[union-attr]


def test_an_empty_file_is_a_new_store_in_wal_mode(tmp_path):
    path = tmp_path / "new.db"
    path.write_bytes(b"")  # user_version 0
    with Store(path) as store:
        assert store.version == LATEST
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.count_articles() == 0


def test_a_store_from_a_newer_crossbrief_is_refused_unchanged(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    conn.close()
    with pytest.raises(InputError, match=rf"schema version {LATEST + 5} is newer than this crossbrief reads"):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST + 5
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    conn.close()


def test_not_a_database_and_a_missing_store_are_one_line_errors(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all\n" * 100)
    with pytest.raises(InputError, match="not a crossbrief store"):
        Store(junk)
    with pytest.raises(InputError, match="no such store"):
        Store(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()
    nowhere = tmp_path / "no-such-folder" / "s.db"
    with pytest.raises(InputError) as raised:
        Store(nowhere)
    assert str(raised.value) == f"{nowhere}: cannot create the store (the folder {nowhere.parent} does not exist)"


def test_articles_urls_and_search(tmp_path):
    with Store(tmp_path / "s.db") as store:
        article = _article()
        assert store.add_article(article, urls=["https://feeds.example/item/7"])
        assert not store.add_article(article)  # the same text again: nothing new
        assert store.has_id(article.id)
        # Canonically the same address: tracking parameters, host case and fragment do not count.
        assert store.has_url("https://NEWS.example/harwick#top")
        assert store.has_url("https://feeds.example/item/7?utm_medium=rss")
        assert not store.has_url("https://news.example/other")
        stored = store.article(article.id)
        assert stored is not None and stored.text == article.text and stored.raw_text == TEXT
        assert [h.id for h in store.search("Harwick reservoir")] == [article.id]
        assert store.search('crest" OR "x') == []  # words, never FTS syntax (and no error)
        assert store.search("   ") == []


def test_a_failed_transaction_leaves_nothing(tmp_path):
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.add_article(_article())
            store.save_story("s1", "label", None, None, [])
            raise RuntimeError("power cut")
        assert store.count_articles() == 0 and store.stories() == []


def test_stories_members_and_brief_versions(tmp_path):
    with Store(tmp_path / "s.db") as store:
        a = _article()
        b = _article(TEXT + " More rain is forecast for Thursday.", url="https://other.example/b")
        store.add_article(a)
        store.add_article(b)
        store.save_story("s1", "Sluices open", "2026-05-01", "2026-05-01", [Member(a.id, None)])
        store.save_story("s1", "Sluices open at Harwick", "2026-05-01", "2026-05-02", [Member(b.id, a.id)])
        [story] = store.stories()
        assert (story.id, story.size, story.label, story.last) == ("s1", 2, "Sluices open at Harwick", "2026-05-02")
        assert [x.id for x in store.articles_of_story("s1")] == [a.id, b.id]
        assert [x.id for x in store.articles_of_story("s1", copies=False)] == [a.id]
        assert store.brief_of("s1") is None
        assert store.save_brief("s1", {"schema_version": 2, "summary": []}, [a.id]) == 1
        assert store.save_brief("s1", {"schema_version": 2, "summary": ["x"]}, [a.id, b.id]) == 2
        latest = store.brief_of("s1")
        assert latest is not None and latest.version == 2 and latest.data["summary"] == ["x"]
        first = store.brief_of("s1", version=1)
        assert first is not None and first.data["summary"] == []


def test_feeds_crud(tmp_path):
    with Store(tmp_path / "s.db") as store:
        assert store.add_feed("https://news.example/rss", "News")
        assert not store.add_feed("https://news.example/rss")
        store.update_feed("https://news.example/rss", etag='"v1"', error_count=2, last_error="HTTP 503")
        [feed] = store.feeds()
        assert (feed.title, feed.etag, feed.error_count, feed.last_error) == ("News", '"v1"', 2, "HTTP 503")
        with pytest.raises(ValueError, match="not a feed column"):
            store.update_feed("https://news.example/rss", title_of_page="x")
        assert store.remove_feed("https://news.example/rss")
        assert not store.remove_feed("https://news.example/rss")
        assert store.feeds() == []
