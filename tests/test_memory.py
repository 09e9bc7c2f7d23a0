"""Giving the C heap's free pages back to the system (resources/memory.py), on this process's
real allocator: memory freed below live objects stays resident until it is released."""

import os

import pytest

from crossbrief.resources.memory import can_release_free_memory, release_free_memory


def _resident_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not can_release_free_memory(), reason="the C library has no malloc_trim (not glibc)")
def test_pages_freed_below_live_objects_are_handed_back():
    # Runs of 64 KB of heap memory (16 blocks, each too big for Python's own small-object pools),
    # each followed by a small block that stays: freeing the runs leaves ~190 MB of free pages
    # that glibc cannot give back by shrinking its heap, since the small blocks lie above them.
    block, small = 4_000, 600  # variables: a constant expression would be folded into one object
    runs, kept = [], []
    for _ in range(3_000):
        runs.append([b"x" * block for _ in range(16)])
        kept.append(b"k" * small)
    freed = sum(len(block) for run in runs for block in run)
    del runs
    before = _resident_bytes()
    assert release_free_memory()
    after = _resident_bytes()
    assert before - after > freed // 2
    assert all(k == b"k" * small for k in kept)  # live objects are untouched


def test_releasing_is_safe_to_repeat():
    first = release_free_memory()
    assert release_free_memory() == first == can_release_free_memory()


_GROWTH_PROBE = """
import os, sys
from crossbrief.resources import memory
if sys.argv[1] == "hold":
    assert memory.hold_mmap_threshold()
def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
size = 8 * 1024 * 1024
big = b"x" * size  # mmapped; freeing it raises glibc's dynamic threshold to 8 MB
del big
block, small = 1024 * 1024, 600
blocks, kept = [], []
for _ in range(200):
    blocks.append(b"y" * block)
    kept.append(b"k" * small)
before = resident()
del blocks
print(before - resident())
"""


@pytest.mark.skipif(not can_release_free_memory(), reason="the C library is not glibc")
def test_a_held_mmap_threshold_returns_large_blocks_at_once():
    # Megabyte blocks (a parse's or a batch of vectors' arrays) each with a small block that stays
    # allocated after it: with glibc's dynamic threshold they come from the heap once a larger
    # block has been freed, and stay resident when freed; with the threshold held, each has its
    # own mapping and goes back to the system when freed.
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "MALLOC_MMAP_THRESHOLD_"}

    def returned(mode: str) -> int:
        out = subprocess.run([sys.executable, "-c", _GROWTH_PROBE, mode], env=env, capture_output=True,
                             text=True, check=True)
        return int(out.stdout)

    freed = 200 * 1024 * 1024
    assert returned("hold") > freed * 0.9
    assert returned("dynamic") < freed * 0.1
