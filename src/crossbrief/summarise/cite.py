"""Citations: which other articles report a summary sentence (`also`) or give other figures (`differ`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from crossbrief.resources.encoders import MINILM_SIMILARITY, Thresholds
from crossbrief.summarise.bundle import Bundle
from crossbrief.summarise.citer import Judge
from crossbrief.summarise.numbers import figure_relation
from crossbrief.summarise.words import content_words


def overlap(a: str, b: str) -> float:
    """Shared content words (and figures) over the shorter sentence's count."""
    wa, wb = set(content_words(a)), set(content_words(b))
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def same_content(cosine: float, a: str, b: str, thresholds: Thresholds = MINILM_SIMILARITY) -> bool:
    """Do sentences `a` and `b` (from two articles) report the same content?

    On the Aleppo sample, paraphrases score 0.69-0.85 but so do some merely related sentences
    (a headline about "massacres" vs a quote about destruction, 0.69); those share almost no
    words. So: a very close embedding alone, or a close one backed by shared words, or a
    moderately close one giving the same kind of figure (250,000 vs 275,000 trapped, 0.66).
    """
    figures = figure_relation(a, b)
    if figures == "unrelated":  # both quantify something, but not the same thing
        return False
    t = thresholds
    if cosine >= t.strong:
        return True
    if cosine >= t.cite and overlap(a, b) >= 0.25:
        return True
    return cosine >= t.figure and figures in ("same", "differ")


def supporting(
    bundle: Bundle,
    i: int,
    article_positions: Sequence[int],
    vectors: np.ndarray | None = None,
    thresholds: Thresholds | None = None,
    judge: Judge | None = None,
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The other articles that report sentence `i`, each with the sentence that does.

    With a `judge` (a learned citation model over the bundle, see citer.py), it decides from
    what the whole other article shares with the sentence, and the supporting sentence is the
    best-matching one; without, the rule of `same_content` on the three best-matching sentences.

    Returns (`also`, `differ`): (article position, index into `bundle.sentences`) pairs; `differ`
    holds the articles that report it with other figures. `vectors` (one row per bundle sentence,
    with their encoder's `thresholds`) default to the bundle's own; `crossbrief brief` passes
    MiniLM's, which tell paraphrases apart better.
    """
    s = bundle.sentences[i]
    also: list[tuple[int, int]] = []
    differ: list[tuple[int, int]] = []
    if vectors is None:
        vectors, thresholds = bundle.vectors, bundle.thresholds
    thresholds = thresholds or MINILM_SIMILARITY
    if len(vectors) == 0:
        return also, differ
    sims = vectors @ vectors[i]
    own = int(bundle.article_of[i])
    for b in article_positions:
        if b == own:
            continue
        mask = np.flatnonzero(bundle.article_of == b)
        if len(mask) == 0:
            continue
        if judge is not None:
            reported, j = judge.reports(i, b)
            if reported:
                other = bundle.sentences[j].text
                (differ if figure_relation(s.text, other, counts=True) == "differ" else also).append((b, j))
            continue
        # The best match by cosine, but among near-ties prefer one that shares figures/words.
        ranked = mask[np.argsort(-sims[mask], kind="stable")][:3]
        for j in ranked:
            other = bundle.sentences[int(j)].text
            if same_content(float(sims[j]), s.text, other, thresholds):
                (differ if figure_relation(s.text, other, counts=True) == "differ" else also).append((b, int(j)))
                break
    return also, differ


def cite(
    bundle: Bundle,
    i: int,
    article_positions: Sequence[int],
    vectors: np.ndarray | None = None,
    thresholds: Thresholds | None = None,
    judge: Judge | None = None,
) -> tuple[list[int], list[int]]:
    """Other articles (bundle positions) that report sentence `i` (`also`), and those that give
    other figures (`differ`); see `supporting`, which also names the sentences."""
    also, differ = supporting(bundle, i, article_positions, vectors, thresholds, judge)
    return [b for b, _ in also], [b for b, _ in differ]


def align_all(
    bundle: Bundle,
    vectors: np.ndarray | None = None,
    thresholds: Thresholds | None = None,
    judge: Judge | None = None,
) -> list[tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
    """`supporting` for every sentence of the bundle, in `bundle.sentences` order: the citations
    any sentence would get (a summary's are these, for the sentences it chose)."""
    positions = sorted({int(a) for a in bundle.article_of})
    return [supporting(bundle, i, positions, vectors, thresholds, judge) for i in range(len(bundle.sentences))]
