"""Exact budgeted concept coverage: the summary of a large bundle as an integer linear program.

Gillick and Favre (2009) choose the sentences that together cover the most weighted *concepts*
(here: stemmed word bigrams, and content words at a quarter of a bigram's weight, each weighted by
how many articles use it; a concept counts once however many chosen sentences hold it) within the
word budget, and solve it exactly:

    maximise   sum_c w_c * y_c
    subject to y_c <= sum of x_i over the sentences i that hold c     (a concept is covered
               sum_i words_i * x_i <= budget                           only by a chosen sentence)
               x_i + x_j <= 1   for sentences i, j that repeat each other (`decode.repeats`)
               x_i <= x_p       for a sentence opening with a pronoun and its predecessor p
               x_i in {0, 1},  0 <= y_c <= 1

(y_c need not be declared integral: with integral x, the optimum sets each y_c to 0 or 1.) Unlike
the greedy `large.concept_decode`, which takes the best gain per word until the budget is full,
the program weighs every combination: two medium sentences that cover more than one long one
win, and the budget's last words are not left to whatever still fits.

It is solved with HiGHS (`scipy.optimize.milp`) over a program of bounded size: the `POOL`
candidates densest in concept weight per word, counting only their `MAX_CONCEPTS` heaviest
concepts, with a relative gap of 2%, a small cut pool, a branch-and-bound node limit
(`NODE_LIMIT`) and a time limit for building and solving together. HiGHS runs single-threaded and
deterministically, so the size bound and the node limit bound its work without a clock: a solve
stopped by the node limit returns the best selection found in its first `NODE_LIMIT` nodes, the
same on every run however busy the machine, and the size bound keeps even the root node's work
(which no node limit bounds) far below the time limit. The time limit is only a safety net that
real bundles should never reach: a solve that reaches it would return whatever the solver had
found by then, which depends on load, so its incumbent is discarded, `ilp_decode` returns None and
the caller uses the greedy decoder, which is deterministic too.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from crossbrief.summarise.bundle import Bundle, predecessors
from crossbrief.summarise.decode import repeats, word_trigrams
from crossbrief.summarise.filters import needs_antecedent
from crossbrief.summarise.words import concepts_of, words_of

MIN_ARTICLES = 3  # a concept counts only if this many articles use it (fewer with fewer articles)
WORD_WEIGHT = 0.25  # a content word counts a quarter of a bigram
MIN_WORDS = 12  # in large bundles, short sentences are mostly datelines and fragments
# The program's size is bounded before it is solved (issue 15), so that HiGHS's root node (cuts,
# restarts, sub-MIP heuristics, strong branching: no node limit bounds it) stays far below the time
# limit on a moderately loaded machine, and the time limit does not decide the summary. With 60
# candidates and every concept (about 450 on a 25-article DUC bundle) the root alone took up to 1.2 s
# of CPU at load 9 on 2 cores; with the bounds below the slowest of the 190 DUC 2006/2007 programs
# (100 and 250 words) took 0.40 s of CPU there, the median 0.04 s, and ROUGE stayed within about a
# quarter point of the larger program in all four cells (docs/benchmarks.md, "(2026-12-03,
# afternoon)"). At load 7 and more a few bundles still reach the time limit; at load 3-6 none did.
POOL = 50  # candidates given to the solver, the densest in concept weight per word first
MAX_CONCEPTS = 200  # the heaviest concepts of the pool's sentences that the program counts
GAP = 0.02  # relative optimality gap at which HiGHS stops
CUT_POOL = 100  # HiGHS's soft limit on its pool of cuts (`mip_pool_soft_limit`; its default is 10,000)
TIME_LIMIT = 1.0  # seconds for building and solving the program together: a safety net only
# Branch-and-bound nodes HiGHS may explore. On DUC 2007 (45 bundles of 25 articles, at 250 and 100
# words) a solve to the 1% gap needed a median of 1 node and at most 12 and 13; two nodes gave up
# 0.06% (250 words) and 0.11% (100 words) of the total concept weight against an unlimited solve.
NODE_LIMIT = 2


def concept_weights(
    texts: Sequence[str], articles: Sequence[str], word_weight: float = WORD_WEIGHT
) -> tuple[list[set], dict[tuple[str, ...], float]]:
    """Each sentence's concepts, and the weight of every concept enough articles use (the number
    of articles using it; a content word at `word_weight` of that)."""
    concepts = [concepts_of(t) for t in texts]
    using: dict[tuple[str, ...], set[str]] = {}
    for article, found in zip(articles, concepts):
        for c in found:
            using.setdefault(c, set()).add(article)
    least = min(MIN_ARTICLES, len(set(articles)))
    weight = {
        c: len(arts) * (word_weight if len(c) == 1 else 1.0) for c, arts in using.items() if len(arts) >= least
    }
    return concepts, weight


def solve(
    lengths: Sequence[int],
    concepts: Sequence[set],
    weight: dict,
    budget: int,
    exclusive: Sequence[tuple[int, int]] = (),
    requires: Sequence[tuple[int, int]] = (),
    time_limit: float = TIME_LIMIT,
    node_limit: int = NODE_LIMIT,
) -> list[int] | None:
    """The optimal selection (indices, ascending) of sentences of `lengths` words holding
    `concepts`, within `budget` words; no pair of `exclusive` together; for (i, p) in
    `requires`, i only with p; or the best HiGHS finds in `node_limit` branch-and-bound nodes
    (deterministic). None when the solver reaches `time_limit` seconds first: what it had found by
    then depends on the machine's load, so it is not used."""
    n = len(lengths)
    if n == 0 or time_limit <= 0:
        return None if time_limit <= 0 else []
    index: dict = {}
    for found in concepts:
        for c in sorted(found):
            if c in weight and c not in index:
                index[c] = len(index)
    m = len(index)
    # Variables: x_0..x_{n-1} (sentences), then y_0..y_{m-1} (concepts).
    cost = np.zeros(n + m)
    for c, k in index.items():
        cost[n + k] = -weight[c]
    rows, cols, vals = [], [], []
    for k in range(m):  # y_c - sum x_i <= 0
        rows.append(k)
        cols.append(n + k)
        vals.append(1.0)
    for i, found in enumerate(concepts):
        for c in found:
            k = index.get(c)
            if k is not None:
                rows.append(k)
                cols.append(i)
                vals.append(-1.0)
    r = m
    for i, length in enumerate(lengths):  # the budget
        rows.append(r)
        cols.append(i)
        vals.append(float(length))
    r += 1
    upper = [0.0] * m + [float(budget)]
    for i, j in exclusive:  # x_i + x_j <= 1
        rows += [r, r]
        cols += [i, j]
        vals += [1.0, 1.0]
        upper.append(1.0)
        r += 1
    for i, p in requires:  # x_i - x_p <= 0
        rows += [r, r]
        cols += [i, p]
        vals += [1.0, -1.0]
        upper.append(0.0)
        r += 1
    # Imported here: scipy.optimize takes a quarter of a second to import, and most briefs (every
    # bundle of fewer than LARGE_BUNDLE candidates) never solve a program.
    from scipy.optimize import Bounds, LinearConstraint, milp

    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(r, n + m))
    with warnings.catch_warnings():
        # scipy passes options it does not know (here the cut pool's limit) to HiGHS verbatim, with
        # a RuntimeWarning that says so.
        warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
        result = milp(
            cost,
            constraints=LinearConstraint(matrix, -np.inf, np.asarray(upper)),
            integrality=np.concatenate([np.ones(n), np.zeros(m)]),
            bounds=Bounds(0.0, 1.0),
            options={
                "time_limit": max(time_limit, 1e-3),
                "node_limit": node_limit,
                "mip_rel_gap": GAP,
                "mip_pool_soft_limit": CUT_POOL,
                "disp": False,
            },
        )
    # status 0: optimal within the gap; status 4 with HiGHS's "Solution limit reached" (scipy does
    # not map that HiGHS status) when the node limit stopped it, with its incumbent in x; status 1:
    # the time (or an iteration) limit, whose incumbent depends on load.
    if result.status == 1 or result.x is None:
        return None
    return [i for i in range(n) if result.x[i] > 0.5]


