"""Facts matched across the outlets of a bundle (made by `crossbrief.facts`; see docs/facts.md).

Every `article` here is an article id (`Article.id`), never a position in a bundle: the same
facts stay valid whatever order or bundle the articles are shown in. Lists of article ids are in
the order of the articles given to `crossbrief.facts.cross_source`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FigureClaim:
    """One outlet's statement of a grouped quantity."""

    article: str  # Article.id
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
    articles: list[str] = field(default_factory=list)  # ids of the articles giving it
    claims: list[FigureClaim] = field(default_factory=list)


@dataclass
class QuoteVersion:
    """One outlet's wording of a statement."""

    article: str  # Article.id
    text: str
    start: int
    end: int
    speaker_text: str = ""
    partial: bool = False


@dataclass
class QuoteGroup:
    """The same statement carried by one or more outlets, each wording kept."""

    speaker: str
    articles: list[str] = field(default_factory=list)  # ids of the articles quoting it
    versions: list[QuoteVersion] = field(default_factory=list)


@dataclass
class EntityCount:
    """A named entity (canonical name) and how often each outlet mentions it."""

    name: str
    label: str
    total: int
    by_article: dict[str, int] = field(default_factory=dict)  # Article.id -> mentions


@dataclass
class TimelineEntry:
    """A resolved date and what the outlets say happened then."""

    date: str
    granularity: str
    text: str  # the sentence it is mentioned in (first outlet)
    when: str  # the date as written
    articles: list[str] = field(default_factory=list)  # ids of the articles dating it


@dataclass
class SingleSourceFact:
    """A notable figure or quote that only one outlet reports."""

    article: str  # Article.id
    kind: str  # figure | quote
    text: str
    detail: str = ""


@dataclass
class Facts:
    """Everything matched across a bundle's outlets (`Brief.facts`)."""

    figures: list[FigureGroup] = field(default_factory=list)
    quotes: list[QuoteGroup] = field(default_factory=list)
    entities: list[EntityCount] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    single_source: list[SingleSourceFact] = field(default_factory=list)
