"""A brief: its articles, the cited summary, what was skipped, and the cross-source facts."""

from __future__ import annotations

from dataclasses import dataclass, field

from crossbrief.model.article import Article, Problem
from crossbrief.model.facts import Facts


@dataclass
class SummarySentence:
    """One sentence of the summary: verbatim from `article`, also reported by `also`."""

    text: str
    article: str  # id of the article the text is taken from
    sentence: int  # index of the sentence within that article
    also: list[str] = field(default_factory=list)  # ids of other articles reporting the same content
    differ: list[str] = field(default_factory=list)  # ids of articles reporting it with other figures
    score: float = 0.0
    # For each article of `also` and `differ`: the index of its sentence that reports the content,
    # so a reader can check the citation against that outlet's own words.
    support: dict[str, int] = field(default_factory=dict)

    @property
    def cites(self) -> list[str]:
        return [self.article, *self.also]


@dataclass
class Story:
    """A group of articles about one news event."""

    id: str
    articles: list[str] = field(default_factory=list)  # article ids
    title: str = ""


@dataclass
class Brief:
    """The result: articles read, what was skipped, and the cited summary (plus facts)."""

    articles: list[Article]
    summary: list[SummarySentence] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    words: int = 200  # the word budget asked for
    facts: Facts | None = None  # cross-source facts (model/facts.py); None when not computed
    version: str = ""
    keep_all: bool = False  # off-topic articles were kept in the summary's selection (--keep-all)
    # Which decoder chose the summary's sentences (summarise.select.DECODERS: "concept-ilp",
    # "concept-greedy", "selector-central", "selector"); "" when there is no summary, or for a
    # brief written before the field existed.
    decoder: str = ""

    @property
    def summary_words(self) -> int:
        return sum(len(s.text.split()) for s in self.summary)
