"""Facts in one article: named entities, figures, direct quotes and dates (see docs/facts.md).

Every sentence of every article is parsed once by spaCy (`nlp.pipe` over the sentences found by
segment.py, which copes with scraped text better than spaCy's own splitter). The rules on top of
the parse are deliberately simple and local -- a figure's qualifier is read from the words just
before it, its source from the speech verb of its own sentence, a quote's speaker from the
attribution next to its quotation marks -- so that each stays linear in the length of the text
and explainable in one line of docs/facts.md.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import os
import re
import sys
import threading
import unicodedata
from collections import OrderedDict, Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from crossbrief.model import Article, DateMention, Figure, Mention, Quote
from crossbrief.resources.nlp import get_nlp, nlp_lock

# A sentence longer than this is cut before parsing: spaCy's cost grows with sentence length and
# scraped pages sometimes hold one "sentence" of thousands of characters (lists, tables).
MAX_SENTENCE_CHARS = 2000


@dataclass
class _Parsed:
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


ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}


# -- names ---------------------------------------------------------------------------------------
_TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "president", "gen", "general",
    "col", "colonel", "maj", "major", "capt", "captain", "lt", "sgt", "secretary", "minister",
    "prime", "premier", "chancellor", "king", "queen", "prince", "princess", "sheikh", "pope",
    "rep", "sen", "senator", "gov", "governor", "judge", "justice", "prof", "professor", "rev",
    "ambassador", "envoy", "chairman", "chief", "mayor", "officer", "spokesman", "spokeswoman",
}
_PERSON_TITLES = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame"}
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|as|ash|an|ar)-", re.I)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


def fold(text: str) -> str:
    """Comparison key for a name: accents, case, dots and spacing ignored."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace(".", "")
    return re.sub(r"\s+", " ", text).strip()


def clean_name(text: str, label: str) -> str:
    """A mention as a name: no leading article, possessive or (for people) title."""
    text = re.sub(r"\s+", " ", text).strip(" \t\n,;:-–—\"'“”‘’()")
    text = _POSSESSIVE.sub("", text)
    words = text.split(" ")
    if words and words[0].lower() == "the":
        words = words[1:]
    while len(words) > 1 and (words[0].lower().rstrip(".") in _PERSON_TITLES or (label == "PERSON" and words[0].lower().rstrip(".") in _TITLES)):
        words = words[1:]
    return " ".join(words)


_PARTICLE_NAME = re.compile(r"^(?:[A-Z][\w'’-]+\s+)?(?:de|da|di|van|von|der|den|bin|ibn|le|la|del|dos|du)\s+[A-Z][\w'’-]+$")


def _looks_personal(text: str) -> bool:
    """A title ("Mr de Mistura") or a nobiliary particle ("Staffan de Mistura") marks a person."""
    words = text.split()
    if len(words) >= 2 and words[0].lower().rstrip(".") in _PERSON_TITLES:
        return True
    return bool(_PARTICLE_NAME.match(text.strip()))


def _name_tokens(name: str) -> list[str]:
    return [_ARTICLE_PREFIX.sub("", t) for t in fold(name).replace("-", "- ").replace("- ", "-").split()]


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w[0].isupper()]
    return "".join(w[0] for w in words).upper()


def canonical_names(mentions: Iterable[Mention]) -> dict[str, tuple[str, str]]:
    """fold(clean name) -> (canonical name, label), shared by all the given mentions.

    A person named by a surname ("de Mistura", "Mr. de Mistura") takes the full name that ends
    with the same words ("Staffan de Mistura") when exactly one such full name exists; an
    acronym ("U.N.", "UN") takes the multi-word name whose capitals spell it ("United Nations").
    The label is the most frequent one, PERSON winning ties (small NER models often tag a full
    name ORG once).
    """
    forms: dict[str, Counter[str]] = {}
    labels: dict[str, Counter[str]] = {}
    titled: set[str] = set()
    for m in mentions:
        name = clean_name(m.text, m.label)
        if not name or not any(c.isalpha() for c in name):
            continue
        key = fold(name)
        forms.setdefault(key, Counter())[name] += 1
        labels.setdefault(key, Counter())[m.label] += 1
        if _looks_personal(m.text):
            labels[key]["PERSON"] += 3
            titled.add(key)

    def label_of(key: str) -> str:
        counts = labels[key]
        top = counts.most_common(1)[0][1]
        return "PERSON" if counts.get("PERSON", 0) >= top else counts.most_common(1)[0][0]

    display = {k: max(c.items(), key=lambda kv: (kv[1], len(kv[0])))[0] for k, c in forms.items()}
    tokens = {k: _name_tokens(k) for k in forms}
    # A full name ending in a name known to be a person's is a person's too ("Staffan de Mistura"
    # tagged ORG, "Mr de Mistura" titled).
    # "Ms Brisk" makes "Elena Brisk" a person as well.
    personal = {tuple(tokens[k]) for k in forms if label_of(k) == "PERSON" and (len(tokens[k]) >= 2 or k in titled)}
    for k in forms:
        if label_of(k) != "PERSON" and any(tuple(tokens[k][-len(t):]) == t for t in personal if len(t) < len(tokens[k])):
            labels[k]["PERSON"] += sum(labels[k].values())
    # An "organisation" of two or more words that end exactly one person's full name is that
    # person, mis-tagged ("De Mistura" as ORG beside "Staffan de Mistura"). One word is too weak
    # a link ("Alliance" and a "Civic Alliance" the small model once tagged PERSON); places are
    # left alone ("Washington").
    full_names = {tuple(tokens[k]) for k in forms if label_of(k) == "PERSON" and len(tokens[k]) >= 3}
    for k in forms:
        n = len(tokens[k])
        if label_of(k) == "ORG" and n >= 2 and sum(1 for t in full_names if len(t) > n and t[-n:] == tuple(tokens[k])) == 1:
            labels[k]["PERSON"] += sum(labels[k].values())
    people = [k for k in forms if label_of(k) == "PERSON" and len(tokens[k]) >= 2]
    by_last: dict[str, list[str]] = {}
    for k in people:
        by_last.setdefault(tokens[k][-1], []).append(k)
    acronyms: dict[str, list[str]] = {}
    for k in forms:
        if label_of(k) != "PERSON" and len(tokens[k]) >= 2:
            acronyms.setdefault(_initials(display[k]), []).append(k)

    result: dict[str, tuple[str, str]] = {}
    for key in forms:
        target = key
        toks = tokens[key]
        if label_of(key) == "PERSON" and toks:
            longer = [k for k in by_last.get(toks[-1], []) if len(tokens[k]) > len(toks) and tokens[k][-len(toks):] == toks]
            fullest = {k for k in longer if not any(k != o and tokens[o][-len(tokens[k]):] == tokens[k] for o in longer)}
            if len(fullest) == 1:
                target = fullest.pop()
        elif label_of(key) == "NORP" and key.endswith("s") and key[:-1] in forms:
            target = key[:-1]  # "Russians" -> "Russian"
        elif label_of(key) != "PERSON" and len(toks) == 1 and 2 <= len(key) <= 6:
            candidates = acronyms.get(display[key].replace(".", "").upper(), [])
            if len(candidates) == 1 and display[key].replace(".", "").isupper():
                target = candidates[0]
        result[key] = (display[target], label_of(target) if label_of(key) != "PERSON" else "PERSON")
    return result


def set_canonical(mentions: list[Mention]) -> None:
    """Fill `Mention.canonical` (and unify labels) across all the given mentions."""
    names = canonical_names(mentions)
    for m in mentions:
        name, label = names.get(fold(clean_name(m.text, m.label)), (clean_name(m.text, m.label), m.label))
        m.canonical = name
        m.label = label


