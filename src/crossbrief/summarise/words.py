"""Words as the summariser counts them: the budget's word count, content words, stemmed concepts."""

from __future__ import annotations

import re
from functools import lru_cache

STOP_WORDS = frozenset(
    "a an the of to in on at for by with from and or but is are was were be been being has have had "
    "it its this that these those he she they we you i his her their our your him them as not no "
    "will would can could should may might do does did said says say also than then there here "
    "who whom which what when where why how about after before over into out up more most".split()
)


def words_of(text: str) -> int:
    """Word count as the budget counts it (white-space separated tokens)."""
    return len(text.split())


def content_words(text: str) -> list[str]:
    """The sentence's lower-cased words and figures, without stop words and single letters."""
    return [w for w in re.findall(r"[a-z]+|\d+(?:[.,]\d+)*", text.lower()) if w not in STOP_WORDS and len(w) > 1]


@lru_cache(maxsize=1)
def _stemmer():
    # Snowball's Porter stemmer: pure Python and imported in milliseconds (nltk's takes 1.5 s).
    import snowballstemmer

    return snowballstemmer.stemmer("porter")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word) if len(word) > 3 else word


def concepts_of(text: str) -> set[tuple[str, ...]]:
    """Stemmed bigrams (not both stop words) and stemmed content words of a sentence."""
    tokens = [_stem(t) for t in re.findall(r"[a-z0-9]+", text.lower())]
    stop = [t in STOP_WORDS for t in tokens]
    found: set[tuple[str, ...]] = {
        (a, b) for a, b, sa, sb in zip(tokens, tokens[1:], stop, stop[1:]) if not (sa and sb)
    }
    found.update((t,) for t, st in zip(tokens, stop) if not st and len(t) > 2)
    return found
