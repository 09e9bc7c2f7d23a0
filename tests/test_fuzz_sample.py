"""A small deterministic sample of the fuzz harness (bench/fuzz.py): light cases through the
Python API and the CLI; no internal error, no case over the time bound, no bundle sunk by one
bad input, every message one line. The full run is `.venv/bin/python bench/fuzz.py`."""

import importlib.util
import logging
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"

# Cases of this sample that find a known bug being fixed elsewhere: id -> reason. Keep empty.
KNOWN: dict[str, str] = {}


def _fuzz():
    spec = importlib.util.spec_from_file_location("crossbrief_bench_fuzz", BENCH / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_fuzz_sample_finds_no_internal_error():
    fuzz = _fuzz()
    logging.disable(logging.CRITICAL)
    try:
        reports = fuzz.run(api=100, cli=8, seed=16, time_bound=30.0, skip=KNOWN, light=True)
    finally:
        logging.disable(logging.NOTSET)
    text = fuzz.summary(reports, 30.0)
    for report in reports.values():
        assert report.tried > 0
        for o in report.outcomes:
            assert not o.internal, f"{o.id}: {o.internal}\n{text}"
            assert o.seconds <= 30.0, f"{o.id}: {o.seconds:.1f} s\n{text}"
            assert not o.sunk, f"{o.id}: a good article of the bundle is missing\n{text}"
            assert not o.multiline, f"{o.id}: {o.multiline}\n{text}"