# -- numbers -------------------------------------------------------------------------------------
_UNITS = {w: i for i, w in enumerate(
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

_W = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_NUMWORD = rf"(?:{_W})(?:-(?:{_W}))?"
_SCALE = r"(?:hundred|thousand|million|billion|trillion|dozen)"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?![.,]?\d)|\d+(?:\.\d+)?)"
_NUMBER = re.compile(
    r"(?<![\w/:.,$£€-])(?<!\w-)"
    r"(?P<cur>US\$|[$£€])?\s?"
    r"(?P<num>"
    rf"{_DIGITS}(?:\s?(?:bn|mn|m|k)\b|(?:\s+{_SCALE}s?)+)?(?:\s+and\s+a\s+(?:half|quarter))?"
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
_QUALIFIER = re.compile(r"\b(?:%s)\s*$" % "|".join(sorted(_QUALIFIER_KIND, key=len, reverse=True)), re.I)
_RANGE_JOIN = re.compile(r"^\s*(?:to|-|–|—|and|or)\s*$", re.I)
_TIME_UNITS = {"second", "minute", "hour", "day", "night", "week", "fortnight", "month", "year", "decade", "century"}
_CURRENCY_WORDS = {"dollar": "$", "euro": "EUR", "pound": "GBP", "yen": "JPY", "rouble": "RUB", "ruble": "RUB"}
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
        elif tok in _UNITS:
            current += _UNITS[tok]
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
class _Num:
    start: int
    end: int
    text: str
    value: float
    low: float | None
    high: float | None
    kind: str
    unit: str
    qualifier_start: int


def find_numbers(text: str, skip: list[tuple[int, int]] | None = None) -> list[_Num]:
    """Numbers in `text` with value, interval and kind; spans in `skip` (dates) are left out."""
    skip_starts = sorted(skip or [])
    found: list[_Num] = []
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
        found.append(_Num(start, end, text[start:end], value, low, high, kind, unit, qstart))
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
    if re.fullmatch(r"(?:1[89]|20)\d\d", num) and not m.group("pct") and not m.group("cur"):
        before = text[max(0, m.start() - 25):m.start()]
        after = text[m.end():m.end() + 20]
        qualified = _QUALIFIER.search(before)
        followed_by_word = re.match(r"\s+[a-z]{3,}", after) and not re.match(r"\s+(?:and|to|or|when|as|the|a|an)\b", after)
        if _YEAR_BEFORE.search(before) or not (qualified or followed_by_word):
            return False
    return True


def _merge_ranges(text: str, nums: list[_Num]) -> list[_Num]:
    """"900 to 1,000", "between 10 and 20", "two or three": one range figure."""
    out: list[_Num] = []
    for n in nums:
        prev = out[-1] if out else None
        if prev and prev.kind in ("exact", "about") and n.kind == "exact" and _RANGE_JOIN.match(text[prev.end:n.start]):
            joiner = text[prev.end:n.start].strip().lower()
            lo = prev.value * (_scale_of(n.text) if _scale_of(prev.text) == 1.0 else 1.0)
            between = re.search(r"\bbetween\s*$", text[max(0, prev.qualifier_start - 10):prev.qualifier_start], re.I)
            if lo < n.value and (joiner != "and" or between):
                start = prev.qualifier_start if prev.kind == "about" else prev.start
                out[-1] = _Num(prev.start, n.end, text[prev.start:n.end], lo, lo, n.value, "range", n.unit or prev.unit, min(start, prev.qualifier_start))
                continue
        out.append(n)
    return out


# -- dates ---------------------------------------------------------------------------------------
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3,
    "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_MONTH_FULL = r"(?:January|February|March|April|June|July|August|September|October|November|December)"
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DATE_PATTERNS = [
    ("md", re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>(?:19|20)\d\d)\b)?")),
    ("dm", re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MONTH})(?:,?\s+(?P<y>(?:19|20)\d\d)\b)?")),
    ("my", re.compile(rf"\b(?P<m>{_MONTH_FULL}|May)\s+(?P<y>(?:19|20)\d\d)\b")),
    ("m", re.compile(rf"\b(?:in|since|until|by|last|this|early|late|mid|from)\s+(?P<core>(?P<m>{_MONTH_FULL}))\b")),
    ("y", re.compile(r"\b(?:in|since|by|until|during|from)\s+(?P<core>(?P<y>(?:19|20)\d\d))\b(?!\s*[-–]?\s*\d)")),
    ("wd", re.compile(r"\b(?:(?P<rel>last|this|next|on|since)\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("rel", re.compile(r"\b(?P<rel>today|yesterday|tomorrow|tonight|(?:earlier |later )?(?:last|this|next) (?:week|month|year|weekend)|(?P<n>\w+) (?P<u>days|weeks|months|years) ago)\b", re.I)),
]


def find_dates(text: str, published: str, article: int = 0, fallback: str = "") -> list[DateMention]:
    """Date expressions in `text`, resolved against the ISO publication date when given.

    `fallback` (the bundle's usual date) only lends a year to "September 19" in an undated
    article, choosing the year that puts the date nearest to it; relative dates ("on Thursday")
    stay unresolved without the article's own date.
    """
    base = _iso_date(published)
    borrowed = _iso_date(fallback) if base is None else None
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            a, b = m.span("core") if "core" in pattern.groupindex else m.span()
            if any(s < b and a < e for s, e in taken):
                continue
            if base is None and borrowed is not None and kind in ("md", "dm") and not m.group("y"):
                value, granularity, relative = _nearest_year(m, borrowed)
            else:
                value, granularity, relative = _resolve(kind, m, base)
            taken.append((a, b))
            found.append(DateMention(text[a:b], a, b, article, 0, value, granularity, relative))
    found.sort(key=lambda d: d.start)
    return found


def _nearest_year(m: re.Match[str], near: dt.date) -> tuple[str, str, bool]:
    month, day = _MONTHS[m.group("m").lower().rstrip(".")], int(m.group("d"))
    options = [d for d in (_safe_date(near.year + k, month, day) for k in (-1, 0, 1)) if d]
    if not options:
        return "", "day", False
    return min(options, key=lambda d: abs((d - near).days)).isoformat(), "day", False


def _iso_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _resolve(kind: str, m: re.Match[str], base: dt.date | None) -> tuple[str, str, bool]:
    """(ISO value, granularity, relative?) of one matched date expression."""
    g = m.groupdict()
    if kind in ("md", "dm"):
        month, day = _MONTHS[g["m"].lower().rstrip(".")], int(g["d"])
        year = int(g["y"]) if g.get("y") else None
        if year is None and base:
            year = base.year
            # News looks back: a date later than a week after publication is last year's.
            if _safe_date(year, month, day) and _safe_date(year, month, day) > base + dt.timedelta(days=7):
                year -= 1
        d = _safe_date(year or 2000, month, day)
        if not d:
            return "", "day", False
        return (d.isoformat() if year else f"--{month:02d}-{day:02d}"), "day", False
    if kind == "my":
        return f"{int(g['y']):04d}-{_MONTHS[g['m'].lower()]:02d}", "month", False
    if kind == "m":
        month = _MONTHS[g["m"].lower()]
        if not base:
            return f"--{month:02d}", "month", False
        year = base.year - (1 if month > base.month else 0)
        return f"{year:04d}-{month:02d}", "month", True
    if kind == "y":
        return g["y"], "year", False
    if kind == "wd":
        if not base:
            return "", "day", True
        target = _WEEKDAYS.index(g["wd"].lower())
        back = (base.weekday() - target) % 7
        if (g.get("rel") or "").lower() == "next":
            back = -((target - base.weekday()) % 7 or 7)
        elif (g.get("rel") or "").lower() != "last" and _looks_ahead(m):
            back = -((target - base.weekday()) % 7)  # "will stay closed until Wednesday": the coming one
        elif (g.get("rel") or "").lower() == "last" and back == 0:
            back = 7
        return (base - dt.timedelta(days=back)).isoformat(), "day", True
    return _resolve_relative(m.group("rel").lower(), g.get("n"), g.get("u"), base)


# A bare weekday is the past one in news ("said on Monday"), unless its own clause looks ahead.
_AHEAD = re.compile(
    r"\b(?:will|won't|shall|would|until|till|forecast|expected|scheduled|due|plans?|planned|set to|is to|are to)\b", re.I
)
_SAID_ON = re.compile(r"\b(?:said|says|told|announced|added|reported)\s+(?:on\s+|late\s+|early\s+)?$", re.I)


def _looks_ahead(m: re.Match[str]) -> bool:
    """Does the clause before this weekday speak of the future ("will remain closed until", "is
    forecast for")? Not when the weekday dates the speaking itself ("..., he said on Monday")."""
    before = m.string[max(0, m.start() - 100) : m.start()]
    before = re.split(r"[.!?;:]\s|\bsaid\b(?!\s+(?:on|late|early)?\s*$)", before)[-1]
    return bool(_AHEAD.search(before)) and not _SAID_ON.search(before)


def _resolve_relative(rel: str, n: str | None, unit: str | None, base: dt.date | None) -> tuple[str, str, bool]:
    if not base:
        return "", "day", True
    if rel in ("today", "tonight"):
        return base.isoformat(), "day", True
    if rel in ("yesterday", "tomorrow"):
        return (base + dt.timedelta(days=-1 if rel == "yesterday" else 1)).isoformat(), "day", True
    if n and unit:
        count = _UNITS.get(n.lower()) or (int(n) if n.isdigit() else 0) or (1 if n.lower() in ("a", "one") else 0)
        if not count:
            return "", "day", True
        if unit.startswith("day"):
            return (base - dt.timedelta(days=count)).isoformat(), "day", True
        if unit.startswith("week"):
            return _week(base - dt.timedelta(weeks=count)), "week", True
        if unit.startswith("month"):
            y, mo = divmod(base.year * 12 + base.month - 1 - count, 12)
            return f"{y:04d}-{mo + 1:02d}", "month", True
        return f"{base.year - count:04d}", "year", True
    shift = -1 if "last" in rel else (1 if "next" in rel else 0)
    if rel.endswith("week") or rel.endswith("weekend"):
        return _week(base + dt.timedelta(weeks=shift)), "week", True
    if rel.endswith("month"):
        y, mo = divmod(base.year * 12 + base.month - 1 + shift, 12)
        return f"{y:04d}-{mo + 1:02d}", "month", True
    return f"{base.year + shift:04d}", "year", True


def _week(day: dt.date) -> str:
    """A week as the ISO date of its Monday (sorts with day dates in a timeline)."""
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def _safe_date(year: int | None, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year or 2000, month, day)
    except ValueError:
        return None


# -- quotes --------------------------------------------------------------------------------------
_SPEECH_VERBS = {
    "say", "tell", "ask", "add", "warn", "pledge", "state", "explain", "insist", "claim", "declare",
    "note", "write", "tweet", "announce", "reply", "respond", "continue", "argue", "urge", "vow",
    "promise", "admit", "acknowledge", "confirm", "deny", "stress", "remark", "observe", "recall",
    "plead", "appeal", "demand", "read", "report", "shout", "cry", "exclaim", "suggest", "conclude",
    "predict", "caution", "allege", "accuse", "describe", "call", "quote", "saying", "add",
}
_ESTIMATE_VERBS = _SPEECH_VERBS | {"estimate", "count", "record", "document", "tally", "put", "calculate", "believe", "show", "find"}
_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))['‘](?=[\w$£€.…])")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.,!?…)\]%'])['’](?=[\s,.;:!?)\]—–-]|$)")


def quote_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, closed) of the quoted words in `text`.

    Quotes never run past the end of a paragraph: news style leaves a quote open when it goes on
    in the next paragraph, and an unbalanced mark must not swallow the rest of the article.
    Double marks are paired first; single marks only where they pair up unambiguously (they
    double as apostrophes).
    """
    spans: list[tuple[int, int, bool]] = []
    for para in re.finditer(r"[^\n]+", text):
        base, s = para.start(), para.group()
        doubles: list[tuple[int, int, bool]] = []
        open_at: int | None = None
        for m in re.finditer(r"[“”\"]", s):
            ch = m.group()
            if open_at is None:
                if ch != "”":
                    open_at = m.end()
            elif ch == "“":
                open_at = m.end()  # an opening mark inside an open quote: the first one was stray
            else:
                doubles.append((open_at, m.start(), True))
                open_at = None
        if open_at is not None and len(s) - open_at > 0:
            doubles.append((open_at, len(s), False))
        singles: list[tuple[int, int, bool]] = []
        closes = [m.start() for m in _SINGLE_CLOSE.finditer(s)]
        last_end = -1
        for m in _SINGLE_OPEN.finditer(s):
            if m.start() < last_end or any(a <= m.start() < b for a, b, _ in doubles):
                continue
            i = bisect.bisect_left(closes, m.end())
            if i < len(closes) and not any(a <= closes[i] < b for a, b, _ in doubles):
                singles.append((m.end(), closes[i], True))
                last_end = closes[i] + 1
        for a, b, closed in sorted(doubles + singles):
            a2, b2 = _trim(s, a, b)
            if b2 > a2:
                spans.append((base + a2, base + b2, closed))
    return spans


def _trim(s: str, a: int, b: int) -> tuple[int, int]:
    while a < b and s[a] in " \t…":
        a += 1
    while b > a and s[b - 1] in " \t,;:":
        b -= 1
    return a, b


# -- the per-article pass ------------------------------------------------------------------------
def _parse(articles: list[Article]) -> list[list[_Parsed]]:
    """spaCy docs for every sentence of every article, in one `nlp.pipe` batch."""
    nlp = get_nlp()
    jobs: list[tuple[int, int, int, str]] = []
    for ai, article in enumerate(articles):
        if not article.sentences and article.text:
            from crossbrief.stages.segment import segment

            segment(article)
        for s in article.sentences:
            jobs.append((ai, s.index, s.start, article.text[s.start:s.end][:MAX_SENTENCE_CHARS]))
    parsed: list[list[_Parsed]] = [[] for _ in articles]
    docs = _parse_texts(nlp, [j[3] for j in jobs])
    for (ai, si, start, _), doc in zip(jobs, docs):
        parsed[ai].append(_Parsed(si, start, doc, [t.idx + start for t in doc]))
    return parsed


# Parses of recent sentences, so that re-briefing a bundle (a story followed as articles arrive,
# a repeated API call) parses only what is new. Docs are only read after parsing, never changed.
_DOC_CACHE_SIZE = 20_000
_doc_cache: OrderedDict[tuple[int, str], Any] = OrderedDict()


def _parse_texts(nlp: Any, texts: list[str]) -> list[Any]:
    with nlp_lock:
        todo = list(dict.fromkeys(t for t in texts if (id(nlp), t) not in _doc_cache))
        for text, doc in zip(todo, nlp.pipe(todo, batch_size=256)):
            _doc_cache[(id(nlp), text)] = doc
        docs = []
        for t in texts:
            _doc_cache.move_to_end((id(nlp), t))
            docs.append(_doc_cache[(id(nlp), t)])
        while len(_doc_cache) > _DOC_CACHE_SIZE:
            _doc_cache.popitem(last=False)
        return docs


def _mentions(article: Article, sents: list[_Parsed]) -> list[Mention]:
    out: list[Mention] = []
    for p in sents:
        for ent in p.doc.ents:
            if ent.label_ == "PERSON" and not any(t.pos_ == "PROPN" for t in ent):
                continue  # "Turnout was 64 per cent": a common noun the small model took for a name
            if ent.label_ in ENTITY_LABELS and any(c.isalpha() for c in ent.text):
                out.append(Mention(ent.text, ent.label_, p.start + ent.start_char, p.start + ent.end_char, article.index))
    return out


class _Context:
    """What the rules need to look up while reading one article."""

    def __init__(self, article: Article, sents: list[_Parsed]):
        self.article = article
        self.sents = sents
        self.sent_starts = [p.start for p in sents]
        self.mentions: list[Mention] = []
        self.mention_starts: list[int] = []
        self.person_names: set[str] = set()
        self._known: dict[str, str] = {}
        self.person_starts: list[int] = []
        self.people: list[Mention] = []
        self.quote_spans: list[tuple[int, int]] = []
        self.roles: dict[str, str] = {}
        self.speech_subjects: list[tuple[int, str]] = []

    def sentence_at(self, char: int) -> _Parsed | None:
        i = bisect.bisect_right(self.sent_starts, char) - 1
        return self.sents[i] if i >= 0 else None

    def in_quote(self, char: int) -> bool:
        i = bisect.bisect_right(self.quote_spans, (char, 10**12)) - 1
        return i >= 0 and self.quote_spans[i][0] <= char < self.quote_spans[i][1]

    def person_before(self, char: int) -> str:
        """The last person named outside quotes before `char` (for "he said")."""
        i = bisect.bisect_left(self.person_starts, char) - 1
        while i >= 0:
            m = self.people[i]
            if not self.in_quote(m.start):
                return m.canonical
            i -= 1
        return ""

    def is_person(self, name: str) -> bool:
        return name in self.person_names

    def people_in(self, p: _Parsed) -> list[Mention]:
        lo = bisect.bisect_left(self.person_starts, p.start)
        hi = bisect.bisect_left(self.person_starts, p.start + len(p.doc.text))
        return self.people[lo:hi]

    def known_person(self, written: str) -> str:
        """The canonical person a proper-noun phrase names ("De Mistura" -> "Staffan de Mistura")."""
        if written not in self._known:
            self._known[written] = self._find_person(written)
        return self._known[written]

    def _find_person(self, written: str) -> str:
        toks = _name_tokens(clean_name(written, "PERSON"))
        if not toks:
            return ""
        names = {m.canonical for m in self.people if _name_tokens(m.canonical)[-len(toks):] == toks}
        if not names:  # a person the tagger labelled ORG here but PERSON elsewhere is still found by name
            names = {m.canonical for m in self.mentions if len(_name_tokens(m.canonical)) >= 2
                     and _name_tokens(m.canonical)[-len(toks):] == toks and m.label in ("PERSON", "ORG")}
        return names.pop() if len(names) == 1 else ""

    def speaker_before(self, char: int) -> str:
        """Who "he"/"she" is: the last named subject of a speech verb in the last three
        sentences, else the last person named outside quotes."""
        i = bisect.bisect_left(self.speech_subjects, (char, "")) - 1
        if i >= 0:
            at, name = self.speech_subjects[i]
            here, there = self.sentence_at(char), self.sentence_at(at)
            if here is not None and there is not None and here.index - there.index <= 3:
                return name
        return self.person_before(char)

    def entity_in(self, start: int, end: int, labels: set[str]) -> Mention | None:
        i = bisect.bisect_left(self.mention_starts, start)
        while i < len(self.mentions) and self.mentions[i].start < end:
            m = self.mentions[i]
            if m.end <= end and m.label in labels:
                return m
            i += 1
        return None


def _titled_name(ctx: _Context, p: _Parsed, token: Any) -> str:
    """A name the tagger missed but a title vouches for: "Governor Ana Ruiz" -> "Ana Ruiz".

    The subject's words after its leading titles must be one to three capitalised proper nouns,
    not inside a place or organisation the tagger did find ("Kellam Council")."""
    words = [t for t in p.doc[token.left_edge.i: token.i + 1] if not t.is_punct]
    k = 0
    while k < len(words) and words[k].lower_.rstrip(".") in _TITLES:
        k += 1
    name = words[k:]
    if k == 0 or not 1 <= len(name) <= 3 or not all(t.pos_ == "PROPN" and t.is_title for t in name):
        return ""
    if ctx.entity_in(p.abs(name[0]), p.abs(name[-1]) + len(name[-1].text), {"ORG", "GPE", "LOC", "FAC", "NORP"}):
        return ""
    return " ".join(t.text for t in name)


def _speaker_of(ctx: _Context, token: Any, p: _Parsed) -> tuple[str, str, str, str]:
    """(speaker, as written, resolved_by, role) for the subject token of a speech verb."""
    sub = list(token.subtree)
    start, end = p.abs(sub[0]), p.abs(sub[-1]) + len(sub[-1].text)
    person = ctx.entity_in(start, end, {"PERSON"})
    left = p.doc[token.left_edge.i: token.i + 1]
    written = left.text.strip(" ,")
    if person:
        return person.canonical, written, "name", ""
    if token.pos_ == "PRON":
        if token.lower_ in ("he", "she", "i", "him", "her"):
            name = ctx.speaker_before(p.abs(token))
            return name, token.text, "pronoun" if name else "", ""
        return "", token.text, "", ""
    if token.pos_ == "PROPN":
        name = ctx.known_person(written) or _titled_name(ctx, p, token)
        if name:
            return name, written, "name", ""
    role = role_key(token)
    if token.pos_ == "NOUN" and (role in ctx.roles or token.lemma_.lower() in PERSON_ROLES):
        if role in ctx.roles and token.tag_ != "NNS":  # "workers said" is not one person
            return ctx.roles[role], written, "role", role
        return re.sub(r"^(?:the|a|an)\s+", "", written, flags=re.I), written, "", role
    other = _entity_of_head(ctx, token, p) or _organisation_in(ctx, start, end)
    if other:
        return other, written, "name", ""
    return re.sub(r"^(?:the|a|an)\s+", "", written, flags=re.I), written, "", role if token.pos_ == "NOUN" else ""


# Nouns that name a person by role: a quote "the envoy said" is that person's, not the UN's.
PERSON_ROLES = {
    "envoy", "official", "spokesman", "spokeswoman", "spokesperson", "minister", "ambassador",
    "diplomat", "president", "leader", "commander", "chief", "head", "secretary", "director",
    "chairman", "chairwoman", "governor", "mayor", "senator", "lawmaker", "general", "officer",
    "negotiator", "representative", "delegate", "advisor", "adviser", "aide", "analyst", "expert",
    "doctor", "witness", "resident", "activist", "source", "monitor", "prosecutor", "judge",
    "lawyer", "researcher", "professor", "scientist", "economist", "executive", "founder",
    "ceo", "manager", "coordinator", "commissioner", "inspector", "investigator", "deputy",
}


def _entity_of_head(ctx: _Context, token: Any, p: _Parsed) -> str:
    """An organisation or place naming the subject: "Reuters", "UN estimates", "the SOHR monitoring group"."""
    for t in [token, *[c for c in token.children if c.dep_ in ("compound", "poss", "nmod", "appos")]]:
        m = _entity_covering(ctx, p.abs(t))
        if m and m.label in ("ORG", "GPE", "NORP", "PERSON"):
            return m.canonical
    return ""


def _organisation_in(ctx: _Context, start: int, end: int) -> str:
    """"A statement carried by state news agency SANA said": the organisation behind a document."""
    m = ctx.entity_in(start, end, {"ORG"})
    return m.canonical if m else ""


def _entity_covering(ctx: _Context, char: int) -> Mention | None:
    i = bisect.bisect_right(ctx.mention_starts, char) - 1
    while i >= 0 and ctx.mentions[i].start <= char:
        if ctx.mentions[i].end > char:
            return ctx.mentions[i]
        i -= 1
        if i >= 0 and char - ctx.mentions[i].start > 200:
            break
    return None


def _learn_roles(ctx: _Context) -> None:
    """Role nouns that name a person in this article: "the UN envoy, Staffan de Mistura".

    Evidence: a role noun right before a name ("Opposition official Bassma Kodmani", "The U.N.
    Special Envoy for Syria, Staffan de Mistura") or in an apposition right after it, counted 3;
    a lead sentence whose subject is the role followed by a sentence whose subject is a name
    that speaks ("... the UN's envoy has warned." / "Staffan de Mistura told reporters"), 1.
    """
    found: dict[str, Counter[str]] = {}
    for i, p in enumerate(ctx.sents):
        for m in ctx.people_in(p):
            first = p.token_at(m.start)
            last = p.token_at(m.end - 1)
            if first is None or last is None:
                continue
            for key in {role_key(t) for t in _role_window(p.doc, first.i, last.i)}:
                found.setdefault(key, Counter())[m.canonical] += 3
        if i + 1 < len(ctx.sents):
            nxt = ctx.sents[i + 1]
            heads = [m for m in ctx.people_in(nxt) if m.start - nxt.start < 40]
            subjects = [t for t in p.doc if t.dep_ == "nsubj" and t.pos_ == "NOUN"]
            if heads and subjects:
                root = nxt.token_at(heads[0].end - 1)
                if root is not None and root.dep_ == "nsubj" and root.head.lemma_.lower() in _SPEECH_VERBS:
                    for t in subjects:
                        found.setdefault(role_key(t), Counter())[heads[0].canonical] += 1
    for role, names in found.items():
        if not _is_role_noun(role.split()[-1]):
            continue
        ranked = names.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            ctx.roles[role] = ranked[0][0]


def role_key(token: Any) -> str:
    """A role as a key: the noun with its common-noun compounds ("fire chief", "chief executive"),
    so that one article's fire chief is not another's chief executive."""
    parts = [c.lemma_.lower() for c in token.children if c.dep_ in ("compound", "amod") and c.pos_ == "NOUN" and c.i < token.i]
    if token.dep_ == "compound" and token.head.pos_ == "NOUN" and token.head.i > token.i:
        return role_key(token.head)
    return " ".join([*parts, token.lemma_.lower()])


def _is_role_noun(lemma: str) -> bool:
    """A noun that can stand for one person: a known role or an agent noun ("negotiator")."""
    return lemma in PERSON_ROLES or bool(re.search(r"(?:er|or|ist|ian|ant|ent|man|woman|person)$", lemma))


def _role_window(doc: Any, first: int, last: int) -> list[Any]:
    """Common nouns in the noun phrase just before a name, or in an apposition just after it."""
    out: list[Any] = []
    for t in reversed(doc[max(0, first - 7):first]):
        if t.pos_ in ("VERB", "AUX", "PRON") or t.ent_type_ == "PERSON":
            break
        if t.pos_ in ("NOUN", "PROPN") and t.text[:1].isalpha() and t.ent_type_ != "PERSON":
            out.append(t)
    if last + 1 < len(doc) and doc[last + 1].text == ",":
        for t in doc[last + 2: last + 9]:
            if t.text == "," or t.pos_ in ("VERB", "AUX"):
                break
            if t.pos_ == "NOUN":
                out.append(t)
    return out


def _learn_speech_subjects(ctx: _Context) -> None:
    """Named subjects of speech verbs ("Staffan de Mistura told reporters"), for "he said"."""
    found: list[tuple[int, str]] = []
    for p in ctx.sents:
        for t in p.doc:
            if t.lemma_.lower() in _SPEECH_VERBS and t.pos_ == "VERB" and not ctx.in_quote(p.abs(t)):
                subj = _subject(t)
                if subj is not None and subj.pos_ != "PRON":
                    name, _, how, _ = _speaker_of(ctx, subj, p)
                    # (a name found by its title alone is not among the tagger's people)
                    if how in ("name", "role") and name and (ctx.is_person(name) or name == _titled_name(ctx, p, subj)):
                        found.append((p.abs(subj), name))
            elif t.dep_ == "nsubj" and t.pos_ == "PROPN" and t.head.pos_ in ("VERB", "AUX") and not ctx.in_quote(p.abs(t)):
                # A named person doing anything ("Elena Brisk refused to concede.") is who a
                # following "she said" most likely refers to.
                m = _entity_covering(ctx, p.abs(t))
                if m is not None and m.label == "PERSON" and m.canonical:
                    found.append((p.abs(t), m.canonical))
    ctx.speech_subjects = sorted(set(found))


def _speech_verb_near(p: _Parsed, lo: int, hi: int, ctx: _Context, verbs: set[str]) -> Any | None:
    """The speech verb outside quotes between absolute offsets lo..hi closest to them."""
    best, best_gap = None, 10**9
    for t in p.doc:
        pos = p.abs(t)
        if not (lo <= pos < hi) or ctx.in_quote(pos):
            continue
        if t.lemma_.lower() in verbs and t.pos_ in ("VERB", "AUX"):
            gap = min(abs(pos - lo), abs(pos - hi))
            if gap < best_gap:
                best, best_gap = t, gap
    return best


def _subject(verb: Any) -> Any | None:
    """The subject of a speech verb, climbing from "adding", "saying" to the main verb.

    When climbing, a place or a thing as subject ("eastern Aleppo risked ..., saying") is not a
    speaker: keep climbing.
    """
    for level in range(3):
        for c in verb.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ != "it":
                if level == 0 or c.pos_ == "PRON" or c.ent_type_ in ("PERSON", "ORG") or (c.lemma_.lower() in PERSON_ROLES and not c.ent_type_):
                    return c
        if verb.dep_ in ("advcl", "conj", "xcomp", "ccomp", "acl", "parataxis") and verb.head.i != verb.i:
            verb = verb.head
        else:
            break
    return None


def _according_to(p: _Parsed, lo: int, hi: int) -> Any | None:
    for t in p.doc:
        if t.lower_ == "according" and lo <= p.abs(t) < hi:
            for c in t.children:
                if c.lower_ == "to":
                    for o in c.children:
                        if o.dep_ == "pobj":
                            return o
            if t.i + 2 < len(p.doc) and p.doc[t.i + 1].lower_ == "to":
                return p.doc[t.i + 2]
    return None


def _quotes(ctx: _Context) -> list[Quote]:
    text = ctx.article.text
    quotes: list[Quote] = []
    prev: Quote | None = None
    for start, end, _closed in quote_spans(text):
        body = text[start:end]
        if len(re.findall(r"\w+", body)) < 2:
            continue
        s_open, s_close = ctx.sentence_at(start), ctx.sentence_at(max(start, end - 1))
        if s_open is None or s_close is None:
            continue
        q = Quote(body, start, end, ctx.article.index, s_open.index)
        q.partial = bool(re.search(r"[A-Za-z,]\s*[\"“‘']?$", text[s_open.start:start])) and not re.search(r"[:,]\s*[\"“‘']$", text[max(0, start - 3):start])
        attribution = None
        s_close_end = s_close.start + len(s_close.doc.text)
        places = [(s_close, end, s_close_end), (s_open, s_open.start, start)]
        following = ctx.sentence_at(s_close_end + 1)
        if _closed and following is not None and following is not s_close and re.fullmatch(r"[ \t\"'”’“‘.,?!]*", text[end:following.start]):
            # Only an attribution opening the next sentence: "... leaves?' / Mr de Mistura asked."
            places.append((following, following.start, following.start + min(60, len(following.doc.text))))
        for p, lo, hi in places:
            verb = _speech_verb_near(p, lo, hi, ctx, _SPEECH_VERBS)
            subj = _subject(verb) if verb is not None else _according_to(p, lo, hi)
            if subj is not None and not ctx.in_quote(p.abs(subj)):
                attribution = (subj, p)
                break
        if attribution:
            q.speaker, q.speaker_text, q.resolved_by, q.role = _speaker_of(ctx, *attribution)
        elif prev is not None and prev.speaker and s_open.index - prev.sentence <= 3:
            # A quote with no attribution of its own continues the previous speaker's words.
            q.speaker, q.speaker_text, q.resolved_by, q.role = prev.speaker, prev.speaker_text, "previous", prev.role
        quotes.append(q)
        prev = q
    return quotes


# -- figures -------------------------------------------------------------------------------------
# Nouns for people in general: "civilians", "residents" and "workers" killed are one claim about
# people killed; fighters, soldiers, police and children are counted apart (sub-populations that
# reports give separately).
_PEOPLE = {
    "people", "person", "civilian", "resident", "inhabitant", "citizen", "individual", "villager",
    "refugee", "migrant", "life", "soul", "victim", "worker", "employee", "staff", "protester",
    "demonstrator", "passenger", "patient", "participant", "voter", "pilgrim", "tourist", "visitor",
    "miner", "farmer", "man", "woman", "adult", "crowd", "turnout", "attendance", "marcher", "workforce",
}
_POLICE = {"police", "policeman", "policemen", "officer", "guard", "policewoman"}
_CHILDREN = {"child", "kid", "minor", "baby", "infant", "boy", "girl", "student", "pupil"}
_FIGHTERS = {"fighter", "rebel", "militant", "insurgent", "jihadist", "gunman", "combatant", "member", "extremist", "terrorist"}
_SOLDIERS = {"soldier", "troop", "serviceman", "servicemen", "personnel"}
_EVENTS = {
    "killed": {"kill", "die", "dead", "death", "murder", "massacre", "execute", "slay", "perish", "fatality", "toll"},
    "injured": {"injure", "wound", "hurt", "maim", "injury", "casualty", "injured", "wounded"},
    "displaced": {"displace", "flee", "evacuate", "uproot", "homeless", "refugee"},
    "arrested": {"arrest", "detain", "jail", "imprison", "capture"},
    "missing": {"missing", "disappear"},
}
_EVENT_OF = {lemma: event for event, lemmas in _EVENTS.items() for lemma in lemmas}
_SINCE = re.compile(r"\bsince\s+(?P<what>[^,.;:]{2,40})", re.I)
_PERIOD = re.compile(r"\b(?:over|in|during|for|within)\s+the\s+(?:past|last|previous|next)\s+(?:[\w-]+\s+){0,2}?(?:days?|weeks?|months?|years?|hours?)\b", re.I)


# Nouns that count the same thing in other words (docs/facts.md); other near-synonyms ("cars" and
# "vehicles") are matched across the bundle by the embedding of the noun (facts.py).
_SAME_THING = {
    "jobs": {"job", "position", "role", "post", "redundancy", "layoff", "lay-off", "job cut", "job loss"},
    "homes": {"home", "house", "dwelling", "residence", "housing unit"},
    "households": {"household", "family"},
    "observers": {"observer", "monitor"},
}
_CLASS_OF = {lemma: cls for cls, lemmas in _SAME_THING.items() for lemma in lemmas}
# Event nouns counted directly ("31 deaths", "a death toll of 41"): people, with that event.
_EVENT_NOUNS = {"death": "killed", "fatality": "killed", "toll": "killed", "life": "killed", "injury": "injured",
                "casualty": "injured", "arrest": "arrested"}
# Nouns that carry the thing counted in a compound: "job losses", "job cuts" count jobs.
_CHANGE_NOUNS = {"loss", "cut", "reduction"}


def counted_class(lemma: str, is_plural_propn: bool = False) -> str:
    """The normalised class of a counted noun (documented in docs/facts.md)."""
    lemma = lemma.lower()
    if lemma in _CLASS_OF:
        return _CLASS_OF[lemma]
    if lemma in _PEOPLE or is_plural_propn:
        return "people"
    if lemma in _CHILDREN:
        return "children"
    if lemma in _FIGHTERS:
        return "fighters"
    if lemma in _SOLDIERS:
        return "soldiers"
    if lemma in _POLICE:
        return "police"
    return lemma


def _figures(ctx: _Context, dates: list[DateMention], quotes: list[Quote]) -> list[Figure]:
    text = ctx.article.text
    figures: list[Figure] = []
    date_starts = [d.start for d in dates]
    quote_starts = [q.start for q in quotes]
    for p in ctx.sents:
        sent_text = p.doc.text
        lo, hi = bisect.bisect_left(date_starts, p.start), bisect.bisect_left(date_starts, p.start + len(sent_text))
        here = dates[lo:hi]
        skip = [(d.start - p.start, d.end - p.start) for d in here]
        nums = find_numbers(sent_text, skip)
        tokens_of = [_tokens_in(p, n) for n in nums]
        own = {t.i for toks in tokens_of for t in toks}
        sent_figs: list[tuple[Figure, Any]] = []
        for n, toks in zip(nums, tokens_of):
            if not toks:
                continue
            start = p.start + n.qualifier_start
            f = Figure(text[start:p.start + n.end], n.value, start, p.start + n.end, ctx.article.index, p.index,
                       n.kind, n.low, n.high, n.unit)
            noun = _counted_noun(toks[-1], own)
            _describe(f, noun, toks, p, ctx, own)
            sent_figs.append((f, noun))
        _inherit_counted(sent_figs)
        for f, _ in sent_figs:
            _scope(f, p, here)
            i = bisect.bisect_right(quote_starts, f.start) - 1
            _attribute(f, p, ctx, quotes[i:i + 1] if i >= 0 else [])
            figures.append(f)
    return figures


def _tokens_in(p: _Parsed, n: _Num) -> list[Any]:
    lo, hi = p.start + n.start, p.start + n.end
    return [t for t in p.doc if lo <= p.abs(t) < hi]


def _plausible_noun(t: Any, last: Any) -> bool:
    """False for "no more than 900 remain, he said": a verb the tagger took for a singular noun."""
    nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
    return not (t.tag_ in ("NN", "VB", "VBP") and t.i == last.i + 1 and (nxt is None or nxt.is_punct))


def _counted_noun(last: Any, own: set[int]) -> Any | None:
    """The noun a number counts: its syntactic head, else the first noun to its right."""
    head = last.head
    if last.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod") and head.pos_ in ("NOUN", "PROPN") and head.i > last.i and head.i not in own:
        return head if _plausible_noun(head, last) else None
    return _noun_to_the_right(last, own) or _noun_holding(last) or _noun_of_subject(last, own)


# Verbs whose subject is what a bare number measures: "Turnout was 64.2 per cent", "Revenue fell
# 9 per cent to $8.1 billion", "the death toll rose to 41".
_LEVEL_VERBS = {"be", "stand", "reach", "rise", "fall", "drop", "climb", "increase", "decrease", "grow", "total",
                "hit", "jump", "surge", "plunge", "slip", "decline", "sink", "soar", "tumble", "top", "exceed"}


def _noun_of_subject(last: Any, own: set[int]) -> Any | None:
    node = last
    for _ in range(4):
        if node.head.i == node.i:
            return None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            break
        if node.pos_ != "ADP" and node.i not in own:
            return None
    if node.lemma_.lower() not in _LEVEL_VERBS:
        return None
    for c in node.children:
        if c.dep_ == "nsubj" and c.i not in own and (c.pos_ == "NOUN" or (c.pos_ == "PROPN" and c.i == c.sent.start and not list(c.children))):
            return c  # a capitalised first word alone ("Turnout") is taken as a common noun
    return None


def _money_verb(last: Any, own: set[int]) -> Any | None:
    """The verb a sum of money is the object of, when no noun says what it is: "lost $312m",
    "save $900m a year" (the verb's lemma stands for the thing counted)."""
    node = last
    for _ in range(3):
        if node.head.i == node.i:
            return None
        node = node.head
        if node.pos_ == "VERB":
            return None if node.lemma_.lower() in _ATTRIBUTION_VERBS or node.lemma_.lower() in _LEVEL_VERBS else node
        if node.pos_ != "ADP" and node.i not in own:
            return None
    return None


def _aside_mark(t: Any) -> bool:
    """A dash set off by spaces (not the hyphen of "al-Nusra") or an opening bracket."""
    if t.text == "(":
        return True
    spaced = bool(t.whitespace_) and t.i > 0 and bool(t.doc[t.i - 1].whitespace_)
    return t.text in ("-", "–", "—") and spaced


def _noun_holding(last: Any) -> Any | None:
    """The noun a bare number is the value of: "a turnout of 120,000", "put the crowd at 35,000"."""
    if last.dep_ == "pobj" and last.head.lower_ in ("of", "at", "to", "around"):
        holder = last.head.head
        if holder.pos_ == "NOUN":
            return holder
        for dep in ("dobj", "nsubjpass", "nsubj"):  # "put the crowd at 35,000": the object
            for c in holder.children:
                if c.dep_ == dep and c.pos_ == "NOUN":
                    return c
    return None


def _noun_to_the_right(last: Any, own: set[int]) -> Any | None:
    doc = last.doc
    i, stop = last.i + 1, min(len(doc), last.i + 14)
    while i < stop:
        t = doc[i]
        if _aside_mark(t) and i > last.i + 1:
            # "900 former Jabhat al-Nusra - now calling themselves ... - fighters": skip the aside.
            close = next((j for j in range(i + 1, min(len(doc), i + 14)) if _aside_mark(doc[j]) or doc[j].text == ")"), None)
            if close is not None:
                i, stop = close + 1, min(len(doc), close + 6)
                continue
        if t.i in own:
            return None
        if t.pos_ == "NOUN" and t.lemma_.lower() in _TIME_UNITS and i > 0 and doc[i - 1].lower_ in ("a", "an", "per", "each", "every"):
            i += 1  # "$900 million a year": a rate, not the thing counted
            continue
        if t.pos_ == "NOUN" or (t.pos_ == "PROPN" and t.tag_ == "NNPS"):
            return t if _plausible_noun(t, last) else None
        if t.pos_ in ("VERB", "AUX", "SCONJ") or (t.pos_ == "ADP" and t.lower_ not in ("of",)) or t.text in ",;:.":
            return None
        i += 1
    return None


def _describe(f: Figure, noun: Any | None, toks: list[Any], p: _Parsed, ctx: _Context, own: set[int]) -> None:
    """Fill counted, measure, qualifier, event and place from the parse around the number."""
    if noun is not None and noun.lemma_.lower() in _CONTAINER_NOUNS:
        # "the number of deaths", "a total of 1,342 cases": what the number is a number of
        inner = next((o for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
                      for o in c.children if o.dep_ == "pobj" and o.pos_ == "NOUN"), None)
        noun = inner if inner is not None else noun
    if noun is not None:
        lemma = noun.lemma_.lower()
        f.counted = p.doc[toks[-1].i + 1: noun.i + 1].text.strip(" -–") if noun.i > toks[-1].i else noun.text
        compound = [c for c in noun.children if c.dep_ == "compound" and c.pos_ == "NOUN" and c.i < noun.i]
        if lemma in _CHANGE_NOUNS and compound:
            lemma = compound[-1].lemma_.lower()  # "1,500 job losses" counts jobs
        f.counted_key = counted_class(lemma, noun.tag_ == "NNPS" or (noun.ent_type_ == "NORP" and noun.text.endswith("s")))
        if lemma in _EVENT_NOUNS and not (lemma == "life" and noun.head.lemma_.lower() not in ("claim", "take", "lose", "cost")):
            f.counted_key = "people"  # "31 deaths", "claimed 27 lives": people, event below
        if lemma in _CURRENCY_WORDS:
            f.unit = f.unit or _CURRENCY_WORDS[lemma]
        for t in p.doc[toks[-1].i + 1: noun.i]:
            if t.ent_type_ in ("ORG", "NORP") and t.pos_ == "PROPN":
                m = ctx.entity_in(p.abs(t), p.abs(t) + len(t.text), {"ORG", "NORP", "PERSON", "GPE"})
                f.qualifier = m.canonical if m else t.text
                break
    if noun is None and f.unit and f.unit != "%":
        verb = _money_verb(toks[-1], own)
        if verb is not None:
            f.counted, f.counted_key = verb.text, verb.lemma_.lower()
    if f.unit == "%":
        f.measure = "percent"
    elif f.unit:
        f.measure = "money"
    elif re.search(r"\byears?[- ]old\b", p.doc.text[toks[-1].idx: toks[-1].idx + 20].lower()):
        f.measure = "age"
    elif noun is not None and noun.lemma_.lower().rstrip("s") in _TIME_UNITS:
        f.measure = "duration"
    f.event = _event_of(toks[-1], noun, own)
    if noun is not None and noun.lemma_.lower() in _EVENT_NOUNS and f.counted_key == "people":
        f.event = _EVENT_NOUNS[noun.lemma_.lower()]
    if not f.qualifier:
        f.qualifier = _actor(noun if noun is not None else toks[-1], ctx, p, own)
    f.place = _place(p, noun if noun is not None else toks[-1])


_CONTAINER_NOUNS = {"number", "total", "tally", "count", "figure"}

# Common nouns that name who gives, spends, wins or loses a quantity ("the government has released
# 15 million euros"); named organisations, places, groups and people always do.
_ACTOR_NOUNS = {
    "government", "ministry", "state", "union", "company", "council", "bank", "agency", "authority", "commission",
    "party", "donor", "charity", "army", "military", "administration", "parliament", "assembly", "court", "city",
    "region", "province", "country", "fund", "committee", "board", "club", "team", "insurer", "investor", "buyer",
}


def _actor(anchor: Any, ctx: _Context, p: _Parsed, own: set[int]) -> str:
    """Who the quantity belongs to, as opposed to who reports it: the subject of the verb that
    governs the figure ("The European Union pledged 20 million euros", "the Greens took seven
    seats"), the agent of a passive ("doses supplied by the WHO") or a possessor ("the EU's aid").
    Attribution verbs (said, estimated, ...) give the source, not the actor."""
    for c in anchor.children:
        if c.dep_ == "poss":
            name = _actor_name(c, ctx, p)
            if name:
                return name
        if c.dep_ == "acl":
            for a in c.children:
                if a.dep_ == "agent":
                    for o in a.children:
                        if o.dep_ == "pobj":
                            name = _actor_name(o, ctx, p)
                            if name:
                                return name
    node = anchor
    for _ in range(4):
        if node.pos_ in ("VERB", "AUX"):
            break
        if node.head.i == node.i:
            return ""
        node = node.head
    if node.pos_ not in ("VERB", "AUX") or (node.lemma_.lower() in _ATTRIBUTION_VERBS and node.lemma_.lower() != "announce"):
        return ""
    for c in node.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.i not in own and not (c.i <= anchor.i <= c.right_edge.i):
            return _actor_name(c, ctx, p) if c.dep_ == "nsubj" else ""
        if c.dep_ == "agent":
            for o in c.children:
                if o.dep_ == "pobj":
                    return _actor_name(o, ctx, p)
    return ""


def _actor_name(token: Any, ctx: _Context, p: _Parsed) -> str:
    start = p.abs(token.left_edge)
    end = p.abs(token) + len(token.text)
    m = ctx.entity_in(start, end, {"ORG", "GPE", "NORP", "PERSON"})
    if m is not None:
        return m.canonical
    if token.pos_ == "NOUN" and token.lemma_.lower() in _ACTOR_NOUNS:
        return token.lemma_.lower()
    return ""


def _event_of(last: Any, noun: Any | None, own: set[int]) -> str:
    doc = last.doc
    anchor = noun if noun is not None else last
    # 1. right after the number or noun: "1,200 injured", "civilians dead", "people killed" --
    # unless the noun sits in a prepositional phrase ("50,000 out of 250,000 inhabitants have
    # been displaced": the verb is the head's).
    for t in doc[anchor.i + 1: anchor.i + (4 if anchor.dep_ != "pobj" else 1)]:
        if t.i in own or t.pos_ == "CCONJ":
            break  # "killing at least 14 people and injuring more than 60": the next verb is the next figure's
        ev = _EVENT_OF.get(t.lemma_.lower()) or _EVENT_OF.get(t.lower_)
        if ev:
            return ev
    # 2. up the tree, but not past another figure (whose event it would be).
    node = anchor
    for _ in range(6):
        for c in node.children:
            if c.dep_ in ("acl", "relcl", "amod", "acomp") and c.i not in own:
                ev = _EVENT_OF.get(c.lemma_.lower()) or _EVENT_OF.get(c.lower_)
                if ev:
                    return ev
        if node.lemma_.lower() == "lose" and any(c.lemma_.lower() == "life" for c in node.children):
            return "killed"
        for verb in [node, *[c for c in node.children if c.dep_ == "xcomp"]]:
            # "lost their homes", "were told to leave their homes"
            if verb.lemma_.lower() in ("leave", "lose", "abandon", "flee") and any(c.lemma_.lower() == "home" for c in verb.children):
                return "displaced"
        if node.head.i == node.i or node.head.i in own:
            break
        if node.dep_ == "conj" and node.pos_ == "VERB":
            break  # "killed 27 people and sickened more than 1,300": a coordinated verb has its own event
        node = node.head
        ev = _EVENT_OF.get(node.lemma_.lower()) or _EVENT_OF.get(node.lower_)
        if ev:
            return ev
        if node.lemma_.lower() in _SPEECH_VERBS:
            break
    return ""


def _place(p: _Parsed, anchor: Any) -> str:
    """The place in the figure's own clause (not in the speaker's): "in eastern Aleppo"."""
    clause = anchor
    while clause.head.i != clause.i and clause.pos_ not in ("VERB", "AUX"):
        clause = clause.head
    if clause.lemma_.lower() in _ESTIMATE_VERBS:
        clause = anchor
    lo, hi = clause.left_edge.i, clause.right_edge.i
    best, gap = "", 10**9
    for ent in p.doc.ents:
        if ent.label_ in ("GPE", "LOC", "FAC") and lo <= ent.start <= hi:
            d = abs(ent.start - anchor.i)
            if d < gap:
                prefix = p.doc[ent.start - 1] if ent.start > 0 else None
                name = ent.text
                if prefix is not None and re.fullmatch(r"(?:north|south|east|west)(?:ern)?|central|(?:north|south)-?(?:east|west)(?:ern)?", prefix.lower_):
                    name = f"{prefix.text} {name}"
                best, gap = name, d
    return best


def _inherit_counted(sent_figs: list[tuple[Figure, Any]]) -> None:
    """A bare number ("and more than 1,200 injured") counts what its neighbour in the sentence counts."""
    for i, (f, noun) in enumerate(sent_figs):
        if f.counted_key or f.measure != "count":
            continue
        order = list(range(i - 1, -1, -1)) + list(range(i + 1, len(sent_figs)))
        for j in order:
            g = sent_figs[j][0]
            if g.counted_key and g.measure == "count":
                f.counted, f.counted_key, f.qualifier = g.counted, g.counted_key, f.qualifier or g.qualifier
                break


def _scope(f: Figure, p: _Parsed, dates: list[DateMention]) -> None:
    sent = p.doc.text
    since = _SINCE.search(sent)
    if since:
        f.time = "since " + since.group("what").strip()
        at = p.start + since.start("what")
        for d in dates:
            if d.start == at or (at <= d.start < at + 4):
                f.since, f.time = d.value, "since " + d.text
                break
        return
    period = _PERIOD.search(sent)
    if period:
        f.time = period.group()
        return
    inside = [d for d in dates if p.start <= d.start < p.start + len(sent)]
    if inside:
        f.time = min(inside, key=lambda d: abs(d.start - f.start)).text


def _attribute(f: Figure, p: _Parsed, ctx: _Context, quotes: list[Quote]) -> None:
    """Who the figure is attributed to: the quote it sits in, "according to X", or "X said"."""
    for q in quotes:
        if q.start <= f.start < q.end:
            f.in_quote, f.source = True, q.speaker
            return
    end = p.start + len(p.doc.text)
    subj = _according_to(p, p.start, end)
    if subj is None:
        verb = _nearest_verb(p, f, ctx)
        subj = _subject(verb) if verb is not None else None
    if subj is not None:
        sub = list(subj.subtree)
        if not (p.abs(sub[0]) <= f.start < p.abs(sub[-1]) + len(sub[-1].text)):
            f.source = _speaker_of(ctx, subj, p)[0]


_ATTRIBUTION_VERBS = {
    "say", "tell", "state", "report", "estimate", "add", "warn", "claim", "announce", "count",
    "record", "document", "tally", "calculate", "confirm", "note", "put", "believe", "show", "find",
    "insist", "explain", "write", "tweet", "allege",
}
_SUBORDINATORS = {"as", "while", "when", "after", "before", "because", "since", "if", "although", "though"}


def _nearest_verb(p: _Parsed, f: Figure, ctx: _Context) -> Any | None:
    """The attribution verb whose clause holds the figure, or that trails its clause ("..., he said")."""
    number = p.token_at(f.end - 1)
    if number is None:
        return None
    ancestors = {a.i for a in number.ancestors} | {number.i}
    best, gap = None, 10**9
    for t in p.doc:
        if t.lemma_.lower() not in _ATTRIBUTION_VERBS or t.pos_ != "VERB" or ctx.in_quote(p.abs(t)):
            continue
        if any(c.dep_ == "dobj" and c.lemma_.lower() == "life" for c in t.children):
            continue  # "cholera has claimed 27 lives": not an attribution
        governs = t.i in ancestors
        # "as he said", "when officials said": a subordinate speech verb attributes only the
        # figures of its own clause ("while organisers said more than 100,000 had taken part").
        if not governs and any(c.dep_ == "mark" and c.lower_ in _SUBORDINATORS for c in t.children):
            continue
        subj = _subject(t)
        if subj is None or number.i in {x.i for x in subj.subtree}:
            continue
        trails = t.dep_ in ("parataxis", "ccomp", "advcl", "conj") and t.head.i in ancestors and t.i > number.i
        if governs or trails:
            d = abs(t.i - number.i)
            if d < gap:
                best, gap = t, d
    return best


# -- public API ----------------------------------------------------------------------------------
def _analyse_parsed(article: Article, sents: list[_Parsed], fallback_date: str = "", persons: set[str] | None = None) -> _Context:
    ctx = _Context(article, sents)
    mentions = _mentions(article, sents)
    if persons:
        for m in mentions:
            if m.label in ("ORG", "NORP") and fold(clean_name(m.text, "PERSON")) in persons:
                m.label = "PERSON"
    set_canonical(mentions)
    ctx.mentions = mentions
    ctx.mention_starts = [m.start for m in mentions]
    ctx.people = [m for m in mentions if m.label == "PERSON"]
    ctx.person_starts = [m.start for m in ctx.people]
    ctx.quote_spans = [(a, b) for a, b, _ in quote_spans(article.text)]
    ctx.person_names = {m.canonical for m in ctx.people}
    _learn_roles(ctx)
    _learn_speech_subjects(ctx)
    dates = find_dates(article.text, article.date, article.index, fallback_date)
    for d in dates:
        s = ctx.sentence_at(d.start)
        d.sentence = s.index if s else 0
    quotes = _quotes(ctx)
    article.mentions = mentions
    article.quotes = quotes
    article.dates = dates
    article.figures = _figures(ctx, dates, quotes)
    return ctx


def analyse_all(articles: list[Article]) -> None:
    """Analyse every article of a bundle with one batched spaCy pass."""
    if not articles:
        return
    dated = Counter(a.date[:10] for a in articles if _iso_date(a.date))
    fallback = dated.most_common(1)[0][0] if dated else ""
    roles: dict[str, Counter[str]] = {}
    parsed = _parse(articles)
    # Who is a person is decided over the whole bundle first: one outlet's "Ms Brisk" tells that
    # another's "Elena Brisk" (tagged ORG by the small model) is a speaker.
    everyone = [m for article, sents in zip(articles, parsed) for m in _mentions(article, sents)]
    persons = {k for k, (_, label) in canonical_names(everyone).items() if label == "PERSON"}
    for article, sents in zip(articles, parsed):
        try:
            ctx = _analyse_parsed(article, sents, fallback, persons)
        except Exception as exc:  # noqa: BLE001 -- one odd article must not sink the brief
            print(f"crossbrief: {article.source}: analysis failed ({type(exc).__name__}: {exc})", file=sys.stderr)
            continue
        for role, name in ctx.roles.items():
            roles.setdefault(role, Counter())[name] += 1
    # A role names one person across the bundle only when two articles say so and none disagrees.
    unify_bundle(articles, {r: next(iter(c)) for r, c in roles.items() if len(c) == 1 and sum(c.values()) >= 2})


def unify_bundle(articles: list[Article], roles: dict[str, str] | None = None) -> None:
    """Names normalised across the bundle: mentions, quote speakers and figure sources.

    A speaker left as a role in one article ("the UN envoy") takes the person that role names in
    another article of the same bundle, when the bundle agrees on one.
    """
    mentions = [m for a in articles for m in a.mentions]
    if not mentions:
        return
    set_canonical(mentions)
    names = canonical_names(mentions)
    people = {name for name, label in names.values() if label == "PERSON"}

    def canon(text: str) -> str:
        if not text:
            return text
        hit = names.get(fold(clean_name(text, "PERSON")))
        if hit:
            return hit[0]
        toks = _name_tokens(clean_name(text, "PERSON"))
        matches = {p for p in people if toks and len(_name_tokens(p)) > len(toks) and _name_tokens(p)[-len(toks):] == toks}
        return matches.pop() if len(matches) == 1 else text

    for article in articles:
        for q in article.quotes:
            if roles and not q.resolved_by and q.role in roles:
                q.speaker, q.resolved_by = roles[q.role], "bundle"
            q.speaker = canon(q.speaker)
        for f in article.figures:
            f.source = canon(f.source)
        _refresh_quote_sources(article)


def _refresh_quote_sources(article: Article) -> None:
    """Figures inside a quote follow the quote's (possibly just resolved) speaker."""
    for f in article.figures:
        if f.in_quote:
            for q in article.quotes:
                if q.start <= f.start < q.end:
                    f.source = q.speaker
                    break


def analyse(article: Article) -> Article:
    """Fill `mentions`, `figures`, `quotes` and `dates` of one cleaned, segmented article."""
    analyse_all([article])
    return article


# -- `crossbrief analyze FILE` ---------------------------------------------------------------------
def _read_article(path: str) -> Article | None:
    try:
        from crossbrief.pipeline import prepare

        articles, problems = prepare(path)
        for p in problems:
            print(f"crossbrief: {p}", file=sys.stderr)
        return articles[0] if articles else None
    except ImportError:  # before the ingest stages exist: the file as it is
        from crossbrief.stages.segment import segment

        text = open(path, encoding="utf-8", errors="replace").read()
        return segment(Article(source=path, raw_text=text, text=text))


def article_facts(article: Article) -> dict[str, Any]:
    """The analysis of one article as plain data (the JSON of `crossbrief analyze`)."""
    from crossbrief.model.serialise import to_plain

    counts = Counter((m.canonical, m.label) for m in article.mentions)
    return {
        "source": article.source,
        "title": article.title,
        "outlet": article.outlet,
        "date": article.date,
        "entities": [{"name": n, "label": l, "mentions": c} for (n, l), c in counts.most_common()],
        "mentions": to_plain(article.mentions),
        "figures": to_plain(article.figures),
        "quotes": to_plain(article.quotes),
        "dates": to_plain(article.dates),
    }


def article_markdown(article: Article) -> str:
    """The analysis of one article as Markdown."""
    data = article_facts(article)
    lines = [f"# {article.title or article.label}", ""]
    lines += ["## People, organisations and places", ""]
    lines += [f"- {e['name']} ({e['label']}): {e['mentions']}" for e in data["entities"]] or ["*None found.*"]
    lines += ["", "## Figures", ""]
    for f in article.figures:
        bits = [f"**{f.text}**", f.counted or "", f"[{f.kind}]"]
        extra = [x for x in (f.event, f.place, f.time, f"source: {f.source}" if f.source else "") if x]
        lines.append("- " + " ".join(b for b in bits if b) + (f" — {'; '.join(extra)}" if extra else ""))
    if not article.figures:
        lines.append("*None found.*")
    lines += ["", "## Quotes", ""]
    for q in article.quotes:
        lines.append(f"- “{q.text}” — {q.speaker or 'unattributed'}")
    if not article.quotes:
        lines.append("*None found.*")
    lines += ["", "## Dates", ""]
    for d in article.dates:
        lines.append(f"- {d.text}: {d.value or 'unresolved'}")
    if not article.dates:
        lines.append("*None found.*")
    return "\n".join(lines) + "\n"


def analyse_command(path: str, fmt: str = "md", output: str | None = None) -> int:
    """`crossbrief analyze FILE --format json|md`: 0 on success, 2 if the file has no text."""
    article = _read_article(path)
    if article is None:
        print(f"crossbrief: {path}: no article text", file=sys.stderr)
        return 2
    analyse_all([article])  # the bundle path: names made consistent within the article too
    text = json.dumps(article_facts(article), ensure_ascii=False, indent=2) + "\n" if fmt == "json" else article_markdown(article)
    if output and output != "-":
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0
