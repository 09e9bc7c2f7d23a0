"""Bounds on the work done per article, so that any input within the 10 MB size limit is briefed
in seconds, not minutes (issue 16; measured by bench/sizes.py).

No news article comes near these lengths; an input that does is a page dump, a log or a mistake,
and is cut -- at a paragraph or sentence boundary where there is one -- with a "cut-length"
Removal on the article naming the limit (see stages/clean.py). Normal articles are not touched.

- MAX_RAW_CHARS: raw body text the cleaner reads at all (its line rules are linear, but a page
  dump of 100,000 lines is not worth cleaning);
- clean text kept (`text_limit`): at most MAX_TEXT_CHARS (about 16,000 words: the longest
  long-form journalism fits), MAX_TEXT_SENTENCES sentence ends or MAX_TEXT_QUOTE_MARKS quotation
  marks, whichever comes first, but never less than MIN_TEXT_CHARS (about 5,000 words). Every
  later stage -- parsing, sentence vectors, quote matching -- grows with the text, and the
  bundle's sentence graph with the square of its sentences: 30,000 characters of quotations
  "said X" take some 10 s, so text thick with sentences or quotes is held to what 30,000
  characters of it cost, while prose is kept whole (an extractor that cut a long article's last
  third would lose to trafilatura on the benchmark's long pages);
- MAX_PIECE_CHARS: text given to pysbd in one call (its cost grows with the square of the text);
- MAX_SENTENCE_WORDS: a "sentence" longer than this (a flattened list or table) is split into
  pieces of this many words.
"""

from __future__ import annotations

import re

MAX_RAW_CHARS = 200_000
MIN_TEXT_CHARS = 30_000
MAX_TEXT_CHARS = 100_000
MAX_TEXT_SENTENCES = 1_500  # a 100,000-character news article has about 800
MAX_TEXT_QUOTE_MARKS = 2_000  # straight and curly double quotes, guillemets
MAX_PIECE_CHARS = 10_000
MAX_SENTENCE_WORDS = 300
# Articles in one brief: bundle-wide work (relevance, the sentence graph) grows with the square of
# the sentences, and 200 short articles already take ~13 s and 600 MB; a bigger bundle is briefed
# from its first 200, with a warning (a stream of many stories is `crossbrief stories`' job).
MAX_BRIEF_ARTICLES = 200
# Sentences of one brief the fine encoder (MiniLM, ~21 MFLOP a token: some 100 sentences a second
# on one core) embeds for citations and the redundancy test; a bigger bundle uses the static
# vectors for both, as `batch` always does (its citer is within 0.01 F1 of MiniLM's, see
# docs/benchmarks.md), so that no brief spends minutes there.
MAX_FINE_SENTENCES = 2_000

CUT_REASON = "cut-length"

# Sentence-final punctuation (optionally closing quotes or brackets), then white space.
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s)")
# What `text_limit` counts: a sentence end or a line break, and a quotation mark (not ’: the apostrophe).
_SENTENCE_OR_LINE = re.compile(r"[.!?…][\"'”’»)\]]*(?:\n|(?=\s))|\n")  # one count for ".\n"
_QUOTE_MARK = re.compile(r"[\"“”«»„]")


def _after_nth(pattern: re.Pattern[str], text: str, n: int, end: int) -> int:
    """The offset just after the n-th match of `pattern` in text[:end] (`end` if fewer)."""
    for count, match in enumerate(pattern.finditer(text, 0, end), 1):
        if count == n:
            return match.end()
    return end


def text_limit(text: str) -> int:
    """How many characters of clean text `text` keeps (see the module docstring): len(text) for
    any normal article; else the first of MAX_TEXT_CHARS characters, MAX_TEXT_SENTENCES sentence
    ends or line breaks, MAX_TEXT_QUOTE_MARKS quotation marks, but at least MIN_TEXT_CHARS."""
    if len(text) <= MIN_TEXT_CHARS:
        return len(text)
    limit = min(len(text), MAX_TEXT_CHARS)
    limit = _after_nth(_SENTENCE_OR_LINE, text, MAX_TEXT_SENTENCES, limit)
    limit = _after_nth(_QUOTE_MARK, text, MAX_TEXT_QUOTE_MARKS, limit)
    return max(MIN_TEXT_CHARS, limit)


def cut_point(text: str, limit: int) -> int:
    """Where to cut `text` to at most `limit` characters: len(text) if it fits; else the last
    paragraph break, sentence end or white space in the second half of the first `limit`
    characters, in that order of preference; else `limit` itself."""
    if len(text) <= limit:
        return len(text)
    half = limit // 2
    newline = text.rfind("\n", half, limit)
    if newline >= 0:
        return newline
    ends = [m.end() for m in _SENTENCE_BREAK.finditer(text, half, limit)]
    if ends:
        return ends[-1]
    space = max(text.rfind(" ", half, limit), text.rfind("\t", half, limit))
    return space if space >= 0 else limit
