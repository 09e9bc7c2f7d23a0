"""An article's analysis as bytes and JSON, to be kept (the store) and used again without parsing.

`analysis_record(article, analysis)` turns what `analyse_article` left -- the spaCy docs of the
sentences and the rules' results on the Article (sentences, mentions, quotes, dates, figures) --
into an `AnalysisRecord`: the docs as one spaCy `DocBin` (only the token attributes the rules
read; no user data), the rest as JSON. `restore_analysis(article, record, vocab)` puts it back on
the same article, cleaned, and returns its ArticleAnalysis: the rules and the bundle step then
see exactly what a fresh parse would have given them.

A record says what made it (`analysis_version`: crossbrief, spaCy and the model with their
versions); a record of another version is not used (its parse, or the rules, may differ).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from crossbrief.model import Article, DateMention, Figure, Mention, Quote, Sentence
from crossbrief.model.serialise import from_plain, to_plain
from crossbrief.stages.analyse.article import ArticleAnalysis
from crossbrief.stages.analyse.parse import ParsedSentence
from crossbrief.version import __version__

# The token attributes a DocBin keeps: what the rules read (text and white space are always kept).
DOC_ATTRS = ("ORTH", "NORM", "LEMMA", "POS", "TAG", "MORPH", "DEP", "HEAD", "ENT_IOB", "ENT_TYPE")
# The Article fields the per-article analysis fills (segment.py's sentences included).
ANALYSED_FIELDS: dict[str, Any] = {
    "sentences": Sentence, "mentions": Mention, "quotes": Quote, "dates": DateMention, "figures": Figure,
}


@dataclass(frozen=True)
class AnalysisRecord:
    """One article's analysis, serialised (see the module docstring)."""

    article_id: str
    date: str  # the publication date it was analysed against (relative dates resolve from it)
    made_with: str  # analysis_version() of the process that made it
    docs: bytes  # DocBin of the sentences' docs, in sentence order
    data: str  # JSON: the analysed Article fields and the ArticleAnalysis fields but the parse


def analysis_version(nlp: Any) -> str:
    """What an analysis depends on: crossbrief's version, spaCy's, and the model's name and version.

    `nlp`: a spaCy Language (its `meta`)."""
    import spacy

    meta = getattr(nlp, "meta", {}) or {}
    model = f"{meta.get('lang', '')}_{meta.get('name', '')} {meta.get('version', '')}"
    return f"crossbrief {__version__}; spacy {spacy.__version__}; {model}"


def analysis_record(article: Article, analysis: ArticleAnalysis, made_with: str) -> AnalysisRecord:
    """The record of an article just analysed (`analyse_article` or `analyse_articles`)."""
    from spacy.tokens import DocBin

    docs = DocBin(attrs=list(DOC_ATTRS), store_user_data=False)
    for sentence in analysis.sentences:
        docs.add(sentence.doc)
    data = {name: to_plain(getattr(article, name)) for name in ANALYSED_FIELDS}
    data["analysis"] = {
        "starts": [(s.index, s.start) for s in analysis.sentences],
        "mentions": to_plain(list(analysis.mentions)),
        "roles": analysis.roles,
        "relabel_candidates": sorted(analysis.relabel_candidates),
        "relabelled": sorted(analysis.relabelled),
        "borrows_date": analysis.borrows_date,
        "ok": analysis.ok,
    }
    return AnalysisRecord(article.id, article.date, made_with, docs.to_bytes(),
                          json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def restore_analysis(article: Article, record: AnalysisRecord, vocab: Any) -> ArticleAnalysis:
    """Put a record back on `article` (cleaned, its id the record's) and return its analysis.

    `vocab`: the spaCy vocabulary the docs are rebuilt in (the model's, so that lexical
    attributes read as when parsed). ValueError when the record is not this article's."""
    from spacy.tokens import DocBin

    if record.article_id != article.id:
        raise ValueError(f"the analysis of article {record.article_id!r}, not of {article.id!r}")
    data = json.loads(record.data)
    for name, cls in ANALYSED_FIELDS.items():
        setattr(article, name, [from_plain(cls, item) for item in data[name]])
    kept = data["analysis"]
    docs = list(DocBin().from_bytes(record.docs).get_docs(vocab))
    if len(docs) != len(kept["starts"]):
        raise ValueError(f"article {article.id!r}: {len(docs)} docs for {len(kept['starts'])} sentences")
    sentences = tuple(
        ParsedSentence(index, start, doc, [t.idx + start for t in doc])
        for (index, start), doc in zip(kept["starts"], docs)
    )
    return ArticleAnalysis(
        article_id=article.id,
        sentences=sentences,
        mentions=tuple(from_plain(Mention, m) for m in kept["mentions"]),
        roles=dict(kept["roles"]),
        relabel_candidates=frozenset(kept["relabel_candidates"]),
        relabelled=frozenset(kept["relabelled"]),
        borrows_date=bool(kept["borrows_date"]),
        ok=bool(kept["ok"]),
    )
