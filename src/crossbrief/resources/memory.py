"""Giving the C heap's free memory back to the system.

Python objects above 512 bytes, numpy arrays, torch tensors and spaCy's structures are all
allocated with the C library's malloc. glibc returns freed memory to the system only from the top
of a heap: after a brief's transient work (parses of a bundle, batches of vectors, candidate quote
pairs) is freed, a few objects that live on above it (cached parses and vectors) keep the freed
pages resident. A long-running Pipeline (watch, ingest, serve, the fuzz harness) then grows brief
after brief although what it holds is bounded: in the fuzz harness's API phase, resident memory
rose to 1.7 GB while its bounded caches held a fraction of that (docs/benchmarks.md, issue 16).

glibc's `malloc_trim(0)` hands back every whole free page of every heap, wherever it lies; the
pages stay mapped and come back zeroed on the next use. Elsewhere (musl, macOS, Windows) there is
no such call and nothing is done.

The trim cannot help with the other half of the growth: glibc raises its mmap threshold each time
a large mmapped block is freed (up to 32 MB), so after a few briefs the arrays of a parse or a
batch of vectors (hundreds of KB to MBs each) come from the heaps instead of their own mappings,
the heaps fragment, and the same kind of bundle costs more memory the later it comes. In the fuzz
harness's API phase a quote-heavy bundle rose 230 MB above its starting memory early in the run
and 770 MB late; with the threshold held at MMAP_THRESHOLD, 230-340 MB throughout, and the run's
peak fell from 1,623 to 1,171 MB (docs/benchmarks.md, issue 16). `hold_mmap_threshold` sets it
once per process (unless MALLOC_MMAP_THRESHOLD_ is set in the environment: the user's choice).
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable
from typing import Any


def _libc_function(name: str, argtypes: list[Any]) -> Callable[..., Any] | None:
    """The C library's function `name` (returning int), or None where it has none."""
    try:
        function = getattr(ctypes.CDLL(None), name)  # the C library this process already runs on
    except (OSError, AttributeError, TypeError):  # no such symbol; TypeError: Windows has no CDLL(None)
        return None
    function.argtypes = argtypes
    function.restype = ctypes.c_int
    return function


MMAP_THRESHOLD = 256 * 1024  # bytes: blocks this large or larger get their own mapping
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number (malloc.h)

_malloc_trim = _libc_function("malloc_trim", [ctypes.c_size_t])
_mallopt = _libc_function("mallopt", [ctypes.c_int, ctypes.c_int])
_threshold_held = False
_trim_lock = threading.Lock()  # one trim at a time: a second one at once would find nothing to free


def can_release_free_memory() -> bool:
    """Whether this process's C library can return free heap pages (glibc)."""
    return _malloc_trim is not None


def release_free_memory() -> bool:
    """Return the C heap's free pages to the system (glibc's malloc_trim(0)); False where the C
    library has no such call. Live objects are not touched: nothing a caller holds changes."""
    if _malloc_trim is None:
        return False
    if not _trim_lock.acquire(blocking=False):
        return True  # another thread is trimming right now
    try:
        _malloc_trim(0)
    finally:
        _trim_lock.release()
    return True


def hold_mmap_threshold() -> bool:
    """Fix glibc's mmap threshold at MMAP_THRESHOLD for the rest of the process (see above), once;
    False where the C library has no mallopt, or the environment already sets the threshold."""
    global _threshold_held
    if _threshold_held:
        return True
    if _mallopt is None or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    _threshold_held = bool(_mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    return _threshold_held
