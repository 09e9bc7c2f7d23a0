"""What only one outlet reports: its notable figures and quotes that no other outlet carries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from crossbrief.model.facts import FigureGroup, QuoteGroup, SingleSourceFact

FIGURES_PER_ARTICLE = 3
QUOTES_PER_ARTICLE = 2
QUOTE_MIN_WORDS = 8  # a quote only one outlet has is worth listing when it says this much


def single_source(
    figures: Sequence[FigureGroup], quotes: Sequence[QuoteGroup], article_ids: Sequence[str],
    per_article: int = FIGURES_PER_ARTICLE,
) -> list[SingleSourceFact]:
    """Per outlet, up to `per_article` figure groups only it reports (tolls and attributed figures
    first) and up to QUOTES_PER_ARTICLE quotes of QUOTE_MIN_WORDS words or more with a known
    speaker; in the order of `article_ids` (the bundle's), figures before quotes."""
    order = {a: k for k, a in reversed(list(enumerate(article_ids)))}
    out: list[SingleSourceFact] = []
    taken: Counter[tuple[str, str]] = Counter()
    # Tolls and attributed figures first, then in the order the outlet gives them (news puts the
    # important numbers high up).
    ranked = sorted((g for g in figures if len(g.articles) == 1),
                    key=lambda g: (not g.event, not g.claims[0].source, g.claims[0].start))
    for g in ranked:
        c = g.claims[0]
        if taken[(c.article, "figure")] < per_article:
            taken[(c.article, "figure")] += 1
            detail = "; ".join(x for x in (g.label, f"source: {c.source}" if c.source else "") if x)
            out.append(SingleSourceFact(c.article, "figure", c.text, detail))
    for q in quotes:
        v = q.versions[0]
        if (len(q.articles) == 1 and q.speaker and len(v.text.split()) >= QUOTE_MIN_WORDS
                and taken[(v.article, "quote")] < QUOTES_PER_ARTICLE):
            taken[(v.article, "quote")] += 1
            out.append(SingleSourceFact(v.article, "quote", v.text, q.speaker))
    out.sort(key=lambda s: (order[s.article], s.kind))
    return out
