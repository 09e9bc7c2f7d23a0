"""The citation dev set: (sentence, other article) pairs judged by reading both texts.

A summary sentence cites every other outlet that reports the same content. Whether it does is
measured here against people's judgement (see bench/citation_guide.md for the labelling rules):

    .venv/bin/python bench/citation_devset.py pairs      # choose the pairs (writes PAIRS)
    .venv/bin/python bench/citation_devset.py show --from 0 --to 50   # texts of pairs, to label
    .venv/bin/python bench/citation_devset.py eval       # precision / recall of the citers

News text is not ours, so the files in bench/devset/ hold no text of an article: a sentence is
named by (cluster idx, document, character offsets) in the Multi-News validation file, or by
(sample file, offsets) in ../shared/samples/aleppo, with a hash of its text to detect drift;
the evidence a label rests on is a list of character spans in the other article.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "bench" / "devset"
PAIRS = DEVSET / "citation_pairs.jsonl"
LABELS = DEVSET / "citation_labels.jsonl"
MULTINEWS_DIR = ROOT.parent / "shared" / "data" / "multinews"
MULTINEWS = MULTINEWS_DIR / "validation.jsonl.gz"
SAMPLES = ROOT.parent / "shared" / "samples" / "aleppo"
SEED = 20261202
N_CLUSTERS = 40
MAX_DOCS = 5
RANDOM_SENTENCES = 2  # per cluster, besides the summary's own sentences
MIN_PRECISION = 0.65  # a fitted citation model cites at a threshold no less precise than this


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


def read_multinews(path: Path = MULTINEWS) -> dict[int, dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = (json.loads(line) for line in f)
        return {int(r["idx"]): r for r in rows}


def sample_documents() -> dict[str, str]:
    """The clean text of each sample article, by file name (as crossbrief reads it)."""
    from crossbrief.pipeline import Pipeline

    pipeline = Pipeline()
    articles, _ = pipeline.read([str(SAMPLES)])
    return {Path(a.source).name: pipeline.process(a, analyse=False).article.text for a in articles}


def documents_of(pair: dict, multinews: dict[int, dict], samples: dict[str, str] | None) -> list[str]:
    if pair["source"].startswith("multinews"):
        return list(multinews[pair["cluster"]]["documents"])
    assert samples is not None
    return [samples[name] for name in pair["files"]]


def make_pairs(args: argparse.Namespace) -> int:
    """Pairs from N_CLUSTERS random validation clusters of 2..MAX_DOCS documents: each sentence of
    the readable batch summary, and RANDOM_SENTENCES other candidate sentences, against every
    other document of the cluster; plus the Aleppo brief's summary sentences against the others."""
    from crossbrief.summarise.documents import articles_from_documents
    from crossbrief.summarise.features import build_bundle
    from crossbrief.summarise.select import summarise

    multinews = read_multinews(MULTINEWS_DIR / f"{args.split}.jsonl.gz")
    rng = random.Random(SEED)
    eligible = sorted(
        idx for idx, r in multinews.items()
        if 2 <= len(r["documents"]) <= MAX_DOCS and all(d.strip() for d in r["documents"])
    )
    chosen = sorted(rng.sample(eligible, N_CLUSTERS))
    out: list[dict] = []
    for idx in chosen:
        docs = multinews[idx]["documents"]
        articles = articles_from_documents(docs)
        position = {a.id: k for k, a in enumerate(articles)}
        summary = summarise(articles, words=None, readable=True)
        picked = [(position[s.article], s.sentence, "summary") for s in summary]
        bundle = build_bundle(articles)
        others = [
            (int(bundle.article_of[i]), bundle.sentences[i].index, "random") for i in bundle.candidates
            if (int(bundle.article_of[i]), bundle.sentences[i].index) not in {(d, k) for d, k, _ in picked}
        ]
        picked += rng.sample(others, min(RANDOM_SENTENCES, len(others)))
        for doc, k, why in picked:
            s = articles[doc].sentences[k]
            for other in range(len(docs)):
                if other != doc:
                    out.append({
                        "source": "multinews" if args.split == "validation" else f"multinews-{args.split}",
                        "cluster": idx, "doc": doc, "start": s.start, "end": s.end,
                        "hash": text_hash(s.text), "other": other, "why": why,
                    })
    if SAMPLES.is_dir() and args.split == "validation":
        import crossbrief

        brief = crossbrief.brief([str(SAMPLES)])
        files = [Path(a.source).name for a in brief.articles]
        by_id = {a.id: k for k, a in enumerate(brief.articles)}
        for s in brief.summary:
            doc = by_id[s.article]
            sentence = brief.articles[doc].sentences[s.sentence]
            for other in range(len(files)):
                if other != doc:
                    out.append({
                        "source": "aleppo", "files": files, "doc": doc, "start": sentence.start,
                        "end": sentence.end, "hash": text_hash(sentence.text), "other": other, "why": "summary",
                    })
    for n, pair in enumerate(out):
        pair["pair"] = n
    target = Path(args.out)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8") as f:
        for pair in out:
            f.write(json.dumps(pair) + "\n")
    print(f"{len(out)} pairs from {len(chosen)} {args.split} clusters -> {target}", file=sys.stderr)
    return 0


