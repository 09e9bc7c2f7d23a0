"""A brief: its articles, the cited summary, what was skipped, and the cross-source facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crossbrief.model.article import Article, Problem
from crossbrief.model.serialise import to_plain


@dataclass
class SummarySentence:
    """One sentence of the summary: verbatim from `article`, also reported by `also`."""

    text: str
    article: str  # id of the article the text is taken from
    sentence: int  # index of the sentence within that article
    also: list[str] = field(default_factory=list)  # ids of other articles reporting the same content
    differ: list[str] = field(default_factory=list)  # ids of articles reporting it with other figures
    score: float = 0.0

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
    facts: dict[str, Any] = field(default_factory=dict)  # cross-source facts (see facts.py)
    version: str = ""

    @property
    def summary_words(self) -> int:
        return sum(len(s.text.split()) for s in self.summary)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "words": self.words,
            "summary": [to_plain(s) for s in self.summary],
            "articles": [a.to_dict() for a in self.articles],
            "problems": [to_plain(p) for p in self.problems],
            "facts": to_plain(self.facts),
        }
