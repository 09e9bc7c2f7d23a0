"""The static (model2vec) encoder against MiniLM: speed, and how well its similarities agree.

    .venv/bin/python bench/static_encoder.py [--model DIR] [--sentences 20000] [--clusters 100]

Data: Multi-News validation documents (../shared/data/multinews/validation.jsonl.gz), split with
crossbrief.stages.segment.split_sentences.
- speed: sentences/s of StaticEncoder.encode over ~20,000 real sentences, in fresh processes with
  the tokenizer's thread pool at 1 and at 2 threads (best of 3 x 3), plus MiniLM on 1,000 of them;
- agreement: for each of the first N clusters, Spearman's rho between static cosine and MiniLM
  cosine over all within-cluster sentence pairs (mean and median over clusters, and pooled),
  with TF-IDF cosine as a baseline for what a cheap lexical method gets.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "multinews" / "validation.jsonl.gz"


def clusters(limit: int) -> list[list[str]]:
    """Sentences (10..400 characters) of each validation cluster, in file order."""
    from crossbrief.stages.segment import split_sentences

    out = []
    with gzip.open(DATA, "rt") as f:
        for line in f:
            sentences = []
            for doc in json.loads(line)["documents"]:
                sentences += [doc[a:b] for a, b in split_sentences(doc) if 10 <= b - a <= 400]
            if len(sentences) >= 2:
                out.append(sentences)
            if len(out) >= limit:
                break
    return out


def sentences(n: int) -> list[str]:
    flat: list[str] = []
    for cluster in clusters(10**9):
        flat += cluster
        if len(flat) >= n:
            return flat[:n]
    return flat


def speed_child(path: str, model: str | None) -> None:
    """Run in a fresh process: time StaticEncoder.encode on the sentences in `path`."""
    from crossbrief.resources.encoders import StaticEncoder

    texts = Path(path).read_text().split("\n")
    start = time.perf_counter()
    encoder = StaticEncoder(Path(model) if model else None)
    load = time.perf_counter() - start
    encoder.encode(texts[:1000])  # warm up
    best = min(_timed(encoder.encode, texts) for _ in range(3))
    print(json.dumps({"load_s": load, "encode_s": best, "n": len(texts)}))


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="static model directory (default: the built one)")
    parser.add_argument("--sentences", type=int, default=20_000)
    parser.add_argument("--clusters", type=int, default=100)
    parser.add_argument("--minilm-sample", type=int, default=1000)
    parser.add_argument("--speed-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speed_child:
        return speed_child(args.speed_child, args.model)

    import numpy as np
    import torch
    from scipy.stats import spearmanr
    from sklearn.feature_extraction.text import TfidfVectorizer

    from crossbrief.resources.encoders import StaticEncoder, get_encoder

    torch.set_num_threads(1)  # the machine is shared
    texts = sentences(args.sentences)
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / "crossbrief-static-bench.txt"
    tmp.write_text("\n".join(t.replace("\n", " ") for t in texts))
    print(f"{len(texts)} sentences, mean {statistics.mean(len(t) for t in texts):.0f} characters")

    # Tokenising is ~85% of the time and the only multi-threaded part (the tokenizers library's
    # thread pool, sized by RAYON_NUM_THREADS). Settings alternate over 3 rounds, best kept, so a
    # busy moment on the shared machine does not land on one setting only.
    best: dict[int, dict] = {}
    for _ in range(3):
        for threads in (1, 2):
            env = dict(os.environ, RAYON_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
            cmd = [sys.executable, __file__, "--speed-child", str(tmp)] + (
                ["--model", args.model] if args.model else []
            )
            r = json.loads(subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout)
            if threads not in best or r["encode_s"] < best[threads]["encode_s"]:
                best[threads] = r
    for threads, r in best.items():
        print(f"static, {threads} thread(s): {r['n'] / r['encode_s']:,.0f} sentences/s (load {r['load_s']:.2f} s)")

    minilm = get_encoder()
    sample = texts[: args.minilm_sample]
    minilm.encode(sample[:64])
    seconds = _timed(minilm._encode_uncached, sample)  # bypass its cache: a fair speed
    print(f"MiniLM, torch 1 thread: {len(sample) / seconds:,.0f} sentences/s")

    static = StaticEncoder(Path(args.model) if args.model else None)
    rhos, rhos_tfidf, all_s, all_m = [], [], [], []
    for cluster in clusters(args.clusters):
        s = static.encode(cluster)
        m = minilm.encode(cluster)
        tf = TfidfVectorizer(sublinear_tf=True).fit_transform(cluster)
        iu = np.triu_indices(len(cluster), k=1)
        cs, cm, ct = (s @ s.T)[iu], (m @ m.T)[iu], (tf @ tf.T).toarray()[iu]
        rhos.append(spearmanr(cs, cm).statistic)
        rhos_tfidf.append(spearmanr(ct, cm).statistic)
        all_s.append(cs)
        all_m.append(cm)
    pairs = sum(len(x) for x in all_s)
    pooled = spearmanr(np.concatenate(all_s), np.concatenate(all_m)).statistic
    print(
        f"agreement with MiniLM over {len(rhos)} clusters, {pairs:,} within-cluster pairs: Spearman rho "
        f"mean {np.mean(rhos):.3f}, median {np.median(rhos):.3f}, min {np.min(rhos):.3f}, pooled {pooled:.3f} "
        f"(TF-IDF baseline: mean {np.mean(rhos_tfidf):.3f}, median {np.median(rhos_tfidf):.3f})"
    )


if __name__ == "__main__":
    main()
