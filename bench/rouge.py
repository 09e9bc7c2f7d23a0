"""ROUGE and speed benchmarks of the summariser (figures recorded in docs/benchmarks.md).

    python bench/rouge.py eval DATA.jsonl.gz [--words N] [--limit K] [--json OUT.json] [--systems a,b]
    python bench/rouge.py speed DATA.jsonl.gz [--words N] [--limit K]
    python bench/rouge.py duc DUC.jsonl.gz --words N [--limit K] [--systems a,b]
    python bench/rouge.py solve DUC.jsonl.gz --words N [--limit K]

`eval` prints crossbrief beside the baselines (see crossbrief.learn.evaluate); `speed` times
`crossbrief batch` (segmentation, encoding, selection, citations, JSON) on the clusters and
reports clusters/s; run it under `/usr/bin/time -v` for the peak memory. `duc` scores full-length
clusters as the DUC evaluations do (jackknifed ROUGE-1/2 recall, summaries cut to N words; see
bench/duc.py) for crossbrief, its greedy concept decoder and the baselines; `solve` times the
concept ILP per bundle.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["eval", "speed", "duc", "solve"])
    parser.add_argument("data")
    parser.add_argument("--words", type=int, default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    parser.add_argument(
        "--workers", type=int, default=None, help="speed: batch worker processes (default: one per core)"
    )
    parser.add_argument("--systems", default=None,
                        help="comma-separated systems to score (default: crossbrief and every baseline)")
    args = parser.parse_args(argv)

    if args.mode in ("duc", "solve"):
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import duc  # bench/duc.py (bench/ is not a package)

        if args.words is None:
            parser.error(f"{args.mode} needs --words")
        if args.mode == "duc":
            systems = args.systems.split(",") if args.systems else duc.SYSTEMS
            result = duc.run_duc(args.data, args.words, args.limit, systems)
        else:
            result = duc.run_solve(args.data, args.words, args.limit)
    elif args.mode == "eval":
        from crossbrief.learn.evaluate import run_eval

        systems = args.systems.split(",") if args.systems else None
        result = run_eval(args.data, args.words, args.limit, systems=systems)
    else:
        from crossbrief.runners.batch import run_batch
        from crossbrief.runners.jsonl import open_text

        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "in.jsonl.gz"
            n = 0
            with open_text(args.data) as f, gzip.open(src, "wt", encoding="utf-8") as out:
                for line in f:
                    if args.limit is not None and n >= args.limit:
                        break
                    out.write(line)
                    n += 1
            # Load the model and encoder first (batch workers load their own, inside the timing).
            from crossbrief.summarise.documents import summarise_documents

            summarise_documents(["Warm-up sentence for the encoder and the model, nothing more."], words=20)
            t0 = time.perf_counter()
            from crossbrief.runners.batch import default_workers

            code = run_batch(
                str(src), str(Path(tmp) / "out.jsonl"), args.words, workers=args.workers or default_workers()
            )
            seconds = time.perf_counter() - t0
        result = {"clusters": n, "seconds": seconds, "clusters_per_second": n / seconds, "exit": code}
        print(f"{n} clusters in {seconds:.1f} s: {n / seconds:.1f} clusters/s (exit {code})")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
