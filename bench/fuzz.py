"""Fuzz harness for reading and briefing (issue 16): generated inputs from a fixed seed, through
the Python API and the CLI.

    .venv/bin/python bench/fuzz.py [--api N] [--cli M] [--seed S] [--time-bound SECONDS] [-v]

Each case is a bundle of one to four files written to a temporary folder: random bytes, text in
other encodings (cp1252, latin-1, UTF-16/32 with BOM, mixed), sizes from empty to over the 10 MB
limit, long runs of one character (no space, dots, dashes), deep JSON and HTML nesting, runs of
quote marks, odd numbers (1e309, 450.000, NaN), lone surrogates in JSON, control characters in
file names, mutated articles, and bundles mixing good articles with bad ones. Case i of seed S
is always the same bytes (its own random.Random), so a failure is named by its id, e.g.
`api-17:lone-surrogate`.

API cases go to `Pipeline().brief_inputs(paths)` in this process; CLI cases to
`python -m crossbrief.cli brief PATHS --format json` subprocesses. Printed at the end: inputs
tried, internal errors (an exception that is not a CrossbriefError, a Problem marked internal,
CLI exit 3 or a crash), cases over the time bound (by wall time and by CPU time: on a machine
shared with other jobs only the CPU time says what the case costs), bundles sunk by one input (a good article of
the bundle missing from the brief), peak memory, and messages that are not one line.
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sizes import MB, article, news_text  # noqa: E402  (bench/ is not a package)

LIMIT = 10 * MB
# Light cases (the CI sample, tests/test_fuzz_sample.py): the same kinds of input, smaller, and
# at most one good article a bundle, so that a hundred run in well under a minute.
LIGHT = False


@dataclass
class Case:
    id: str
    files: list[tuple[str, bytes]]  # (file name, content)
    good: set[str] = field(default_factory=set)  # names of the files that are good articles


@dataclass
class Outcome:
    id: str
    seconds: float
    # CPU seconds (user + system, every thread of the process or child): unlike wall time, not
    # inflated when other jobs hold the cores, and an upper bound on an idle 2-core machine's wall
    # time for the same work (the work runs on one or two threads, and does no waiting).
    cpu: float = 0.0
    internal: list[str] = field(default_factory=list)
    multiline: list[str] = field(default_factory=list)
    sunk: bool = False
    peak_mb: float = 0.0
    # --memory-report only (API cases): this process's resident memory before and after the case,
    # and its high-water mark during it (reset before the case), in MB.
    rss_before_mb: float = 0.0
    rss_after_mb: float = 0.0
    hwm_mb: float = 0.0


# -- generators: each returns (kind, [(name, bytes)]) -------------------------------------------------


def _good_text(rng: random.Random) -> str:
    return article(rng.choice([600, 900] if LIGHT else [600, 1500, 3000, 6000]), seed=rng.randrange(10**9))


def _good(rng: random.Random) -> tuple[str, bytes]:
    """A good article in one of the three formats."""
    text = _good_text(rng)
    form = rng.randrange(3)
    if form == 0:
        return ".txt", text.encode()
    body = text.split("\n", 3)[-1]
    if form == 1:
        paras = "".join(f"<p>{p}</p>" for p in body.split("\n"))
        return ".html", (f"<html><head><title>Valley story</title></head><body><article><h1>Valley story</h1>"
                         f"{paras}</article></body></html>").encode()
    return ".json", json.dumps({"title": "Valley story", "text": body, "date": "2026-03-14",
                                "url": "https://news.example/a"}).encode()


def g_random_bytes(rng: random.Random) -> tuple[str, bytes]:
    n = rng.choice([0, 1, 2, 17, 300, 4096])
    return rng.choice([".txt", ".html", ".json", ".jsonl", ".htm"]), rng.randbytes(n)


def g_encoding(rng: random.Random) -> tuple[str, bytes]:
    text = _good_text(rng).replace("“", '"').replace("”", '"') + " Café, naïve, déjà vu — 5 €."
    enc = rng.choice(["cp1252", "latin-1", "utf-16", "utf-32", "utf-8-sig", "utf-16-le", "utf-16-be", "mixed"])
    if enc == "mixed":
        half = len(text) // 2
        data = text[:half].encode() + text[half:].encode("cp1252", "replace")
    elif enc in ("utf-16-le", "utf-16-be"):
        bom = codecs.BOM_UTF16_LE if enc.endswith("le") else codecs.BOM_UTF16_BE
        data = bom + text.encode(enc)
    else:
        data = text.encode(enc, "replace")
    return rng.choice([".txt", ".html", ".json"]) if enc != "mixed" else ".txt", data


def g_size(rng: random.Random) -> tuple[str, bytes]:
    size = rng.choice([0, 1, 10, 100, 1000, 30_000, 200_000, 1 * MB, LIMIT + 1])
    if LIGHT and size > 30_000:
        size = LIMIT + 1 if size > MB else 1000
    if size == LIMIT + 1:
        return ".txt", b"a" * size
    return ".txt", article(size, seed=rng.randrange(10**9)).encode()[:size]


def g_runs(rng: random.Random) -> tuple[str, bytes]:
    """One character (or a short unit) repeated: a line with no space, a run of dots or dashes.
    Patterns written for short lines once took time quadratic in such a line's length."""
    unit = rng.choice([".", "-", "x", "@", "#", "/", ",", "'", '"', "1", "x.", "ab.", "a@b.", "—", "*"])
    size = rng.choice([10_000, 50_000] if LIGHT else [10_000, 100_000, 1 * MB, 5 * MB])
    text = unit * (size // len(unit))
    if rng.random() < 0.3:
        return ".html", f"<html><body><article><p>{text}</p></article></body></html>".encode()
    return ".txt", text.encode()


def g_deep_json(rng: random.Random) -> tuple[str, bytes]:
    depth = rng.choice([100, 1000, 10_000, 100_000])
    kind = rng.randrange(3)
    if kind == 0:
        return ".json", b"[" * depth + b"]" * depth
    if kind == 1:
        return ".json", b'{"text":' * depth + b'"x"' + b"}" * depth
    return ".jsonl", (b'{"a":' * depth + b"1" + b"}" * depth + b"\n") + json.dumps({"text": _good_text(rng)}).encode()


def g_deep_html(rng: random.Random) -> tuple[str, bytes]:
    depth = rng.choice([100, 1000, 10_000, 50_000])
    tag = rng.choice(["div", "b", "p", "span", "table"])
    body = news_text(2000, seed=rng.randrange(10**9))
    closed = rng.random() < 0.5
    html = f"<html><body>{f'<{tag}>' * depth}<p>{body}</p>{f'</{tag}>' * depth if closed else ''}</body></html>"
    return ".html", html.encode()


def g_quotes(rng: random.Random) -> tuple[str, bytes]:
    marks = "\"'“”‘’«»„‚"
    kind = rng.randrange(3)
    if kind == 0:
        text = "".join(rng.choice(marks) for _ in range(rng.choice([10, 1000] if LIGHT else [10, 1000, 10_000])))
        text += " end."
    elif kind == 1:
        text = " ".join(f"{rng.choice(marks)}We saw {i} boats,{rng.choice(marks)} said Ruiz."
                        for i in range(rng.choice([10, 200] if LIGHT else [10, 500, 3000])))
    else:
        text = news_text(3000, seed=rng.randrange(10**9))
        text = "".join(rng.choice(marks) if c == " " and rng.random() < 0.2 else c for c in text)
    return ".txt", text.encode()


def g_numbers(rng: random.Random) -> tuple[str, bytes]:
    odd = ["1e309", "-1e309", "450.000", "1,000,000,000,000,000,000,000", "0.0000001", "NaN", "Infinity",
           "12.345.678", "3/0", "10^400", "9" * 400, "½", "٣", "1 000 000", "$-5", "−7 per cent", "1,5"]
    if rng.random() < 0.5:
        text = " ".join(f"About {rng.choice(odd)} people left, {rng.choice(odd)} per cent said." for _ in range(50))
        return ".txt", text.encode()
    raw = rng.choice(["1e309", "-1e309", "NaN", "Infinity", "450.000", "9" * 5000])
    body = json.dumps(_good_text(rng))
    return ".json", f'{{"text": {body}, "date": {raw}, "title": {raw}, "n": {raw}}}'.encode()


def g_surrogate(rng: random.Random) -> tuple[str, bytes]:
    sur = rng.choice(["\\ud800", "\\udfff", "\\ud83d", "\\ude00\\ud83d", "\\u0000", "\\ufffe"])
    body = json.dumps(_good_text(rng))[1:-1]
    where = rng.choice(["text", "title", "outlet", "url", "date"])
    obj = {"text": f'"{body} {sur} more."', "title": '"Story"'}
    obj[where] = f'"{sur}{body[:200]}"' if where != "text" else obj["text"]
    data = "{" + ", ".join(f'"{k}": {v}' for k, v in obj.items()) + "}"
    return rng.choice([".json", ".jsonl"]), data.encode()


def g_json_shapes(rng: random.Random) -> tuple[str, bytes]:
    text = json.dumps(_good_text(rng))
    options = [
        "{}", "[]", "null", "5", '"text"', '{"text": 5}', '{"text": null}', '{"text": ["a", "b"]}',
        f'{{"text": {text}, "title": ["x"], "date": "2026-13-45", "url": "javascript:alert(1)"}}',
        f'[{{"text": {text}}}, 7, null, {{"nope": 1}}]', f'{{"text": {text}, "outlet": {{"a": 1}}}}',
        f'{{"text": {text}}}\n\nnot json\n{{"text": ""}}\n', f'{{"text": {text}, "date": "9999-99-99T99:99"}}',
        f'{{"text": {text}, "url": "http://[::1"}}', f'{{"text": {text}}} trailing',
    ]
    return rng.choice([".json", ".jsonl"]), rng.choice(options).encode()


def g_html_shapes(rng: random.Random) -> tuple[str, bytes]:
    body = news_text(2500, seed=rng.randrange(10**9))
    options = [
        "<html></html>", "<script>" + body + "</script>", f"<html><body><!-- {body}",
        f'<meta charset="utf-16"><p>{body}</p>', f"<p>{'&amp;' * 20000}</p>", f"<p>{body}</p>" * 3,
        f"<html><body><p>{body}</p><p>{'<a href=x>link</a> ' * 3000}</p></body></html>",
        f"<?xml version='1.0'?><html><p>{body}</p>", "<" * 10000, f"<p>{body.replace(' ', '&nbsp;')}</p>",
    ]
    return rng.choice([".html", ".htm"]), rng.choice(options).encode()


def g_mutated(rng: random.Random) -> tuple[str, bytes]:
    suffix, data = _good(rng)
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(7)
        if not buf:
            break
        i = rng.randrange(len(buf))
        if op == 0:
            del buf[i : i + rng.randint(1, 200)]
        elif op == 1:
            buf[i:i] = rng.randbytes(rng.randint(1, 20))
        elif op == 2:
            buf[i:i] = rng.choice(["\x00", "\r", "\u2028", "\u200b", "\ufeff", "\x1b[31m", "\n\n\n", "\t"]).encode()
        elif op == 3:
            j = rng.randrange(len(buf))
            buf[i:i] = buf[j : j + rng.randint(1, 500)]
        elif op == 4:
            del buf[i:]
        elif op == 5:
            buf[i] = rng.randrange(256)
        else:
            buf[i:i] = rng.choice(["“", "”", "\"", "1e309", "450.000", "Mr.", "...", "<p>", "{"]).encode() * 50
    return suffix, bytes(buf)


BAD: list[tuple[str, Callable[[random.Random], tuple[str, bytes]]]] = [
    ("random-bytes", g_random_bytes), ("encoding", g_encoding), ("size", g_size), ("deep-json", g_deep_json),
    ("deep-html", g_deep_html), ("quotes", g_quotes), ("numbers", g_numbers), ("lone-surrogate", g_surrogate),
    ("json-shape", g_json_shapes), ("html-shape", g_html_shapes), ("mutated", g_mutated), ("runs", g_runs),
]
_NAME_BITS = ["\x01", "\n", "\t", " ", "-", "–", "é", "\x7f", "%s", "$(x)", ";", "'", "\\", "\u202e", "..", "\x1b"]


def _name(rng: random.Random, index: int, suffix: str, odd: bool) -> str:
    stem = f"a{index}"
    if odd:
        stem = "".join(rng.choice(_NAME_BITS) for _ in range(rng.randint(1, 4))) + stem
        if rng.random() < 0.1:
            stem = "x" * 200 + stem
    return stem + suffix


def make_case(seed: int, index: int, prefix: str) -> Case:
    """Case `index` of `seed`: a bundle of one bad (or odd) input and zero to three good articles."""
    rng = random.Random(f"{seed}:{prefix}:{index}")
    kind, gen = rng.choice(BAD)
    files: list[tuple[str, bytes]] = []
    good: set[str] = set()
    odd_names = rng.random() < 0.15
    if odd_names:
        kind += "+odd-name"
    suffix, data = gen(rng)
    files.append((_name(rng, 0, suffix, odd_names), data))
    for k in range(rng.choice([0, 0, 1] if LIGHT else [0, 0, 1, 2, 3])):
        suffix, data = _good(rng)
        name = _name(rng, k + 1, suffix, odd_names)
        files.append((name, data))
        good.add(name)
    rng.shuffle(files)
    return Case(f"{prefix}-{index}:{kind}", files, good)


def cases(seed: int, n: int, prefix: str) -> Iterator[Case]:
    for i in range(n):
        yield make_case(seed, i, prefix)


def _write(case: Case, folder: Path) -> list[str]:
    paths = []
    for name, data in case.files:
        path = folder / name
        path.write_bytes(data)
        paths.append(str(path))
    return paths


def run_api(case: Case, pipeline: object, folder: Path) -> Outcome:
    from crossbrief.errors import CrossbriefError

    paths = _write(case, folder)
    out = Outcome(case.id, 0.0)
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        brief = pipeline.brief_inputs(paths)  # type: ignore[attr-defined]
    except CrossbriefError as err:
        out.seconds, out.cpu = time.perf_counter() - start, time.process_time() - cpu_start
        if "\n" in str(err):
            out.multiline.append(repr(str(err))[:200])
        out.sunk = bool(case.good)
        return out
    except Exception as err:  # noqa: BLE001 - the point of the harness
        out.seconds, out.cpu = time.perf_counter() - start, time.process_time() - cpu_start
        out.internal.append(f"{type(err).__name__}: {str(err)[:150]!r}")
        out.sunk = bool(case.good)
        return out
    out.seconds, out.cpu = time.perf_counter() - start, time.process_time() - cpu_start
    for p in brief.problems:
        if p.internal:
            out.internal.append(f"Problem: {str(p)[:200]!r}")
        if "\n" in str(p) or "\r" in p.message:
            out.multiline.append(repr(str(p))[:200])
    used = {a.source for a in brief.articles}
    out.sunk = any(str(folder / name) not in used for name in case.good)
    return out


def _peak_rss_kb(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in kB; 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _own_memory_mb() -> tuple[float, float]:
    """This process's (VmRSS, VmHWM) in MB, from /proc (Linux); zeros elsewhere."""
    rss = hwm = 0.0
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return rss, hwm


def _reset_high_water_mark() -> None:
    """Set this process's VmHWM back to its current VmRSS (Linux: "5" to clear_refs), so that the
    next reading of VmHWM is the peak of what runs in between, not of the whole run."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        pass


def memory_report(outcomes: list[Outcome], top: int = 25, window: int = 100) -> str:
    """The API cases that rose most above their starting resident memory, and the resident floor
    (lowest and highest RSS between cases) per window of cases."""
    rows = [f"largest rises over the starting RSS (of {len(outcomes)} cases):",
            f"  {'case':<40} {'rise MB':>8} {'before':>8} {'peak':>8} {'after':>8} {'cpu s':>6}"]
    ranked = sorted(outcomes, key=lambda o: o.hwm_mb - o.rss_before_mb, reverse=True)
    for o in ranked[:top]:
        rows.append(f"  {o.id:<40} {o.hwm_mb - o.rss_before_mb:8.0f} {o.rss_before_mb:8.0f} "
                    f"{o.hwm_mb:8.0f} {o.rss_after_mb:8.0f} {o.cpu:6.1f}")
    rows.append(f"resident memory after the cases, per {window} cases (low / high; highest peak):")
    for begin in range(0, len(outcomes), window):
        chunk = outcomes[begin:begin + window]
        rows.append(f"  cases {begin:>5}-{begin + len(chunk) - 1:<5} "
                    f"{min(o.rss_after_mb for o in chunk):6.0f} / {max(o.rss_after_mb for o in chunk):6.0f}; "
                    f"{max(o.hwm_mb for o in chunk):6.0f}")
    return "\n".join(rows)


def run_cli(case: Case, folder: Path, time_bound: float) -> Outcome:
    paths = _write(case, folder)
    out = Outcome(case.id, 0.0)
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as stdout:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crossbrief.cli", "brief", *paths, "--format", "json"],
            stdout=stdout, stderr=err, cwd=folder,
        )
        status, usage = 0, None
        peak_kb = 0
        while True:
            peak_kb = max(peak_kb, _peak_rss_kb(proc.pid))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > 3 * time_bound:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seconds = time.perf_counter() - start
        # Not the child's ru_maxrss: that counts the forked copy of this (large) process before
        # exec. /proc's high-water mark belongs to the exec'd program alone; read every 20 ms, it
        # misses at most the last moments' growth.
        out.peak_mb = peak_kb / 1024
        out.cpu = usage.ru_utime + usage.ru_stime
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").splitlines()
        stdout.seek(0)
        body = stdout.read()
    if code == 3 or code not in (0, 1, 2):
        out.internal.append(f"exit {code}: {(lines or [''])[-1][:200]!r}")
    out.multiline += [repr(line)[:200] for line in lines if line and not line.startswith(("crossbrief", "batch"))]
    if code in (0, 1):
        try:
            sources = {a["source"] for a in json.loads(body)["articles"]}
        except (ValueError, KeyError, TypeError) as exc:
            out.internal.append(f"output is not a JSON brief ({exc})")
            sources = set()
        out.sunk = any(str(folder / name) not in sources for name in case.good)
    else:
        out.sunk = bool(case.good)
    return out


@dataclass
class Report:
    tried: int = 0
    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.tried += 1
        self.outcomes.append(outcome)


def run(api: int, cli: int, seed: int, time_bound: float, verbose: bool = False,
        skip: dict[str, str] | None = None, light: bool = False, measure_memory: bool = False,
        only: set[str] | None = None) -> dict[str, Report]:
    """Run the harness; the outcomes per mode ("api", "cli"). Cases in `skip` are not run, nor,
    when `only` is given, cases not in it; `light`: the smaller cases of the CI sample;
    `measure_memory`: record each API case's resident memory and high-water mark."""
    global LIGHT
    LIGHT = light
    skip = skip or {}
    reports = {"api": Report(), "cli": Report()}
    pipeline = None
    for mode, n in (("api", api), ("cli", cli)):
        for case in cases(seed, n, mode):
            if case.id in skip or (only is not None and case.id.split(":")[0] not in only):
                continue
            with tempfile.TemporaryDirectory(prefix="fuzz") as tmp:
                if mode == "api":
                    if pipeline is None:
                        from crossbrief.pipeline import Pipeline

                        pipeline = Pipeline()
                    if measure_memory:
                        _reset_high_water_mark()
                        before, _ = _own_memory_mb()
                    outcome = run_api(case, pipeline, Path(tmp))
                    if measure_memory:
                        outcome.rss_after_mb, outcome.hwm_mb = _own_memory_mb()
                        outcome.rss_before_mb = before
                else:
                    outcome = run_cli(case, Path(tmp), time_bound)
            reports[mode].add(outcome)
            if verbose or outcome.internal or outcome.sunk or outcome.seconds > time_bound:
                flag = "; ".join(outcome.internal) or ("sunk" if outcome.sunk else "")
                memory = (f" rss {outcome.rss_before_mb:.0f}->{outcome.hwm_mb:.0f}->{outcome.rss_after_mb:.0f} MB"
                          if measure_memory and mode == "api" else "")
                print(f"{outcome.id:<40} {outcome.seconds:6.1f}s wall {outcome.cpu:6.1f}s cpu{memory} {flag}",
                      file=sys.stderr, flush=True)
    return reports


def summary(reports: dict[str, Report], time_bound: float) -> str:
    rows = []
    api_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # With --memory-report the kernel's high-water mark is reset before every case (and with it
    # ru_maxrss, and what /usr/bin/time reports): the run's peak is then the largest case's peak.
    api_peak = max([api_peak, *(o.hwm_mb for o in reports["api"].outcomes)])
    for mode, rep in reports.items():
        outs = rep.outcomes
        peak = api_peak if mode == "api" else max((o.peak_mb for o in outs), default=0.0)
        rows.append(f"{mode}: {rep.tried} inputs tried")
        internal = [o for o in outs if o.internal]
        rows.append(f"  internal errors: {len(internal)}")
        rows += [f"    {o.id}: {o.internal[0]}" for o in internal[:40]]
        slow = [o for o in outs if o.seconds > time_bound]
        rows.append(f"  over the time bound ({time_bound:g} s), wall time: {len(slow)}")
        rows += [f"    {o.id}: {o.seconds:.1f} s wall, {o.cpu:.1f} s cpu" for o in slow[:20]]
        slow_cpu = [o for o in outs if o.cpu > time_bound]
        rows.append(f"  over the time bound ({time_bound:g} s), CPU time: {len(slow_cpu)}")
        rows += [f"    {o.id}: {o.cpu:.1f} s cpu, {o.seconds:.1f} s wall" for o in slow_cpu[:20]]
        sunk = [o for o in outs if o.sunk]
        rows.append(f"  bundles sunk by one input: {len(sunk)}")
        rows += [f"    {o.id}" for o in sunk[:20]]
        rows.append(f"  peak memory: {peak:.0f} MB" + (" (this process)" if mode == "api" else " (largest child)"))
        multi = [o for o in outs if o.multiline]
        rows.append(f"  messages not one line: {len(multi)}")
        rows += [f"    {o.id}: {o.multiline[0]}" for o in multi[:20]]
        if outs:
            rows.append(f"  slowest: {max(o.seconds for o in outs):.1f} s wall, {max(o.cpu for o in outs):.1f} s cpu; "
                        f"total {sum(o.seconds for o in outs):.0f} s wall, {sum(o.cpu for o in outs):.0f} s cpu")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", type=int, default=2000, help="API cases (default 2000)")
    parser.add_argument("--cli", type=int, default=200, help="CLI cases (default 200)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--time-bound", type=float, default=30.0, help="seconds per case (default 30)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every case")
    parser.add_argument("--light", action="store_true", help="the smaller cases of the CI sample")
    parser.add_argument("--memory-report", action="store_true",
                        help="per API case: resident memory before, high-water mark during (reset before "
                             "each case through /proc/self/clear_refs), and the largest rises at the end")
    parser.add_argument("--only", nargs="+", metavar="ID",
                        help="run only these cases (ids without the kind, e.g. api-138 api-142)")
    args = parser.parse_args()
    import logging

    logging.disable(logging.CRITICAL)  # the harness reports internal errors itself
    reports = run(args.api, args.cli, args.seed, args.time_bound, args.verbose, light=args.light,
                  measure_memory=args.memory_report, only=set(args.only) if args.only else None)
    print(summary(reports, args.time_bound))
    if args.memory_report and reports["api"].outcomes:
        print(memory_report(reports["api"].outcomes))


if __name__ == "__main__":
    main()
