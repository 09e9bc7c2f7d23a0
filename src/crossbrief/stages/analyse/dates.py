"""Date expressions ("September 19", "on Thursday", "last week") and the calendar dates they mean.

Resolved against the article's publication date; see "Dates" in docs/facts.md.
"""

from __future__ import annotations

import datetime as dt
import re

from crossbrief.model import DateMention
from crossbrief.stages.analyse.numbers import UNIT_WORDS

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3,
    "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_MONTH_FULL = r"(?:January|February|March|April|June|July|August|September|October|November|December)"
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DATE_PATTERNS = [
    ("md", re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>(?:19|20)\d\d)\b)?")),
    ("dm", re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MONTH})"
                      rf"(?:,?\s+(?P<y>(?:19|20)\d\d)\b)?")),
    ("my", re.compile(rf"\b(?P<m>{_MONTH_FULL}|May)\s+(?P<y>(?:19|20)\d\d)\b")),
    ("m", re.compile(rf"\b(?:in|since|until|by|last|this|early|late|mid|from)\s+(?P<core>(?P<m>{_MONTH_FULL}))\b")),
    ("y", re.compile(r"\b(?:in|since|by|until|during|from)\s+(?P<core>(?P<y>(?:19|20)\d\d))\b(?!\s*[-–]?\s*\d)")),
    ("wd", re.compile(r"\b(?:(?P<rel>last|this|next|on|since)\s+)?"
                      r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("rel", re.compile(r"\b(?P<rel>today|yesterday|tomorrow|tonight|"
                       r"(?:earlier |later )?(?:last|this|next) (?:week|month|year|weekend)|"
                       r"(?P<n>\w+) (?P<u>days|weeks|months|years) ago)\b", re.I)),
]


def find_dates(text: str, published: str, article: str = "", fallback: str = "") -> list[DateMention]:
    """Date expressions in `text`, resolved against the ISO publication date when given.

    `article` is the id the DateMentions carry (Article.id). `fallback` (the bundle's usual date)
    only lends a year to "September 19" in an undated article, choosing the year that puts the
    date nearest to it; relative dates ("on Thursday") stay unresolved without the article's own
    date.
    """
    base = iso_date(published)
    borrowed = iso_date(fallback) if base is None else None
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


def iso_date(value: str) -> dt.date | None:
    """The date of an ISO string's first ten characters, None if it is not one."""
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
            that_day = _safe_date(year, month, day)
            if that_day and that_day > base + dt.timedelta(days=7):
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
    r"\b(?:will|won't|shall|would|until|till|forecast|expected|scheduled|"
    r"due|plans?|planned|set to|is to|are to)\b",
    re.I,
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
        count = UNIT_WORDS.get(n.lower()) or (int(n) if n.isdigit() else 0) or (1 if n.lower() in ("a", "one") else 0)
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

