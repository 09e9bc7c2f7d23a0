"""Story grouping (issue 12): quality on mixed streams, the baselines, fitting the shipped model.

    .venv/bin/python bench/stories.py eval   [--clusters N]   # Multi-News validation stream + events.jsonl
    .venv/bin/python bench/stories.py fit    [--clusters N]   # refit data/story-model.json on the train split

The Multi-News stream mixes the documents of every cluster (documents with vote_count >= 3 left
out; the clusters' order and the documents' shuffled with a fixed seed), undated: a cluster is
one story. B-cubed precision, recall and F1 (Bagga and Baldwin 1998) against the clusters.
Baselines, in the same run: TF-IDF (scikit-learn) + average-linkage agglomerative clustering,
its distance threshold tuned on the very stream it is scored on (optimistic), and a single-pass
grouper on vector cosine alone (threshold tuned likewise), the core of the published systems.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np

from crossbrief.ingest.read import article_from_text, parse_date
from crossbrief.model import Article
from crossbrief.resources.encoders import get_static_encoder
from crossbrief.stories.copies import Shingler
from crossbrief.stories.group import FEATURES, StoryGrouper, StoryModel, default_model
from crossbrief.stories.signature import Signature, prepare, signatures

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "multinews"
EVENTS = Path(__file__).resolve().parent / "devset" / "events.jsonl"
MODEL = Path(__file__).resolve().parent.parent / "src" / "crossbrief" / "stories" / "data" / "story-model.json"
SEED = 20261202


def multinews_stream(split: str, clusters: int | None, seed: int = SEED) -> list[tuple[Article, str]]:
    rows = []
    with gzip.open(DATA / f"{split}.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            docs = [
                (f"mn{row['idx']}-{i}", d)
                for i, d in enumerate(row["documents"])
                if d.strip() and int(row["vote_count"].get(str(i), 0)) < 3
            ]
            if docs:
                rows.append((str(row["idx"]), docs))
    rng = random.Random(seed)
    rng.shuffle(rows)
    if clusters:
        rows = rows[:clusters]
    items = [(key, text, gold) for gold, docs in rows for key, text in docs]
    rng.shuffle(items)
    stream = []
    for key, text, gold in items:
        a = article_from_text(text, key)
        a.meta["id"] = key
        stream.append((a, gold))
    return stream


def events_stream(path: Path = EVENTS) -> list[tuple[Article, str]]:
    stream = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        o = json.loads(line)
        a = article_from_text(o["text"], o["id"], url=o.get("url") or "")
        a.meta["id"] = o["id"]
        a.title = o.get("title") or ""
        a.date = parse_date(o.get("date") or "")
        a.outlet = o.get("outlet") or a.outlet
        stream.append((a, o["story"]))
    return stream


def prepared(stream: list[tuple[Article, str]]) -> tuple[list[Signature], list[str], float]:
    start = time.perf_counter()
    arts, gold = [], []
    for a, g in stream:
        try:
            arts.append(prepare(a))
            gold.append(g)
        except Exception:  # noqa: BLE001 - an article with no text is left out of the score
            pass
    sigs = signatures(arts, get_static_encoder(), Shingler())
    return sigs, gold, time.perf_counter() - start


def b_cubed(predicted: list[str], gold: list[str]) -> tuple[float, float, float]:
    pairs = Counter(zip(predicted, gold))
    size_p, size_g = Counter(predicted), Counter(gold)
    n = len(gold)
    precision = sum(c * c / size_p[p] for (p, g), c in pairs.items()) / n
    recall = sum(c * c / size_g[g] for (p, g), c in pairs.items()) / n
    return precision, recall, 2 * precision * recall / (precision + recall)


def group(sigs: list[Signature], model: StoryModel | None = None, observe=None) -> tuple[list[str], float]:
    grouper = StoryGrouper(model, observe=observe)
    start = time.perf_counter()
    assignments = grouper.add(sigs)
    return [a.story for a in assignments], time.perf_counter() - start


def tfidf_agglomerative(texts: list[str], gold: list[str]) -> tuple[tuple[float, float, float], float, float]:
    """Average-linkage clustering of TF-IDF vectors, the cut tuned on `gold` (optimistic)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    start = time.perf_counter()
    x = TfidfVectorizer(sublinear_tf=True, min_df=2, stop_words="english").fit_transform(texts)
    sim = (x @ x.T).toarray().astype(np.float32)
    np.fill_diagonal(sim, 1.0)
    tree = linkage(squareform(1.0 - sim, checks=False), method="average")
    del sim
    elapsed = time.perf_counter() - start
    best = None
    for cut in np.arange(0.5, 1.0, 0.02):
        labels = [str(c) for c in fcluster(tree, t=cut, criterion="distance")]
        score = b_cubed(labels, gold)
        if best is None or score[2] > best[0][2]:
            best = (score, float(cut))
    return best[0], best[1], elapsed


