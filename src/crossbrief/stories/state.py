"""The grouper's state in a file, so later runs add to the same stories (`crossbrief stories --state`).

One NumPy `.npz` archive (no pickles): the articles' vectors, MinHash values and dates as arrays,
and a JSON document with everything else (format version, the model version, each article's
terms, names, figures, outlet, title and where it went), in arrival order. Loading replays the
assignments into a fresh grouper, which rebuilds the story profiles, the search index and the
copy index exactly as they were, so a stream fed in pieces groups as it does in one go.

Saving writes a temporary file next to the state, flushes it to disk and renames it over the old
one: a run that is killed leaves the previous state whole.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

from crossbrief.errors import InputError
from crossbrief.files import write_atomically
from crossbrief.stories.group import Assignment, StoryGrouper, StoryModel
from crossbrief.stories.signature import Signature

FORMAT = "crossbrief-stories-state"
VERSION = 1


def save(grouper: StoryGrouper, path: str | Path) -> None:
    """Write `grouper`'s state to `path` atomically."""
    path = Path(path)
    arrays = _arrays(grouper)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, lambda f: np.savez_compressed(f, allow_pickle=False, **arrays))


def to_bytes(grouper: StoryGrouper) -> bytes:
    """`grouper`'s state as the bytes of a state file (for a database BLOB; `from_bytes` reads it)."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, allow_pickle=False, **_arrays(grouper))
    return buffer.getvalue()


def from_bytes(data: bytes, name: str = "stories state", model: StoryModel | None = None) -> StoryGrouper:
    """A grouper holding the state `to_bytes` wrote (InputError, naming `name`, if it is not one)."""
    return _load(io.BytesIO(data), name, model)


def _arrays(grouper: StoryGrouper) -> dict[str, np.ndarray]:
    order = list(grouper.assignments.values())
    sigs = [grouper.signatures[a.article] for a in order]
    dim = sigs[0].vector.shape[0] if sigs else 0
    perm = grouper.shingler.num_perm
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "model": grouper.model.version,
        "shingler": [grouper.shingler.num_perm, grouper.shingler.seed],
        "clock": grouper.clock,
        "articles": [
            {
                "id": s.id,
                "key": s.key,
                "story": a.story,
                "copy_of": a.copy_of,
                "probability": a.probability,
                "terms": s.terms,
                "rare": list(s.rare),
                "names": sorted(s.names),
                "numbers": sorted(s.numbers),
                "outlet": s.outlet,
                "title": s.title,
                "lead": s.lead,
                "shingles": s.shingles,
            }
            for a, s in zip(order, sigs)
        ],
    }
    arrays = {
        "vectors": np.stack([s.vector for s in sigs]) if sigs else np.zeros((0, dim), np.float32),
        "minhash": np.stack([_fixed(s.minhash, perm) for s in sigs]) if sigs else np.zeros((0, perm), np.uint64),
        "days": np.array([-1 if s.day is None else s.day for s in sigs], dtype=np.int64),
        "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
    }
    return arrays


def _fixed(values: np.ndarray, perm: int) -> np.ndarray:
    """MinHash values as a fixed-width row (an article too short to shingle has none: zeros)."""
    return values if len(values) == perm else np.zeros(perm, dtype=np.uint64)


def load(path: str | Path, model: StoryModel | None = None) -> StoryGrouper:
    """A grouper holding the state saved in `path` (InputError if it is not a state file)."""
    return _load(Path(path), str(path), model)


def _load(path: Path | io.BytesIO, name: str, model: StoryModel | None) -> StoryGrouper:
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            vectors, minhash, days = data["vectors"], data["minhash"], data["days"]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, EOFError) as err:
        raise InputError(f"{name}: not a crossbrief stories state file ({type(err).__name__})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise InputError(f"{name}: not a crossbrief stories state file")
    if meta.get("version") != VERSION:
        raise InputError(f"{name}: state format {meta.get('version')}, this crossbrief reads {VERSION}")
    from crossbrief.stories.copies import Shingler

    num_perm, seed = meta["shingler"]
    grouper = StoryGrouper(model, shingler=Shingler(num_perm, seed))
    records = meta["articles"]
    if not (len(records) == len(vectors) == len(minhash) == len(days)):
        raise InputError(f"{name}: damaged stories state file (its parts disagree in length)")
    replay = []
    for record, vector, values, day in zip(records, vectors, minhash, days):
        sig = Signature(
            id=record["id"],
            key=record["key"],
            vector=np.asarray(vector, dtype=np.float32),
            terms={str(k): float(v) for k, v in record["terms"].items()},
            rare=tuple(record["rare"]),
            names=frozenset(record["names"]),
            numbers=frozenset(record["numbers"]),
            day=None if int(day) < 0 else int(day),
            outlet=record["outlet"],
            title=record["title"],
            lead=record["lead"],
            shingles=int(record["shingles"]),
            minhash=values if values.any() else np.zeros(0, dtype=np.uint64),
        )
        replay.append((sig, Assignment(sig.id, sig.key, record["story"], record["copy_of"], record["probability"])))
    grouper.restore(replay, meta["clock"])
    return grouper
