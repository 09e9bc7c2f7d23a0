"""Shared fixtures: where the real samples and the bundled examples live."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "vell-valley-flood"
# The real scraped samples are read in place, never copied into the repository.
SAMPLES = ROOT.parent / "shared" / "samples" / "aleppo"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"real samples not found at {SAMPLES}")
    return SAMPLES


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES
