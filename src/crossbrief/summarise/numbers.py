"""Figures in sentences, and how the figures of two sentences relate (for `differ` citations)."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:\s?(?:%|percent|million|billion|thousand))?", re.I)
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def numbers_in(text: str) -> set[float]:
    """Figures in a sentence as floats ("250,000" and "250 thousand" both give 250000)."""
    found: set[float] = set()
    for m in _NUMBER.finditer(text):
        token = m.group().lower()
        scale = 1.0
        for word, factor in _SCALE.items():
            if token.endswith(word):
                scale = factor
                token = token[: -len(word)]
        token = token.replace("percent", "").replace("%", "").strip().replace(",", "")
        try:
            value = float(token) * scale
        except ValueError:
            continue
        found.add(value)
    return found


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY_OF_MONTH = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b", re.I)


def _figures(text: str) -> set[float]:
    # Dates, years and small counts ("3 days") are context, not the contested figure.
    text = _DAY_OF_MONTH.sub(" ", text)
    return {v for v in numbers_in(text) if not (1900 <= v <= 2100 and float(v).is_integer()) and v >= 10}


_SMALL_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}
# A small count of people or things ("Seven people", "2 suspects"), not of time ("three days",
# "2 p.m.") and not "one" (a pronoun as often as a count).
_SMALL_COUNT = re.compile(
    r"(?<![\w.,])(" + "|".join(_SMALL_WORDS) + r"|[2-9])\s+(?!(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|"
    r"decades?|centuries|nights?|times|o'clock|[ap]\.?m\b|percent|per\b|of\b|or\b|to\b|and\b))[a-z]", re.I)


def _counts(text: str) -> set[float]:
    """`_figures` and the small counts of people or things: "Seven people", "nine were hurt"."""
    found = _figures(text)
    for m in _SMALL_COUNT.finditer(text):
        word = m.group(1).lower()
        found.add(float(_SMALL_WORDS.get(word, word)) if not word.isdigit() else float(word))
    return found


def figure_relation(a: str, b: str, counts: bool = False) -> str:
    """How the figures of two matching sentences relate: "none" (one has none), "same" (a
    figure in common), "differ" (same order of magnitude, within a factor 1.5, but no figure
    in common: 250,000 vs 275,000 trapped) or "unrelated" (far apart: likely other facts).

    With `counts`, small counts of people and things are figures too ("Seven people were taken
    to hospital" against "Nine ..." differ): used once a citation is decided, to say whether the
    other outlet reports it with other figures. (The citation judge's own features keep the
    larger figures only, as it was fitted.)"""
    fa, fb = (_counts(a), _counts(b)) if counts else (_figures(a), _figures(b))
    if not fa or not fb:
        return "none"
    if fa & fb:
        return "same"
    if any(max(x, y) <= 1.5 * min(x, y) for x in fa for y in fb):
        return "differ"
    return "unrelated"
