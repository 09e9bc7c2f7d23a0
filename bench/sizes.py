"""Time and peak memory of `crossbrief brief` on one generated article per size and per shape
(issue 16: any input within the 10 MB limit is briefed within 30 s and 1.5 GB on 2 cores).

    .venv/bin/python bench/sizes.py [--only NAME ...] [--keep DIR]

Each input is briefed by a new process (`python -m crossbrief.cli brief FILE --format json`);
its wall time, CPU time, peak RSS (ru_maxrss of the child, via os.wait4), exit code and the first line of
its standard error are printed as a table. The articles are generated from a fixed seed (see
`news_text`), so every run measures the same bytes. `fuzz.py` reuses the generators.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

KB = 1024
MB = 1024 * KB

_FIRST = ["Ana", "Pieter", "Maria", "John", "Elena", "Tomas", "Grace", "Omar", "Lena", "David"]
_LAST = ["Ruiz", "Hallam", "Brisk", "Okafor", "Novak", "Chen", "Moreau", "Patel", "Larsen", "Kowalski"]
_PLACES = ["Kellam", "Ostry", "the Vell Valley", "Marlow", "the capital", "the northern district"]
_ORGS = ["the water authority", "the city council", "the ministry", "the fire service", "the police"]
_NOUNS = ["residents", "engineers", "officials", "rescuers", "families", "volunteers", "workers", "patients"]
_VERBS = ["said", "told reporters", "added", "warned", "confirmed", "announced"]
_THINGS = ["the dam", "the bridge", "the new plan", "the inquiry", "the budget", "the shelter", "the report"]
_ACTS = ["was delayed", "would be reviewed", "had been closed", "was expected to reopen", "had cost more",
         "remained under investigation", "was approved", "drew criticism"]
_MONTHS = ["January", "March", "May", "July", "September", "November"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def sentence(rng: random.Random) -> str:
    """One sentence of news-like prose: people, places, figures, dates and quotes."""
    kind = rng.randrange(6)
    if kind == 0:
        return (f"About {rng.randrange(2, 90) * 1000:,} {rng.choice(_NOUNS)} were moved from {rng.choice(_PLACES)} "
                f"on {rng.choice(_MONTHS)} {rng.randrange(1, 29)}, {rng.choice(_ORGS)} {rng.choice(_VERBS)}.")
    if kind == 1:
        return (f"“{rng.choice(_THINGS).capitalize()} {rng.choice(_ACTS)},” {_name(rng)}, a spokesman for "
                f"{rng.choice(_ORGS)}, said.")
    if kind == 2:
        return (f"{rng.choice(_THINGS).capitalize()} {rng.choice(_ACTS)} after {rng.randrange(2, 40)} days, "
                f"and {rng.randrange(2, 99)} per cent of {rng.choice(_NOUNS)} in {rng.choice(_PLACES)} agreed.")
    if kind == 3:
        return (f"{_name(rng)} {rng.choice(_VERBS)} that {rng.choice(_THINGS)} {rng.choice(_ACTS)} and that "
                f"${rng.randrange(1, 900)} million would be spent by {rng.randrange(2026, 2035)}.")
    if kind == 4:
        return (f"Mr. {rng.choice(_LAST)} visited {rng.choice(_PLACES)} in {rng.randrange(1990, 2026)}, when "
                f"{rng.choice(_THINGS)} {rng.choice(_ACTS)}.")
    return (f"{rng.choice(_ORGS).capitalize()} {rng.choice(_VERBS)} on Monday that {rng.randrange(3, 300)} "
            f"{rng.choice(_NOUNS)} {rng.choice(_ACTS)}.")


def news_text(size: int, seed: int = 16, paragraph: int = 4, sep: str = "\n") -> str:
    """About `size` characters of prose, `paragraph` sentences a paragraph, joined by `sep`."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    total = 0
    while total < size:
        p = " ".join(sentence(rng) for _ in range(paragraph))
        paragraphs.append(p)
        total += len(p) + len(sep)
    return sep.join(paragraphs)[:size]


