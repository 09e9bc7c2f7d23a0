"""A timeline across a bundle: resolved dates and what the outlets say happened then.

Mentions of the same date in sentences whose embeddings are close (cosine >= TIMELINE_COSINE) are
one entry citing every outlet (docs/facts.md, "Entities, timeline, only in one outlet").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from crossbrief.model import Article
from crossbrief.model.facts import TimelineEntry

if TYPE_CHECKING:
    from crossbrief.resources.encoders import Encoder

TIMELINE_COSINE = 0.60
TIMELINE_MAX = 20


def _sentence_text(article: Article, index: int) -> str:
    if 0 <= index < len(article.sentences):
        return article.sentences[index].text
    return ""


def build_timeline(articles: Sequence[Article], encoder: Encoder) -> list[TimelineEntry]:
    """Resolved dates (day, week or month) with the sentence they are in, one entry per event
    however many outlets date it; `encoder` embeds the sentences. At most TIMELINE_MAX entries
    (the most widely reported), ordered by date."""
    items = []
    for a in articles:
        for d in a.dates:
            if d.value and not d.value.startswith("--") and d.granularity in ("day", "week", "month"):
                text = _sentence_text(a, d.sentence)
                if text:
                    items.append((d, a.id, text))
    if not items:
        return []
    vectors = encoder.encode([t for _, _, t in items])
    entries: list[tuple[TimelineEntry, int]] = []
    for k, (d, article, text) in enumerate(items):
        for entry, first in entries:
            if entry.date == d.value and float(vectors[k] @ vectors[first]) >= TIMELINE_COSINE:
                if article not in entry.articles:
                    entry.articles.append(article)
                break
        else:
            entries.append((TimelineEntry(d.value, d.granularity, _shorten(text), d.text, [article]), k))
    chosen = sorted((e for e, _ in entries), key=lambda e: (-len(e.articles), e.granularity != "day"))[:TIMELINE_MAX]
    return sorted(chosen, key=lambda e: (e.date, -len(e.articles)))


def _shorten(text: str, limit: int = 240) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
