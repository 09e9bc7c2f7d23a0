"""How well citations made with the static encoder agree with those made with MiniLM.

`crossbrief brief` cites with MiniLM vectors (MINILM_SIMILARITY); batch mode cites with the static
(model2vec) encoder, whose cosines run higher, so it needs thresholds of its own. This measures,
for every candidate sentence of the first N Multi-News validation clusters, the (sentence, cited
article) pairs of `summarise.cite` with static vectors against those with MiniLM vectors (the
reference; `also` and `differ` together are "cited"), as micro precision / recall / F1, for the
shipped STATIC_SIMILARITY and a grid of alternatives (cite 0.66-0.85 and strong 0.78-0.92 in steps
of 0.01 with strong >= cite, figure 0.55-0.75 in steps of 0.05; redundancy plays no part in cite).
It prints the best-F1 setting and its neighbours, a two-fold check of that choice (tuned on one
half of the clusters, scored on the other), and the same comparison on a sample bundle folder.

    .venv/bin/python bench/citations.py [--limit 300] [--sample /work/shared/samples/aleppo]

The grid does not call cite() for every setting: for each (sentence, other article) pair it
stores the static cosine, word overlap and figure relation of the three best-ranked sentences
cite() looks at, and applies same_content's rules to those arrays. The script checks that this
gives exactly cite()'s answers for the shipped and the best setting.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import time
from dataclasses import replace

import numpy as np

from crossbrief.resources.encoders import MINILM_SIMILARITY, STATIC_SIMILARITY, Thresholds
from crossbrief.summarise.cite import cite, overlap
from crossbrief.summarise.documents import articles_from_documents
from crossbrief.summarise.features import build_bundle
from crossbrief.summarise.numbers import figure_relation

DATA = "/work/shared/data/multinews/validation.jsonl.gz"
FIGURE_CODE = {"none": 0, "same": 1, "differ": 2, "unrelated": 3}
TOP = 3  # cite() tries the three best-ranked sentences of each other article


def clusters(path: str, limit: int):
    with gzip.open(path, "rt") as f:
        for line in itertools.islice(f, limit):
            yield json.loads(line)["documents"]


class Pairs:
    """One row per (candidate sentence, other article): MiniLM's verdict and what static cite() sees."""

    def __init__(self):
        self.ref, self.cos, self.ovl, self.fig, self.cluster = [], [], [], [], []
        self.sentences = []  # (bundle, i, indices) per candidate, for checking against cite()
        self.rows_of = []  # row numbers of each candidate's pairs, same order as `sentences`

    def add(self, bundle, minilm_vectors, indices, cluster: int) -> None:
        texts = [s.text for s in bundle.sentences]
        static_sims = bundle.vectors @ bundle.vectors.T
        for i in bundle.candidates:
            a = bundle.sentences[i].article
            also, differ = cite(bundle, i, indices, minilm_vectors, MINILM_SIMILARITY)
            rows = []
            for b in indices:
                mask = np.flatnonzero(bundle.article_of == b)
                if b == a or len(mask) == 0:
                    continue
                sims = static_sims[i]
                ranked = mask[np.argsort(-sims[mask], kind="stable")][:TOP]
                cos = np.full(TOP, -np.inf)
                ovl = np.zeros(TOP, dtype=bool)
                fig = np.full(TOP, FIGURE_CODE["unrelated"])  # padding never matches
                for k, j in enumerate(ranked):
                    cos[k] = float(sims[j])
                    ovl[k] = overlap(texts[i], texts[j]) >= 0.25
                    fig[k] = FIGURE_CODE[figure_relation(texts[i], texts[j])]
                rows.append(len(self.ref))
                self.ref.append(2 if b in differ else 1 if b in also else 0)
                self.cos.append(cos)
                self.ovl.append(ovl)
                self.fig.append(fig)
                self.cluster.append(cluster)
            self.sentences.append((bundle, i, indices))
            self.rows_of.append(rows)

    def freeze(self) -> None:
        self.ref, self.cos, self.ovl = np.array(self.ref), np.array(self.cos), np.array(self.ovl)
        self.fig, self.cluster = np.array(self.fig), np.array(self.cluster)

    def predict(self, t: Thresholds) -> np.ndarray:
        """same_content + cite's first-match rule, per pair: 0 not cited, 1 also, 2 differ."""
        cos, fig = self.cos, self.fig
        ok = (fig != FIGURE_CODE["unrelated"]) & (
            (cos >= t.strong) | ((cos >= t.cite) & self.ovl) | ((cos >= t.figure) & ((fig == 1) | (fig == 2)))
        )
        first = ok.argmax(1)
        cited = ok.any(1)
        return np.where(cited, np.where(fig[np.arange(len(fig)), first] == 2, 2, 1), 0)