def cosine_only_single_pass(sigs: list[Signature], gold: list[str]) -> tuple[tuple[float, float, float], float]:
    """Single pass on vector cosine to each story's centroid alone, the threshold tuned on `gold`."""
    vectors = np.stack([s.vector for s in sigs]).astype(np.float32)
    best = None
    for threshold in np.arange(0.5, 0.95, 0.05):
        sums = np.zeros_like(vectors)  # row k: the sum of story k's vectors
        norms = np.zeros(len(vectors), dtype=np.float32)
        n = 0
        labels = []
        for v in vectors:
            if n:
                sims = sums[:n] @ v / np.maximum(norms[:n], 1e-9)
                k = int(np.argmax(sims))
                if sims[k] >= threshold:
                    sums[k] += v
                    norms[k] = np.linalg.norm(sums[k])
                    labels.append(str(k))
                    continue
            sums[n], norms[n] = v, np.linalg.norm(v)
            labels.append(str(n))
            n += 1
        score = b_cubed(labels, gold)
        if best is None or score[2] > best[0][2]:
            best = (score, float(threshold))
    return best


def fmt(score: tuple[float, float, float]) -> str:
    return f"P {score[0]:.3f} R {score[1]:.3f} F1 {score[2]:.3f}"


def cmd_eval(args) -> None:
    for name, stream in (
        ("events.jsonl (same kind, different events)", events_stream() if EVENTS.exists() else []),
        (f"Multi-News validation ({args.clusters or 'all'} clusters)", multinews_stream("validation", args.clusters)),
    ):
        if not stream:
            continue
        sigs, gold, prep = prepared(stream)
        print(f"== {name}: {len(sigs)} articles, {len(set(gold))} stories; prepared in {prep:.1f} s")
        labels, took = group(sigs)
        print(f"crossbrief:            {fmt(b_cubed(labels, gold))}  (grouping {len(sigs) / took:,.0f} articles/s)")
        if args.baselines:
            texts = [f"{s.title}. {s.lead}" for s in sigs]
            texts = [a.text for a, _ in stream if a.id in {s.id for s in sigs}] or texts
            score, cut = cosine_only_single_pass(sigs, gold)
            print(f"single pass, cosine:   {fmt(score)}  (threshold {cut:.2f}, tuned on this stream)")
            if len(sigs) <= 20_000:
                score, cut, took = tfidf_agglomerative(texts, gold)
                print(f"TF-IDF + agglomerative: {fmt(score)}  (cut {cut:.2f} tuned on this stream; {took:.0f} s)")


def cmd_fit(args) -> None:
    """Fit the logistic weights on candidates met while grouping the train stream, twice (the
    second pass on the candidates the first model meets), then pick the threshold by B-cubed F1."""
    from sklearn.linear_model import LogisticRegression

    stream = multinews_stream("train", args.clusters)
    sigs, gold, _ = prepared(stream)
    gold_of = {s.id: g for s, g in zip(sigs, gold)}
    print(f"train stream: {len(sigs)} articles, {len(set(gold))} stories")
    # The mean static vector of the training articles: what all news shares, taken out of the vectors.
    mean = tuple(round(float(x), 5) for x in np.mean([s.vector for s in sigs], axis=0))
    model = StoryModel(default_model().weights, default_model().bias, 0.5, static_mean=mean)
    for round_ in range(3):
        xs, ys = [], []

        def observe(sig, story, features, gap, _xs=xs, _ys=ys):
            majority = Counter(gold_of[m] for m in story.members).most_common(1)[0][0]
            _xs.append(features)
            _ys.append(int(majority == gold_of[sig.id]))

        labels, _ = group(sigs, model, observe=observe)
        print(f"round {round_}: {len(xs)} candidates ({sum(ys)} right); grouping {fmt(b_cubed(labels, gold))}")
        clf = LogisticRegression(C=1.0, max_iter=2000).fit(np.asarray(xs), np.asarray(ys))
        model = StoryModel(tuple(float(w) for w in clf.coef_[0]), float(clf.intercept_[0]), 0.5, static_mean=mean)
    best = None
    for threshold in np.arange(0.05, 0.85, 0.05):
        m = StoryModel(model.weights, model.bias, float(threshold), static_mean=mean)
        labels, _ = group(sigs, m)
        score = b_cubed(labels, gold)
        print(f"threshold {threshold:.2f}: {fmt(score)}")
        if best is None or score[2] > best[0][2]:
            best = (score, float(threshold))
    data = {
        "version": f"multinews-train-{args.clusters or 'all'}-{time.strftime('%Y%m%d')}",
        "features": list(FEATURES),
        "weights": [round(w, 4) for w in model.weights],
        "bias": round(model.bias, 4),
        "threshold": round(best[1], 2),
        "grace_days": 2.0,
        "per_day": 1.0,
        "static_mean": list(mean),
        "fitted_on": f"{len(sigs)} articles of {len(set(gold))} Multi-News train clusters (seed {SEED})",
        "train_b_cubed": [round(x, 4) for x in best[0]],
    }
    MODEL.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"-> {MODEL}: threshold {best[1]:.2f}, {fmt(best[0])}")


