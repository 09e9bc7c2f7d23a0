"""What each page shows, as plain data read from the store: the HTML pages and the JSON API share it.

Nothing here renders or escapes: the templates do (autoescape). Every list is capped, so that no
story, however large, makes a page without bound.
"""

from __future__ import annotations

import json
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from crossbrief.model import Article, Brief, Removal
from crossbrief.model.schema import brief_from_dict
from crossbrief.render.common import FigureVariant, SourceNumbers, SpeakerQuotes, figure_variants, quotes_by_speaker
from crossbrief.store.db import Store, StoryRow

SPARK_BARS = 60  # at most this many bars in a story's articles-per-day chart
OUTLETS_SHOWN = 8  # outlets named on a story card (then "+N")
ENTITIES_SHOWN = 30
TIMELINE_SHOWN = 60
SEARCH_HITS = 100  # articles searched for one query (grouped by story after)
ARTICLE_STORIES = 20
CITES_SHOWN = 20  # citations (each with its sentence) shown per summary sentence; the JSON has all


def is_web_url(url: str) -> bool:
    """Only http(s) addresses become links: `javascript:`, `data:` and the rest stay text."""
    return url.strip().lower().startswith(("http://", "https://"))


# -- story list ------------------------------------------------------------------------------------
@dataclass
class StoryCard:
    id: str
    label: str
    size: int
    first: str | None
    last: str | None
    updated_at: str
    outlets: list[str]  # by how many of the story's articles each ran, most first
    days: list[tuple[str, int]]  # (first day of the bar, articles) from the first date to the last
    undated: int  # articles without a date (not in `days`)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "label": self.label, "size": self.size, "first": self.first, "last": self.last,
            "updated_at": self.updated_at, "outlets": self.outlets,
            "articles_per_day": [{"day": d, "articles": n} for d, n in self.days], "undated": self.undated,
        }


