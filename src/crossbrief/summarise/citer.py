"""Does another article report this sentence? A learned judge over what the two texts share.

A citation claims that an outlet reports a sentence. Cosine similarity alone cannot tell a
paraphrase from a merely related sentence of the same story, and a sentence's claims may be spread
over several sentences of the other article. So the judge looks at the whole other article:
how close its best-matching sentences are (cosine, in the citing encoder's vectors), how much of
the sentence's wording (stemmed content words, weighted by how rare they are in the bundle; word
bigrams) the article uses anywhere and in its three best-matching sentences, how many of the
sentence's own words no other article uses, whether its figures occur there, and whether the
best match quantifies something else. A logistic regression over these features, fitted on
(sentence, other article) pairs labelled by reading both texts (bench/citation_guide.md; fitted
by `bench/citation_devset.py fit` on Multi-News training clusters, measured on validation
clusters), gives the probability that the article reports the sentence; it cites above the
model's threshold.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from crossbrief.errors import ModelFileError
from crossbrief.summarise.bundle import Bundle
from crossbrief.summarise.numbers import figure_relation, numbers_in
from crossbrief.summarise.words import concepts_of

DATA_DIR = Path(__file__).parent / "data"

PAIR_FEATURES = (
    "best_cosine",  # the other article's best-matching sentence
    "second_cosine",  # ... and its second best
    "squared_cosine",
    "coverage",  # share of the sentence's stemmed content words in the other article's closest passage
    "idf_coverage",  # ... weighted by rarity in the bundle (rare words carry the claim)
    "bigram_coverage",  # share of its word bigrams found there
    "top3_coverage",  # share of its content words in the three best-matching sentences
    "rare_words",  # its content words no other article of the bundle uses
    "missing_words",  # its content words the passage does not use
    "figures_found",  # share of its figures (>= 10, not years) the passage gives; -1 if none
    "figures_unrelated",  # 1 when it and the best match quantify different things
    "sentence_words",
)
# The other article's "closest passage": its best-matching sentences by cosine. A whole article
# would do for the short, cut Multi-News documents the model is fitted on, but a full-length
# article uses most of a sentence's words somewhere whether or not it reports the sentence.
PASSAGE_SENTENCES = 5


def _stems(text: str) -> set[str]:
    return {c[0] for c in concepts_of(text) if len(c) == 1}


def _bigrams(text: str) -> set[tuple[str, ...]]:
    return {c for c in concepts_of(text) if len(c) == 2}


def _figures(text: str) -> set[float]:
    return {v for v in numbers_in(text) if v >= 10 and not (1900 <= v <= 2100)}


class PairFeatures:
    """What the judge reads about one bundle, computed once: each article's words and figures."""

    def __init__(self, bundle: Bundle, vectors: np.ndarray):
        self.bundle = bundle
        self.vectors = vectors
        n_articles = int(bundle.article_of.max()) + 1 if len(bundle.article_of) else 0
        self.rows = [np.flatnonzero(bundle.article_of == b) for b in range(n_articles)]
        self.sentence_stems = [_stems(s.text) for s in bundle.sentences]
        self.article_stems = [set().union(*(self.sentence_stems[int(j)] for j in rows)) for rows in self.rows]
        self.sentence_bigrams = [_bigrams(s.text) for s in bundle.sentences]
        self.sentence_figures = [numbers_in(s.text) for s in bundle.sentences]
        self.df: dict[str, int] = {}
        for stems in self.article_stems:
            for w in stems:
                self.df[w] = self.df.get(w, 0) + 1
        self.n_articles = n_articles

    def of(self, i: int, b: int) -> tuple[list[float], int]:
        """The features of (sentence i, article b) and the index of b's best-matching sentence."""
        rows = self.rows[b]
        text = self.bundle.sentences[i].text
        sims = self.vectors[rows] @ self.vectors[i]
        order = np.argsort(-sims, kind="stable")
        best = int(rows[order[0]])
        c1 = float(sims[order[0]])
        c2 = float(sims[order[1]]) if len(rows) > 1 else 0.0
        words = self.sentence_stems[i]
        passage = [int(rows[o]) for o in order[:PASSAGE_SENTENCES]]
        other = set().union(*(self.sentence_stems[j] for j in passage))
        idf = {w: math.log((self.n_articles + 1) / self.df.get(w, 1)) + 0.1 for w in words}
        top3 = set().union(*(self.sentence_stems[j] for j in passage[:3]))
        bigrams = self.sentence_bigrams[i]
        passage_bigrams = set().union(*(self.sentence_bigrams[j] for j in passage))
        figures = _figures(text)
        passage_figures = set().union(*(self.sentence_figures[j] for j in passage))
        found = len(figures & passage_figures) / len(figures) if figures else -1.0
        n = max(len(words), 1)
        features = [
            c1,
            c2,
            c1 * c1,
            len(words & other) / n,
            sum(idf[w] for w in words & other) / max(sum(idf.values()), 1e-9),
            len(bigrams & passage_bigrams) / max(len(bigrams), 1),
            len(words & top3) / n,
            float(sum(1 for w in words if self.df.get(w, 1) == 1)),
            float(len(words - other)),
            found,
            float(figure_relation(text, self.bundle.sentences[best].text) == "unrelated"),
            float(len(words)),
        ]
        return features, best


