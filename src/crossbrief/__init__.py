"""crossbrief: many news articles about one story -> one cited, cross-checked brief."""

from crossbrief.version import __version__

from crossbrief.model import Article, Brief, Mention, Problem, Sentence, Story, SummarySentence  # noqa: E402


def brief(inputs, words=200, **options):  # noqa: ANN001, ANN201 - re-exported below with full types
    """A cited brief of the articles in `inputs`; see `crossbrief.pipeline.brief`."""
    from crossbrief.pipeline import brief as _brief

    return _brief(inputs, words, **options)


__all__ = ["Article", "Brief", "Mention", "Problem", "Sentence", "Story", "SummarySentence", "brief", "__version__"]
