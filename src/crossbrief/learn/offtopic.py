"""Fitting the off-topic model (crossbrief/data/offtopic.json) from Multi-News training clusters.

    PYTHONPATH=src .venv/bin/python -m crossbrief.learn.offtopic ../shared/data/multinews/train.jsonl.gz

Labels: the Multi-News+ relevance votes (`vote_count`: of five LLM votes, how many judged the
document irrelevant to its cluster; 3 or more = off-topic). Only training clusters are read
(validation is for bench/relevance.py). Steps:

1. the IDF table: document frequencies of words over all training documents (only the IDF_WORDS
   commonest are shipped; any other word counts as rare, at the table's highest IDF);
2. the site-page words: an L1 logistic regression over which words a document uses, fitted
   twice, on the even- and on the odd-numbered lines; each half's documents are described with
   the other half's weights (so that the trees never see a score fitted on their own rows), and
   the model ships the mean of the two;
3. the trees (LightGBM, numpy at run time) over `relevance.FEATURES` of every document of the
   clusters of three or more; the threshold is the one with the best F1 on out-of-fold scores
   (FOLDS folds of whole clusters);
4. bundles of two (no majority to differ from): a site-page score from the page's own text
   (logistic regression on its furniture share and site-word score), its threshold set so that
   PAIR_PRECISION of the pages it flags in training pairs are off-topic: the reason given for a
   site page; and trees of their own over all of FEATURES of the pairs' documents (a pair's
   "typical" is the other article alone, unlike a bundle of three or more, hence not the same
   trees), the threshold the best-F1 one on out-of-fold scores (folds of whole pairs).

Deterministic (fixed order, liblinear / lbfgs, LightGBM with one thread and `deterministic`):
the same data gives the same file. Needs the [train] extra; about 15 minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from crossbrief.relevance import FEATURES, MODEL_ENCODER, MODEL_PATH, Flagger, words
from crossbrief.runners.jsonl import open_text
from crossbrief.summarise.documents import articles_from_documents

log = logging.getLogger(__name__)

IDF_WORDS = 6000  # the commonest words shipped with their IDF
SITE_MIN_DF = 30  # words in fewer training documents get no site-page weight
SITE_C = 0.05  # L1 strength of the site-page words (smaller: fewer words)
PAIR_PRECISION = 0.9  # bundles of two: flag a page only this surely


def labelled_clusters(path: str, lines: str = "all", min_docs: int = 1) -> Iterator[tuple[list[str], list[bool]]]:
    """(documents, off-topic by the votes) of each cluster with `min_docs` documents or more, all of
    them non-empty; `lines`: "all", "even" or "odd" (0-based line numbers)."""
    with open_text(path) as f:
        for n, line in enumerate(f):
            if (lines == "even" and n % 2) or (lines == "odd" and not n % 2):
                continue
            row = json.loads(line)
            docs = row["documents"]
            if len(docs) < min_docs or not all(d.strip() for d in docs):
                continue
            votes = row.get("vote_count") or {}
            yield docs, [int(votes.get(str(i), 0)) >= 3 for i in range(len(docs))]


def prf(predicted: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    tp = float(np.sum(predicted & gold))
    p = tp / max(float(predicted.sum()), 1.0)
    r = tp / max(float(gold.sum()), 1.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_threshold(scores: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """The score threshold (flag above it) with the best F1, and that F1."""
    order = np.argsort(-scores, kind="stable")
    s, g = scores[order], gold[order]
    tp = np.cumsum(g)
    k = np.arange(1, len(s) + 1)
    f1 = 2 * tp / (k + g.sum())
    # Only cut between distinct scores.
    valid = np.append(s[1:] < s[:-1], True)
    i = int(np.argmax(np.where(valid, f1, -1)))
    threshold = float((s[i] + s[i + 1]) / 2) if i + 1 < len(s) else float(s[i] - 1e-6)
    return threshold, float(f1[i])


def idf_table(path: str) -> tuple[dict[str, float], float, int]:
    """IDF of the IDF_WORDS commonest words over all training documents, the IDF every other word
    gets (the highest), and the number of documents."""
    df: Counter[str] = Counter()
    n_docs = 0
    for docs, _ in labelled_clusters(path):
        for d in docs:
            df.update(set(words(d)))
            n_docs += 1
    common = sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))[:IDF_WORDS]
    table = {w: round(math.log(n_docs / c), 3) for w, c in common}
    default = round(math.log(n_docs / common[-1][1]), 3) if common else 1.0
    return table, default, n_docs


def site_words(path: str, lines: str) -> tuple[dict[str, float], float]:
    """Site-page word weights (L1 logistic regression on word presence) from the clusters on
    `lines` ("even" or "odd")."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    docs_words: list[set[str]] = []
    gold: list[bool] = []
    df: Counter[str] = Counter()
    for docs, off in labelled_clusters(path, lines):
        for d, g in zip(docs, off):
            ws = set(words(d))
            docs_words.append(ws)
            gold.append(g)
            df.update(ws)
    vocab = sorted(w for w, c in df.items() if c >= SITE_MIN_DF)
    index = {w: i for i, w in enumerate(vocab)}
    rows, cols = [], []
    for r, ws in enumerate(docs_words):
        for w in ws:
            if w in index:
                rows.append(r)
                cols.append(index[w])
    x = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(docs_words), len(vocab)))
    model = LogisticRegression(penalty="l1", C=SITE_C, solver="liblinear", max_iter=1000, random_state=0)
    model.fit(x, np.array(gold))
    weights = {w: float(c) for w, c in zip(vocab, model.coef_[0]) if abs(c) >= 0.005}
    log.info("site words: %d documents, %d words kept of %d", len(gold), len(weights), len(vocab))
    return weights, float(model.intercept_[0])


