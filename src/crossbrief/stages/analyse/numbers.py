"""Numbers written in digits or words: their value, the interval they allow, their kind.

"250,000", "450.000", "1.5 million", "$14.5bn", "92 per cent", "two and a half", "a
quarter-million", "hundreds"; with "about", "at least", "up to", ranges ("900 to 1,000").
Years, times of day, codes and number words in names are not numbers here (see "Figures" in docs/facts.md).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

UNIT_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "dozen": 12.0}
_SHORT_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "tn": 1e12}
_FRACTIONS = {"half": 0.5, "quarter": 0.25}
# Vague quantities: the interval they allow (documented in docs/facts.md).
_VAGUE = {
    "dozens": (24.0, 99.0), "scores": (40.0, 199.0), "hundreds": (200.0, 999.0),
    "thousands": (2000.0, 9999.0), "millions": (2e6, 9.99e6),
    "tens of thousands": (2e4, 99999.0), "hundreds of thousands": (2e5, 999999.0),
    "tens of millions": (2e7, 9.99e7),
}

_W = "|".join(sorted([*UNIT_WORDS, *_TENS], key=len, reverse=True))
_NUMWORD = rf"(?:{_W})(?:-(?:{_W}))?"
_SCALE = r"(?:hundred|thousand|million|billion|trillion|dozen)"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?![.,]?\d)|\d+(?:\.\d+)?)"
_NUMBER = re.compile(
    r"(?<![\w/:.,$£€-])(?<!\w-)"
    r"(?P<cur>US\$|[$£€])?\s?"
    r"(?P<num>"
    # "12m" and "£3.5m" are millions, "12 m of rain" is metres: a spaced short scale only as bn/mn.
    rf"{_DIGITS}(?:(?:bn|mn|m|k)\b|\s(?:bn|mn)\b|(?:\s+{_SCALE}s?)+)?(?:\s+and\s+a\s+(?:half|quarter))?"
    rf"|(?:(?:a|an|one)\s+)?(?:half|quarter)(?:[\s-]+(?:of\s+)?a)?[\s-]+{_SCALE}"
    rf"|(?:a|an)\s+(?:{_SCALE})"
    rf"|{_NUMWORD}(?:[\s-]+(?:and\s+)?(?:{_NUMWORD}|{_SCALE}s?))*(?:\s+and\s+a\s+(?:half|quarter))?"
    r"|(?:tens|hundreds|thousands|millions|dozens|scores)(?:\s+of\s+(?:thousands|millions))?(?=\s+of\b)"
    r")"
    r"(?P<pct>\s?%|\s+per\s?cent\b|\s+percent\b)?"
    r"(?![\w/:]|\.\d|,\d)",
    re.I,
)

_QUALIFIER_WORDS = {
    "at least": "at least|more than|over|upwards of|in excess of|no fewer than|no less than|not less than|"
                "greater than|above|exceeding|a minimum of|minimum of",
    "at most": "up to|no more than|not more than|at most|a maximum of|maximum of|fewer than|less than|under|"
               "as many as|as much as|below|nearly|almost|just under|not even",
    "about": "about|around|approximately|roughly|some|an estimated|estimated|an approximate|close to|circa|"
             "approx|perhaps|reportedly",
}
_QUALIFIER_KIND = {w: kind for kind, words in _QUALIFIER_WORDS.items() for w in words.split("|")}
# One alternation anchored at the number: the search finds the leftmost (so longest) phrase,
# which keeps "no more than" (at most) from reading as "more than" (at least).
_QUALIFIER = re.compile(r"\b(?:" + "|".join(sorted(_QUALIFIER_KIND, key=len, reverse=True)) + r")\s*$", re.I)
# What follows the hour of a time of day: "6 p.m.", "10 AM", "9 a. m.", "seven o'clock".
_CLOCK_AFTER = re.compile(r"\s*(?:[ap]\.\s?m\b\.?|[ap]m\b|o['’]clock\b)", re.I)
_RANGE_JOIN = re.compile(r"^\s*(?:to|-|–|—|and|or)\s*$", re.I)
TIME_UNITS = {"second", "minute", "hour", "day", "night", "week", "fortnight", "month", "year", "decade", "century"}
CURRENCY_WORDS = {"dollar": "$", "euro": "EUR", "pound": "GBP", "yen": "JPY", "rouble": "RUB", "ruble": "RUB"}
_YEAR_BEFORE = re.compile(
    r"\b(?:in|since|of|by|until|till|from|during|before|after|early|late|mid|summer|spring|autumn|fall|winter|"
    r"year|january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?,?\s*$",
    re.I,
)


def number_value(text: str) -> tuple[float, float | None, float | None, bool]:
    """(value, low, high, vague) of a number written in digits and/or words."""
    low_text = re.sub(r"\s+", " ", text.lower().strip())
    for phrase, (lo, hi) in _VAGUE.items():
        if low_text == phrase:
            return lo, lo, hi, True
    total, current, pending = 0.0, 0.0, 0.0
    for tok in re.findall(r"\d[\d,.]*|[a-z]+", low_text):
        if tok[0].isdigit():
            current += _digits_value(tok)
        elif tok in UNIT_WORDS:
            current += UNIT_WORDS[tok]
        elif tok in _TENS:
            current += _TENS[tok]
        elif tok in _FRACTIONS:
            # "two and a half" adds; "a quarter-million" / "half a million" scales what follows.
            if current:
                current += _FRACTIONS[tok]
            else:
                pending = _FRACTIONS[tok]
        elif tok.rstrip("s") in ("hundred", "dozen"):
            current = (current or pending or 1) * _SCALES[tok.rstrip("s")]
            pending = 0.0
        elif tok.rstrip("s") in _SCALES or tok in _SHORT_SCALES:
            scale = _SCALES.get(tok.rstrip("s")) or _SHORT_SCALES[tok]
            total += (current or pending or 1) * scale
            current, pending = 0.0, 0.0
    total += current or pending
    return total, total, total, False


def _digits_value(tok: str) -> float:
    tok = tok.rstrip(".,")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", tok):  # "450.000": European thousands separator
        tok = tok.replace(".", "")
    try:
        return float(tok.replace(",", ""))
    except ValueError:
        return 0.0


def _scale_of(text: str) -> float:
    words = re.findall(r"[a-z]+", text.lower())
    if words and (words[-1].rstrip("s") in _SCALES or words[-1] in _SHORT_SCALES):
        return _SCALES.get(words[-1].rstrip("s")) or _SHORT_SCALES[words[-1]]
    return 1.0


@dataclass
class Number:
    """A number found in a text: offsets, value and interval, kind, unit; `qualifier_start` is where
    its qualifier ("about", "at least") begins."""

    start: int
    end: int
    text: str
    value: float
    low: float | None
    high: float | None
    kind: str
    unit: str
    qualifier_start: int


def find_numbers(text: str, skip: list[tuple[int, int]] | None = None) -> list[Number]:
    """Numbers in `text` with value, interval and kind; spans in `skip` (dates) are left out."""
    skip_starts = sorted(skip or [])
    found: list[Number] = []
    for m in _NUMBER.finditer(text):
        num = m.group("num")
        start, end = m.start("num") if not m.group("cur") else m.start(), m.end()
        if _overlaps(skip_starts, start, end) or not _is_quantity(text, m, num):
            continue
        value, low, high, vague = number_value(num)
        unit = "%" if m.group("pct") else {"$": "$", "US$": "$", "£": "GBP", "€": "EUR"}.get(m.group("cur") or "", "")
        kind = "vague" if vague else "exact"
        qstart = start
        if not vague:
            before = text[max(0, start - 40):start]
            q = _QUALIFIER.search(before)
            if q:
                kind = _QUALIFIER_KIND[re.sub(r"\s+", " ", q.group().strip().lower())]
                qstart = start - len(before) + q.start()
                low, high = {"at least": (value, None), "at most": (0.0, value), "about": (value, value)}[kind]
        found.append(Number(start, end, text[start:end], value, low, high, kind, unit, qstart))
    return _merge_ranges(text, found)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect.bisect_right(spans, (end, end)) - 1
    return i >= 0 and spans[i][0] < end and spans[i][1] > start


def _is_quantity(text: str, m: re.Match[str], num: str) -> bool:
    """False for a lone "one"/"a", a year, or a number glued to letters (M10, X-101)."""
    words = re.findall(r"[a-z]+", num.lower())
    if words and not re.search(r"\d", num) and set(words) <= {"one", "a", "an"}:
        return False
    if num[0].isupper() and re.search(r"[A-Z][\w.]*\s+$", text[max(0, m.start() - 20):m.start()]):
        return False  # part of a name: "World War Two", "Ocean's Eleven"
    if not m.group("pct") and not m.group("cur") and _CLOCK_AFTER.match(text, m.end()):
        return False  # a time of day ("6 p.m.", "10 AM", "seven o'clock"), not a quantity
    if re.fullmatch(r"(?:1[89]|20)\d\d", num) and not m.group("pct") and not m.group("cur"):
        before = text[max(0, m.start() - 25):m.start()]
        after = text[m.end():m.end() + 20]
        qualified = _QUALIFIER.search(before)
        followed_by_word = re.match(r"\s+[a-z]{3,}", after) and not re.match(
            r"\s+(?:and|to|or|when|as|the|a|an)\b", after
        )
        if _YEAR_BEFORE.search(before) or not (qualified or followed_by_word):
            return False
    return True


# A vote or a score: "ruled 7 to 2", "voted 41-12", "won 3-1", "a 5-4 decision". Neither number
# is a quantity of anything a reader would compare across outlets as a figure.
_TALLY_BEFORE = re.compile(
    r"\b(?:vot(?:e|es|ed|ing)|rul(?:e|es|ed|ing)|won|wins?|winning|beat|beats|beaten|lost|loses?|losing|"
    r"defeat(?:s|ed)?|scor(?:e|es|ed|ing)|margin|tally|split|drew|draw|led|leads?|trail(?:s|ed|ing)?|"
    r"passed|approved|rejected|upheld|by|(?:vote|margin|score|tally|majority)\s+of)\s+(?:a\s+|an\s+)?$",
    re.I,
)
_TALLY_AFTER = re.compile(
    r"^\s*(?:votes?|decision|ruling|verdict|majority|margin|win|victory|defeat|loss|lead|"
    r"in\s+favou?r|against|scoreline|draw)\b",
    re.I,
)
_TALLY_JOIN = re.compile(r"^\s*(?:to|-|–|—)\s*$", re.I)


def _is_tally(text: str, first: Number, second: Number) -> bool:
    """True for "7 to 2" or "41-12" read as a vote or a score (a cue word before or after)."""
    if first.kind != "exact" or second.kind != "exact" or first.unit or second.unit:
        return False
    if not _TALLY_JOIN.match(text[first.end:second.start]):
        return False
    if first.value != int(first.value) or second.value != int(second.value) or first.value < second.value:
        return False  # "10 to 20" is a range; a tally names the winning side first
    return _tally_cue(text, first.start, second.end)


def _tally_cue(text: str, start: int, end: int) -> bool:
    """A vote or score word just before `start` ("voted", "by a") or just after `end` ("vote")."""
    return bool(_TALLY_BEFORE.search(text[max(0, start - 25):start]) or _TALLY_AFTER.match(text[end:end + 20]))


_HYPHEN_SECOND = re.compile(r"[-–]\d{1,3}\b(?![.,]\d)")


def _is_hyphen_tally(text: str, n: Number) -> bool:
    """"41-12" after a cue: the number pattern reads the "41" only (a digit after a hyphen is not
    a number of its own), so the second side is looked for here."""
    m = _HYPHEN_SECOND.match(text, n.end)
    if not m or n.kind != "exact" or n.unit or n.value != int(n.value) or int(m.group()[1:]) > n.value:
        return False  # "ages of 13-18", "300-500 km": a range, written low to high
    return _tally_cue(text, n.start, m.end())


def _drop_tallies(text: str, nums: list[Number]) -> list[Number]:
    out: list[Number] = []
    i = 0
    while i < len(nums):
        if i + 1 < len(nums) and _is_tally(text, nums[i], nums[i + 1]):
            i += 2
            continue
        if _is_hyphen_tally(text, nums[i]):
            i += 1
            continue
        out.append(nums[i])
        i += 1
    return out


def _merge_ranges(text: str, nums: list[Number]) -> list[Number]:
    """"900 to 1,000", "between 10 and 20", "two or three": one range figure. A vote or a score
    ("ruled 7 to 2", "won 3-1") is not a figure at all."""
    nums = _drop_tallies(text, nums)
    out: list[Number] = []
    for n in nums:
        prev = out[-1] if out else None
        if prev and prev.kind in ("exact", "about") and n.kind == "exact" and _RANGE_JOIN.match(text[prev.end:n.start]):
            joiner = text[prev.end:n.start].strip().lower()
            lo = prev.value * (_scale_of(n.text) if _scale_of(prev.text) == 1.0 else 1.0)
            between = re.search(r"\bbetween\s*$", text[max(0, prev.qualifier_start - 10):prev.qualifier_start], re.I)
            if lo < n.value and (joiner != "and" or between):
                start = prev.qualifier_start if prev.kind == "about" else prev.start
                out[-1] = Number(
                    prev.start,
                    n.end,
                    text[prev.start:n.end],
                    lo,
                    lo,
                    n.value,
                    "range",
                    n.unit or prev.unit,
                    min(start, prev.qualifier_start),
                )
                continue
        out.append(n)
    return out

