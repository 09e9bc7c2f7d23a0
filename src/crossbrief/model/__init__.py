"""The one data model every stage reads and writes (types only; no stage logic here).

The flow is ingest -> clean -> segment -> analyse -> relevance -> summarise -> facts -> render;
each stage takes these objects and fills in more of them. Everything is plain data (dataclasses)
so that it serialises to JSON without surprises (`crossbrief.model.serialise`), in the shape
documented in docs/json-schema.md.
"""

from crossbrief.model.article import (
    Article,
    DateMention,
    Figure,
    Mention,
    Problem,
    Quote,
    Removal,
    Sentence,
)
from crossbrief.model.brief import Brief, Story, SummarySentence
from crossbrief.model.facts import (
    EntityCount,
    Facts,
    FigureClaim,
    FigureGroup,
    QuoteGroup,
    QuoteVersion,
    SingleSourceFact,
    TimelineEntry,
)

__all__ = [
    "Article", "Brief", "DateMention", "EntityCount", "Facts", "Figure", "FigureClaim", "FigureGroup",
    "Mention", "Problem", "Quote", "QuoteGroup", "QuoteVersion", "Removal", "Sentence",
    "SingleSourceFact", "Story", "SummarySentence", "TimelineEntry",
]