def ilp_decode(
    bundle: Bundle, budget: int, require_antecedent: bool = False, time_limit: float = TIME_LIMIT
) -> list[int] | None:
    """The concept ILP's summary of `bundle` (indices into `bundle.sentences`, in bundle order),
    or None when it could not be solved within `time_limit` seconds (use the greedy decoder)."""
    start = time.perf_counter()
    pool = [i for i in bundle.candidates if words_of(bundle.sentences[i].text) >= MIN_WORDS]
    if not pool:
        return []
    texts = [bundle.sentences[i].text for i in pool]
    concepts, weight = concept_weights(texts, [bundle.sentences[i].article for i in pool])
    lengths = [words_of(t) for t in texts]
    value = [sum(weight.get(c, 0.0) for c in found) for found in concepts]
    # The densest sentences, ties to the earlier one; a sentence that needs its predecessor keeps
    # its place only if the predecessor is in the pool too (see below).
    dense = sorted(range(len(pool)), key=lambda k: (-value[k] / max(lengths[k], 1), k))
    keep = sorted(k for k in dense[:POOL] if value[k] > 0)
    requires: list[tuple[int, int]] = []
    if require_antecedent:
        predecessor = predecessors(bundle)
        at = {pool[k]: k for k in keep}
        allowed = []
        for k in keep:
            if needs_antecedent(texts[k]):
                before = at.get(predecessor.get(pool[k], -1))
                if before is None:
                    continue  # its antecedent is not on offer: it cannot stand alone
                requires.append((k, before))
            allowed.append(k)
        keep = allowed
        # A predecessor left out for the same reason takes its follower with it.
        while True:
            kept = set(keep)
            dropped = {k for k, b in requires if b not in kept}
            if not dropped:
                break
            keep = [k for k in keep if k not in dropped]
            requires = [(k, b) for k, b in requires if k not in dropped]
    # Only the heaviest concepts of the sentences on offer count (ties to the first in sorted order):
    # the rest, mostly content words used by three or four articles, add rows that HiGHS's root
    # works through but seldom change which sentences win.
    offered = sorted({c for k in keep for c in concepts[k] if c in weight}, key=lambda c: (-weight[c], c))
    counted = {c: weight[c] for c in offered[:MAX_CONCEPTS]}
    place = {k: p for p, k in enumerate(keep)}
    requires = [(place[k], place[b]) for k, b in requires]
    trigrams = [word_trigrams(texts[k]) for k in keep]
    exclusive = [
        (a, b)
        for a in range(len(keep))
        for b in range(a + 1, len(keep))
        if repeats(bundle, [pool[keep[a]]], trigrams[a], pool[keep[b]], trigrams[b])
        or repeats(bundle, [pool[keep[b]]], trigrams[b], pool[keep[a]], trigrams[a])
    ]
    chosen = solve(
        [lengths[k] for k in keep],
        [concepts[k] for k in keep],
        counted,
        budget,
        exclusive,
        requires,
        time_limit - (time.perf_counter() - start),
    )
    if chosen is None:
        return None
    return [pool[keep[p]] for p in chosen]