def articles_per_day(dates: list[str | None], bars: int = SPARK_BARS) -> tuple[list[tuple[str, int]], int]:
    """Bars from the first date to the last (days without articles included), at most `bars` of
    them: a longer span is cut into equal runs of days. Also the count of undated articles."""
    days: list[date] = []
    undated = 0
    for d in dates:
        try:
            days.append(date.fromisoformat((d or "")[:10]))
        except ValueError:
            undated += 1
    if not days:
        return [], undated
    first, last = min(days), max(days)
    span = (last - first).days + 1
    width = -(-span // bars)  # days per bar
    counts = Counter((d - first).days // width for d in days)
    n_bars = -(-span // width)
    return [((first + timedelta(days=b * width)).isoformat(), counts.get(b, 0)) for b in range(n_bars)], undated


def story_cards(store: Store, rows: list[StoryRow]) -> list[StoryCard]:
    meta = store.story_articles_meta(r.id for r in rows)
    cards = []
    for r in rows:
        members = meta.get(r.id, [])
        outlets = [o for o, _ in Counter(o for _, o, _ in members if o).most_common()]
        days, undated = articles_per_day([d for _, _, d in members])
        cards.append(StoryCard(r.id, r.label, r.size, r.first, r.last, r.updated_at, outlets, days, undated))
    return cards


# -- briefs, parsed once per version ---------------------------------------------------------------
class BriefCache:
    """Parsed briefs by (story, version), the most recently used kept (a brief of 200 articles is
    megabytes of JSON: parsing it for every view would cost more than the page)."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, int], Brief] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: Store, story_id: str, version: int) -> Brief | None:
        """Version `version` of the story's brief (None if there is none), parsed once."""
        key = (story_id, version)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        text = store.brief_json(story_id, version)
        if text is None:
            return None
        brief = brief_from_dict(json.loads(text))
        with self._lock:
            self._items[key] = brief
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return brief


# -- story page ------------------------------------------------------------------------------------
@dataclass
class Citation:
    number: int
    article: str
    label: str
    sentence: str  # the cited outlet's own sentence ("" when the brief does not record it)


@dataclass
class SummaryItem:
    index: int
    text: str
    cites: list[Citation]
    differ: list[Citation]
    more: int = 0  # outlets that report it beyond the CITES_SHOWN shown


@dataclass
class SourceItem:
    number: int | None  # the source number in the brief (None: not in it)
    article: str
    label: str
    title: str
    date: str
    url: str
    link: bool  # whether `url` may be a link (http or https)
    status: str  # "used" | "off-topic" | "copy" | "not briefed"
    reason: str = ""


@dataclass
class FigureRow:
    label: str
    place: str
    status: str
    variants: list[FigureVariant]


@dataclass
class Changes:
    """What changed in the summary between two versions of a story's brief."""

    old: int
    new: int
    added: list[str] = field(default_factory=list)  # summary sentences in `new`, not in `old`
    dropped: list[str] = field(default_factory=list)
    articles_added: list[str] = field(default_factory=list)  # labels
    articles_dropped: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"from_version": self.old, "to_version": self.new, "sentences_added": self.added,
                "sentences_dropped": self.dropped, "articles_added": self.articles_added,
                "articles_dropped": self.articles_dropped}


@dataclass
class StoryPage:
    story: StoryRow
    card: StoryCard
    brief: Brief | None
    version: int | None
    versions: list[tuple[int, str]]
    built_at: str
    summary: list[SummaryItem]
    figures: list[FigureRow]
    speakers: list[SpeakerQuotes]
    entities: list[Any]
    timeline: list[Any]
    sources: list[SourceItem]
    changes: Changes | None
    numbers: SourceNumbers | None


def _sentence_text(article: Article | None, index: int | None) -> str:
    if article is None or index is None or not 0 <= index < len(article.sentences):
        return ""
    return article.sentences[index].text


def summary_items(brief: Brief, numbers: SourceNumbers) -> list[SummaryItem]:
    by_id = {a.id: a for a in brief.articles}
    items = []
    for n, s in enumerate(brief.summary):
        def citation(article_id: str, index: int | None) -> Citation:
            return Citation(numbers(article_id), article_id, numbers.label(article_id),
                            _sentence_text(by_id.get(article_id), index))

        also = s.also[: CITES_SHOWN - 1]
        cites = [citation(s.article, s.sentence)] + [citation(a, s.support.get(a)) for a in also]
        differ = [citation(a, s.support.get(a)) for a in s.differ[:CITES_SHOWN]]
        items.append(SummaryItem(n, s.text, cites, differ, len(s.also) - len(also)))
    return items


def changes_between(old: Brief, old_version: int, new: Brief, new_version: int) -> Changes:
    """Summary sentences added and dropped (by their text), articles added and dropped (by id)."""
    before, after = [s.text for s in old.summary], [s.text for s in new.summary]
    was, now = {a.id: a.label for a in old.articles}, {a.id: a.label for a in new.articles}
    return Changes(
        old_version, new_version,
        added=[s for s in after if s not in set(before)], dropped=[s for s in before if s not in set(after)],
        articles_added=[now[i] for i in now if i not in was], articles_dropped=[was[i] for i in was if i not in now],
    )


def story_page(store: Store, story_id: str, cache: BriefCache, version: int | None = None,
               since: int | None = None) -> StoryPage | None:
    """Everything the story page shows; None for an unknown story (or brief version)."""
    row = store.story(story_id)
    if row is None:
        return None
    versions = store.brief_versions(story_id)
    built = dict(versions)
    chosen = version if version is not None else (versions[0][0] if versions else None)
    if version is not None and version not in built:
        return None
    card = story_cards(store, [row])[0]
    brief = cache.get(store, story_id, chosen) if chosen is not None else None
    numbers = SourceNumbers(brief.articles) if brief else None
    changes = None
    if brief is not None and chosen is not None:
        base = since if since is not None else chosen - 1
        old = cache.get(store, story_id, base) if 1 <= base < chosen else None
        changes = changes_between(old, base, brief, chosen) if old else None
    facts = brief.facts if brief else None
    figures = [FigureRow(g.label, g.place, g.status, figure_variants(g)) for g in (facts.figures if facts else [])
               if len(g.articles) > 1]
    figures.sort(key=lambda f: f.status != "differ")  # where the outlets disagree first
    return StoryPage(
        story=row, card=card, brief=brief, version=chosen if brief else None, versions=versions,
        built_at=built.get(chosen, "") if chosen is not None else "",
        summary=summary_items(brief, numbers) if brief and numbers else [],
        figures=figures,
        speakers=quotes_by_speaker(facts.quotes, numbers) if facts and numbers else [],
        entities=[e for e in (facts.entities if facts else []) if e.total >= 2][:ENTITIES_SHOWN],
        timeline=(facts.timeline if facts else [])[:TIMELINE_SHOWN],
        sources=sources(store, story_id, brief),
        changes=changes, numbers=numbers,
    )


def sources(store: Store, story_id: str, brief: Brief | None) -> list[SourceItem]:
    """The brief's articles (used or left out as off-topic, with why), then the story's members it
    does not hold: near-copies (of which article) and articles that came after it was built."""
    out: list[SourceItem] = []
    numbers = SourceNumbers(brief.articles) if brief else None
    for n, a in enumerate(brief.articles if brief else [], 1):
        status = "used" if a.on_topic or (brief and brief.keep_all) else "off-topic"
        out.append(SourceItem(n, a.id, a.label, a.title, a.date, a.url, is_web_url(a.url), status,
                              a.off_topic_reason if status == "off-topic" else ""))
    in_brief = {s.article for s in out}
    members = [m for m in store.members(story_id) if m.article not in in_brief]
    for m in members:
        member = store.article(m.article)
        if member is None:
            continue
        link = is_web_url(member.url)
        if m.copy_of:
            if numbers and m.copy_of in in_brief:
                name = f"[{numbers(m.copy_of)}] {numbers.label(m.copy_of)}"
            else:
                original = store.article(m.copy_of)
                name = original.label if original else m.copy_of
            item = SourceItem(None, member.id, member.label, member.title, member.date, member.url, link, "copy",
                              f"a near-copy of {name} (most of its text is the same): not briefed twice")
        else:
            reason = "the story's only article: nothing to cross-check" if brief is None and len(members) == 1 \
                else "arrived after this brief was built"
            item = SourceItem(None, member.id, member.label, member.title, member.date, member.url, link,
                              "not briefed", reason)
        out.append(item)
    return out


# -- article page ----------------------------------------------------------------------------------
@dataclass
class Block:
    """One line of the article's body as read: a kept paragraph (its sentences) or a removed line."""

    kind: str  # "kept" | "removed"
    sentences: list[str] = field(default_factory=list)
    removal: Removal | None = None


@dataclass
class ArticlePage:
    article: Article
    link: bool
    blocks: list[Block]
    removed: list[Removal]
    stories: list[StoryRow]


def _sentences_of(store: Store, article: Article, story_id: str | None, cache: BriefCache) -> list[Any]:
    """The article's sentences as its story's brief segmented them; segmented now if no brief holds it."""
    if story_id:
        versions = store.brief_versions(story_id)
        brief = cache.get(store, story_id, versions[0][0]) if versions else None
        if brief is not None:
            for a in brief.articles:
                if a.id == article.id and a.sentences:
                    return a.sentences
    from crossbrief.stages.segment import segment

    return segment(article).sentences


def article_page(store: Store, article_id: str, cache: BriefCache) -> ArticlePage | None:
    article = store.article(article_id)
    if article is None:
        return None
    removed = store.removed_of(article_id)
    story_id = store.stories_of_articles([article_id]).get(article_id)
    sentences = _sentences_of(store, article, story_id, cache)
    paragraphs: list[list[str]] = []
    for s in sentences:
        while len(paragraphs) <= s.paragraph:
            paragraphs.append([])
        paragraphs[s.paragraph].append(s.text)
    blocks = body_blocks(article.raw_text, paragraphs, removed)
    stories = [s for s in (store.story(story_id),) if s] if story_id else []
    return ArticlePage(article, is_web_url(article.url), blocks, removed, stories[:ARTICLE_STORIES])


def body_blocks(raw_text: str, paragraphs: list[list[str]], removed: list[Removal]) -> list[Block]:
    """The body in its order as read: each non-blank line of `raw_text` is a removed line (by
    `Removal.line`) or the next kept paragraph, as the cleaner numbered them. A removal that
    names a kept line (the cut of an overlong article) follows that paragraph."""
    by_line: dict[int, list[Removal]] = {}
    for r in removed:
        by_line.setdefault(r.line, []).append(r)
    blocks: list[Block] = []
    kept = 0
    used: set[int] = set()
    for number, line in enumerate(raw_text.split("\n"), 1):
        if not line.strip():
            continue
        drops = by_line.get(number, [])
        whole = [r for r in drops if r.text.strip() == line.strip()]
        if not whole and kept < len(paragraphs):
            blocks.append(Block("kept", paragraphs[kept]))
            kept += 1
        for r in drops:
            blocks.append(Block("removed", removal=r))
            used.add(id(r))
        if kept >= len(paragraphs) and len(used) == len(removed):
            break
    blocks += [Block("kept", p) for p in paragraphs[kept:]]
    blocks += [Block("removed", removal=r) for r in removed if id(r) not in used]
    return blocks


# -- search ----------------------------------------------------------------------------------------
@dataclass
class SearchGroup:
    story: StoryRow | None  # None: articles in no story
    hits: list[Any]


def search(store: Store, query: str, limit: int = SEARCH_HITS) -> list[SearchGroup]:
    """Articles matching every word, grouped by story (groups in the order of their best hit)."""
    hits = store.search(query, limit=limit)
    story_of = store.stories_of_articles(h.id for h in hits)
    groups: dict[str | None, SearchGroup] = {}
    for hit in hits:
        sid = story_of.get(hit.id)
        if sid not in groups:
            groups[sid] = SearchGroup(store.story(sid) if sid else None, [])
        groups[sid].hits.append(hit)
    return list(groups.values())