def load_pairs(path: Path = PAIRS) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def multinews_of(pairs: list[dict]) -> dict[int, dict]:
    """The Multi-News clusters the pairs come from (validation, or the split their source names)."""
    split = next((p["source"].split("-", 1)[1] for p in pairs if p["source"].startswith("multinews-")), "validation")
    return read_multinews(MULTINEWS_DIR / f"{split}.jsonl.gz")


def resolve(pairs: list[dict]) -> list[tuple[dict, str, str]]:
    """(pair, sentence text, other document text) for each pair; checks the sentence hashes."""
    multinews = multinews_of(pairs)
    samples = sample_documents() if any(p["source"] == "aleppo" for p in pairs) and SAMPLES.is_dir() else None
    out = []
    for p in pairs:
        if p["source"] == "aleppo" and samples is None:
            continue
        docs = documents_of(p, multinews, samples)
        sentence = docs[p["doc"]][p["start"]:p["end"]]
        if text_hash(sentence) != p["hash"]:
            raise SystemExit(f"pair {p['pair']}: the sentence text has changed (segmentation or data drift)")
        out.append((p, sentence, docs[p["other"]]))
    return out


def show(args: argparse.Namespace) -> int:
    """The texts of pairs [from, to), as JSON lines, for a reader to label."""
    pairs = [p for p in load_pairs(Path(args.pairs)) if args.start <= p["pair"] < args.stop]
    for p, sentence, other in resolve(pairs):
        print(json.dumps({"pair": p["pair"], "sentence": sentence, "other_article": other}, ensure_ascii=False))
    return 0


def load_labels(path: Path = LABELS) -> dict[int, dict]:
    labels = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            labels[int(row["pair"])] = row
    return labels


def bundles_of(resolved: list[tuple[dict, str, str]]):
    """Group pairs by bundle; yield (documents, [pair, ...]) with each bundle's documents."""
    multinews = multinews_of([p for p, _, _ in resolved])
    samples = sample_documents() if SAMPLES.is_dir() and any(p["source"] == "aleppo" for p, _, _ in resolved) else None
    groups: dict[tuple, list[dict]] = {}
    for p, _, _ in resolved:
        key = ("multinews", p["cluster"]) if p["source"].startswith("multinews") else ("aleppo",)
        groups.setdefault(key, []).append(p)
    for group in groups.values():
        yield documents_of(group[0], multinews, samples), group


def overlap_citer(threshold: float):
    from crossbrief.summarise.cite import overlap

    def citer(bundle, i, other, _vectors, _thresholds, _judge) -> bool:
        rows = np.flatnonzero(bundle.article_of == other)
        text = bundle.sentences[i].text
        return any(overlap(text, bundle.sentences[int(j)].text) >= threshold for j in rows)

    return citer


def crossbrief_citer(judged: bool):
    """crossbrief's citation of one pair: the shipped model for the vectors (as brief and batch
    cite), or the cosine rule without it (`judged=False`, what they did before the model)."""
    from crossbrief.summarise.cite import cite

    def citer(bundle, i, other, vectors, thresholds, judge) -> bool:
        also, differ = cite(bundle, i, [other], vectors, thresholds, judge if judged else None)
        return other in also or other in differ

    return citer


def bundle_pairs(resolved: list[tuple[dict, str, str]]):
    """For each bundle: its Bundle (static features), MiniLM vectors, and (pair, sentence index) items."""
    from crossbrief.resources.encoders import get_encoder, get_static_encoder
    from crossbrief.summarise.documents import articles_from_documents
    from crossbrief.summarise.features import build_bundle

    minilm, static = get_encoder(), get_static_encoder()
    for documents, group in bundles_of(resolved):
        bundle = build_bundle(articles_from_documents(documents), static)
        fine = np.asarray(minilm.encode([s.text for s in bundle.sentences]), dtype=np.float32)
        at = {(int(bundle.article_of[k]), s.start): k for k, s in enumerate(bundle.sentences)}
        yield bundle, fine, [(p, at[(p["doc"], p["start"])]) for p in group]


