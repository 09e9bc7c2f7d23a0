"""The length policy: the word budget of a summary when no word count is asked for."""

from __future__ import annotations

from crossbrief.summarise.bundle import Bundle
from crossbrief.summarise.features import FEATURES

# The length policy when no word count is asked for. Human news summaries grow with the number of
# sources (Multi-News training references: ~200 words for 2 articles, ~330 for 7) and cannot be
# more than a share of what there is to summarise: words = min(base + per_article x articles,
# ratio x bundle words, max), at least `min`. Values are tuned by `crossbrief train` on held-out
# training clusters and stored in the model file; these are the fallback.
DEFAULT_POLICY = {"base": 180.0, "per_article": 30.0, "ratio": 0.7, "min": 60, "max": 400}


def default_budget(bundle_words: int, n_articles: int = 3, policy: dict | None = None) -> int:
    """The word budget of `n_articles` articles of `bundle_words` words in all, by `policy` (see DEFAULT_POLICY)."""
    p = {**DEFAULT_POLICY, **(policy or {})}
    words = min(p["base"] + p["per_article"] * n_articles, p["ratio"] * bundle_words, p["max"])
    return int(max(p["min"], round(words)))


def bundle_budget(bundle: Bundle, policy: dict | None = None) -> int:
    """The default word budget of a bundle (see DEFAULT_POLICY)."""
    if not bundle.candidates:
        return 0
    total = int(bundle.features[0, FEATURES.index("bundle_words")])
    n_articles = int(bundle.features[0, FEATURES.index("n_articles")])
    return default_budget(total, n_articles, policy)
