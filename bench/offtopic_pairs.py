"""Bundles of two (issue 12): the shipped pair rule against trees over all of `relevance.FEATURES`.

An experiment, not shipped: trees (the same LightGBM parameters as the 3+ model) are fitted on the
first 8,000 training pairs, their threshold the best-F1 one on out-of-fold scores (4 folds of
whole pairs); then validation pairs are scored by both, and clusters of 3+ by the shipped model,
to give the all-clusters figures each pair detector would make. The shipped model's site-page
words were fitted on all training clusters, these pairs included, so the training figures flatter
both detectors; the validation figures do not.

    PYTHONPATH=src .venv/bin/python bench/offtopic_pairs.py ../shared/data/multinews/train.jsonl.gz \
        ../shared/data/multinews/validation.jsonl.gz
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from crossbrief.learn.offtopic import best_threshold, fit_trees, labelled_clusters, prf
from crossbrief.relevance import get_flagger
from crossbrief.resources.encoders import get_static_encoder
from crossbrief.summarise.documents import articles_from_documents

FOLDS = 4


def features(path: str, limit: int | None, pairs: bool) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """FEATURES and votes of each cluster of two (pairs) or of three or more (not pairs)."""
    flagger, encoder = get_flagger(), get_static_encoder()
    xs, ys = [], []
    for docs, off in labelled_clusters(path, "all", 2):
        if pairs != (len(docs) == 2):
            continue
        articles = articles_from_documents(docs)
        if not all(a.sentences for a in articles):
            continue
        xs.append(flagger.features_of(articles, encoder)[0])
        ys.append(np.array(off, dtype=bool))
        if limit and len(xs) >= limit:
            break
    return xs, ys


def figures(name: str, predicted: np.ndarray, gold: np.ndarray) -> str:
    return "| {} | {:.3f} | {:.3f} | {:.3f} |".format(name, *prf(predicted, gold))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train")
    parser.add_argument("validation")
    parser.add_argument("--train-pairs", type=int, default=8000)
    args = parser.parse_args()
    start = time.time()
    flagger = get_flagger()
    xs, ys = features(args.train, args.train_pairs, True)
    x, y = np.concatenate(xs), np.concatenate(ys)
    fold = np.repeat(np.arange(len(xs)) % FOLDS, 2)
    held_out = np.zeros(len(y))
    for f in range(FOLDS):
        held_out[fold == f] = fit_trees(x[fold != f], y[fold != f]).predict(x[fold == f], raw_score=True)
    threshold, f1 = best_threshold(held_out, y)
    print(f"training pairs: {len(xs)}, out-of-fold F1 {f1:.3f} at {threshold:.3f}")
    trees = fit_trees(x, y)
    vxs, vys = features(args.validation, None, True)
    vx, vy = np.concatenate(vxs), np.concatenate(vys)
    rule = flagger.pair_scores(vx) > float(flagger.pair["threshold"]) if flagger.pair else np.zeros(len(vy), bool)
    rule &= ~np.repeat(rule.reshape(-1, 2).all(1), 2)  # both site pages: both kept, as shipped
    paired = trees.predict(vx, raw_score=True) > threshold
    txs, tys = features(args.validation, None, False)
    tx, ty = np.concatenate(txs), np.concatenate(tys)
    shipped = flagger.scores(tx) > flagger.threshold
    gold = np.concatenate([vy, ty])
    print(f"validation: {len(vxs)} pairs ({int(vy.sum())} of {len(vy)} documents off-topic), {len(txs)} clusters "
          f"of 3+ ({int(ty.sum())} of {len(ty)}); {time.time() - start:.0f} s")
    print()
    print("| detector | precision | recall | F1 |")
    print("| --- | --- | --- | --- |")
    print(figures("pairs: shipped pair rule (site pages only)", rule, vy))
    print(figures("pairs: trees over FEATURES", paired, vy))
    print(figures("3+: shipped", shipped, ty))
    print(figures("all clusters: shipped", np.concatenate([rule, shipped]), gold))
    print(figures("all clusters: pair trees + shipped 3+", np.concatenate([paired, shipped]), gold))


if __name__ == "__main__":
    main()