def verdicts(resolved: list[tuple[dict, str, str]]) -> dict[str, dict[int, bool]]:
    """For each citation method, its verdict (cites the other article?) on every pair."""
    from crossbrief.resources.encoders import get_encoder, get_static_encoder
    from crossbrief.summarise.citer import Judge, load_citation_model

    minilm, static = get_encoder(), get_static_encoder()
    models = {"minilm": load_citation_model(minilm.name), "static": load_citation_model(static.name)}
    methods = {
        "crossbrief, MiniLM (as brief)": ("minilm", crossbrief_citer(True)),
        "crossbrief, static (as batch)": ("static", crossbrief_citer(True)),
        "cosine rule, MiniLM (before)": ("minilm", crossbrief_citer(False)),
        "cosine rule, static (before)": ("static", crossbrief_citer(False)),
        "every article": (None, lambda *a: True),
        "content-word overlap >= 0.5": (None, overlap_citer(0.5)),
    }
    out: dict[str, dict[int, bool]] = {name: {} for name in methods}
    for bundle, fine, items in bundle_pairs(resolved):
        vectors = {"static": (bundle.vectors, static.thresholds), "minilm": (fine, minilm.thresholds)}
        judges = {
            kind: Judge(model, bundle, vectors[kind][0]) if model is not None else None
            for kind, model in models.items()
        }
        for p, i in items:
            for name, (kind, citer) in methods.items():
                vecs, thresholds = vectors[kind] if kind else (None, None)
                judge = judges[kind] if kind else None
                out[name][p["pair"]] = bool(citer(bundle, i, p["other"], vecs, thresholds, judge))
    return out


