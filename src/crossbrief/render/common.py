"""What every rendering of a brief shares: the readers' source numbers, the headline, cleaning
counts, and how cross-source facts are phrased and gathered for display.

A brief numbers its sources 1..n in the order of `Brief.articles`; everything else refers to an
article by its id, and `SourceNumbers` turns ids into those numbers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from crossbrief.model import Article, Brief
from crossbrief.model.facts import FigureClaim, FigureGroup, QuoteGroup
from crossbrief.text import visible

LABEL_NAMES = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "NORP": "group",
               "FAC": "place", "EVENT": "event"}
SINGLE_SOURCE_QUOTES = 8  # quote groups of one outlet shown under "Who said what"


class SourceNumbers:
    """Article id -> the number a reader sees ([1], [2], ...): its position in the brief + 1."""

    def __init__(self, articles: Sequence[Article]):
        self._number: dict[str, int] = {}
        self._article: dict[str, Article] = {}
        for n, article in enumerate(articles, 1):
            self._number.setdefault(article.id, n)
            self._article.setdefault(article.id, article)

    def __call__(self, article_id: str) -> int:
        try:
            return self._number[article_id]
        except KeyError:
            raise KeyError(f"the brief refers to article {article_id!r}, which is not among its articles") from None

    def label(self, article_id: str) -> str:
        """How the article is named to a reader ("" for an id not in the brief)."""
        article = self._article.get(article_id)
        return article.label if article else ""

    def in_order(self, article_ids: Iterable[str]) -> list[str]:
        """The distinct ids, by source number."""
        return sorted(set(article_ids), key=self)


def headline(brief: Brief) -> str:
    """A title for the brief: the title of the article the summary opens with, else the first."""
    if brief.summary:
        opening = next((a for a in brief.articles if a.id == brief.summary[0].article), None)
        if opening and opening.title:
            return opening.title
    for article in brief.articles:
        if article.title:
            return article.title
    return "Brief"


def removal_counts(article: Article) -> Counter[str]:
    return Counter(r.reason for r in article.removed)


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# C0 and C1 control characters, DEL, and the invisible marks that reorder text (bidi controls).
def visible_controls(text: str) -> str:
    """Text with every control character shown as an escape (`\\n`, `\\x1b`, `\\u202e`), so that
    printing it cannot break a line, move the cursor or colour a terminal."""
    return visible(text)


# -- cross-source facts, as a reader reads them --------------------------------------------------
def format_number(value: float) -> str:
    if value >= 1e9 and value % 1e8 == 0:
        return f"{value / 1e9:g} billion"
    if value >= 1e6 and value % 1e5 == 0:
        return f"{value / 1e6:g} million"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def claim_phrase(claim: FigureClaim) -> str:
    """A claim as a reader reads it: "about 900", "900 to 1,000", "more than 250,000"."""
    if claim.kind == "range" and claim.high is not None:
        return f"{format_number(claim.value)} to {format_number(claim.high)}"
    prefix = {"about": "about ", "at least": "at least ", "at most": "at most "}.get(claim.kind, "")
    return prefix + format_number(claim.value)


@dataclass
class FigureVariant:
    """One distinct value of a figure group, with the outlets and attributed sources behind it."""

    phrase: str  # "about 900"
    articles: list[str] = field(default_factory=list)  # ids, in claim order
    sources: dict[str, list[str]] = field(default_factory=dict)  # source -> ids of outlets citing it


def figure_variants(group: FigureGroup) -> list[FigureVariant]:
    """The distinct values of a group, in the order the claims first give them."""
    variants: dict[str, FigureVariant] = {}
    for c in group.claims:
        key = claim_phrase(c)
        v = variants.setdefault(key, FigureVariant(key))
        if c.article not in v.articles:
            v.articles.append(c.article)
        if c.source:
            outlets = v.sources.setdefault(c.source, [])
            if c.article not in outlets:
                outlets.append(c.article)
    return list(variants.values())


@dataclass
class SpeakerQuotes:
    """The quote groups of one speaker, as the brief shows them."""

    speaker: str  # "" when unattributed
    articles: list[str] = field(default_factory=list)  # ids of every outlet quoting them, by number
    groups: list[QuoteGroup] = field(default_factory=list)


def quotes_by_speaker(
    quotes: Sequence[QuoteGroup], numbers: SourceNumbers, single_source: int = SINGLE_SOURCE_QUOTES
) -> list[SpeakerQuotes]:
    """The quote groups a brief shows, gathered under their speakers: every group quoted by two or
    more outlets, then up to `single_source` quoted by one; speakers in the order they first come."""
    shown = [g for g in quotes if len(g.articles) > 1]
    shown += [g for g in quotes if len(g.articles) == 1][:single_source]
    speakers: dict[str, SpeakerQuotes] = {}
    for g in shown:
        entry = speakers.setdefault(g.speaker or "", SpeakerQuotes(g.speaker or ""))
        entry.groups.append(g)
        entry.articles = numbers.in_order([*entry.articles, *g.articles])
    return list(speakers.values())
