"""Article-body extraction quality: crossbrief beside trafilatura alone (issue 13, item 4).

    PYTHONPATH=src .venv/bin/python bench/extraction.py [DIR] [--show N]

DIR (default `bench/extraction/`) holds pairs `NAME.html` (a page) and `NAME.txt` (its article
body as a human annotator marks it). Prints, for the same pages in the same run:

- trafilatura: `trafilatura.bare_extraction` with the settings crossbrief's HTML reader uses
  (`ingest/read.article_from_html`: metadata on, comments and tables off), its `text`;
- crossbrief: the text a brief is made from, `stages.clean.clean(read.article_from_html(page))`;

each as the Zyte article-extraction benchmark (github.com/scrapinghub/article-extraction-benchmark,
`evaluate.py`) scores it, reimplemented here:

- tokens are the `\\w+` runs of the text (case kept, punctuation dropped);
- shingles are the runs of 4 consecutive tokens, counted as a multiset (a shingle that occurs
  twice in the annotation must be extracted twice); a text of fewer than 4 tokens is one shingle;
- per page, tp/fp/fn are the multiset overlap and differences, normalised to sum to 1;
- precision is the mean over pages of tp/(tp+fp) (pages where the extractor gave nothing are left
  out of precision, as in `evaluate.py`), recall the mean of tp/(tp+fn), and F1 the harmonic mean
  of the two means (not the mean of per-page F1s).

`--show N` prints, for the N pages where crossbrief loses most recall against trafilatura, the
lines cleaning removed and why.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "bench" / "extraction"

_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    """The page's overlap of 4-word shingles (multisets), normalised to sum to 1."""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def scores(pages: list[tuple[float, float, float]]) -> dict[str, float]:
    precision = statistics.mean([_precision(*x) for x in pages if x[0] + x[1] > 0] or [0.0])
    recall = statistics.mean([_recall(*x) for x in pages if x[0] + x[2] > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def trafilatura_text(page: str) -> str:
    """trafilatura alone, as crossbrief's reader calls it."""
    import trafilatura

    doc = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False, include_tables=False)
    return (getattr(doc, "text", None) or "") if doc is not None else ""


def crossbrief_text(page: str, name: str) -> tuple[str, list]:
    from crossbrief.errors import InputError
    from crossbrief.ingest.read import article_from_html
    from crossbrief.stages.clean import clean

    try:
        article = clean(article_from_html(page, name))
    except InputError:
        return "", []
    return article.text, article.removed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=PAGES)
    parser.add_argument("--show", type=int, default=0, help="print removals of the N pages crossbrief loses most on")
    args = parser.parse_args()
    pairs = sorted((p, p.with_suffix(".txt")) for p in args.folder.glob("*.html") if p.with_suffix(".txt").exists())
    if not pairs:
        print(f"no NAME.html + NAME.txt pairs in {args.folder}", file=sys.stderr)
        return 2
    rows: dict[str, list[tuple[float, float, float]]] = {"trafilatura": [], "crossbrief": []}
    losses = []
    start = time.perf_counter()
    for page_path, truth_path in pairs:
        page = page_path.read_text(encoding="utf-8", errors="replace")
        true = truth_path.read_text(encoding="utf-8")
        alone = tp_fp_fn(true, trafilatura_text(page))
        text, removed = crossbrief_text(page, page_path.name)
        ours = tp_fp_fn(true, text)
        rows["trafilatura"].append(alone)
        rows["crossbrief"].append(ours)
        losses.append((_recall(*alone) - _recall(*ours), page_path.name, removed))
    seconds = time.perf_counter() - start
    print(f"{len(pairs)} pages from {args.folder} ({seconds:.1f} s)")
    for name, page_scores in rows.items():
        s = scores(page_scores)
        print(f"{name:<12} F1={s['f1']:.3f}  precision={s['precision']:.3f}  recall={s['recall']:.3f}")
    for loss, name, removed in sorted(losses, key=lambda x: -x[0])[: args.show]:
        print(f"\n{name}: recall {loss:+.3f} below trafilatura")
        for r in removed:
            print(f"  - [{r.reason}] {r.text[:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