def article(size: int, seed: int = 16) -> str:
    """A plain-text article file: header lines (URL, title, date) and `size` bytes of body."""
    head = "https://news.example/2026/03/14/story\nValley officials review the dam\nMarch 14, 2026\n"
    return head + news_text(max(0, size - len(head)), seed)


def _words(n: int, seed: int = 16) -> str:
    rng = random.Random(seed)
    vocab = " ".join(sentence(rng) for _ in range(50)).replace(".", "").replace(",", "").split()
    return " ".join(rng.choice(vocab) for _ in range(n))


# name -> (file suffix, generator of its bytes)
SHAPES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "1KB": (".txt", lambda: article(1 * KB).encode()),
    "10KB": (".txt", lambda: article(10 * KB).encode()),
    "100KB": (".txt", lambda: article(100 * KB).encode()),
    "1MB": (".txt", lambda: article(1 * MB).encode()),
    "9.9MB": (".txt", lambda: article(int(9.9 * MB)).encode()),
    "5MB one line": (".txt", lambda: news_text(5 * MB, sep=" ").encode()),
    "5MB one <p>": (".html", lambda: f"<html><body><article><p>{news_text(5 * MB, sep=' ')}</p></article>"
                                    "</body></html>".encode()),
    "5MB JSON text": (".json", lambda: json.dumps({"title": "Story", "text": news_text(5 * MB, sep=" ")}).encode()),
    "20k-word sentence": (".txt", lambda: (news_text(2000) + "\n" + _words(20_000) + ".\n").encode()),
    "5MB no spaces": (".txt", lambda: ("x" * (5 * MB)).encode()),
    "100k short lines": (".txt", lambda: "\n".join(f"Line {i} is here." for i in range(100_000)).encode()),
    "100k sentences": (".txt", lambda: " ".join(f"It rained {i} times." for i in range(100_000)).encode()),
    "10k quote marks": (".txt", lambda: (news_text(3000) + "\n" + "“" * 10_000 + " end.\n").encode()),
    "5k quote pairs": (".txt", lambda: " ".join(f"“We saw {i} boats,” said {_LAST[i % 10]}."
                                                 for i in range(5000)).encode()),
    "50k numbers": (".txt", lambda: (" ".join(f"{i},{i % 1000:03d}.5 per cent" for i in range(50_000))
                                     + ".").encode()),
}


def run_one(path: Path, timeout: float = 300.0) -> tuple[float, float, float, int, str]:
    """(wall seconds, CPU seconds, peak RSS in MB, exit code, first stderr line) of briefing `path`.

    CPU seconds (user + system, all threads of the child) say what the input costs when other jobs
    share the cores; they bound the idle 2-core machine's wall time for the same work."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crossbrief.cli", "brief", str(path), "--format", "json", "-o", os.devnull],
            stdout=subprocess.DEVNULL, stderr=err,
        )
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        err.seek(0)
        lines = err.read().decode(errors="replace").strip().splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, proc.returncode, (lines[0] if lines else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="shapes to run (default: all)")
    parser.add_argument("--keep", help="write the generated inputs to this folder")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    names = args.only or list(SHAPES)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{'input':<20} {'bytes':>10} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'exit':>4}  stderr (first line)")
        for name in names:
            suffix, make = SHAPES[name]
            path = folder / (name.replace(" ", "_").replace("<", "").replace(">", "") + suffix)
            data = make()
            path.write_bytes(data)
            wall, cpu, peak, code, line = run_one(path, args.timeout)
            print(f"{name:<20} {len(data):>10,} {wall:>8.1f} {cpu:>8.1f} {peak:>8.0f} {code:>4}  {line[:90]}",
                  flush=True)


if __name__ == "__main__":
    main()