def fit(args: argparse.Namespace) -> int:
    """Fit the citation models (one per encoder's vectors) on every labelled pair -- the training
    pairs and the dev pairs -- and write them into the package
    (src/crossbrief/summarise/data/citer-<encoder>.json). How well such a model does on clusters it
    was not fitted on is measured out of fold: ten folds by cluster, each predicted by a model
    fitted on the other nine; those are the figures to quote. The threshold is the one with the
    most recall whose out-of-fold precision is at least the cosine rule's on the same pairs, and at
    least MIN_PRECISION (a wrong citation misleads more than a missing one). Needs the [train] extra."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold
    from sklearn.preprocessing import StandardScaler

    from crossbrief.resources.encoders import get_encoder, get_static_encoder
    from crossbrief.summarise.citer import CitationModel, PairFeatures, model_path

    minilm, static = get_encoder(), get_static_encoder()
    rule = crossbrief_citer(False)
    rows: dict[str, list[list[float]]] = {"minilm": [], "static": []}
    before: dict[str, list[bool]] = {"minilm": [], "static": []}  # the cosine rule's verdicts
    y: list[bool] = []
    groups: list[str] = []
    subset: list[str] = []
    sets = (("train", DEVSET / "citation_train_pairs.jsonl", DEVSET / "citation_train_labels.jsonl"),
            ("dev", PAIRS, LABELS))
    for name, pairs_path, labels_path in sets:
        labels = load_labels(labels_path)
        resolved = resolve([p for p in load_pairs(pairs_path) if p["pair"] in labels])
        for bundle, fine, items in bundle_pairs(resolved):
            vectors = {"minilm": (fine, minilm.thresholds), "static": (bundle.vectors, static.thresholds)}
            features = {kind: PairFeatures(bundle, vecs) for kind, (vecs, _) in vectors.items()}
            for p, i in items:
                for kind in rows:
                    rows[kind].append(features[kind].of(i, p["other"])[0])
                    before[kind].append(rule(bundle, i, p["other"], *vectors[kind], None))
                y.append(labels[p["pair"]]["label"] == "yes")
                groups.append(f"{name}:{p.get('cluster', p['source'])}")
                subset.append("Aleppo" if p["source"] == "aleppo" else name)
    target = np.array(y)
    where = {"all": np.ones(len(y), bool), **{s: np.array(subset) == s for s in ("train", "dev", "Aleppo")}}

    def prf(cited: np.ndarray, mask: np.ndarray) -> str:
        tp = int((cited & target & mask).sum())
        p = tp / max(int((cited & mask).sum()), 1)
        r = tp / max(int((target & mask).sum()), 1)
        return f"P {p:.3f} R {r:.3f} F1 {2 * p * r / max(p + r, 1e-9):.3f}"

    for kind, encoder in (("minilm", minilm), ("static", static)):
        X = np.array(rows[kind])
        prob = np.zeros(len(target))
        for train, test in GroupKFold(10).split(X, target, groups):
            fold_scaler = StandardScaler().fit(X[train])
            m = LogisticRegression(C=args.c, max_iter=10_000).fit(fold_scaler.transform(X[train]), target[train])
            prob[test] = m.predict_proba(fold_scaler.transform(X[test]))[:, 1]
        old = np.array(before[kind])
        floor = max(float((old & target).sum() / max(old.sum(), 1)), MIN_PRECISION)
        threshold, best_recall = 0.9, -1.0
        for th in np.arange(0.9, 0.19, -0.05):
            cited = prob >= th
            precision = float((cited & target).sum() / max(cited.sum(), 1))
            recall = float((cited & target).sum() / max(target.sum(), 1))
            if precision >= floor and recall > best_recall:
                threshold, best_recall = round(float(th), 2), recall
        print(f"{encoder.name}: {len(target)} labelled pairs, {int(target.sum())} yes (strict: partial = not cited)")
        for name, mask in where.items():
            print(f"  {name:<6} cosine rule {prf(old, mask)} | model out of fold, threshold {threshold}: "
                  f"{prf(prob >= threshold, mask)}")
        scaler = StandardScaler().fit(X)
        model = LogisticRegression(C=args.c, max_iter=10_000).fit(scaler.transform(X), target)
        citer = CitationModel(
            encoder.name, tuple(float(v) for v in scaler.mean_), tuple(float(v) for v in scaler.scale_),
            tuple(float(v) for v in model.coef_[0]), float(model.intercept_[0]), threshold, "citer-v1",
        )
        path = model_path(encoder.name)
        path.write_text(json.dumps(citer.to_payload(), indent=1) + "\n", encoding="utf-8")
        print(f"  -> {path}")
    return 0


def scores(predicted: dict[int, bool], gold: dict[int, str], partial: str) -> tuple[float, float, float, int]:
    """Precision, recall, F1 and pair count; `partial` is "no" (strict) or "skip" (left out)."""
    tp = fp = fn = n = 0
    for pair, label in gold.items():
        if label == "partial" and partial == "skip":
            continue
        truth = label == "yes"
        cited = predicted[pair]
        n += 1
        tp += cited and truth
        fp += cited and not truth
        fn += truth and not cited
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), n


def evaluate(args: argparse.Namespace) -> int:
    """Citation precision / recall on the labelled pairs, beside simple baselines."""
    labels = load_labels(Path(args.labels))
    pairs = [p for p in load_pairs() if p["pair"] in labels]
    resolved = resolve(pairs)
    gold = {p["pair"]: labels[p["pair"]]["label"] for p, _, _ in resolved}
    subsets = {
        "all": set(gold),
        "summary sentences": {p["pair"] for p, _, _ in resolved if p["why"] == "summary"},
        "Aleppo samples": {p["pair"] for p, _, _ in resolved if p["source"] == "aleppo"},
    }
    counts = {k: sum(1 for v in gold.values() if v == k) for k in ("yes", "partial", "no")}
    clusters = len({p["cluster"] for p, _, _ in resolved if p["source"] == "multinews"})
    print(f"{len(gold)} labelled pairs from {clusters} Multi-News clusters"
          f"{' + the Aleppo samples' if subsets['Aleppo samples'] else ''}: {counts}")
    results = verdicts(resolved)
    for subset, members in subsets.items():
        if not members:
            continue
        sub = {k: v for k, v in gold.items() if k in members}
        print(f"\n{subset} ({len(sub)} pairs)")
        print(f"{'method':<34} {'strict P':>8} {'R':>6} {'F1':>6} | {'no partial P':>12} {'R':>6} {'F1':>6}")
        for name, predicted in results.items():
            ps, rs, fs, _ = scores(predicted, sub, "no")
            pl, rl, fl, _ = scores(predicted, sub, "skip")
            print(f"{name:<34} {ps:>8.3f} {rs:>6.3f} {fs:>6.3f} | {pl:>12.3f} {rl:>6.3f} {fl:>6.3f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pairs")
    p.add_argument("--split", default="validation", choices=("validation", "train"))
    p.add_argument("--out", default=str(PAIRS))
    p.set_defaults(func=make_pairs)
    p = sub.add_parser("show")
    p.add_argument("--pairs", default=str(PAIRS))
    p.add_argument("--from", dest="start", type=int, default=0)
    p.add_argument("--to", dest="stop", type=int, default=10**9)
    p.set_defaults(func=show)
    p = sub.add_parser("fit")
    p.add_argument("--c", type=float, default=0.1, help="inverse L2 strength of the logistic regression")
    p.set_defaults(func=fit)
    p = sub.add_parser("eval")
    p.add_argument("--labels", default=str(LABELS))
    p.set_defaults(func=evaluate)
    args = parser.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