def bundles(path: str, flagger: Flagger, encoder, lines: str, limit: int | None, min_docs: int, max_docs: int
            ) -> list[tuple[np.ndarray, np.ndarray]]:
    """FEATURES and votes of each cluster with min_docs..max_docs documents, all with sentences."""
    out = []
    for docs, off in labelled_clusters(path, lines, min_docs):
        if len(docs) > max_docs:
            continue
        articles = articles_from_documents(docs)
        if not all(a.sentences for a in articles):
            continue
        x, _ = flagger.features_of(articles, encoder)
        out.append((x, np.array(off, dtype=bool)))
        if limit and len(out) >= limit:
            break
    return out


def _flat_tree(structure: dict) -> dict:
    """One LightGBM tree (its dump_model structure) as `relevance._Trees` reads it."""
    tree: dict[str, list] = {"feature": [], "threshold": [], "left": [], "right": [], "leaf": []}
    if "split_index" not in structure:
        tree["leaf"].append(round(float(structure["leaf_value"]), 6))
        return tree

    def visit(node: dict) -> int:
        if "split_index" not in node:
            tree["leaf"].append(round(float(node["leaf_value"]), 6))
            return ~(len(tree["leaf"]) - 1)
        if node.get("decision_type", "<=") != "<=":
            raise ValueError(f"unsupported split {node.get('decision_type')}")
        i = len(tree["feature"])
        tree["feature"].append(int(node["split_feature"]))
        tree["threshold"].append(float(node["threshold"]))
        tree["left"].append(0)
        tree["right"].append(0)
        tree["left"][i] = visit(node["left_child"])
        tree["right"][i] = visit(node["right_child"])
        return i

    visit(structure)
    return tree


TREE_PARAMS: dict[str, Any] = {"n_estimators": 300, "num_leaves": 7, "learning_rate": 0.05, "min_child_samples": 80,
               "subsample": 1.0, "colsample_bytree": 1.0, "reg_lambda": 0.0, "deterministic": True,
               "force_row_wise": True, "n_jobs": 1, "random_state": 0, "verbose": -1}
FOLDS = 4


def fit_trees(x: np.ndarray, y: np.ndarray):
    import lightgbm

    return lightgbm.LGBMClassifier(**TREE_PARAMS).fit(x, y)


def _out_of_fold(x: np.ndarray, y: np.ndarray, sizes: list[int]) -> tuple[float, float, float, float]:
    """The best-F1 threshold on out-of-fold tree scores (FOLDS folds of whole bundles, by
    position; `sizes`: each bundle's rows), and its precision, recall and F1."""
    fold_of = np.repeat(np.arange(len(sizes)) % FOLDS, sizes)
    held_out = np.zeros(len(y))
    for fold in range(FOLDS):
        held_out[fold_of == fold] = fit_trees(x[fold_of != fold], y[fold_of != fold]).predict(
            x[fold_of == fold], raw_score=True)
    threshold, f1 = best_threshold(held_out, y)
    p, r, _ = prf(held_out > threshold, y)
    return threshold, p, r, f1


def _mean_weights(a: tuple[dict[str, float], float], b: tuple[dict[str, float], float]) -> dict:
    """The site-page words of both halves as one linear model: the mean of their log-odds."""
    words_ = sorted(set(a[0]) | set(b[0]))
    weights = {w: round((a[0].get(w, 0.0) + b[0].get(w, 0.0)) / 2, 3) for w in words_}
    return {"intercept": round((a[1] + b[1]) / 2, 3), "weights": {w: v for w, v in weights.items() if v}}


