"""Writing a file so that it is either wholly the old one or wholly the new one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: str | Path, write: Callable[[BinaryIO], object]) -> None:
    """Call `write` on a temporary file next to `path`, flush it to disk, then rename it over
    `path`: a run killed half-way leaves the previous file whole. The file gets the permissions a
    new file would (the umask), not the temporary file's private ones."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        # Named by the file asked for, not the temporary one ("out/.x.jsonl.k2j4.tmp: No such ...").
        raise OSError(err.errno, err.strerror, str(path)) from err
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
