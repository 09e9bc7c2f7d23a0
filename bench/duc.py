"""DUC-style ROUGE recall and ILP solve times for full-length clusters (issue 15); used by
`bench/rouge.py duc` and `bench/rouge.py solve`.

Scoring as the DUC evaluations report it (ROUGE-1.5.5 with `-n 2 -m -l N`, jackknifed over the
references): every summary is cut to its first N words; words are lower-cased, split on
non-alphanumerics and Porter-stemmed (rouge-score's tokenizer), stop words kept; a summary's
recall against a set of references pools the matched n-gram counts over them (clipped per
reference) and divides by their total count; with K references the score is the mean over the K
sets of K-1 (the jackknife), so that a human summary scored against the others is on the same
footing (the `human` row: each reference, cut to N words, against the other three).
"""

from __future__ import annotations

import hashlib
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache

SYSTEMS = ("crossbrief", "greedy", "lead", "tfidf-mmr", "lexrank", "textrank")


@lru_cache(maxsize=1)
def _tokenizer():
    from rouge_score import tokenizers

    return tokenizers.DefaultTokenizer(use_stemmer=True)


def _tokens(text: str) -> list[str]:
    return _tokenizer().tokenize(text)


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def cut(text: str, words: int) -> str:
    return " ".join(text.split()[:words])


def jackknife_recall(summary: str, references: Sequence[str], n: int) -> float:
    """ROUGE-n recall of `summary` against `references`, pooled per set, jackknifed (see above)."""
    model = _ngrams(_tokens(summary), n)
    per_ref = []
    for ref in references:
        counts = _ngrams(_tokens(ref), n)
        per_ref.append((sum(min(c, model[g]) for g, c in counts.items()), sum(counts.values())))
    if len(per_ref) < 2:
        hit, total = per_ref[0] if per_ref else (0, 0)
        return hit / total if total else 0.0
    scores = []
    for left_out in range(len(per_ref)):
        hit = sum(h for k, (h, _) in enumerate(per_ref) if k != left_out)
        total = sum(t for k, (_, t) in enumerate(per_ref) if k != left_out)
        scores.append(hit / total if total else 0.0)
    return sum(scores) / len(scores)


def human_recall(references: Sequence[str], words: int, n: int) -> float:
    """Each reference cut to `words` words, scored against the others (pooled), averaged."""
    out = []
    for k, ref in enumerate(references):
        others = [r for j, r in enumerate(references) if j != k]
        model = _ngrams(_tokens(cut(ref, words)), n)
        hit = total = 0
        for other in others:
            counts = _ngrams(_tokens(other), n)
            hit += sum(min(c, model[g]) for g, c in counts.items())
            total += sum(counts.values())
        out.append(hit / total if total else 0.0)
    return sum(out) / len(out) if out else 0.0


def _systems(words: int, decoders: Counter) -> dict[str, Callable]:
    """The systems by name; `decoders` counts which decoder chose each crossbrief summary."""
    from crossbrief.learn.baselines import BASELINES
    from crossbrief.summarise.documents import batch_encoder
    from crossbrief.summarise.select import select_summary, summarise

    encoder = batch_encoder()

    def crossbrief(arts):
        selection = select_summary(arts, words=words, encoder=encoder)
        decoders[selection.decoder] += 1
        return [s.text for s in selection.sentences]

    systems: dict[str, Callable] = {
        "crossbrief": crossbrief,
        "greedy": lambda arts: [
            s.text for s in summarise(arts, words=words, encoder=encoder, concept_solver="greedy")
        ],
    }
    for name in ("lead", "tfidf-mmr", "lexrank", "textrank"):
        systems[name] = (lambda f: lambda arts: f(arts, words))(BASELINES[name])
    return systems


