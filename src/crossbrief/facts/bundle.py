"""All the facts of a bundle in one call: `cross_source(articles, encoder) -> Facts`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from crossbrief.facts.entities import count_entities
from crossbrief.facts.figures import group_figures
from crossbrief.facts.quotes import group_quotes
from crossbrief.facts.single_source import single_source
from crossbrief.facts.timeline import build_timeline
from crossbrief.model import Article
from crossbrief.model.facts import Facts

if TYPE_CHECKING:
    from crossbrief.resources.encoders import Encoder


def cross_source(articles: Sequence[Article], encoder: Encoder) -> Facts:
    """Figures, quotes, entities, a timeline and what only one outlet reports, matched across
    `articles` (docs/facts.md). Every article reference in the result is an `Article.id`; lists of
    articles follow the order of `articles`.

    The articles must be analysed and their names unified across the bundle first
    (`crossbrief.stages.analyse.analyse_all` does both, as the pipeline does): the matching reads
    each mention's, quote's and figure's bundle-wide canonical name and changes nothing in the
    articles. `encoder` is the sentence encoder (the pipeline's MiniLM) that embeds counted nouns,
    quotes and dated sentences.
    """
    if not articles:
        return Facts()
    figures = group_figures(articles, encoder)
    quotes = group_quotes(articles, encoder)
    return Facts(
        figures=figures,
        quotes=quotes,
        entities=count_entities(articles),
        timeline=build_timeline(articles, encoder),
        single_source=single_source(figures, quotes, [a.id for a in articles]),
    )
