"""Words as the summariser counts them: the budget's word count and a sentence's content words."""

from __future__ import annotations

import re

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
