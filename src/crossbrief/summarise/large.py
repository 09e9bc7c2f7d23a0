"""Bundles far larger than the selector's training ones: concept-coverage decoding, or ranking
only the most central candidates."""

from __future__ import annotations

import numpy as np

from crossbrief.summarise.bundle import Bundle, predecessors
from crossbrief.summarise.concepts import MIN_WORDS, concept_weights
from crossbrief.summarise.decode import repeats, word_trigrams
from crossbrief.summarise.features import FEATURES
from crossbrief.summarise.filters import needs_antecedent
from crossbrief.summarise.words import words_of

# The selector was trained on Multi-News bundles: at most ~75 candidate sentences from 2-7 truncated
# articles. In a much larger bundle (DUC: 25 full articles, ~700 candidates) it ranks sentences unlike
# any it has seen and falls behind a TF-IDF centroid (docs/benchmarks.md). There, what many outlets
# report is better read off the bundle itself: the summary is chosen to cover the most *concepts* --
# stemmed word bigrams and content words, each weighted by how many articles use it, counted once
# however often the summary repeats it -- per word spent (the concept-coverage objective of Gillick
# and Favre, 2009, maximised greedily by gain / words^0.8, which favours neither very short nor very
# long sentences). A verbatim repeat buys nothing; a reworded one is caught by the decoder's
# redundancy test (trigram share and the citation test, as in `decode`).
LARGE_BUNDLE = 100  # candidates; no Multi-News bundle has more than ~80
# ... and only with this many articles: concepts shared by 3+ articles need a crowd of them. On
# DUC clusters cut to their first k articles (250 words, R1 F1), concept coverage trails the
# selector on the most central candidates at k = 5 (36.4 vs 37.0) and leads it from k = 7 (38.9 vs
# 38.2; 39.4 vs 37.8 at k = 8). Fewer, long articles (a typical brief) keep the selector, ranking only
# the most central candidates (see narrow).
CONCEPT_MIN_BUNDLE_ARTICLES = 6
CONCEPT_WORD_WEIGHT = 0.5  # a content word counts half a bigram
CONCEPT_MIN_WORDS = MIN_WORDS  # the ILP's: in large bundles, short sentences are mostly datelines and fragments
CONCEPT_LENGTH_POWER = 0.8


def concept_decode(bundle: Bundle, budget: int, require_antecedent: bool = False) -> list[int]:
    """Greedy budgeted concept coverage (see above); indices into `bundle.sentences`."""
    pool = [i for i in bundle.candidates if words_of(bundle.sentences[i].text) >= CONCEPT_MIN_WORDS]
    concepts, weight = concept_weights(
        [bundle.sentences[i].text for i in pool], [bundle.sentences[i].article for i in pool], CONCEPT_WORD_WEIGHT
    )
    lengths = [words_of(bundle.sentences[i].text) for i in pool]
    cost = np.array(lengths, dtype=float) ** CONCEPT_LENGTH_POWER
    covered: set[tuple[str, ...]] = set()
    chosen: list[int] = []
    chosen_tri: set = set()
    used = 0
    available = set(range(len(pool)))
    # With require_antecedent: pool entry -> the sentence that must be chosen before it (see decode).
    needs_before: dict[int, int | None] = {}
    if require_antecedent:
        predecessor = predecessors(bundle)
        for k, i in enumerate(pool):
            if needs_antecedent(bundle.sentences[i].text):
                needs_before[k] = predecessor.get(i)
    while available:
        best, best_value = -1, 0.0
        for k in sorted(available):  # sorted: ties go to the earlier sentence, deterministically
            if used + lengths[k] > budget or (k in needs_before and needs_before[k] not in chosen):
                continue
            value = sum(weight.get(c, 0.0) for c in concepts[k] - covered) / cost[k]
            if value > best_value:
                best, best_value = k, value
        if best < 0:
            break
        available.discard(best)
        i = pool[best]
        # A reworded copy of a chosen sentence still brings a few new concepts (its own wording);
        # it must not join the summary beside the sentence it repeats.
        tri = word_trigrams(bundle.sentences[i].text)
        if repeats(bundle, chosen, chosen_tri, i, tri):
            continue
        chosen.append(i)
        chosen_tri |= tri
        covered |= concepts[best]
        used += lengths[best]
    return chosen


# The selector was trained on bundles of at most ~75 candidates, typically about twice as many as
# fit in the summary. In a larger bundle of few articles, it ranks only the most central
# candidates, by the mean of the embedding and the lexical centrality ranks (both scale-free),
# keeping that training ratio of about two candidates per summary sentence.
POOL_PER_SENTENCE = 2.0


def narrow(bundle: Bundle, scores: np.ndarray, budget: int) -> np.ndarray:
    """Scores with every candidate outside the pool of most central ones set to -inf."""
    col = {f: i for i, f in enumerate(FEATURES)}
    mean_words = float(np.mean([words_of(bundle.sentences[i].text) for i in bundle.candidates]))
    pool = max(10, int(np.ceil(POOL_PER_SENTENCE * budget / max(mean_words, 1.0))))
    rank = bundle.features[:, col["centrality_rank"]] + bundle.features[:, col["lexical_rank"]]
    keep = np.argsort(rank, kind="stable")[:pool]
    out = np.full(len(scores), -np.inf)
    out[keep] = scores[keep]
    return out
