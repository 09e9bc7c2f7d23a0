"""`crossbrief stories --engine ray`: the same signatures and stories as in-process (real Ray on
127.0.0.1, real models). Skipped when the [ray] extra is not installed."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from crossbrief.ingest.read import read_inputs
from crossbrief.model import Problem
from crossbrief.runners.ray_stories import (
    SIGNATURE_FIELDS,
    check_signature_fields,
    result_columns,
    row_result,
)
from crossbrief.runners.stories import local_signer, run_stories
from crossbrief.stories.signature import Signature, term_columns

pytestmark = pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="the [ray] extra is not installed")

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "bench" / "devset" / "events.jsonl"  # our own written stream (bench/devset/events_README.md)

WIRE = (
    "Volunteers on the island of Carrow Sound rescued 31 pilot whales that stranded on Brindle Beach "
    "on Thursday morning, the island's marine rescue group said.\n\n"
    "The whales were found at low tide by a dog walker shortly after 6am. Around 60 volunteers kept "
    "them wet with sheets and buckets until the tide returned in the afternoon.\n\n"
    "\"We refloated every animal that was still alive,\" said rescue coordinator Maren Okafor. Four "
    "whales died on the beach and will be examined by the national museum.\n\n"
    "Pilot whales strand on the island's western shore every few years, but this was the largest "
    "stranding since 2011, when 48 animals came ashore in the same bay."
)
OWN = [
    {"id": "whales-wire", "title": "Volunteers refloat 31 stranded pilot whales", "date": "2026-04-09",
     "outlet": "Wire Service", "text": WIRE},
    {"id": "whales-copy", "title": "Whales saved on Brindle Beach", "date": "2026-04-09",
     "outlet": "Carrow Gazette", "text": WIRE.rsplit("\n\n", 1)[0]},
    {"id": "noise", "title": "Subscribe", "date": "2026-04-09", "text": "Click here to subscribe"},
    {"id": "undated", "title": "Ferry timetable changes", "outlet": "Harbour News",
     "text": "The Carrow Sound ferry will leave at 7.15am instead of 7am from Monday, the operator said, "
             "after complaints about missed rail connections at the mainland port."},
]


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def feed(tmp_path_factory) -> Path:
    """events.jsonl and our own few articles (a copy, page noise only, an undated one) in one feed."""
    rows = [json.loads(line) for line in EVENTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return _jsonl(tmp_path_factory.mktemp("ray") / "feed.jsonl", rows + OWN)


@pytest.fixture(scope="module")
def signer():
    """One local Ray for the module (started on the first batch), stopped at the end."""
    from crossbrief.runners.ray_stories import ray_signer

    before = os.environ.get("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER")
    ray_signer_ = ray_signer(None)
    yield ray_signer_
    ray_signer_.close()
    assert os.environ.get("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER") == before  # the loopback switch put back


def _same(a: Signature | Problem, b: Signature | Problem) -> None:
    assert type(a) is type(b)
    if isinstance(a, Problem):
        assert a == b
        return
    assert isinstance(b, Signature)
    assert a.vector.dtype == b.vector.dtype == np.float32 and a.vector.shape == b.vector.shape
    assert a.vector.tobytes() == b.vector.tobytes()  # bit-identical
    assert a.minhash.dtype == b.minhash.dtype == np.uint64 and np.array_equal(a.minhash, b.minhash)
    assert list(a.terms.items()) == list(b.terms.items())  # same weights, same order
    # The terms' columns travel (found where it was signed); a Signature made without them gets
    # them from its terms, the same.
    assert np.array_equal(
        a.columns if a.columns is not None else term_columns(a.terms)[0],
        b.columns if b.columns is not None else term_columns(b.terms)[0],
    )
    for name in SIGNATURE_FIELDS:
        if name not in ("vector", "minhash", "terms", "columns"):
            assert getattr(a, name) == getattr(b, name), name


def test_rows_carry_every_signature_field_exactly():
    check_signature_fields()
    sig = Signature(id="a1", key="k", vector=np.array([0.1, -0.25, 1e-8], dtype=np.float32),
                    terms={"zeta": 0.8, "alpha": 0.6}, rare=("zeta",), names=frozenset({"carrow"}),
                    numbers=frozenset({"31", "7.15"}), day=None, outlet="o", title="t", lead="l", shingles=12,
                    minhash=np.array([2**64 - 1, 0, 12345], dtype=np.uint64))
    problem = Problem("feed.jsonl:3", "no article text left", fatal=True, internal=False)
    columns = result_columns([1, 0], [sig, problem], "fingerprint")
    rows = [dict(zip(columns, values)) for values in zip(*columns.values())]
    _same(row_result(rows[0]), sig)
    assert row_result(rows[1]) == problem


def test_ray_signatures_equal_local_ones(feed, signer):
    local_articles, problems = read_inputs([str(feed)])
    ray_articles, _ = read_inputs([str(feed)])
    assert not problems
    local = local_signer()(local_articles)
    on_ray = signer(ray_articles)
    assert len(on_ray) == len(local) == len(local_articles)
    for a, b in zip(local, on_ray):
        _same(a, b)
    assert sum(isinstance(s, Problem) for s in on_ray) == 1  # the page noise, in its place
    assert signer([]) == []


def test_run_stories_on_ray_writes_the_same_lines(feed, signer, tmp_path):
    local_out, ray_out = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    local_run = run_stories([str(feed)], str(local_out), signer=local_signer(), progress=False)
    ray_run = run_stories([str(feed)], str(ray_out), signer=signer, progress=False)
    assert ray_out.read_text(encoding="utf-8") == local_out.read_text(encoding="utf-8")
    assert ray_run.summary() == local_run.summary() and ray_run.copies >= 1
    assert [str(p) for p in ray_run.problems] == [str(p) for p in local_run.problems]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crossbrief.cli", "stories", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_cli_engine_ray_end_to_end(feed, tmp_path):
    rows = [json.loads(line) for line in feed.read_text().splitlines()]
    clean = _jsonl(tmp_path / "clean.jsonl", [r for r in rows if r["id"] != "noise"])
    done = _cli(str(clean), "-o", "ray.jsonl", "--engine", "ray", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    run_stories([str(clean)], str(tmp_path / "local.jsonl"), signer=local_signer(), progress=False)
    assert (tmp_path / "ray.jsonl").read_text() == (tmp_path / "local.jsonl").read_text()
    lines = done.stderr.splitlines()
    assert lines and all(line.startswith("crossbrief: ") for line in lines), done.stderr  # no Ray chatter
    assert lines[-1].startswith("crossbrief: articles 162,")


def test_cli_joins_a_running_ray_by_its_address(feed, signer, tmp_path):
    import ray

    rows = [json.loads(line) for line in feed.read_text().splitlines()][:40]
    small = _jsonl(tmp_path / "small.jsonl", rows)
    signer(read_inputs([str(small)])[0][:1])  # the module's Ray is running (started here if not yet)
    address = ray.get_runtime_context().gcs_address
    done = _cli(str(small), "-o", "out.jsonl", "--engine", "ray", "--address", address, "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    run_stories([str(small)], str(tmp_path / "local.jsonl"), signer=local_signer(), progress=False)
    assert (tmp_path / "out.jsonl").read_text() == (tmp_path / "local.jsonl").read_text()


def test_unreachable_cluster_is_one_usage_line(feed, tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = _cli(str(feed), "-o", "out.jsonl", "--engine", "ray", "--address", f"127.0.0.1:{port}", "-q",
                cwd=tmp_path)
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert f"127.0.0.1:{port}" in line and "cannot reach" in line
    assert not (tmp_path / "out.jsonl").exists()


def test_missing_static_model_is_one_line_before_ray_starts(feed, tmp_path):
    env = {**os.environ, "CROSSBRIEF_STATIC_MODEL": str(tmp_path / "no-model")}
    done = subprocess.run([sys.executable, "-m", "crossbrief.cli", "stories", str(feed), "-o", "out.jsonl",
                           "--engine", "ray"], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert "static encoder not found" in line and "no-model" in line
