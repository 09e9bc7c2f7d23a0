"""Off-topic detection against the Multi-News+ relevance votes.

Each Multi-News cluster comes with, for each document, how many of five LLM votes judged it
irrelevant to the story (>= 3: off-topic). For clusters of three or more documents this prints
precision / recall / F1 of `crossbrief.relevance.assess_relevance` at its shipped thresholds, and the
best thresholds on the same clusters for comparison (a tuning aid, not a claim).

    .venv/bin/python bench/relevance.py ../shared/data/multinews/validation.jsonl.gz --limit 600
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import time

import numpy as np

from crossbrief import relevance as group
from crossbrief.model import Article
from crossbrief.stages.segment import segment


def clusters(path: str, limit: int):
    with gzip.open(path, "rt") as f:
        for line in f:
            row = json.loads(line)
            docs = [d for d in row["documents"] if d.strip()]
            if len(docs) != len(row["documents"]) or len(docs) < 3:
                continue
            yield docs, [int(row["vote_count"].get(str(i), 0)) >= 3 for i in range(len(docs))]
            limit -= 1
            if limit == 0:
                return


def prf(pairs):
    tp = sum(1 for p, g in pairs if p and g)
    fp = sum(1 for p, g in pairs if p and not g)
    fn = sum(1 for p, g in pairs if g and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--limit", type=int, default=600)
    args = parser.parse_args()
    start = time.time()
    rows = []  # (score, median, gold)
    shipped = []
    for docs, gold in clusters(args.path, args.limit):
        articles = [segment(Article(source=str(i), raw_text=d, text=d)) for i, d in enumerate(docs)]
        articles = [a for a in articles if a.sentences]
        if len(articles) != len(docs):
            continue
        group.assess_relevance(articles)
        scores = [a.relevance for a in articles]
        median = float(np.median(scores))
        rows += [(s, median, g) for s, g in zip(scores, gold)]
        shipped += [(not a.on_topic, g) for a, g in zip(articles, gold)]
    n_off = sum(g for _, _, g in rows)
    print(f"{len(rows)} documents, {n_off} off-topic by the votes; {time.time() - start:.0f} s")
    p, r, f = prf(shipped)
    print(f"shipped (min {group.MIN_RELEVANCE}, gap {group.MAX_GAP}): precision {p:.3f} recall {r:.3f} F1 {f:.3f}")
    best = max(
        ((prf([(s < lo and m - s > gap, g) for s, m, g in rows]), lo, gap)
         for lo, gap in itertools.product(np.arange(0.3, 0.8, 0.025), np.arange(0.0, 0.4, 0.025))),
        key=lambda t: t[0][2],
    )
    (p, r, f), lo, gap = best
    print(f"best on these clusters (min {lo:.3f}, gap {gap:.3f}): precision {p:.3f} recall {r:.3f} F1 {f:.3f}")


if __name__ == "__main__":
    main()
