"""Who said what across a bundle: the same statement quoted by several outlets, each wording kept.

Quotes are grouped when the embeddings are very close or most content words are shared, or --
for the same named speaker -- when a short quote is contained in another, or the embeddings are
fairly close, or half the content words are shared with some semantic similarity (docs/facts.md,
"Who said what"). Quotes of one outlet are never grouped with each other.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from crossbrief.facts.common import UnionFind, bundle_order, most_common
from crossbrief.model import Article, Quote
from crossbrief.model.facts import QuoteGroup, QuoteVersion

if TYPE_CHECKING:
    from crossbrief.resources.encoders import Encoder

QUOTE_MIN_WORDS = 2
QUOTE_COSINE = 0.80  # sentence-embedding similarity that makes two quotes one statement
QUOTE_OVERLAP = 0.70  # share of the shorter quote's content words found in the longer
QUOTE_CANDIDATE_COSINE = 0.45  # below this, two quotes are compared only if one is short
QUOTE_OVERLAP_MIN_WORDS = 4  # ... counted only when the shorter has this many content words
QUOTE_SPEAKER_COSINE = 0.65  # the same named speaker: embedding similarity enough on its own
QUOTE_SPEAKER_OVERLAP = 0.5  # ... or this share of content words plus QUOTE_CANDIDATE_COSINE
QUOTE_BLOCK_ROWS = 512  # rows of the similarity matrix worked out at once (memory: 512 x n floats)


_STOP = set("""a an the and or but of to in on at for with by from as is are was were be been being it its this that
these those there their they them we our us you your he she his her him i me my not no do does did have has had will
would can could should shall may might must so if than then just very also all any every some what which who whom
whose when where why how into onto about over under up down out off again only own same too now s t""".split())
_CONTRACTIONS = [("n't", " not"), ("'re", " are"), ("'ve", " have"), ("'ll", " will"), ("'m", " am"), ("'d", " would")]


def _stem(word: str) -> str:
    """A crude suffix-stripping stem: "racing"/"race", "conceding"/"concede", "looked"/"look"."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _words(text: str) -> set[str]:
    """Content-word stems of a quote (function words and contractions removed)."""
    text = text.lower().replace("’", "'").replace("won't", "will not").replace("can't", "can not")
    for short, full in _CONTRACTIONS:
        text = text.replace(short, full)
    return {_stem(w) for w in re.findall(r"[a-z0-9]+", text) if w not in _STOP and len(w) > 1}


def _names_match(a: str, b: str) -> bool:
    """"Brisk" and "Elena Brisk" name one person: equal, or the shorter ends the longer."""
    x, y = sorted((re.findall(r"\w+", a.lower()), re.findall(r"\w+", b.lower())), key=len)
    return bool(x) and y[-len(x):] == x


def _speakers_compatible(a: Quote, b: Quote) -> bool:
    if not a.speaker or not b.speaker or not a.resolved_by or not b.resolved_by:
        return True
    return _names_match(a.speaker, b.speaker)


def _same_speaker(a: Quote, b: Quote) -> bool:
    """Both name the same speaker, at least one of them resolved (the other may be the name as
    written next to the quote when the tagger missed it)."""
    return bool(a.speaker and b.speaker and (a.resolved_by or b.resolved_by)) and _names_match(a.speaker, b.speaker)


def _all_words(text: str) -> set[str]:
    text = text.lower().replace("’", "'").replace("won't", "will not").replace("can't", "can not")
    for short, full in _CONTRACTIONS:
        text = text.replace(short, full)
    return {_stem(w) for w in re.findall(r"[a-z0-9]+", text)}


def same_statement(cosine: float, shared: float, small: int, same_speaker: bool, contained: bool = False) -> bool:
    """Whether two quotes (speakers not contradicting) are one statement (docs/facts.md).

    `shared`: share of the shorter quote's content words found in the longer; `small`: how many
    content words the shorter has; `contained`: every word of the shorter quote (two or more) is
    in the longer. The same named speaker lowers the bar: a reporter who paraphrases keeps the
    speaker and some key words ("racing against time" / "racing against the clock"), and a short
    fragment ("not over", "not let them down") matches a full quote that contains it.
    """
    if cosine >= QUOTE_COSINE:
        return True
    if shared >= QUOTE_OVERLAP and small >= QUOTE_OVERLAP_MIN_WORDS:
        return True
    if not same_speaker:
        return False
    if contained or (shared >= 0.99 and small >= 2):
        return True
    return cosine >= QUOTE_SPEAKER_COSINE or (
        cosine >= QUOTE_CANDIDATE_COSINE and shared >= QUOTE_SPEAKER_OVERLAP and small >= 2
    )


