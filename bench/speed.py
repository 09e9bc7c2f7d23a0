"""Speed and memory of `crossbrief brief` (issue 2 targets: cold CLI <= 5 s, warm API <= 0.5 s,
peak memory <= 1.5 GB, on 2 cores).

    .venv/bin/python bench/speed.py [ARTICLES...]   (default: ../shared/samples/aleppo)

Prints, for the same inputs in the same run:
- cold: wall time of the whole command `crossbrief brief ARTICLES --format json` in a new
  process (imports and model loading included), best and median of 3 runs, and its peak RSS;
- warm, repeated call: wall time of a repeated `crossbrief.brief(ARTICLES)` call in one process
  (median of 5; sentence vectors, parses and splits of text already seen are cached);
- warm, new text: models loaded on other text (examples/), then ARTICLES briefed once (3 runs);
- the same two with `--no-facts` (summary only) as a baseline for what the facts cost.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cold(inputs: list[str], extra: list[str]) -> tuple[list[float], float]:
    times, peak = [], 0.0
    for _ in range(3):
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "crossbrief.cli", "brief", *inputs, "--format", "json", *extra],
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            raise SystemExit(result.stderr.decode())
        # ru_maxrss of the children so far (KiB on Linux): the largest one seen.
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return times, peak


def warm(inputs: list[str], facts: bool) -> list[float]:
    import crossbrief

    crossbrief.brief(inputs, facts=facts)  # loads the models
    times = []
    for _ in range(5):
        start = time.perf_counter()
        crossbrief.brief(inputs, facts=facts)
        times.append(time.perf_counter() - start)
    return times


_FIRST_SIGHT = """
import sys, time, crossbrief
crossbrief.brief([sys.argv[1]], facts={facts})  # loads every model on other text
start = time.perf_counter()
crossbrief.brief(sys.argv[2:], facts={facts})
print(time.perf_counter() - start)
"""


def warm_new_text(inputs: list[str], facts: bool) -> list[float]:
    """Models loaded, but text never seen: what a long-running service pays for a new bundle."""
    code = _FIRST_SIGHT.format(facts=facts)
    warmup = str(ROOT / "examples")
    return [
        float(subprocess.run([sys.executable, "-c", code, warmup, *inputs], capture_output=True, text=True,
                             check=True).stdout.split()[-1])
        for _ in range(3)
    ]


def main() -> None:
    inputs = sys.argv[1:] or [str(ROOT.parent / "shared" / "samples" / "aleppo")]
    print(f"inputs: {' '.join(inputs)}")
    for label, extra, facts in (("brief", [], True), ("brief --no-facts", ["--no-facts"], False)):
        times, peak = cold(inputs, extra)
        print(f"{label:18s} cold CLI: best {min(times):.2f} s, median {statistics.median(times):.2f} s; "
              f"peak RSS {peak:.0f} MB")
        w = warm(inputs, facts)
        print(f"{label:18s} warm API, repeated call: median {statistics.median(w):.3f} s (min {min(w):.3f} s)")
        n = warm_new_text(inputs, facts)
        print(f"{label:18s} warm API, new text: median {statistics.median(n):.3f} s (min {min(n):.3f} s)")


if __name__ == "__main__":
    main()
