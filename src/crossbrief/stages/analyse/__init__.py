"""Facts in articles: named entities, figures, direct quotes and dates (see docs/facts.md).

Every sentence of an article is parsed once by spaCy (`nlp.pipe` over the sentences segment.py
found, which copes with scraped text better than spaCy's own splitter). The rules on top of the
parse are deliberately simple and local -- a figure's qualifier is read from the words just
before it, its source from the speech verb of its own sentence, a quote's speaker from the
attribution next to its quotation marks -- so that each stays linear in the length of the text
and explainable in one line of docs/facts.md.

Two steps, so that the costly one is done once per article whatever bundles it joins:

    analysis = analyse_article(article, nlp)     # parse + rules with the article's own evidence
    analyse_in_bundle(articles, analyses)        # bundle evidence, roles and names; no parsing

`analyse_all(articles)` does both. Modules, from the bottom up: names, numbers, dates, parse
(text and spaCy), context (what the rules look up in one article), speakers, quotes, figures,
article (the per-article pass), bundle.
"""

from crossbrief.stages.analyse.article import ArticleAnalysis, analyse_article, analyse_articles, run_rules
from crossbrief.stages.analyse.bundle import (
    BundleEvidence,
    analyse,
    analyse_all,
    analyse_in_bundle,
    bundle_evidence,
    unify_bundle,
)
from crossbrief.stages.analyse.dates import find_dates
from crossbrief.stages.analyse.figures import counted_class
from crossbrief.stages.analyse.names import ENTITY_LABELS, canonical_names, clean_name, fold, set_canonical
from crossbrief.stages.analyse.numbers import find_numbers, number_value
from crossbrief.stages.analyse.parse import MAX_SENTENCE_CHARS, ParsedSentence, parse_articles
from crossbrief.stages.analyse.quotes import quote_spans
from crossbrief.stages.analyse.speakers import PERSON_ROLES, role_key

__all__ = [
    "ENTITY_LABELS", "MAX_SENTENCE_CHARS", "PERSON_ROLES", "ArticleAnalysis", "BundleEvidence", "ParsedSentence",
    "analyse", "analyse_all", "analyse_article", "analyse_articles", "analyse_in_bundle", "bundle_evidence",
    "canonical_names", "clean_name", "counted_class", "find_dates", "find_numbers", "fold", "number_value",
    "parse_articles", "quote_spans", "role_key", "run_rules", "set_canonical", "unify_bundle",
]
