"""Sentence segmentation tuned for news text.

pysbd (rule-based, built on the Golden Rules for sentence boundaries) already handles the hard
cases of news prose: titles and abbreviations (Mr., Gen., U.S., U.N., Oct. 6, No. 10), ellipses,
and a quotation ending in ?" followed by its attribution ("she asked"). What it does not handle
is text scraped with the spaces between sentences lost ("halted.The proposal"), which is common
when paragraphs are flattened; we split those first. Sentences never cross a paragraph break.

Every span is a slice of the input, so a sentence is always verbatim text of its article.

Work is bounded (stages/limits.py): pysbd's cost grows with the square of its input, so a piece
longer than MAX_PIECE_CHARS is given to it in parts cut at sentence ends (else at white space);
and a "sentence" of more than MAX_SENTENCE_WORDS words (a flattened list or table) is split into
pieces of that many words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from crossbrief.model import Article, Sentence
from crossbrief.stages.identity import article_id
from crossbrief.stages.limits import MAX_PIECE_CHARS, MAX_SENTENCE_WORDS, cut_point

# A lower-case letter or digit, sentence-final punctuation (optionally a closing quote), then
# straight into an upper-case letter or an opening quote: two sentences glued by scraping.
# Requiring a lower-case letter before the stop keeps "U.S.The" style initialisms out.
_GLUED = re.compile(r"(?<=[a-z0-9%)][.!?])(?=[A-Z“‘][a-z])|(?<=[a-z0-9%)][.!?][”’\"'])(?=[A-Z“‘])")
_PARAGRAPH = re.compile(r"[^\n]+")
_WORDLIKE = re.compile(r"\w")
_WORD = re.compile(r"\S+")


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    # No char_span: pysbd would find each sentence in the text with a regular expression compiled
    # for that sentence (most of them missing re's cache), a tenth of the per-article work;
    # `_locate` finds the same spans with str.find.
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def _locate(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Where pysbd's `sentences` sit in `text`, as its char_span mode finds them: for each, the
    first occurrence (scanning without overlaps) that, with the white space after it, ends past
    the previous sentence's end."""
    spans: list[tuple[int, int]] = []
    prior_end = 0
    for sentence in sentences:
        pos = 0
        while pos <= len(text):
            found = text.find(sentence, pos)
            if found < 0:
                break
            end = found + len(sentence)
            while end < len(text) and text[end].isspace():
                end += 1
            if end > prior_end:
                spans.append((found, end))
                prior_end = end
                break
            pos = end if end > found else found + 1
    return spans


def _pysbd_spans(text: str, offset: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        # Normal paragraphs fit in one part; only overlong ones are cut (see the module doc).
        end = start + cut_point(text[start:], MAX_PIECE_CHARS) if len(text) - start > MAX_PIECE_CHARS else len(text)
        end = max(end, start + 1)
        for a, b in _relative_spans(text[start:end]):
            spans.extend(_word_capped(text, offset, start + a, start + b))
        start = end
    return spans


def _word_capped(text: str, offset: int, start: int, end: int) -> list[tuple[int, int]]:
    """The span text[start:end] (shifted by offset), split into pieces of at most
    MAX_SENTENCE_WORDS words when it is longer."""
    if end - start < MAX_SENTENCE_WORDS * 2:  # too short to hold that many words
        return [(offset + start, offset + end)]
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, start, end)]
    if len(words) <= MAX_SENTENCE_WORDS:
        return [(offset + start, offset + end)]
    return [
        (offset + words[i][0], offset + words[min(i + MAX_SENTENCE_WORDS, len(words)) - 1][1])
        for i in range(0, len(words), MAX_SENTENCE_WORDS)
    ]


# The piece cache keeps up to CACHED_PIECES pieces of at most CACHED_PIECE_CHARS characters: a
# news paragraph (~330 characters) costs ~580 bytes there, so ~12 MB full, and ~80 MB at worst
# (every piece at the limit, in text that takes four bytes a character). Pieces are cut at
# MAX_PIECE_CHARS (10,000), so with no limit on their length the cache could hold 200 MB-800 MB.
CACHED_PIECES = 20_000
CACHED_PIECE_CHARS = 1_000


def _relative_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence spans of one paragraph piece (cached when it is short: re-briefing a bundle
    re-splits little)."""
    return _cached_piece_spans(text) if len(text) <= CACHED_PIECE_CHARS else _piece_spans(text)


def piece_cache_info() -> Any:
    """The piece cache's hits, misses, size and bound (functools' CacheInfo)."""
    return _cached_piece_spans.cache_info()


def _piece_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    segmenter = _segmenter()
    for start, end in _locate(text, segmenter.processor(text).process()) if text else ():
        # pysbd spans carry trailing white space; trim both ends to the words.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        if spans and not _WORDLIKE.search(text, start, end):
            # A lone closing quote or bracket that pysbd cut off: it ends the previous sentence.
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return tuple(spans)


_cached_piece_spans = lru_cache(maxsize=CACHED_PIECES)(_piece_spans)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in `text`, in order."""
    spans: list[tuple[int, int]] = []
    for paragraph in _PARAGRAPH.finditer(text):
        chunk_start = paragraph.start()
        cuts = [m.start() for m in _GLUED.finditer(paragraph.group())]
        bounds = [0, *cuts, len(paragraph.group())]
        for a, b in zip(bounds, bounds[1:]):
            piece = paragraph.group()[a:b]
            if piece.strip():
                spans.extend(_pysbd_spans(piece, chunk_start + a))
    return spans


def segment(article: Article) -> Article:
    """Fill `article.sentences` from `article.text` (and `article.id` from it, if not yet set)."""
    if not article.id:
        article.id = article_id(article.text)
    paragraph_starts = [m.start() for m in _PARAGRAPH.finditer(article.text)]
    sentences: list[Sentence] = []
    p = 0
    for i, (start, end) in enumerate(split_sentences(article.text)):
        while p + 1 < len(paragraph_starts) and paragraph_starts[p + 1] <= start:
            p += 1
        sentences.append(Sentence(article.id, i, article.text[start:end], start, end, p))
    article.sentences = sentences
    return article
