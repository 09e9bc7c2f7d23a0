"""crossbrief: many news articles about one story -> one cited, cross-checked brief.

The public API: `brief(inputs)` for one call, `Pipeline` for many briefs over shared models and
per-article work, and the data model (`Article`, `Brief`, ...). `Pipeline` and `brief` are
imported on first use, so that importing one submodule (a batch worker, the model) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crossbrief.model import Article, Brief, Mention, Problem, Sentence, Story, SummarySentence
from crossbrief.version import __version__

if TYPE_CHECKING:
    from crossbrief.pipeline import Pipeline, brief


def __getattr__(name: str) -> Any:
    if name in ("Pipeline", "brief"):
        from crossbrief import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'crossbrief' has no attribute {name!r}")


__all__ = [
    "Article", "Brief", "Mention", "Pipeline", "Problem", "Sentence", "Story", "SummarySentence", "brief",
    "__version__",
]