def dated_rows(days: int = 30, seed: int = SEED) -> list[dict]:
    """The validation stream as JSONL rows with dates: each cluster on a random day of `days`, its
    documents up to two days apart, in date order (as a feed delivers them)."""
    rng = random.Random(seed)
    rows = []
    for article, gold in multinews_stream("validation", None, seed):
        rows.append((gold, article.meta["id"], article.raw_text))
    day_of_cluster: dict[str, int] = {}
    out = []
    for gold, key, text in rows:
        base = day_of_cluster.setdefault(gold, rng.randrange(days))
        out.append({"id": key, "text": text, "day": base + rng.randrange(3), "story": gold})
    out.sort(key=lambda r: r["day"])
    return out


def replayed(rows: list[dict], size: int, days: int = 30) -> list[dict]:
    """`size` rows: the stream replayed with dates shifted by `days` each time; each replayed
    text is marked with its replay number, so that it is a new article (another id)."""
    out = []
    k = 0
    while len(out) < size:
        for r in rows:
            if len(out) >= size:
                break
            day = date(2025, 1, 1).toordinal() + r["day"] + k * days
            text = r["text"] if k == 0 else f"Replay {k}.\n{r['text']}"
            out.append({"id": f"{r['id']}/{k}", "text": text, "date": date.fromordinal(day).isoformat()})
        k += 1
    return out


def cmd_speed(args) -> None:
    """The whole command on growing streams (time, peak memory), and grouping alone."""
    import subprocess
    import tempfile

    base = dated_rows()
    work = Path(tempfile.mkdtemp(prefix="stories-speed-"))
    exe = Path(sys.executable).parent / "crossbrief"
    for size in [int(x) for x in args.sizes.split(",")]:
        rows = replayed(base, size)
        stream = work / f"stream-{size}.jsonl"
        stream.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        cmd = ["/usr/bin/time", "-v", str(exe), "stories", str(stream), "-o", str(work / "out.jsonl"), "-q"]
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True)
        took = time.perf_counter() - start
        rss = next((int(line.split()[-1]) for line in done.stderr.splitlines() if "Maximum resident" in line), 0)
        summary = next((line for line in done.stderr.splitlines() if line.startswith("crossbrief: articles")), "")
        print(f"{size:>8,} articles: whole command {took:6.1f} s = {size / took:6,.0f} articles/s, "
              f"peak {rss / 1024:6,.0f} MB (exit {done.returncode}; {summary})")
        if size <= args.group_max:
            articles = []
            for r in rows:
                a = article_from_text(r["text"], r["id"])
                a.meta["id"], a.date = r["id"], r["date"]
                articles.append(a)
            from crossbrief.runners.stories import local_signer

            with local_signer(2) as signer:
                sigs = [s for s in signer(articles) if isinstance(s, Signature)]
            grouper = StoryGrouper()
            start = time.perf_counter()
            grouper.add(sigs)
            took = time.perf_counter() - start
            print(f"{'':>8}  grouping alone {took:6.1f} s = {len(sigs) / took:6,.0f} articles/s "
                  f"({len(grouper.stories):,} stories)")
        stream.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    e = sub.add_parser("eval")
    e.add_argument("--clusters", type=int, default=None)
    e.add_argument("--no-baselines", dest="baselines", action="store_false")
    f = sub.add_parser("fit")
    f.add_argument("--clusters", type=int, default=5600)
    sp = sub.add_parser("speed")
    sp.add_argument("--sizes", default="15000,60000,240000")
    sp.add_argument("--group-max", type=int, default=60000, help="time grouping alone up to this size")
    args = parser.parse_args()
    {"eval": cmd_eval, "fit": cmd_fit, "speed": cmd_speed}[args.command](args)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