def fit(path: str, out: str | Path = MODEL_PATH, limit: int | None = None, pair_limit: int | None = 8000) -> dict:
    """Fit the whole model from the training clusters in `path` and write it to `out`.

    The site-page words are cross-fitted: fitted on the even lines, they describe the odd lines'
    documents for the trees, and the other way round; the model ships the mean of the two."""
    from sklearn.linear_model import LogisticRegression

    from crossbrief.resources.encoders import get_static_encoder, probe_vectors

    start = time.time()
    encoder = get_static_encoder()
    idf, default, n_docs = idf_table(path)
    log.info("IDF: %d documents, %d words shipped (%.0f s)", n_docs, len(idf), time.time() - start)
    site = {half: site_words(path, half) for half in ("even", "odd")}
    payload: dict = {
        "version": "offtopic-1",
        "encoder": MODEL_ENCODER,
        "encoder_probe": probe_vectors(encoder),
        "idf": {"documents": n_docs, "default": default, "words": idf},
        "site_words": _mean_weights(site["even"], site["odd"]),
    }
    data: list[tuple[np.ndarray, np.ndarray]] = []
    pairs: list[tuple[np.ndarray, np.ndarray]] = []
    for half, other in (("odd", "even"), ("even", "odd")):
        describe = Flagger({**payload, "site_words": {"intercept": site[other][1], "weights": site[other][0]}})
        data += bundles(path, describe, encoder, half, limit and limit // 2, 3, 10**6)
        pairs += bundles(path, describe, encoder, half, pair_limit and pair_limit // 2, 2, 2)
        log.info("features of the %s lines (%.0f s)", half, time.time() - start)
    x = np.concatenate([b[0] for b in data])
    y = np.concatenate([b[1] for b in data])
    log.info("model: %d clusters, %d documents, %d off-topic", len(data), len(y), int(y.sum()))
    # The trees are fitted on all the clusters; the threshold is the one with the best F1 on the
    # out-of-fold scores (folds of whole clusters, by position).
    threshold, p, r, f1 = _out_of_fold(x, y, [len(b[1]) for b in data])
    log.info("model: out-of-fold P %.3f R %.3f F1 %.3f at %.3f (%.0f s)", p, r, f1, threshold, time.time() - start)
    trees = fit_trees(x, y)
    payload["model"] = {
        "features": list(FEATURES),
        "trees": [_flat_tree(t["tree_structure"]) for t in trees.booster_.dump_model()["tree_info"]],
        "threshold": round(threshold, 4),
        "mean": [round(float(v), 5) for v in x.mean(0)],
        "scale": [round(float(v), 5) for v in x.std(0) + 1e-9],
        "fitted_on": {"clusters": len(data), "documents": len(y), "off_topic": int(y.sum()),
                      "out_of_fold": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}},
    }
    check = Flagger(payload).model
    assert check is not None and np.allclose(check.score(x), trees.predict(x, raw_score=True), atol=1e-3)
    # Bundles of two: a site-page score from the page's own text (furniture share, site words),
    # its threshold the lowest at which PAIR_PRECISION of the pages above it are off-topic.
    xp = np.concatenate([b[0] for b in pairs])
    yp = np.concatenate([b[1] for b in pairs])
    cols = [FEATURES.index("furniture"), FEATURES.index("site_words")]
    pair = LogisticRegression(C=1.0, max_iter=2000).fit(xp[:, cols], yp)
    ps = pair.decision_function(xp[:, cols])
    order = np.argsort(-ps, kind="stable")
    precision = np.cumsum(yp[order]) / np.arange(1, len(yp) + 1)
    ok = np.nonzero(precision >= PAIR_PRECISION)[0]
    pair_threshold = float(ps[order][int(ok.max())]) - 1e-6 if len(ok) else float(ps.max())
    p, r, f = prf(ps > pair_threshold, yp)
    log.info("pairs: %d documents, %d off-topic; P %.3f R %.3f F1 %.3f", len(yp), int(yp.sum()), p, r, f)
    payload["pair"] = {
        "weights": [round(float(v), 6) for v in pair.coef_[0]],
        "intercept": round(float(pair.intercept_[0]), 6),
        "threshold": round(pair_threshold, 4),
        "fitted_on": {"documents": len(yp), "off_topic": int(yp.sum()),
                      "precision": round(p, 4), "recall": round(r, 4)},
    }
    # The pairs' own trees: the decision for bundles of two.
    threshold, p, r, f1 = _out_of_fold(xp, yp, [len(b[1]) for b in pairs])
    log.info("pair trees: out-of-fold P %.3f R %.3f F1 %.3f at %.3f", p, r, f1, threshold)
    pair_trees = fit_trees(xp, yp)
    payload["pair_model"] = {
        "features": list(FEATURES),
        "trees": [_flat_tree(t["tree_structure"]) for t in pair_trees.booster_.dump_model()["tree_info"]],
        "threshold": round(threshold, 4),
        "fitted_on": {"pairs": len(pairs), "documents": len(yp), "off_topic": int(yp.sum()),
                      "out_of_fold": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}},
    }
    check_pairs = Flagger(payload).pair_model
    assert check_pairs is not None and np.allclose(check_pairs.score(xp), pair_trees.predict(xp, raw_score=True),
                                                   atol=1e-3)
    Path(out).write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    log.info("wrote %s (%.0f s)", out, time.time() - start)
    return payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="Multi-News training clusters (JSONL, with vote_count)")
    parser.add_argument("-o", "--output", default=str(MODEL_PATH))
    parser.add_argument("--limit", type=int, default=None, help="clusters of 3+ documents to fit on (default: all)")
    parser.add_argument("--pair-limit", type=int, default=8000, help="clusters of two to fit the pair rule on")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    fit(args.path, args.output, args.limit, args.pair_limit)


if __name__ == "__main__":
    main()
