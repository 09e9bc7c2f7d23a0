"""The pipeline, end to end: ingest -> clean -> segment -> analyse -> group -> summarise.

`brief()` is the public entry point (also exported as `crossbrief.brief`). Each stage is a
function over the shared data model; heavy models (the sentence encoder, spaCy) load once per
process on first use, so repeated calls in one process are fast.
"""

from __future__ import annotations

from typing import BinaryIO, Sequence

from crossbrief import __version__
from crossbrief.stages.clean import clean
from crossbrief.ingest.read import Limits, read_inputs
from crossbrief.model import Article, Brief, Problem
from crossbrief.stages.segment import segment

DEFAULT_WORDS = 200


def prepare(
    inputs: str | Sequence[str], limits: Limits | None = None, stdin: BinaryIO | None = None
) -> tuple[list[Article], list[Problem]]:
    """Read, clean and segment every input; articles with no text left become problems."""
    if isinstance(inputs, str):
        inputs = [inputs]
    articles, problems = read_inputs(inputs, limits=limits, stdin=stdin)
    usable: list[Article] = []
    for article in articles:
        segment(clean(article))
        if not article.sentences:
            problems.append(Problem(article.source, "no article text left after removing page noise"))
            continue
        article.index = len(usable)
        for sentence in article.sentences:
            sentence.article = article.index
        usable.append(article)
    return usable, problems


def brief(
    inputs: str | Sequence[str],
    words: int = DEFAULT_WORDS,
    *,
    facts: bool = True,
    limits: Limits | None = None,
    stdin: BinaryIO | None = None,
) -> Brief:
    """A cited brief of the articles in `inputs` (paths, folders, URLs or "-")."""
    articles, problems = prepare(inputs, limits=limits, stdin=stdin)
    result = Brief(articles=articles, problems=problems, words=words, version=__version__)
    if not articles:
        return result
    if len(articles) == 1:
        problems.append(
            Problem(articles[0].source, "only one usable article: the brief has nothing to cross-check", fatal=False)
        )
    from crossbrief.relevance import assess_relevance
    from crossbrief.summarise.select import summarise

    if facts:
        from crossbrief.stages.analyse import analyse_all

        analyse_all(articles)
    assess_relevance(articles)
    from crossbrief.resources.encoders import get_encoder

    # The selector's features come from the static encoder; citations and the test that no two
    # summary sentences say the same thing use MiniLM, because telling paraphrases from merely
    # related sentences is fine work (vectors are cached per process, so the relevance check above
    # has usually computed them already).
    # A brief is read, not scored: pronoun-led sentences only follow the sentence that says who
    # is meant, and no cut-off last sentence is shown.
    result.summary = summarise(articles, words=words, cite_encoder=get_encoder(), readable=True)
    if facts:
        from crossbrief.facts.cross import cross_source

        # Facts are matched across the articles about the story; an article about another
        # event would only add false conflicts (its own figures stay in its Article).
        result.facts = cross_source([a for a in articles if a.on_topic] or articles)
    return result
