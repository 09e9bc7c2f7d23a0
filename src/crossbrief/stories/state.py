"""The grouper's state in a file, so later runs add to the same stories (`crossbrief stories --state`).

One NumPy `.npz` archive (no pickles): the articles' vectors, MinHash values and dates as arrays,
and a JSON document with everything else (format version, the model version, each article's
terms, names, figures, outlet, title and where it went), in arrival order. Loading replays the
assignments into a fresh grouper, which rebuilds the story profiles, the search index and the
copy index exactly as they were, so a stream fed in pieces groups as it does in one go.

Saving writes a temporary file next to the state, flushes it to disk and renames it over the old
one: a run that is killed leaves the previous state whole.

The store keeps the same state as rows instead (`header`, `records`, `from_records`): one row per
article, appended as articles arrive, and a small header. Saving after a batch then writes that
batch's articles only, not every article's signature again, so saving costs the same at 100,000
articles as at 1,000.
"""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from crossbrief.errors import InputError
from crossbrief.files import write_atomically
from crossbrief.stories.group import Assignment, StoryGrouper, StoryModel
from crossbrief.stories.signature import Signature

FORMAT = "crossbrief-stories-state"
VERSION = 1
ROWS_FORMAT = "crossbrief-stories-rows"  # the header of a state kept as rows (the store's)

# One article of a state kept as rows: (seq, article id, story, copy_of, probability, day,
# vector bytes (float32), MinHash bytes (uint64; empty: too short to shingle), JSON of the rest).
Record = tuple[int, str, str, str | None, float | None, int | None, bytes, bytes, str]


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


def _details(sig: Signature) -> dict:
    """What a state keeps of a signature besides its id, vector, MinHash and day."""
    return {
        "key": sig.key,
        "terms": sig.terms,
        "rare": list(sig.rare),
        "names": sorted(sig.names),
        "numbers": sorted(sig.numbers),
        "outlet": sig.outlet,
        "title": sig.title,
        "lead": sig.lead,
        "shingles": sig.shingles,
    }


def _signature(article: str, details: dict, vector: np.ndarray, minhash: np.ndarray, day: int | None) -> Signature:
    return Signature(
        id=article,
        key=details["key"],
        vector=np.asarray(vector, dtype=np.float32),
        terms={str(k): float(v) for k, v in details["terms"].items()},
        rare=tuple(details["rare"]),
        names=frozenset(details["names"]),
        numbers=frozenset(details["numbers"]),
        day=day,
        outlet=details["outlet"],
        title=details["title"],
        lead=details["lead"],
        shingles=int(details["shingles"]),
        minhash=minhash if minhash.any() else np.zeros(0, dtype=np.uint64),
    )


def _arrays(grouper: StoryGrouper) -> dict[str, np.ndarray]:
    if grouper.forgotten:
        raise RuntimeError("a grouper that forgot closed stories' signatures is saved as rows, not as a file")
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
            {"id": s.id, "story": a.story, "copy_of": a.copy_of, "probability": a.probability, **_details(s)}
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


def _empty_grouper(head: object, form: str, name: str, model: StoryModel | None) -> StoryGrouper:
    """A new grouper with the MinHash settings of state header `head` (InputError, naming `name`,
    if it is not a header of format `form` and this version)."""
    if not isinstance(head, dict) or head.get("format") != form:
        raise InputError(f"{name}: not a crossbrief stories state file")
    if head.get("version") != VERSION:
        raise InputError(f"{name}: state format {head.get('version')}, this crossbrief reads {VERSION}")
    from crossbrief.stories.copies import Shingler

    num_perm, seed = head["shingler"]
    return StoryGrouper(model, shingler=Shingler(num_perm, seed))


def _load(path: Path | io.BytesIO, name: str, model: StoryModel | None) -> StoryGrouper:
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            vectors, minhash, days = data["vectors"], data["minhash"], data["days"]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, EOFError) as err:
        raise InputError(f"{name}: not a crossbrief stories state file ({type(err).__name__})") from None
    grouper = _empty_grouper(meta, FORMAT, name, model)
    records = meta["articles"]
    if not (len(records) == len(vectors) == len(minhash) == len(days)):
        raise InputError(f"{name}: damaged stories state file (its parts disagree in length)")
    replay = []
    for record, vector, values, day in zip(records, vectors, minhash, days):
        sig = _signature(record["id"], record, vector, values, None if int(day) < 0 else int(day))
        replay.append((sig, Assignment(sig.id, sig.key, record["story"], record["copy_of"], record["probability"])))
    grouper.restore(replay, meta["clock"])
    return grouper


# -- the state as rows (the store's) ---------------------------------------------------------------
def header(grouper: StoryGrouper) -> dict:
    """The small part of a state kept as rows: what the rows need to be read back, and how many
    there are (`articles`: the grouper's assignments so far)."""
    return {
        "format": ROWS_FORMAT,
        "version": VERSION,
        "model": grouper.model.version,
        "shingler": [grouper.shingler.num_perm, grouper.shingler.seed],
        "clock": grouper.clock,
        "articles": len(grouper.assignments),
    }


def records(grouper: StoryGrouper, start: int) -> list[Record]:
    """The rows of the articles grouped after the first `start` (in arrival order, numbered from
    `start`): what a save after a batch appends."""
    perm = grouper.shingler.num_perm
    out: list[Record] = []
    for seq, a in enumerate(itertools.islice(grouper.assignments.values(), start, None), start):
        s = grouper.signatures[a.article]
        out.append((
            seq, a.article, a.story, a.copy_of, a.probability, s.day,
            np.asarray(s.vector, dtype=np.float32).tobytes(),
            np.asarray(_fixed(s.minhash, perm), dtype=np.uint64).tobytes(),
            json.dumps(_details(s), ensure_ascii=False),
        ))
    return out


def from_records(
    head: dict, rows: Iterable[Record], name: str = "stories state", model: StoryModel | None = None
) -> StoryGrouper:
    """A grouper holding the state of `head` and its rows (in seq order; InputError, naming
    `name`, for a header or row that is not one)."""
    grouper = _empty_grouper(head, ROWS_FORMAT, name, model)
    replay = []
    try:
        for expected, (seq, article, story, copy_of, probability, day, vector, minhash, details) in enumerate(rows):
            if seq != expected:
                raise ValueError(f"row {seq} where row {expected} was due")
            sig = _signature(article, json.loads(details), np.frombuffer(vector, dtype=np.float32),
                             np.frombuffer(minhash, dtype=np.uint64), day)
            replay.append((sig, Assignment(article, sig.key, story, copy_of, probability)))
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise InputError(f"{name}: damaged stories state ({err})") from None
    if len(replay) != head.get("articles"):
        raise InputError(f"{name}: damaged stories state ({len(replay)} rows, the header says {head.get('articles')})")
    grouper.restore(replay, head["clock"])
    return grouper