def _join_statements(quotes: list[Quote], vectors: np.ndarray, statements: UnionFind) -> None:
    """Join, in `statements`, the pairs of quotes from different articles that are one statement."""
    n = len(quotes)
    words = [_words(q.text) for q in quotes]
    every = [_all_words(q.text) for q in quotes]
    numbered: dict[str, int] = {}
    article_of = np.array([numbered.setdefault(q.article, len(numbered)) for q in quotes], dtype=np.int64)
    # Only pairs with some semantic similarity are compared word by word: quadratic work stays in
    # numpy. The similarities are worked out a block of rows at a time and only the candidate
    # pairs' are kept, so a bundle of thousands of quotes never holds an n x n matrix (10,000
    # quotes: 400 MB of float32, and as much again in boolean masks). A pair is one int64 key
    # (i * n + j), not a Python tuple: 8 bytes a candidate pair, not a hundred.
    keys, cosines = [], []
    for start in range(0, n, QUOTE_BLOCK_ROWS):
        block = vectors[start:start + QUOTE_BLOCK_ROWS] @ vectors.T
        rows = np.arange(start, start + len(block))
        close = (block >= QUOTE_CANDIDATE_COSINE) & (rows[:, None] < np.arange(n)[None, :])
        close &= article_of[rows][:, None] != article_of[None, :]
        r, c = np.nonzero(close)
        block_keys = (r + start).astype(np.int64) * n + c
        keys.append(block_keys)
        cosines.append(block[r, c])
        del block, close, r, c
    # A short quote is a candidate whatever its embedding, when a word of it is shared.
    short = [i for i, w in enumerate(every) if len(w) <= 5]
    if short:
        index: dict[str, list[int]] = defaultdict(list)
        for i, w in enumerate(every):
            for stem in w:
                index[stem].append(i)
        for i in short:
            for stem in every[i]:
                near = np.array(index[stem][:200], dtype=np.int64)
                near = near[article_of[near] != article_of[i]]
                pairs = np.minimum(near, i) * n + np.maximum(near, i)
                keys.append(pairs)
                cosines.append(np.full(len(pairs), np.nan, dtype=np.float32))  # not known yet
    # The first occurrence of each pair: the block's, with its cosine, where there is one.
    unique, first = np.unique(np.concatenate(keys), return_index=True)
    cosine_of = np.concatenate(cosines)[first]
    for key, cosine in zip(unique.tolist(), cosine_of.tolist()):
        i, j = divmod(key, n)
        if not _speakers_compatible(quotes[i], quotes[j]):
            continue
        small = min(len(words[i]), len(words[j]))
        shared = len(words[i] & words[j]) / (small or 1)
        a, b = sorted((every[i], every[j]), key=len)
        contained = len(a) >= 2 and a <= b
        if cosine != cosine:  # NaN: a short quote's pair below the candidate similarity
            cosine = float(vectors[i] @ vectors[j])
        if same_statement(cosine, shared, small, _same_speaker(quotes[i], quotes[j]), contained):
            statements.union(i, j)


def group_quotes(articles: Sequence[Article], encoder: Encoder) -> list[QuoteGroup]:
    """Quotes of two words or more grouped into statements across outlets, the most widely quoted
    first; `encoder` embeds the quotes."""
    quotes = [q for a in articles for q in a.quotes if len(q.text.split()) >= QUOTE_MIN_WORDS]
    if not quotes:
        return []
    order = bundle_order(articles)
    statements = UnionFind(len(quotes))
    if len({q.article for q in quotes}) >= 2:
        # Quotes are grouped across outlets only (pairs within one article are never joined), so
        # the quotes of one article need no vectors and no comparison: each is a statement.
        _join_statements(quotes, encoder.encode([q.text for q in quotes]), statements)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(quotes)):
        members[statements.find(i)].append(i)
    groups = []
    for idx in members.values():
        qs = sorted((quotes[i] for i in idx), key=lambda q: (order[q.article], q.start))
        speaker = most_common(q.speaker for q in qs if q.resolved_by) or most_common(q.speaker for q in qs)
        versions = [QuoteVersion(q.article, q.text, q.start, q.end, q.speaker_text, q.partial) for q in qs]
        groups.append(QuoteGroup(speaker, sorted({q.article for q in qs}, key=order.__getitem__), versions))
    groups.sort(key=lambda g: (-len(g.articles), -max(len(v.text) for v in g.versions)))
    return groups
