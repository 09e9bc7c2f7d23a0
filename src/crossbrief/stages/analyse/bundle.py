"""Bundle-wide analysis: the evidence only a whole bundle has, and names unified across it.

Two things an article cannot know alone: the bundle's usual publication date (lent to an undated
article so that "September 19" gets a year) and who is a person (one outlet's "Ms Brisk" makes
another's "Elena Brisk", tagged ORG by the small model, a speaker). `analyse_in_bundle` re-runs the
rules, from the kept parse, only for the articles this evidence changes, then names roles and
people consistently across the bundle. The result is the same as analysing the whole bundle at
once with that evidence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crossbrief.model import Article
from crossbrief.stages.analyse.article import ArticleAnalysis, analyse_articles, person_keys, run_rules_logged
from crossbrief.stages.analyse.dates import iso_date
from crossbrief.stages.analyse.names import canonical_names, clean_name, fold, name_tokens, set_canonical


@dataclass(frozen=True)
class BundleEvidence:
    """What a bundle tells each of its articles."""

    fallback_date: str  # the most common publication date (YYYY-MM-DD), "" if none is known
    persons: frozenset[str]  # folded names that are persons over the whole bundle


def bundle_evidence(articles: Sequence[Article], analyses: Sequence[ArticleAnalysis]) -> BundleEvidence:
    """The bundle's usual date, and who is a person over all its articles' tagged mentions."""
    dated = Counter(a.date[:10] for a in articles if iso_date(a.date))
    fallback = dated.most_common(1)[0][0] if dated else ""
    return BundleEvidence(fallback, person_keys([m for analysis in analyses for m in analysis.mentions]))


def analyse_in_bundle(
    articles: Sequence[Article], analyses: Sequence[ArticleAnalysis | None], nlp: Any = None
) -> list[ArticleAnalysis]:
    """Finish the analysis of a bundle whose articles went through `analyse_article`.

    `articles` must be as `analyse_article` left them (the Pipeline passes copies of its cached
    articles: they are changed here), `analyses[i]` the analysis of `articles[i]`. Nothing is
    parsed. The rules run again, from the kept parse, only for an article whose result the
    bundle's evidence changes; then roles and names are unified across the bundle. `analyses`
    are not changed. An article whose analysis is None (never analysed) is analysed first, with
    `nlp` as for `analyse_article`: the only case that parses. Returns the analyses used.
    """
    if len(articles) != len(analyses):
        raise ValueError(f"{len(articles)} articles but {len(analyses)} analyses")
    missing = [i for i, analysis in enumerate(analyses) if analysis is None]
    done = dict(zip(missing, analyse_articles([articles[i] for i in missing], nlp))) if missing else {}
    kept = [done[i] if analysis is None else analysis for i, analysis in enumerate(analyses)]
    for article, analysis in zip(articles, kept):
        if article.id != analysis.article_id:
            raise ValueError(f"{article.source}: analysis of article {analysis.article_id!r}, not of {article.id!r}")
    if not articles:
        return kept
    evidence = bundle_evidence(articles, kept)
    roles: dict[str, Counter[str]] = {}
    for article, analysis in zip(articles, kept):
        learnt: dict[str, str] | None = analysis.roles
        if analysis.differs_in(evidence.fallback_date, evidence.persons):
            ctx = run_rules_logged(article, analysis.sentences, evidence.fallback_date, evidence.persons)
            learnt = ctx.roles if ctx is not None else None
        for role, name in (learnt or {}).items():
            roles.setdefault(role, Counter())[name] += 1
    # A role names one person across the bundle only when two articles say so and none disagrees.
    unify_bundle(articles, {r: next(iter(c)) for r, c in roles.items() if len(c) == 1 and sum(c.values()) >= 2})
    return kept


def analyse_all(articles: Sequence[Article], nlp: Any = None) -> list[ArticleAnalysis]:
    """Analyse every article of a bundle (one batched spaCy pass), then the bundle as a whole.

    `nlp` as for `analyse_article`. Returns the articles' analyses.
    """
    return analyse_in_bundle(articles, analyse_articles(articles, nlp))


def analyse(article: Article, nlp: Any = None) -> Article:
    """Fill `mentions`, `figures`, `quotes` and `dates` of one cleaned, segmented article."""
    analyse_all([article], nlp)
    return article


def unify_bundle(articles: Sequence[Article], roles: dict[str, str] | None = None) -> None:
    """Names normalised across the bundle: mentions, quote speakers and figure sources.

    A speaker left as a role in one article ("the UN envoy") takes the person that role names in
    another article of the same bundle, when the bundle agrees on one.
    """
    mentions = [m for a in articles for m in a.mentions]
    if not mentions:
        return
    set_canonical(mentions)
    names = canonical_names(mentions)
    people = {name for name, label in names.values() if label == "PERSON"}

    def canon(text: str) -> str:
        if not text:
            return text
        hit = names.get(fold(clean_name(text, "PERSON")))
        if hit:
            return hit[0]
        toks = name_tokens(clean_name(text, "PERSON"))
        matches = {
            p for p in people if toks and len(name_tokens(p)) > len(toks) and name_tokens(p)[-len(toks):] == toks
        }
        return matches.pop() if len(matches) == 1 else text

    for article in articles:
        for q in article.quotes:
            if roles and not q.resolved_by and q.role in roles:
                q.speaker, q.resolved_by = roles[q.role], "bundle"
            q.speaker = canon(q.speaker)
        for f in article.figures:
            f.source = canon(f.source)
        _refresh_quote_sources(article)


def _refresh_quote_sources(article: Article) -> None:
    """Figures inside a quote follow the quote's (possibly just resolved) speaker."""
    for f in article.figures:
        if f.in_quote:
            for q in article.quotes:
                if q.start <= f.start < q.end:
                    f.source = q.speaker
                    break
