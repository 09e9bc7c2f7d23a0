"""Facts matched across the outlets of a bundle: figures, quotes, entities, timeline.

`cross_source(articles, encoder) -> Facts` (facts/bundle.py) runs them all; each job has its own
module: figures.py (key figures, agree / differ), quotes.py (who said what), entities.py,
timeline.py, single_source.py (what only one outlet reports). Presentation is render/'s.
"""

from crossbrief.facts.bundle import cross_source

__all__ = ["cross_source"]
