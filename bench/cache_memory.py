"""Memory of a long-lived Pipeline (a server, an ingester, the fuzz harness) as articles pass
through it: the reuse cache is bounded by the text it holds, not only by its count (issue 16).

    .venv/bin/python bench/cache_memory.py [--articles 400] [--chars 20000]

Each setting runs in a new process that processes `--articles` distinct generated articles of
about `--chars` characters (parsed by spaCy, as `brief` does) through one Pipeline, and prints
the process's peak RSS and what the cache holds at the end: the shipped bound (count and
characters) beside the count-only bound the Pipeline had before.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(articles: int, chars: int, cache_chars: int | None) -> None:
    sys.path.insert(0, str(HERE))
    from crossbrief.model import Article
    from crossbrief.pipeline import Pipeline
    from sizes import news_text

    pipeline = Pipeline() if cache_chars is None else Pipeline(cache_chars=cache_chars, cache_tokens=cache_chars)
    for n in range(articles):
        pipeline.process(Article(raw_text=news_text(chars, seed=1000 + n), source=f"generated-{n}.txt"))
    kept, held, _ = pipeline.cache_info()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"kept": kept, "chars": held, "peak_mb": round(peak)}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--chars", type=int, default=20_000)
    parser.add_argument("--child", choices=("shipped", "count-only"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.articles, args.chars, None if args.child == "shipped" else 10**12)
        return 0
    print(f"{args.articles} articles of ~{args.chars:,} characters through one Pipeline")
    for setting in ("shipped", "count-only"):
        done = subprocess.run(
            [sys.executable, __file__, "--child", setting,
             "--articles", str(args.articles), "--chars", str(args.chars)],
            capture_output=True, text=True, check=True,
        )
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  {setting:<10} cache keeps {row['kept']:>5} articles, {row['chars']:>11,} characters; "
              f"peak RSS {row['peak_mb']:>6,} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
