"""`crossbrief eval`: ROUGE of crossbrief and of the baselines on the same clusters.

Scoring follows the usual extractive-summarisation setup with Google's `rouge-score`:
ROUGE-1, ROUGE-2 and ROUGE-Lsum, Porter stemming on, F1 and recall; summary sentences are
separated by newlines for ROUGE-Lsum, and references are split into sentences with the same
splitter as the inputs. With several references (DUC), a cluster's score is the mean over its
references; the table shows the mean over clusters, x100.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import IO

from crossbrief.runners.jsonl import read_clusters

METRICS = ("rouge1", "rouge2", "rougeLsum")


def references_of(row: dict) -> list[str]:
    refs = row.get("references")
    if isinstance(refs, list) and refs:
        return [r for r in refs if isinstance(r, str) and r.strip()]
    summary = row.get("summary")
    return [summary] if isinstance(summary, str) and summary.strip() else []


def _sentence_lines(text: str) -> str:
    from crossbrief.stages.segment import split_sentences

    return "\n".join(text[a:b] for a, b in split_sentences(text.replace("\n", " ")))


class RougeScorer:
    """rouge-score with stemming; one scorer reused across clusters."""

    def __init__(self) -> None:
        from rouge_score import rouge_scorer

        self._scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)

    def score(self, summary_sentences: Sequence[str], references: Sequence[str]) -> dict[str, float]:
        """Mean over references of F1 and recall (0-1) for each metric."""
        prediction = "\n".join(s.strip() for s in summary_sentences)
        totals = {f"{m}_{k}": 0.0 for m in METRICS for k in ("f", "r")}
        for ref in references:
            scores = self._scorer.score(_sentence_lines(ref), prediction)
            for m in METRICS:
                totals[f"{m}_f"] += scores[m].fmeasure
                totals[f"{m}_r"] += scores[m].recall
        return {k: v / max(len(references), 1) for k, v in totals.items()}


def run_eval(
    path: str,
    words: int | None = None,
    limit: int | None = None,
    out: IO[str] | None = None,
    systems: Sequence[str] | None = None,
    encoder=None,
) -> dict:
    """Score crossbrief and the baselines on the clusters of `path`; print a table.

    Returns {"clusters": n, "skipped": k, "systems": {name: {metric: mean x100, ...}},
    "decoders": {decoder: clusters}} (which of crossbrief's decoders chose each cluster's summary,
    `select.DECODERS`).
    """
    from tqdm import tqdm

    from crossbrief.learn.baselines import BASELINES
    from crossbrief.summarise.budget import bundle_budget
    from crossbrief.summarise.documents import articles_from_documents, batch_encoder
    from crossbrief.summarise.features import build_bundle
    from crossbrief.summarise.select import select_summary
    from crossbrief.summarise.selector import get_selector

    encoder = encoder or batch_encoder()  # the same vectors as `crossbrief batch`
    names = ["crossbrief", *[n for n in (systems or BASELINES) if n != "crossbrief"]]
    scorer = RougeScorer()
    sums: dict[str, dict[str, float]] = {n: {} for n in names}
    seconds: dict[str, float] = {n: 0.0 for n in names}
    lengths: dict[str, float] = {n: 0.0 for n in names}
    decoders: dict[str, int] = {}
    n_ok = 0
    skipped = 0
    progress = tqdm(read_clusters(path, limit), desc="eval", unit="cluster", file=sys.stderr)
    for line_no, row, error in progress:
        docs = row.get("documents") if row else None
        refs = references_of(row) if row else []
        if not error and (not isinstance(docs, list) or not any(isinstance(d, str) and d.strip() for d in docs)):
            error = f"line {line_no}: no documents with text"
        if not error and not refs:
            error = f"line {line_no}: no reference ('summary' or 'references')"
        if error:
            progress.write(f"crossbrief: {path}: skipped {error}", file=sys.stderr)
            skipped += 1
            continue
        assert isinstance(docs, list)  # checked above
        docs = [d if isinstance(d, str) else "" for d in docs]
        articles = articles_from_documents(docs)
        budget = words if words is not None else None
        for name in names:
            t0 = time.perf_counter()
            if name == "crossbrief":
                selection = select_summary(articles, words=budget, encoder=encoder)
                summary = [s.text for s in selection.sentences]
                decoders[selection.decoder] = decoders.get(selection.decoder, 0) + 1
                # Baselines get the same budget: --words, or crossbrief's default policy for this
                # cluster (a second bundle costs a few ms with the static encoder).
                if budget is None:
                    selector = get_selector()
                    same_budget = bundle_budget(build_bundle(articles, encoder), selector.policy if selector else None)
                else:
                    same_budget = budget
            else:
                summary = BASELINES[name](articles, same_budget)
            seconds[name] += time.perf_counter() - t0
            lengths[name] += sum(len(s.split()) for s in summary)
            for k, v in scorer.score(summary, refs).items():
                sums[name][k] = sums[name].get(k, 0.0) + v
        n_ok += 1
    result = {
        "clusters": n_ok,
        "skipped": skipped,
        "words": words,
        "systems": {
            n: {
                **{k: 100 * v / max(n_ok, 1) for k, v in sorted(sums[n].items())},
                "mean_words": lengths[n] / max(n_ok, 1),
                "seconds": seconds[n],
            }
            for n in names
        },
        "decoders": dict(sorted(decoders.items())),
    }
    if n_ok:
        print_table(result, out)
    return result


def print_table(result: dict, out: IO[str] | None = None) -> None:
    out = out or sys.stdout  # looked up at call time: the current standard output
    header = (
        f"{'system':<12} {'R1 F':>6} {'R2 F':>6} {'RLs F':>6} | "
        f"{'R1 R':>6} {'R2 R':>6} {'RLs R':>6} | {'words':>6}"
    )
    print(f"{result['clusters']} clusters ({result['skipped']} skipped), budget: "
          f"{result['words'] if result['words'] else 'default policy'}", file=out)
    print(header, file=out)
    print("-" * len(header), file=out)
    for name, s in result["systems"].items():
        print(
            f"{name:<12} {s.get('rouge1_f', 0):6.2f} {s.get('rouge2_f', 0):6.2f} {s.get('rougeLsum_f', 0):6.2f} | "
            f"{s.get('rouge1_r', 0):6.2f} {s.get('rouge2_r', 0):6.2f} {s.get('rougeLsum_r', 0):6.2f} | "
            f"{s['mean_words']:6.1f}",
            file=out,
        )
    if result.get("decoders"):
        used = ", ".join(f"{name or '(no candidate)'} {count}" for name, count in result["decoders"].items())
        print(f"crossbrief's decoders (clusters): {used}", file=out)
