"""The per-article pass: parse an article once, run the rules, keep what a bundle needs later.

`analyse_article` parses the sentences and runs every rule with the article's own evidence only
(no borrowed date, persons from its own mentions): the result does not depend on which bundle the
article joins, so the Pipeline caches its ArticleAnalysis by article id. bundle.py re-runs the
rules, from the kept parse, for the few articles a bundle's evidence changes.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from crossbrief.model import Article, Mention
from crossbrief.stages.analyse.context import ArticleContext
from crossbrief.stages.analyse.dates import find_dates
from crossbrief.stages.analyse.figures import find_figures
from crossbrief.stages.analyse.names import ENTITY_LABELS, canonical_names, clean_name, fold, set_canonical
from crossbrief.stages.analyse.parse import ParsedSentence, parse_articles
from crossbrief.stages.analyse.quotes import find_quotes, quote_spans
from crossbrief.stages.analyse.speakers import learn_roles, learn_speech_subjects

logger = logging.getLogger(__name__)

# Labels a bundle's evidence can turn into PERSON (one outlet's "Ms Brisk" makes another's
# "Elena Brisk", tagged ORG by the small model, a person).
RELABELLED = ("ORG", "NORP")


def tagged_mentions(article: Article, sents: Sequence[ParsedSentence]) -> list[Mention]:
    """The tagger's entity mentions, as tagged (labels and names not yet unified)."""
    out: list[Mention] = []
    for p in sents:
        for ent in p.doc.ents:
            if ent.label_ == "PERSON" and not any(t.pos_ == "PROPN" for t in ent):
                continue  # "Turnout was 64 per cent": a common noun the small model took for a name
            if ent.label_ in ENTITY_LABELS and any(c.isalpha() for c in ent.text):
                out.append(Mention(ent.text, ent.label_, p.start + ent.start_char, p.start + ent.end_char, article.id))
    return out


def person_keys(mentions: Sequence[Mention]) -> frozenset[str]:
    """The folded names these mentions, taken together, make persons."""
    return frozenset(k for k, (_, label) in canonical_names(mentions).items() if label == "PERSON")


def relabel_key(mention: Mention) -> str:
    """The key under which an ORG/NORP mention is looked up among the persons."""
    return fold(clean_name(mention.text, "PERSON"))


def run_rules(
    article: Article, sents: Sequence[ParsedSentence], fallback_date: str = "", persons: Collection[str] | None = None
) -> ArticleContext:
    """Fill the article's mentions, quotes, dates and figures from its parse.

    `fallback_date` gives "September 19" a year in an undated article; an ORG or NORP mention
    whose name is in `persons` is a PERSON. Returns the context, with the roles it learnt.
    """
    ctx = ArticleContext(article, sents)
    mentions = tagged_mentions(article, sents)
    if persons:
        for m in mentions:
            if m.label in RELABELLED and relabel_key(m) in persons:
                m.label = "PERSON"
    set_canonical(mentions)
    ctx.mentions = mentions
    ctx.mention_starts = [m.start for m in mentions]
    ctx.people = [m for m in mentions if m.label == "PERSON"]
    ctx.person_starts = [m.start for m in ctx.people]
    ctx.quote_spans = [(a, b) for a, b, _ in quote_spans(article.text)]
    ctx.person_names = {m.canonical for m in ctx.people}
    learn_roles(ctx)
    learn_speech_subjects(ctx)
    dates = find_dates(article.text, article.date, article.id, fallback_date)
    for d in dates:
        s = ctx.sentence_at(d.start)
        d.sentence = s.index if s else 0
    quotes = find_quotes(ctx)
    article.mentions = mentions
    article.quotes = quotes
    article.dates = dates
    article.figures = find_figures(ctx, dates, quotes)
    return ctx


def run_rules_logged(
    article: Article, sents: Sequence[ParsedSentence], fallback_date: str = "", persons: Collection[str] | None = None
) -> ArticleContext | None:
    """`run_rules`, or None (logged) when an odd article breaks a rule: it must not sink the brief."""
    try:
        return run_rules(article, sents, fallback_date, persons)
    except Exception as exc:  # noqa: BLE001 -- one odd article must not sink the brief
        logger.warning("%s: analysis failed (%s: %s)", article.source, type(exc).__name__, exc)
        return None


@dataclass(frozen=True, eq=False)
class ArticleAnalysis:
    """What one article's analysis leaves for the bundles it joins. Read-only once made: the
    Pipeline shares one per article id between bundles (and threads)."""

    article_id: str
    sentences: tuple[ParsedSentence, ...]  # the spaCy parse of each sentence, in order
    mentions: tuple[Mention, ...]  # the tagger's mentions as tagged, before names were unified
    roles: dict[str, str] = field(default_factory=dict)  # role noun -> the person it names here
    # Folded names of the ORG/NORP mentions (which a bundle's persons can relabel), and those the
    # article's own mentions already made persons.
    relabel_candidates: frozenset[str] = frozenset()
    relabelled: frozenset[str] = frozenset()
    # No publication date of its own and a day without a year ("September 19"): a bundle's usual
    # date would give it one.
    borrows_date: bool = False
    ok: bool = True  # False: a rule failed on this article (logged); its fields may be partial

    def differs_in(self, fallback_date: str, persons: Collection[str]) -> bool:
        """Would the rules give another result with this bundle evidence than on their own?"""
        if not self.ok:
            return True
        if self.borrows_date and fallback_date:
            return True
        return frozenset(k for k in self.relabel_candidates if k in persons) != self.relabelled


def analyse_articles(articles: Sequence[Article], nlp: Any = None) -> list[ArticleAnalysis]:
    """`analyse_article` for each article, with one `nlp.pipe` batch for all their sentences."""
    parsed = parse_articles(articles, nlp)
    return [_analyse_parsed(article, sents) for article, sents in zip(articles, parsed)]


def analyse_article(article: Article, nlp: Any = None) -> ArticleAnalysis:
    """Parse one cleaned, segmented article and fill its mentions, quotes, dates and figures
    with its own evidence only, exactly as `analyse_all([article])` does.

    `nlp`: a `resources.nlp.Parser` (it counts the sentences parsed), a spaCy pipeline, or None
    for this process's default Parser.
    """
    return analyse_articles([article], nlp)[0]


def _analyse_parsed(article: Article, sents: list[ParsedSentence]) -> ArticleAnalysis:
    tagged = tagged_mentions(article, sents)
    persons = person_keys(tagged)
    candidates = frozenset(relabel_key(m) for m in tagged if m.label in RELABELLED)
    ctx = run_rules_logged(article, sents, "", persons)
    yearless = any(d.granularity == "day" and d.value.startswith("--") for d in article.dates)
    return ArticleAnalysis(
        article_id=article.id,
        sentences=tuple(sents),
        mentions=tuple(tagged),
        roles=dict(ctx.roles) if ctx is not None else {},
        relabel_candidates=candidates,
        relabelled=candidates & persons,
        borrows_date=ctx is not None and yearless,
        ok=ctx is not None,
    )