def run_duc(path: str, words: int, limit: int | None = None, systems: Sequence[str] = SYSTEMS) -> dict:
    """Print and return the mean jackknifed ROUGE-1/2 recall (x100) of each system at `words`."""
    from crossbrief.learn.evaluate import references_of
    from crossbrief.runners.jsonl import read_clusters
    from crossbrief.summarise.documents import articles_from_documents
    from crossbrief.summarise.select import CONCEPT_GREEDY, CONCEPT_ILP

    # Which decoder chose each crossbrief summary: with the ILP asked for, a greedy one is a
    # time-limit fallback.
    decoders: Counter = Counter()
    run = _systems(words, decoders)
    sums = {s: [0.0, 0.0] for s in (*systems, "human")}
    seconds = dict.fromkeys(systems, 0.0)
    # A digest of each system's summaries, in cluster order: equal digests, equal outputs (issue 15).
    digests = {s: hashlib.sha256() for s in systems}
    ref_words: list[int] = []
    n = 0
    for _, row, error in read_clusters(path, limit):
        if error or not row:
            continue
        refs = references_of(row)
        docs = [d for d in row.get("documents", []) if isinstance(d, str) and d.strip()]
        if not refs or not docs:
            continue
        articles = articles_from_documents(docs)
        for name in systems:
            t0 = time.perf_counter()
            summary = cut(" ".join(run[name](articles)), words)
            seconds[name] += time.perf_counter() - t0
            digests[name].update(summary.encode("utf-8") + b"\0")
            sums[name][0] += jackknife_recall(summary, refs, 1)
            sums[name][1] += jackknife_recall(summary, refs, 2)
        sums["human"][0] += human_recall(refs, words, 1)
        sums["human"][1] += human_recall(refs, words, 2)
        ref_words += [len(r.split()) for r in refs]
        n += 1
        print(f"\r{n} clusters", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    table = {s: {"R1": 100 * v[0] / max(n, 1), "R2": 100 * v[1] / max(n, 1)} for s, v in sums.items()}
    print(f"{path}: {n} clusters, {words} words; references: mean {statistics.mean(ref_words):.0f} words")
    print(f"{'system':<12} {'R1 rec':>7} {'R2 rec':>7} {'seconds':>8}  summaries")
    for s, v in table.items():
        digest = digests[s].hexdigest()[:12] if s in digests else "-"
        print(f"{s:<12} {v['R1']:7.2f} {v['R2']:7.2f} {seconds.get(s, 0.0):8.1f}  {digest}")
    ilp = {"solves": decoders[CONCEPT_ILP] + decoders[CONCEPT_GREEDY], "fallbacks": decoders[CONCEPT_GREEDY]}
    print(f"concept ILP: {ilp['solves']} solves, {ilp['fallbacks']} out of time (greedy decoder instead)")
    return {"clusters": n, "words": words, "systems": table, "seconds": seconds,
            "digests": {s: d.hexdigest() for s, d in digests.items()}, "ilp": ilp}


def run_solve(path: str, words: int, limit: int | None = None) -> dict:
    """Time the concept ILP (build and solve) on every cluster's readable bundle, and record
    HiGHS's branch-and-bound node count, status and solve time for each (a wrapper around the
    `milp` that `concepts` calls)."""
    from crossbrief.runners.jsonl import read_clusters
    from crossbrief.summarise import concepts
    from crossbrief.summarise.documents import articles_from_documents, batch_encoder
    from crossbrief.summarise.features import build_bundle

    solves: list[tuple[int, int, float, str]] = []  # (nodes, status, seconds, message)
    real_milp = concepts.milp

    def recording_milp(*args, **kwargs):
        t = time.perf_counter()
        res = real_milp(*args, **kwargs)
        solves.append((int(res.mip_node_count or 0), int(res.status), time.perf_counter() - t, res.message))
        return res

    encoder = batch_encoder()
    times, fallbacks, sizes, nodes, statuses, solve_times = [], 0, [], [], Counter(), []
    concepts.milp = recording_milp
    try:
        for _, row, error in read_clusters(path, limit):
            if error or not row:
                continue
            docs = [d for d in row.get("documents", []) if isinstance(d, str) and d.strip()]
            bundle = build_bundle(articles_from_documents(docs), encoder)
            solves.clear()
            t0 = time.perf_counter()
            chosen = concepts.ilp_decode(bundle, words, require_antecedent=True)
            times.append(time.perf_counter() - t0)
            fallbacks += chosen is None
            sizes.append(len(docs))
            for n, status, seconds, message in solves:
                nodes.append(n)
                solve_times.append(seconds)
                statuses[message.split("(HiGHS Status")[-1].split(":")[0].strip() + f" (scipy {status})"] += 1
    finally:
        concepts.milp = real_milp
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    print(f"{path}: {len(times)} bundles ({min(sizes)}-{max(sizes)} articles), {words} words: ILP build + solve "
          f"median {statistics.median(times):.3f} s, p95 {p95:.3f} s, max {times[-1]:.3f} s; "
          f"greedy fallbacks {fallbacks}")
    result = {"bundles": len(times), "median": statistics.median(times), "p95": p95, "max": times[-1],
              "fallbacks": fallbacks}
    if nodes:
        ordered = sorted(nodes)
        node_p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        solve_times.sort()
        print(f"  HiGHS nodes: median {statistics.median(ordered):.0f}, p95 {node_p95}, max {ordered[-1]}; "
              f"milp alone median {statistics.median(solve_times):.3f} s, max {solve_times[-1]:.3f} s; "
              f"HiGHS status: " + ", ".join(f"{k} x{v}" for k, v in sorted(statuses.items())))
        print(f"  nodes per bundle: {nodes}")
        result.update({"nodes_median": statistics.median(ordered), "nodes_p95": node_p95, "nodes_max": ordered[-1],
                       "nodes": nodes, "statuses": dict(statuses)})
    return result
