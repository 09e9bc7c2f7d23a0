"""Which articles of a bundle belong to its story, and why the others do not.

A bundle of "related" articles often holds one that is not about the story. Two checks:

- topic: each article is embedded as the mean of its sentence vectors; its relevance is the
  upper median of its cosine similarities to the other articles (so one odd article cannot
  drag the others down). It is off-topic when its relevance is both low and well below the
  bundle's typical relevance (thresholds checked against the Multi-News+ relevance
  votes by bench/relevance.py).
- event: an article on the same topic that reports another (usually later) event, found from
  its publication date or the dates it reports (see `mark_other_events`).

Off-topic articles stay listed, with the reason, and can still be cited; they are not used to
pick summary sentences.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np

from crossbrief.model import Article
from crossbrief.resources.encoders import Encoder, get_encoder

# Tuned on Multi-News validation clusters with the relevance votes (see docs/benchmarks.md).
MIN_RELEVANCE = 0.55
MAX_GAP = 0.15


def article_vectors(articles: list[Article], encoder: Encoder | None = None) -> np.ndarray:
    encoder = encoder or get_encoder()
    rows = []
    for article in articles:
        vectors = encoder.encode([s.text for s in article.sentences])
        mean = vectors.mean(axis=0) if len(vectors) else np.zeros(encoder.dim, dtype=np.float32)
        rows.append(mean / (np.linalg.norm(mean) or 1.0))
    return np.stack(rows) if rows else np.zeros((0, encoder.dim), dtype=np.float32)


def assess_relevance(articles: list[Article], encoder: Encoder | None = None) -> None:
    """Set `relevance`, `on_topic` and `off_topic_reason` on every article."""
    _assess_topic(articles, encoder)
    mark_other_events(articles)


def _assess_topic(articles: list[Article], encoder: Encoder | None = None) -> None:
    if len(articles) < 3:
        # With two articles there is no majority to be off-topic from.
        for article in articles:
            article.relevance, article.on_topic = None, True
        return
    vectors = article_vectors(articles, encoder)
    similarity = vectors @ vectors.T
    scores = []
    for i in range(len(articles)):
        others = sorted(np.delete(similarity[i], i))
        # The upper median of its similarities to the others: one odd article in the bundle
        # cannot drag an on-topic article down, and an odd article is unlike most others.
        scores.append(float(others[len(others) // 2]))
    median = float(np.median(scores))
    for article, score in zip(articles, scores):
        article.relevance = round(score, 3)
        if score < MIN_RELEVANCE and median - score > MAX_GAP:
            article.on_topic = False
            article.off_topic_reason = (
                f"its content is unlike the other articles' (similarity {score:.2f}, "
                f"typical {median:.2f})"
            )


# -- a different event: dates ---------------------------------------------------------------------
# An article can be on the story's topic yet report another event (a later development, a
# follow-up). Topic similarity cannot see that; dates can. An article was published on or after
# the latest date it reports on, so a past date it mentions that lies well after the date of the
# rest of the bundle means it reports a later event. Future dates ("the trial will open on
# May 3") say nothing about when the article was written and are skipped.
MAX_DAYS_APART = 7
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_MENTION = re.compile(
    rf"\b(?:{_MONTH}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>(?:19|20)\d\d))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH})(?:,?\s+(?P<y2>(?:19|20)\d\d))?)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(will|would|shall|expected|scheduled|due to|plans?|next|until|by)\b", re.IGNORECASE)


def _mentioned_dates(article: Article, around: date) -> list[date]:
    """Past dates the article mentions, years filled in to lie nearest to `around`."""
    found: list[date] = []
    for sentence in article.sentences:
        if _FUTURE.search(sentence.text):
            continue
        for m in _DATE_MENTION.finditer(sentence.text):
            month_name = (m.group(1) or m.group("m2") or "")[:3].lower()
            day = int(m.group("d1") or m.group("d2"))
            year = m.group("y1") or m.group("y2")
            month = _MONTHS.get(month_name)
            if not month:
                continue
            years = [int(year)] if year else [around.year - 1, around.year, around.year + 1]
            candidates = []
            for y in years:
                try:
                    candidates.append(date(y, month, day))
                except ValueError:
                    pass
            if candidates:
                found.append(min(candidates, key=lambda d: abs((d - around).days)))
    return found


def _published(article: Article) -> date | None:
    try:
        return date.fromisoformat(article.date[:10]) if article.date else None
    except ValueError:
        return None


def _bundle_date(dates: list[date]) -> tuple[date | None, int]:
    """The publication date most articles share (within MAX_DAYS_APART), and how many do."""
    best, support = None, 0
    for d in sorted(dates):
        n = sum(1 for other in dates if abs((other - d).days) <= MAX_DAYS_APART)
        if n > support:
            best, support = d, n
    return best, support


def mark_other_events(articles: list[Article]) -> None:
    """Mark articles published, or reporting events, well after the bundle's date.

    The bundle's date is the publication date most articles share. An article dated more than
    a week from it is marked only when a majority of the dated articles agree on that date; an
    undated article is marked when it reports a past event more than a week after it.
    """
    if len(articles) < 3:
        return  # with two articles there is no majority to differ from
    dated = {a.id: d for a in articles if a.on_topic and (d := _published(a))}
    bundle_date, support = _bundle_date(list(dated.values()))
    if bundle_date is None:
        return
    for article in articles:
        if not article.on_topic:
            continue
        own = dated.get(article.id)
        if own is not None:
            apart = (own - bundle_date).days
            if abs(apart) > MAX_DAYS_APART and support >= 2 and support * 2 > len(dated):
                article.on_topic = False
                article.off_topic_reason = (
                    f"published {own.isoformat()}, {abs(apart)} days {'after' if apart > 0 else 'before'} "
                    f"the other articles ({bundle_date.isoformat()}): probably another event"
                )
            continue
        latest = max(_mentioned_dates(article, bundle_date), default=None)
        if latest and (latest - bundle_date).days > MAX_DAYS_APART:
            article.on_topic = False
            article.off_topic_reason = (
                f"reports events of {latest.strftime('%B')} {latest.day}, after the other articles "
                f"were published ({bundle_date.isoformat()}): probably a later event"
            )
