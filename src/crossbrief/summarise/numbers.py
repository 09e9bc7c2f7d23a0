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


def figure_relation(a: str, b: str) -> str:
    """How the figures of two matching sentences relate: "none" (one has none), "same" (a
    figure in common), "differ" (same order of magnitude, within a factor 1.5, but no figure
    in common: 250,000 vs 275,000 trapped) or "unrelated" (far apart: likely other facts)."""
    fa, fb = _figures(a), _figures(b)
    if not fa or not fb:
        return "none"
    if fa & fb:
        return "same"
    if any(max(x, y) <= 1.5 * min(x, y) for x in fa for y in fb):
        return "differ"
    return "unrelated"
