"""The spaCy parse of an article's sentences: each sentence parsed once, as segment.py found it.

Sentences (not spaCy's own splitter, which copes worse with scraped text) go to spaCy in one
`pipe` batch per call; a sentence longer than MAX_SENTENCE_CHARS is cut first. A parse is only
read afterwards, never changed, so it can be kept (the Pipeline keeps it per article id) and
reused by the rules for any bundle the article joins.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from crossbrief.model import Article

# A sentence longer than this is cut before parsing: spaCy's cost grows with sentence length and
# scraped pages sometimes hold one "sentence" of thousands of characters (lists, tables).
MAX_SENTENCE_CHARS = 2000


@dataclass
class ParsedSentence:
    """One sentence's spaCy doc plus where it sits in the article text."""

    index: int
    start: int
    doc: Any
    token_starts: list[int] = field(default_factory=list)

    def token_at(self, char: int) -> Any | None:
        """The token covering absolute character offset `char` (or the one before it)."""
        if not len(self.doc):
            return None
        i = bisect.bisect_right(self.token_starts, char) - 1
        return self.doc[max(i, 0)]

    def abs(self, token: Any) -> int:
        return self.start + token.idx


def parse_articles(articles: Sequence[Article], nlp: Any = None) -> list[list[ParsedSentence]]:
    """The parse of every sentence of every article, in one `nlp.pipe` batch.

    `nlp` is anything with spaCy's `pipe(texts, batch_size=...)`: a `resources.nlp.Parser` (which
    counts what it parses), a spaCy pipeline, or None for this process's default Parser. An
    article with text but no sentences yet is segmented first. Sentences with the same text are
    parsed once.
    """
    if nlp is None:
        from crossbrief.resources.nlp import default_parser

        nlp = default_parser()
    jobs: list[tuple[int, int, int, str]] = []
    for ai, article in enumerate(articles):
        if not article.sentences and article.text:
            from crossbrief.stages.segment import segment

            segment(article)
        for s in article.sentences:
            jobs.append((ai, s.index, s.start, article.text[s.start:s.end][:MAX_SENTENCE_CHARS]))
    unique = list(dict.fromkeys(j[3] for j in jobs))
    docs = dict(zip(unique, nlp.pipe(unique, batch_size=256))) if unique else {}
    parsed: list[list[ParsedSentence]] = [[] for _ in articles]
    for ai, si, start, text in jobs:
        doc = docs[text]
        parsed[ai].append(ParsedSentence(si, start, doc, [t.idx + start for t in doc]))
    return parsed
