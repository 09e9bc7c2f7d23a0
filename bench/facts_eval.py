"""Precision and recall of crossbrief's facts on the annotated dev set (bench/devset/).

    .venv/bin/python bench/facts_eval.py                  # quality on bench/devset/own_bundles.json
    .venv/bin/python bench/facts_eval.py --devset FILE [--bundle ID]   # another file / one bundle of it
    .venv/bin/python bench/facts_eval.py --speed DIR      # warm analysis time of the articles in DIR

Measures (definitions in docs/facts.md, "Measured quality"):
* figure extraction: a predicted figure (count, share or money; not vague) is right when it overlaps
  an annotated one in the same article and has the same value;
* quote-speaker attribution: a predicted quote with a speaker is right when it overlaps an
  annotated quote and names the annotated speaker (full name, or the surname of it);
* figure grouping and quote grouping: pairwise over annotated items (two items in the same gold
  group should be in the same predicted group), plus the agree/differ status of each gold group.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from crossbrief.facts import cross_source  # noqa: E402
from crossbrief.model import Article  # noqa: E402
from crossbrief.resources.encoders import get_encoder  # noqa: E402
from crossbrief.stages.analyse import analyse_all, fold  # noqa: E402
from crossbrief.stages.segment import segment  # noqa: E402

GROUPED = {"count", "percent", "money"}


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _same_speaker(pred: str, gold: str) -> bool:
    p, g = fold(pred), fold(gold)
    return bool(p) and (p == g or p.split()[-1:] == g.split()[-1:])


def _pairs(labels: dict[object, str]) -> set[frozenset]:
    items = sorted(labels, key=str)
    return {frozenset((x, y)) for x, y in itertools.combinations(items, 2) if labels[x] and labels[x] == labels[y]}


def evaluate(path: Path, only: set[str] | None = None) -> dict[str, dict[str, float]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if only:
        data["bundles"] = [b for b in data["bundles"] if b["id"] in only]
    c = {k: 0 for k in ("fig_pred", "fig_gold", "fig_tp_pred", "fig_tp_gold", "kind_ok", "q_pred", "q_gold", "q_ok",
                        "fg_tp", "fg_pred", "fg_gold", "qg_tp", "qg_pred", "qg_gold", "status_ok", "status_n")}
    for bundle in data["bundles"]:
        articles = []
        for i, a in enumerate(bundle["articles"]):
            art = Article(source=a["outlet"], raw_text=a["text"], text=a["text"], date=a.get("date", ""),
                          outlet=a["outlet"], id=f"a{i}")
            articles.append(segment(art))
        analyse_all(articles)
        facts = cross_source(articles, get_encoder())
        position = {art.id: k for k, art in enumerate(articles)}
        fig_group = {(position[c.article], c.start): gi for gi, g in enumerate(facts.figures) for c in g.claims}
        quote_group = {(position[v.article], v.start): gi for gi, g in enumerate(facts.quotes) for v in g.versions}
        gold_fig_labels: dict[object, str] = {}
        pred_fig_labels: dict[object, str] = {}
        gold_q_labels: dict[object, str] = {}
        pred_q_labels: dict[object, str] = {}
        gold_members: dict[str, list[object]] = {}
        for i, (a, art) in enumerate(zip(bundle["articles"], articles)):
            preds = [f for f in art.figures if f.measure in GROUPED and f.kind != "vague"]
            c["fig_pred"] += len(preds)
            matched_pred: set[int] = set()
            for j, g in enumerate(a["figures"]):
                start = a["text"].find(g["text"])
                span = (start, start + len(g["text"]))
                c["fig_gold"] += 1
                hit = next(
                    (
                        k
                        for k, f in enumerate(preds)
                        if _overlap((f.start, f.end), span) and abs(f.value - g["value"]) < 1e-6
                    ),
                    None,
                )
                key = (i, "f", j)
                gold_fig_labels[key] = g.get("group", "")
                if g.get("group"):
                    gold_members.setdefault(g["group"], []).append(key)
                if hit is not None:
                    c["fig_tp_gold"] += 1
                    matched_pred.add(hit)
                    c["kind_ok"] += preds[hit].kind == g["kind"]
                    gid = fig_group.get((i, preds[hit].start))
                    pred_fig_labels[key] = f"g{gid}" if gid is not None else ""
                else:
                    pred_fig_labels[key] = ""
            c["fig_tp_pred"] += len(matched_pred)
            for j, gq in enumerate(a["quotes"]):
                start = a["text"].find(gq["text"])
                span = (start, start + len(gq["text"]))
                c["q_gold"] += 1
                key = (i, "q", j)
                gold_q_labels[key] = gq.get("group", "")
                hits = [q for q in art.quotes if _overlap((q.start, q.end), span)]
                if hits and _same_speaker(hits[0].speaker, gq["speaker"]):
                    c["q_ok"] += 1
                gid = quote_group.get((i, hits[0].start)) if hits else None
                pred_q_labels[key] = f"q{gid}" if gid is not None else ""
            c["q_pred"] += sum(1 for q in art.quotes if q.speaker)
        gp, pp = _pairs(gold_fig_labels), _pairs(pred_fig_labels)
        c["fg_tp"] += len(gp & pp)
        c["fg_pred"] += len(pp)
        c["fg_gold"] += len(gp)
        gq_pairs, pq_pairs = _pairs(gold_q_labels), _pairs(pred_q_labels)
        c["qg_tp"] += len(gq_pairs & pq_pairs)
        c["qg_pred"] += len(pq_pairs)
        c["qg_gold"] += len(gq_pairs)
        for name, status in bundle.get("group_status", {}).items():
            members = gold_members.get(name, [])
            if len({m[0] for m in members}) < 2:
                continue
            c["status_n"] += 1
            labels = [pred_fig_labels.get(m, "") for m in members]
            best = max(set(labels), key=labels.count)
            if best and labels.count(best) == len(labels):
                c["status_ok"] += facts.figures[int(best[1:])].status == status
    return {
        "figure extraction": {
            "precision": _ratio(c["fig_tp_pred"], c["fig_pred"]),
            "recall": _ratio(c["fig_tp_gold"], c["fig_gold"]),
            "n_gold": c["fig_gold"],
            "n_pred": c["fig_pred"],
            "kind accuracy": _ratio(c["kind_ok"], c["fig_tp_gold"]),
        },
        "quote-speaker attribution": {
            "precision": _ratio(c["q_ok"], c["q_pred"]),
            "recall": _ratio(c["q_ok"], c["q_gold"]),
            "n_gold": c["q_gold"],
            "n_pred": c["q_pred"],
        },
        "figure grouping (pairs)": {
            "precision": _ratio(c["fg_tp"], c["fg_pred"]),
            "recall": _ratio(c["fg_tp"], c["fg_gold"]),
            "n_gold": c["fg_gold"],
            "n_pred": c["fg_pred"],
        },
        "group status (agree/differ), whole groups only": {
            "accuracy": _ratio(c["status_ok"], c["status_n"]),
            "n_gold": c["status_n"],
        },
        "quote grouping (pairs)": {
            "precision": _ratio(c["qg_tp"], c["qg_pred"]),
            "recall": _ratio(c["qg_tp"], c["qg_gold"]),
            "n_gold": c["qg_gold"],
            "n_pred": c["qg_pred"],
        },
    }


def speed(folder: str, runs: int = 5) -> float:
    from crossbrief.ingest.read import read_inputs
    from crossbrief.stages.clean import clean

    def prepare(folder: str) -> list[Article]:
        return [segment(clean(a)) for a in read_inputs([folder])[0]]

    articles = prepare(folder)
    analyse_all(articles)
    cross_source(articles, get_encoder())  # warm: models loaded, encoder cache filled
    best = float("inf")
    for _ in range(runs):
        fresh = prepare(folder)
        t = time.perf_counter()
        analyse_all(fresh)
        cross_source(fresh, get_encoder())
        best = min(best, time.perf_counter() - t)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", default=str(ROOT / "bench" / "devset" / "own_bundles.json"))
    parser.add_argument("--bundle", action="append", help="score only the bundle(s) with this id (repeatable)")
    parser.add_argument("--speed", metavar="DIR", help="time warm analysis + cross-source facts of the articles in DIR")
    args = parser.parse_args()
    if args.speed:
        print(f"warm analyse_all + cross_source, best of 5: {speed(args.speed):.2f} s")
        return 0
    results = evaluate(Path(args.devset), set(args.bundle or []))
    print("| measure | precision | recall | n gold | n predicted |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        if "accuracy" in r and "precision" not in r:
            print(f"| {name} | accuracy {r['accuracy']:.2f} | | {r['n_gold']} | |")
            continue
        extra = f" (kind accuracy {r['kind accuracy']:.2f})" if "kind accuracy" in r else ""
        print(f"| {name}{extra} | {r['precision']:.2f} | {r['recall']:.2f} | {r['n_gold']} | {r['n_pred']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
