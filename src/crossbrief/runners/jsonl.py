"""Reading JSONL cluster files (plain or gzip) line by line, for batch, eval and train."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from crossbrief.errors import InputError


def open_text(path: str) -> IO[str]:
    """Open a JSONL file, plain or gzip-compressed, for reading as text."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"no such file: {path}")
    if p.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a JSONL file")
    # Undecodable bytes become U+FFFD: one bad line must not stop a batch of thousands.
    # Compressed by its first bytes, not its name: a .jsonl that is really gzip is read too.
    with open(p, "rb") as head:
        start = head.read(8192)
    gzipped = start[:2] == b"\x1f\x8b"
    # JSONL is UTF-8 text, which never holds a NUL byte: a binary file (a photo, a zip, a UTF-16
    # file) is one line naming it, not one "not JSON" line for each of its thousands of "lines".
    if not gzipped and b"\x00" in start:
        raise InputError(f"{path}: binary file, not JSONL text")
    if gzipped:
        return io.TextIOWrapper(gzip.open(p, "rb"), encoding="utf-8", errors="replace")
    return open(p, encoding="utf-8", errors="replace")


def read_clusters(path: str, limit: int | None = None) -> Iterator[tuple[int, dict | None, str]]:
    """(line number, cluster or None, error message) for each line of a JSONL file."""
    with open_text(path) as f:
        n = 0
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            if limit is not None and n >= limit:
                break
            n += 1
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                yield line_no, None, f"line {line_no}: not JSON ({e.msg})"
                continue
            if not isinstance(row, dict):
                yield line_no, None, f"line {line_no}: not a JSON object"
                continue
            yield line_no, row, ""