@dataclass(frozen=True)
class CitationModel:
    """Logistic regression over PAIR_FEATURES (standardised), with the threshold to cite at."""

    encoder: str  # the encoder whose cosines the model was fitted on (Encoder.name)
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    threshold: float
    version: str = ""

    def probability(self, features: Sequence[Sequence[float]]) -> np.ndarray:
        x = (np.asarray(features, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(x @ np.asarray(self.weights) + self.intercept)))

    def to_payload(self) -> dict:
        return {
            "version": self.version, "encoder": self.encoder, "features": list(PAIR_FEATURES),
            "mean": list(self.mean), "scale": list(self.scale), "weights": list(self.weights),
            "intercept": self.intercept, "threshold": self.threshold,
        }

    @classmethod
    def from_payload(cls, payload: dict, name: str = "citation model") -> CitationModel:
        try:
            if list(payload["features"]) != list(PAIR_FEATURES):
                raise ValueError("its features are not this version's")
            n = len(PAIR_FEATURES)
            mean, scale, weights = (tuple(float(v) for v in payload[k]) for k in ("mean", "scale", "weights"))
            if not len(mean) == len(scale) == len(weights) == n or any(s <= 0 for s in scale):
                raise ValueError("malformed coefficients")
            return cls(
                str(payload["encoder"]), mean, scale, weights, float(payload["intercept"]),
                float(payload["threshold"]), str(payload.get("version", "")),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ModelFileError(f"{name}: {err}") from None


class Judge:
    """A citation model applied to one bundle (its features computed once for the bundle)."""

    def __init__(self, model: CitationModel, bundle: Bundle, vectors: np.ndarray):
        self.model = model
        self.features = PairFeatures(bundle, vectors)

    def reports(self, i: int, b: int) -> tuple[bool, int]:
        """Does article b report sentence i? And b's best-matching sentence (the supporting one)."""
        features, best = self.features.of(i, b)
        return bool(self.model.probability([features])[0] >= self.model.threshold), best


def model_path(encoder_name: str) -> Path:
    return DATA_DIR / f"citer-{encoder_name}.json"


@lru_cache(maxsize=4)
def load_citation_model(encoder_name: str) -> CitationModel | None:
    """The shipped judge for citations made with `encoder_name`'s vectors, if there is one."""
    path = model_path(encoder_name)
    if not path.is_file():
        return None
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelFileError(f"{path}: {err}") from None
    return CitationModel.from_payload(payload, str(path))
