"""The store's reads for the web app (Store.stories_page, story_articles_meta, outlets,
stories_of_articles, removed_of, brief_versions, brief_json) on a real SQLite file, and the
web views' pure helpers."""

from __future__ import annotations

import json
from pathlib import Path

from crossbrief.model import Article, Removal
from crossbrief.store import Store
from crossbrief.store.db import Member
from crossbrief.web.views import articles_per_day, body_blocks


def _article(n: int, outlet: str, date: str) -> Article:
    text = f"Report {n} from {outlet}: the harbour wall at Pellin was repaired on {date} after the storm."
    return Article(source=f"a{n}", raw_text=f"Share this\n{text}", title=f"Harbour wall {n}", outlet=outlet,
                   date=date, id=f"{n:016x}", text=text,
                   removed=[Removal("Share this", "interface", "page interface text", 1)])


def test_pages_filters_and_lookups(tmp_path: Path):
    with Store(tmp_path / "s.db") as store:
        stories = {
            "s1": [_article(1, "Coast News", "2026-01-03"), _article(2, "Bay Times", "2026-01-05")],
            "s2": [_article(3, "Coast News", "2026-02-10")],
            "s3": [_article(4, "Hill Post", "2026-03-01")],
        }
        for story, articles in stories.items():
            for a in articles:
                store.add_article(a)
            dates = sorted(a.date for a in articles)
            store.save_story(story, f"label {story}", dates[0], dates[-1], [Member(a.id, None) for a in articles])
        rows, total = store.stories_page(2, 0)
        assert total == 3 and len(rows) == 2
        rest, _ = store.stories_page(2, 2)
        assert {r.id for r in rows + rest} == {"s1", "s2", "s3"} and len(rest) == 1
        assert [r.id for r in store.stories_page(10, 0, outlet="Coast News")[0]] == sorted(
            ["s1", "s2"], key=[r.id for r in store.stories()].index)
        assert store.stories_page(10, 0, outlet="Nobody")[1] == 0
        assert {r.id for r in store.stories_page(10, 0, since="2026-02-01")[0]} == {"s2", "s3"}
        assert {r.id for r in store.stories_page(10, 0, until="2026-01-04")[0]} == {"s1"}  # its span meets it
        assert {r.id for r in store.stories_page(10, 0, since="2026-01-04", until="2026-02-01")[0]} == {"s1"}
        meta = store.story_articles_meta(["s1", "s3"])
        assert meta["s1"] == [(f"{1:016x}", "Coast News", "2026-01-03"), (f"{2:016x}", "Bay Times", "2026-01-05")]
        assert [m[1] for m in meta["s3"]] == ["Hill Post"]
        assert store.outlets() == ["Bay Times", "Coast News", "Hill Post"]
        assert store.stories_of_articles([f"{1:016x}", f"{3:016x}", "missing"]) == {
            f"{1:016x}": "s1", f"{3:016x}": "s2"}
        assert store.removed_of(f"{1:016x}") == [Removal("Share this", "interface", "page interface text", 1)]
        assert store.removed_of("missing") == []
        assert store.brief_versions("s1") == [] and store.brief_json("s1", 1) is None
        store.save_brief("s1", {"schema_version": 2, "summary": [], "articles": []}, [f"{1:016x}"])
        store.save_brief("s1", {"schema_version": 2, "summary": [{"text": "x"}], "articles": []}, [f"{2:016x}"])
        assert [v for v, _ in store.brief_versions("s1")] == [2, 1]
        assert json.loads(store.brief_json("s1", 2) or "")["summary"] == [{"text": "x"}]


def test_articles_per_day_bars():
    days, undated = articles_per_day(["2026-01-01", "2026-01-03", "2026-01-03", None, "soon"])
    assert days == [("2026-01-01", 1), ("2026-01-02", 0), ("2026-01-03", 2)] and undated == 2
    long, _ = articles_per_day(["2025-01-01", "2026-01-01"], bars=60)
    assert len(long) <= 60 and sum(n for _, n in long) == 2 and long[0] == ("2025-01-01", 1)
    assert articles_per_day([]) == ([], 0)


def test_body_blocks_put_removed_lines_where_they_were():
    raw = "Photo: the wall\n\nFirst paragraph. Two.\nShare this\nSecond paragraph.\n"
    removed = [Removal("Photo: the wall", "not-prose", "", 1), Removal("Share this", "interface", "", 4)]
    blocks = body_blocks(raw, [["First paragraph.", "Two."], ["Second paragraph."]], removed)
    assert [(b.kind, b.sentences or b.removal.text) for b in blocks] == [  # type: ignore[union-attr]
        ("removed", "Photo: the wall"), ("kept", ["First paragraph.", "Two."]), ("removed", "Share this"),
        ("kept", ["Second paragraph."]),
    ]