def scores(pred: np.ndarray, ref: np.ndarray) -> tuple[float, float, float]:
    tp = int(((pred > 0) & (ref > 0)).sum())
    p = tp / max(int((pred > 0).sum()), 1)
    r = tp / max(int((ref > 0).sum()), 1)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def differ_agreement(pred: np.ndarray, ref: np.ndarray) -> str:
    p, r, f = scores((pred == 2).astype(int), (ref == 2).astype(int))
    counts = f"MiniLM {int((ref == 2).sum())}, static {int((pred == 2).sum())}"
    return f"differ pairs: {counts}; P {p:.3f}  R {r:.3f}  F1 {f:.3f}"


def bootstrap(pairs: Pairs, a: Thresholds, b: Thresholds, n: int = 2000) -> tuple[float, float]:
    """95% interval of F1(b) - F1(a), resampling clusters (paired)."""
    ids, inverse = np.unique(pairs.cluster, return_inverse=True)
    ref = pairs.ref > 0
    counts = []
    for t in (a, b):
        pred = pairs.predict(t) > 0
        counts.append(np.stack([np.bincount(inverse, w, len(ids)) for w in (pred & ref, pred, ref)], 1))
    rng = np.random.default_rng(0)
    diffs = []
    for _ in range(n):
        pick = rng.integers(0, len(ids), len(ids))
        f1 = [2 * c[pick, 0].sum() / (c[pick, 1].sum() + c[pick, 2].sum()) for c in counts]
        diffs.append(f1[1] - f1[0])
    return tuple(np.percentile(diffs, [2.5, 97.5]))


def grid() -> list[Thresholds]:
    steps = lambda lo, hi, step: np.round(np.arange(lo, hi + step / 2, step), 2)  # noqa: E731
    return [
        Thresholds(float(c), float(s), float(f), STATIC_SIMILARITY.redundancy)
        for c in steps(0.66, 0.85, 0.01)
        for s in steps(0.78, 0.92, 0.01)
        for f in steps(0.55, 0.75, 0.05)
        if s >= c
    ]


def best(pairs: Pairs, settings, rows=slice(None)) -> tuple[Thresholds, tuple]:
    ref = pairs.ref[rows]
    return max(((t, scores(pairs.predict(t)[rows], ref)) for t in settings), key=lambda x: x[1][2])


def fmt(t: Thresholds, prf) -> str:
    return (
        f"cite {t.cite:.2f} strong {t.strong:.2f} figure {t.figure:.2f}:"
        f"  P {prf[0]:.3f}  R {prf[1]:.3f}  F1 {prf[2]:.3f}"
    )


def check_against_cite(pairs: Pairs, t: Thresholds) -> int:
    """Candidates whose reimplemented citations differ from cite()'s with static vectors (want 0)."""
    pred = pairs.predict(t)
    wrong = 0
    for (bundle, i, indices), rows in zip(pairs.sentences, pairs.rows_of):
        also, differ = cite(bundle, i, indices, bundle.vectors, t)
        a = bundle.sentences[i].article
        others = [b for b in indices if b != a and (bundle.article_of == b).any()]
        expected = [2 if b in differ else 1 if b in also else 0 for b in others]
        wrong += expected != pred[rows].tolist()
    return wrong


def collect(bundles_of, encoder, minilm) -> Pairs:
    pairs = Pairs()
    for c, articles in enumerate(bundles_of):
        bundle = build_bundle(articles, encoder)
        if not bundle.candidates:
            continue
        minilm_vectors = np.asarray(minilm.encode([s.text for s in bundle.sentences]), dtype=np.float32)
        pairs.add(bundle, minilm_vectors, range(len(articles)), c)
    pairs.freeze()
    return pairs


