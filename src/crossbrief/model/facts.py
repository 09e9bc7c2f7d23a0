"""Facts matched across the outlets of a bundle (filled by the facts layer; see docs/facts.md)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FigureClaim:
    """One outlet's statement of a grouped quantity."""

    article: int
    text: str  # as written ("no more than 8,000")
    value: float
    kind: str
    low: float | None = None
    high: float | None = None
    source: str = ""  # who the outlet attributes it to
    start: int = 0
    end: int = 0
    sentence: int = 0


@dataclass
class FigureGroup:
    """Figures from one or more outlets about the same quantity, and whether they agree."""

    label: str  # "fighters", "people killed since 2016-09-19"
    counted: str  # normalised class of the thing counted
    event: str = ""
    place: str = ""
    time: str = ""
    since: str = ""
    source: str = ""  # for tolls split by reporter: whose toll this is
    status: str = "agree"  # agree | differ (see docs/facts.md)
    articles: list[int] = field(default_factory=list)
    claims: list[FigureClaim] = field(default_factory=list)


@dataclass
class QuoteVersion:
    """One outlet's wording of a statement."""

    article: int
    text: str
    start: int
    end: int
    speaker_text: str = ""
    partial: bool = False


@dataclass
class QuoteGroup:
    """The same statement carried by one or more outlets, each wording kept."""

    speaker: str
    articles: list[int] = field(default_factory=list)
    versions: list[QuoteVersion] = field(default_factory=list)


@dataclass
class EntityCount:
    """A named entity (canonical name) and how often each outlet mentions it."""

    name: str
    label: str
    total: int
    by_article: dict[str, int] = field(default_factory=dict)  # article index (as str) -> mentions


@dataclass
class TimelineEntry:
    """A resolved date and what the outlets say happened then."""

    date: str
    granularity: str
    text: str  # the sentence it is mentioned in (first outlet)
    when: str  # the date as written
    articles: list[int] = field(default_factory=list)


@dataclass
class SingleSourceFact:
    """A notable figure or quote that only one outlet reports."""

    article: int
    kind: str  # figure | quote
    text: str
    detail: str = ""
