"""Reference extractive systems that `crossbrief eval` prints beside crossbrief.

Every baseline gets the same segmented sentences and the same word budget as crossbrief, and
fills it greedily in its own rank order (a sentence that does not fit is skipped), so that the
comparison is about which sentences are chosen, not about length.

- lead: the first sentence of each article in turn, then the second of each, ...
- tfidf-mmr: cosine to the TF-IDF centroid of the bundle, maximal marginal relevance (0.7).
- lexrank, textrank: from sumy, fed our sentences with an offline word tokenizer (sumy's own
  tokenizer needs NLTK's punkt data, which cannot be downloaded here).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from crossbrief.model import Article


def _fill(texts: Sequence[str], order: Sequence[int], budget: int) -> list[int]:
    chosen: list[int] = []
    used = 0
    for i in order:
        n = len(texts[i].split())
        if n == 0 or used + n > budget:
            continue
        chosen.append(i)
        used += n
    return sorted(chosen)


def _flatten(articles: Sequence[Article]) -> list[tuple[int, int, str]]:
    return [(k, s.index, s.text) for k, a in enumerate(articles) for s in a.sentences]


def lead(articles: Sequence[Article], budget: int) -> list[str]:
    """First sentences of each article in turn until the budget is full."""
    flat = _flatten(articles)
    order = sorted(range(len(flat)), key=lambda i: (flat[i][1], flat[i][0]))
    texts = [t for _, _, t in flat]
    return [texts[i] for i in sorted(_fill(texts, order, budget), key=lambda i: (flat[i][1], flat[i][0]))]


def tfidf_mmr(articles: Sequence[Article], budget: int, lam: float = 0.7) -> list[str]:
    """TF-IDF centroid relevance with maximal marginal relevance against chosen sentences."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [t for _, _, t in _flatten(articles)]
    if not texts:
        return []
    try:
        x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    except ValueError:  # only stop words
        return []
    centroid = np.asarray(x.mean(0)).ravel()
    norm = np.linalg.norm(centroid) or 1.0
    relevance = (x @ centroid) / norm
    relevance = np.asarray(relevance).ravel()
    words = np.array([len(t.split()) for t in texts])
    # Incremental MMR: keep each sentence's highest similarity to the chosen ones.
    redundancy = np.zeros(len(texts))
    available = np.ones(len(texts), dtype=bool)
    chosen: list[int] = []
    used = 0
    while available.any():
        score = np.where(available, lam * relevance - (1 - lam) * redundancy, -np.inf)
        best = int(np.argmax(score))
        available[best] = False
        if used + words[best] <= budget:
            chosen.append(best)
            used += int(words[best])
            redundancy = np.maximum(redundancy, (x @ x[best].T).toarray().ravel())
            available &= used + words <= budget
    return [texts[i] for i in sorted(chosen)]


class _WordTokenizer:
    """What sumy asks of a tokenizer, without NLTK data: words by a regular expression."""

    language = "english"
    _WORDS = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        from crossbrief.stages.segment import split_sentences

        return tuple(paragraph[a:b] for a, b in split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(self._WORDS.findall(sentence))


def _sumy_ranked(articles: Sequence[Article], budget: int, kind: str) -> list[str]:
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    texts = [t for _, _, t in _flatten(articles)]
    if not texts:
        return []
    tokenizer = _WordTokenizer()
    sentences = [SumySentence(t, tokenizer) for t in texts]
    document = ObjectDocumentModel([Paragraph(sentences)])
    base = LexRankSummarizer if kind == "lexrank" else TextRankSummarizer
    captured: dict = {}

    class Ranker(base):  # type: ignore[misc, valid-type]
        # sumy only exposes the top-k in document order; keep its full rating instead.
        def _get_best_sentences(self, sents, count, rating, *args, **kwargs):
            captured["rating"] = rating
            return ()

    summarizer = Ranker(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    summarizer(document, len(sentences))
    rating = captured.get("rating") or {}
    scores = [float(rating.get(s, 0.0)) if isinstance(rating, dict) else float(rating(s)) for s in sentences]
    order = sorted(range(len(texts)), key=lambda i: (-scores[i], i))
    return [texts[i] for i in _fill(texts, order, budget)]


def lexrank(articles: Sequence[Article], budget: int) -> list[str]:
    return _sumy_ranked(articles, budget, "lexrank")


def textrank(articles: Sequence[Article], budget: int) -> list[str]:
    return _sumy_ranked(articles, budget, "textrank")


BASELINES: dict[str, Callable[[Sequence[Article], int], list[str]]] = {
    "lead": lead,
    "tfidf-mmr": tfidf_mmr,
    "lexrank": lexrank,
    "textrank": textrank,
}