def report(pairs: Pairs, top: Thresholds, label: str, top_label: str = "best F1") -> None:
    n = len(pairs.sentences)
    ref = pairs.ref
    print(f"\n== {label}: {n} candidate sentences, {len(ref)} (sentence, other article) pairs")
    print(
        f"MiniLM cites {int((ref > 0).sum())} pairs = {(ref > 0).sum() / max(n, 1):.2f} per sentence "
        f"({(ref > 0).mean():.1%} of pairs; {int((ref == 2).sum())} as differ); "
        f"{sum(any(ref[r] > 0) for r in pairs.rows_of) / max(n, 1):.1%} of sentences cite something"
    )
    for name, t in (("shipped", STATIC_SIMILARITY), (top_label, top)):
        pred = pairs.predict(t)
        print(f"{name:8} {fmt(t, scores(pred, ref))}  ({(pred > 0).sum() / max(n, 1):.2f} pairs/sentence)")
        print("  " + differ_agreement(pred, ref))
    minilm_own = scores(pairs.predict(MINILM_SIMILARITY), ref)
    print("static vectors with MiniLM's thresholds  " + fmt(MINILM_SIMILARITY, minilm_own))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=DATA)
    parser.add_argument("--limit", type=int, default=300, help="first N validation clusters")
    parser.add_argument("--sample", default="/work/shared/samples/aleppo", help="a folder of articles ('' to skip)")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)  # the machine is shared
    from crossbrief.resources.encoders import get_encoder, get_static_encoder

    start = time.time()
    static, minilm = get_static_encoder(), get_encoder()
    bundles = (articles_from_documents(docs) for docs in clusters(args.data, args.limit))
    pairs = collect(bundles, static, minilm)
    collected = time.time()
    settings = grid()
    top, _ = best(pairs, settings)
    report(pairs, top, f"first {args.limit} Multi-News validation clusters")
    searched = time.time()

    print("\naround the best (F1):")
    for t in settings:
        if abs(t.cite - top.cite) <= 0.031 and abs(t.strong - top.strong) <= 0.031 and t.figure == top.figure:
            if round((t.cite - top.cite) * 100) % 3 == 0 and round((t.strong - top.strong) * 100) % 3 == 0:
                print("  " + fmt(t, scores(pairs.predict(t), pairs.ref)))
    for f in (0.55, 0.6, 0.65, 0.7, 0.75):
        t = replace(top, figure=f)
        print("  " + fmt(t, scores(pairs.predict(t), pairs.ref)))

    # Two folds by cluster: is the best setting stable, and what does tuning buy out of sample?
    print("\ntwo-fold check (tuned on one half of the clusters, scored on the other):")
    for tune, test in ((0, 1), (1, 0)):
        rows = pairs.cluster % 2 == tune
        t, prf = best(pairs, settings, rows)
        held = scores(pairs.predict(t)[~rows], pairs.ref[~rows])
        shipped = scores(pairs.predict(STATIC_SIMILARITY)[~rows], pairs.ref[~rows])
        print(f"  tuned on half {tune}: {fmt(t, prf)}")
        print(f"    on half {test}: tuned F1 {held[2]:.3f} vs shipped F1 {shipped[2]:.3f}")

    lo, hi = bootstrap(pairs, STATIC_SIMILARITY, top)
    print(f"F1 best - shipped, 95% interval (bootstrap over clusters; optimistic, as the best "
          f"was chosen on these clusters): {lo:+.3f} .. {hi:+.3f}")

    checked = [STATIC_SIMILARITY, top, *settings[::400]]
    wrong = sum(check_against_cite(pairs, t) for t in checked)
    print(f"\nreimplementation vs cite() on {len(checked)} settings (shipped, best, 4 more): "
          f"{wrong} sentence-settings disagree")
    print(f"time: collect {collected - start:.1f} s, grid of {len(settings)} settings {searched - collected:.2f} s, "
          f"total {time.time() - start:.1f} s")

    if args.sample:
        from crossbrief.pipeline import prepare

        articles, _ = prepare(args.sample)
        sample = collect([articles], static, minilm)
        report(sample, top, f"sample {args.sample} ({len(articles)} articles)", "tuned")
        own, own_prf = best(sample, settings)
        print("best on this sample alone (for context)  " + fmt(own, own_prf))
        wrong = check_against_cite(sample, STATIC_SIMILARITY) + check_against_cite(sample, top)
        print(f"reimplementation vs cite(): {wrong} sentence-settings disagree")


if __name__ == "__main__":
    main()
