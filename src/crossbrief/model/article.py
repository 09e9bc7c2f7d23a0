"""Articles and what the per-article stages find in them: sentences, mentions, figures, quotes, dates."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Removal:
    """A piece of the raw text the cleaner dropped, and why."""

    text: str
    reason: str  # short machine-readable code, e.g. "duplicate-line", "gallery"
    detail: str = ""  # human-readable explanation
    line: int = 0  # 1-based line number in the raw body text


@dataclass
class Sentence:
    """One sentence of an article's clean text; `text == article.text[start:end]`."""

    article: str  # id of the article (Article.id)
    index: int  # position within the article
    text: str
    start: int
    end: int
    paragraph: int = 0


@dataclass
class Mention:
    """A named entity mention found in an article (character offsets into `Article.text`)."""

    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, LOC, NORP, ...
    start: int
    end: int
    article: str = ""  # Article.id
    canonical: str = ""  # the normalised name shared across mentions and articles


@dataclass
class Problem:
    """An input that could not be used (or was used with a caveat): one line for the user."""

    input: str
    message: str
    fatal: bool = True  # True: the input was skipped; False: used, but worth a warning
    internal: bool = False  # True: a bug in crossbrief, not bad input (the CLI then exits 3)
    # How many problems this line stands for: 1, or N for the line "... and N more problems in X"
    # that replaces the rest of one input's many (so that counts of skipped items stay true).
    count: int = 1

    def __str__(self) -> str:
        return f"{self.input}: {self.message}"


@dataclass
class Article:
    """One news article as read from one input, cleaned and segmented by later stages."""

    source: str  # what the user gave: a path, a URL or "<stdin>"
    raw_text: str  # body text as read, before cleaning (header lines already taken out)
    title: str = ""
    url: str = ""
    date: str = ""  # ISO 8601 date (YYYY-MM-DD) of first publication, when known
    author: str = ""
    outlet: str = ""  # short name of the publisher, e.g. "nytimes.com"
    keywords: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # any other header fields (id, ...)
    # Stable identity: the content hash of the clean text (see stages.identity.article_id), set
    # once the article is cleaned. Every sentence, mention, figure, quote, date and citation
    # refers to its article by this id, never by its position in a bundle.
    id: str = ""
    canonical_url: str = ""  # the URL without tracking parameters, fragment or host case, when known
    text: str = ""  # clean body text
    removed: list[Removal] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    # Filled by the analyse stage (see analyse.py): figures, quotes, dates.
    figures: list[Figure] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    relevance: float | None = None  # similarity of this article to the rest of the bundle
    on_topic: bool = True
    off_topic_reason: str = ""
    # The id of the bundle's earlier article this one reprints (a near-copy: the same wire story
    # under another headline, a paragraph trimmed); "" if none. Kept once for summarising.
    copy_of: str = ""

    @property
    def label(self) -> str:
        """How the article is named to a reader: outlet, else title, else source."""
        return self.outlet or self.title or self.source


# -- facts (filled by analyse.py for one article and facts.py across a bundle; see docs/facts.md) --
@dataclass
class Figure:
    """A number in an article: value normalised, what it counts, its scope and its source."""

    text: str  # the number as written, with its qualifier ("no more than 8,000")
    value: float  # the number ("a quarter-million" -> 250000.0); the lower end of a range
    start: int
    end: int
    article: str = ""  # Article.id
    sentence: int = 0
    kind: str = "exact"  # exact | about | at least | at most | range | vague
    low: float | None = None  # the interval the figure allows (None: unbounded)
    high: float | None = None
    unit: str = ""  # "%", "$", "EUR", ... when the number is a share or money
    measure: str = "count"  # count | percent | money | duration | age
    counted: str = ""  # the thing counted, as written ("Nusra fighters")
    counted_key: str = ""  # its normalised class ("people", "fighter", ...)
    qualifier: str = ""  # a named group narrowing the thing counted ("Nusra")
    event: str = ""  # killed | injured | displaced | ... when the figure is a toll
    place: str = ""
    time: str = ""  # the time phrase ("since September 19")
    since: str = ""  # ISO date the count runs from, when resolved
    source: str = ""  # who it is attributed to (canonical name when known)
    in_quote: bool = False


@dataclass
class Quote:
    """A direct quotation and its speaker (character offsets of the quoted words)."""

    text: str
    start: int
    end: int
    article: str = ""  # Article.id
    sentence: int = 0
    speaker: str = ""  # canonical name, or the role as written when no name is known
    speaker_text: str = ""  # the speaker as written next to the quote ("he", "the UN envoy")
    resolved_by: str = ""  # name | pronoun | role | previous | bundle | "" (unattributed)
    role: str = ""  # the speaker's role noun when given as one ("envoy"), to resolve across outlets
    partial: bool = False  # a fragment embedded in the reporter's sentence


@dataclass
class DateMention:
    """A date expression and the calendar date it resolves to."""

    text: str
    start: int
    end: int
    article: str = ""  # Article.id
    sentence: int = 0
    value: str = ""  # ISO date (YYYY-MM-DD, YYYY-MM or YYYY), "--MM-DD" if the year is unknown
    granularity: str = ""  # day | week | month | year
    relative: bool = False  # "on Thursday", "last week" (resolved against the article date)


