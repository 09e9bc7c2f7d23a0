"""Shared fixtures: where the real samples and the bundled examples live; a local HTTP server;
Debian's headless Chromium (driven by Playwright) and where browser tests keep screenshots."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crossbrief import settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "vell-valley-flood"
# The real scraped samples are read in place, never copied into the repository.
SAMPLES = ROOT.parent / "shared" / "samples" / "aleppo"
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
ARTIFACTS = Path(os.environ.get("CROSSBRIEF_TEST_ARTIFACTS") or ROOT / "tests" / "artifacts")


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"real samples not found at {SAMPLES}")
    return SAMPLES


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(autouse=True)
def _allow_private_fetches() -> Iterator[None]:
    """The tests' HTTP servers listen on 127.0.0.1, which fetches refuse by default (see
    ingest/fetch.py): allowed in every test; the tests of the refusal turn it off again."""
    with settings.overridden(allow_private=True):
        yield


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 answering with `handler`, for as long as the block runs;
    yields its base URL ("http://127.0.0.1:PORT")."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's headless Chromium through Playwright (`executable_path`: no browser downloaded)."""
    if CHROMIUM is None:
        pytest.skip("no headless Chromium installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()
