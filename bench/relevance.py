"""Off-topic articles inside a bundle, against the Multi-News+ relevance votes (issue 12).

Each Multi-News cluster comes with, for each document, how many of five LLM votes judged it
irrelevant to the story (>= 3: off-topic). On the clusters of `path` (validation: the shipped
model was fitted on training clusters only) whose documents all have text, this prints in one run
precision / recall / F1 of:

- shipped: `crossbrief.relevance.assess_relevance` as `crossbrief batch` runs it (documents
  segmented as batch does, the static encoder);
- baseline: each document's cosine (mean static sentence vector) to the mean of the other
  documents' vectors, flagged below a threshold tuned on these very clusters for the best F1
  (optimistic: it is fitted to the data it is scored on);
- old rule: the topic check shipped before issue 12 (MiniLM mean vectors, upper-median
  similarity < 0.55 and 0.15 below the bundle's median), on the first --old-limit clusters of
  three or more (MiniLM is slow on two shared cores), beside the other two on those clusters.

Clusters of three or more documents are the headline (a bundle of two has no majority; there the
shipped flagger uses trees fitted on pairs, and never flags both); all clusters, pairs included,
are shown too.

    PYTHONPATH=src .venv/bin/python bench/relevance.py ../shared/data/multinews/validation.jsonl.gz
    ... --limit 300 --old-limit 100     # while developing
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from crossbrief.learn.offtopic import best_threshold, labelled_clusters, prf
from crossbrief.relevance import assess_relevance, get_flagger
from crossbrief.resources.encoders import get_encoder, get_static_encoder
from crossbrief.summarise.documents import articles_from_documents

OLD_MIN_RELEVANCE, OLD_MAX_GAP = 0.55, 0.15


def mean_vectors(articles, encoder) -> np.ndarray:
    rows = []
    for a in articles:
        v = encoder.encode([s.text for s in a.sentences]).mean(0)
        rows.append(v / (np.linalg.norm(v) or 1.0))
    return np.stack(rows)


def centroid_cosines(vectors: np.ndarray) -> np.ndarray:
    """Each document's cosine to the mean of the others' (unit) vectors."""
    n = len(vectors)
    total = vectors.sum(0)
    out = []
    for k in range(n):
        c = (total - vectors[k]) / max(n - 1, 1)
        out.append(float(vectors[k] @ c / (np.linalg.norm(c) or 1.0)))
    return np.array(out)


def old_rule(vectors: np.ndarray) -> np.ndarray:
    """The pre-issue-12 topic check on MiniLM mean vectors."""
    sim = vectors @ vectors.T
    scores = np.array([sorted(np.delete(sim[i], i))[(len(sim) - 1) // 2] for i in range(len(sim))])
    return (scores < OLD_MIN_RELEVANCE) & (np.median(scores) - scores > OLD_MAX_GAP)


def line(name: str, predicted: np.ndarray, gold: np.ndarray) -> str:
    p, r, f = prf(predicted.astype(bool), gold)
    return f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--limit", type=int, default=None, help="clusters to read (default: all)")
    parser.add_argument("--old-limit", type=int, default=400,
                        help="clusters of 3+ on which the old MiniLM rule is run too (0: none)")
    args = parser.parse_args()
    static = get_static_encoder()
    get_flagger()
    gold, size, shipped, baseline, old_rows = [], [], [], [], []
    old_pred: list[bool] = []
    clusters = with_three = 0
    flag_time = 0.0
    start = time.time()
    for docs, off in labelled_clusters(args.path, "all", 2):
        articles = articles_from_documents(docs)
        if not all(a.sentences for a in articles):
            continue
        t = time.perf_counter()
        assess_relevance(articles, static)
        flag_time += time.perf_counter() - t
        shipped += [not a.on_topic for a in articles]
        baseline += centroid_cosines(mean_vectors(articles, static)).tolist()
        gold += off
        size += [len(docs)] * len(docs)
        clusters += 1
        if len(docs) >= 3:
            if with_three < args.old_limit:
                old_pred += old_rule(mean_vectors(articles, get_encoder())).tolist()
                old_rows += range(len(gold) - len(docs), len(gold))
            with_three += 1
        if args.limit and clusters >= args.limit:
            break
    g, s, b = np.array(gold, dtype=bool), np.array(shipped, dtype=bool), np.array(baseline)
    three = np.array(size) >= 3
    print(f"{clusters} clusters ({with_three} of 3+ documents), {len(g)} documents, {int(g.sum())} off-topic by the "
          f"votes ({int(g[three].sum())} of {int(three.sum())} in clusters of 3+); {time.time() - start:.0f} s in all, "
          f"shipped flagger {1000 * flag_time / max(clusters, 1):.1f} ms per cluster (segmented)")
    print()
    print("| detector | precision | recall | F1 |")
    print("| --- | --- | --- | --- |")
    threshold3, _ = best_threshold(-b[three], g[three])
    print(f"| **clusters of 3+ documents ({with_three} clusters, {int(three.sum())} documents)** | | | |")
    print(line("crossbrief, shipped", s[three], g[three]))
    print(line(f"baseline: cosine to the others' centroid < {-threshold3:.3f} (tuned here)", b[three] < -threshold3,
               g[three]))
    if old_rows:
        rows = np.array(old_rows)
        print(f"| **first {min(with_three, args.old_limit)} of those clusters ({len(rows)} documents)** | | | |")
        print(line("crossbrief, shipped", s[rows], g[rows]))
        print(line(f"baseline (threshold {-threshold3:.3f})", b[rows] < -threshold3, g[rows]))
        print(line("old rule (MiniLM, < 0.55 and 0.15 below the median)", np.array(old_pred), g[rows]))
    threshold, _ = best_threshold(-b, g)
    print(f"| **all clusters, pairs included ({clusters} clusters, {len(g)} documents)** | | | |")
    print(line("crossbrief, shipped", s, g))
    print(line(f"baseline: cosine to the others' centroid < {-threshold:.3f} (tuned here)", b < -threshold, g))


if __name__ == "__main__":
    main()
