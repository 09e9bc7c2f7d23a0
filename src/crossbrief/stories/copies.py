"""Copies: the same article run by several outlets (a wire story under another headline, its last
paragraph trimmed), found with MinHash signatures of word 5-grams and LSH (datasketch).

A reprint trimmed of a paragraph shares most of its 5-grams with the original, but the two sets
differ in size, so Jaccard similarity understates it. What decides is containment: the share of
the shorter text's 5-grams found in the longer. It follows from the MinHash estimate of Jaccard J
and the two set sizes: |A & B| = J / (1 + J) * (|A| + |B|). LSH finds the candidates at a low
Jaccard threshold; containment >= COPY_CONTAINMENT confirms them.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Sequence

import numpy as np

from crossbrief.model import Article
from crossbrief.stories.signature import words

SHINGLE_WORDS = 5
NUM_PERM = 64
SEED = 20261202
SCHEME = "affine32"  # datasketch's hashing scheme, named so saved signatures stay comparable
CANDIDATE_JACCARD = 0.45  # LSH band threshold: reprints trimmed by a third still come back
COPY_CONTAINMENT = 0.8  # of the shorter text's 5-grams found in the longer
MIN_SHINGLES = 12  # a text of a dozen words is too short to call a copy
# The LSH banding datasketch's MinHashLSH chooses for CANDIDATE_JACCARD and NUM_PERM (bands, values
# per band; tests/test_signature.py checks it still does): known here, the grouper's process need not
# import datasketch (half a second: it imports scipy.integrate) unless it signs articles itself.
BANDING = (16, 4)


def _hash32(gram: bytes) -> int:
    # CRC-32 instead of datasketch's default SHA-1: 5-grams of words are not adversarial, and it is
    # about ten times faster. The permutations that follow it do the MinHash work.
    return zlib.crc32(gram)


class Shingler:
    """MinHash signatures of texts: one set of permutations, shared by all (and by saved states)."""

    def __init__(self, num_perm: int = NUM_PERM, seed: int = SEED) -> None:
        self.num_perm, self.seed = num_perm, seed
        self._local = threading.local()

    def signature(self, text: str, tokens: list[str] | None = None) -> tuple[np.ndarray, int]:
        """The MinHash values of `text`'s word 5-grams, and how many distinct 5-grams it has
        (`tokens`: `signature.words(text)`, when the caller has them already)."""
        tokens = words(text) if tokens is None else tokens
        grams = {" ".join(gram).encode() for gram in zip(*(tokens[i:] for i in range(SHINGLE_WORDS)))}
        # One MinHash per thread, cleared for each text: making one checks its permutations again
        # (a twentieth of the signature's time).
        m = getattr(self._local, "minhash", None)
        if m is None:
            from datasketch import MinHash

            m = self._local.minhash = MinHash(num_perm=self.num_perm, seed=self.seed, scheme=SCHEME, hashfunc=_hash32)
        m.clear()
        m.update_batch(grams)
        return np.array(m.hashvalues, dtype=np.uint64), len(grams)


def lsh_banding(num_perm: int) -> tuple[int, int]:
    """(bands, values per band) that datasketch chooses for CANDIDATE_JACCARD and `num_perm`."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=num_perm)
    return lsh.b, lsh.r


def containment(j: float, a: int, b: int) -> float:
    """Share of the smaller of two sets (sizes a, b) inside the other, given their Jaccard j."""
    if min(a, b) == 0:
        return 0.0
    return min(1.0, j / (1.0 + j) * (a + b) / min(a, b))


class CopyIndex:
    """An LSH index of the signatures seen so far, and which of them a new one copies.

    datasketch chooses the banding (how many bands of how many values, for CANDIDATE_JACCARD);
    the buckets are plain dictionaries, one per band, keyed by the band's bytes. Its own index
    (`MinHashLSH.insert`, one Python call and byte swap per band) took a seventh of the story
    grouper's time; these take about a fortieth, and find the same candidates."""

    def __init__(self, shingler: Shingler) -> None:
        self.shingler = shingler
        bands, rows = BANDING if shingler.num_perm == NUM_PERM else lsh_banding(shingler.num_perm)
        self._bands, self._band_bytes = bands, rows * np.dtype(np.uint64).itemsize
        # band bytes -> the key of the one article there, or a list of several (most buckets hold
        # one: no list for them, nothing more for the garbage collector to walk)
        self._buckets: list[dict[bytes, str | list[str]]] = [{} for _ in range(self._bands)]
        self._signatures: dict[str, tuple[np.ndarray, int, int]] = {}  # key -> (values, size, order)

    def _band_keys(self, values: np.ndarray) -> list[bytes]:
        raw = np.ascontiguousarray(values, dtype=np.uint64).tobytes()
        step = self._band_bytes
        return [raw[i * step : (i + 1) * step] for i in range(self._bands)]

    def original_of(self, minhash: np.ndarray, shingles: int) -> str | None:
        """The id of the earliest indexed article this one copies (None: no copy)."""
        if shingles < MIN_SHINGLES or len(minhash) == 0:
            return None
        found: set[str] = set()
        for bucket, band in zip(self._buckets, self._band_keys(minhash)):
            hit = bucket.get(band)
            if isinstance(hit, str):
                found.add(hit)
            elif hit is not None:
                found.update(hit)
        best: tuple[float, int, str] | None = None  # (containment, -order, key): the closest, then the earliest
        for key in found:
            values, size, order = self._signatures[key]
            j = float(np.mean(values == minhash))
            share = containment(j, shingles, size)
            if share >= COPY_CONTAINMENT and (best is None or (share, -order) > best[:2]):
                best = (share, -order, key)
        return best[2] if best else None

    def add(self, key: str, minhash: np.ndarray, shingles: int) -> None:
        if shingles < MIN_SHINGLES or len(minhash) == 0 or key in self._signatures:
            return
        self._signatures[key] = (minhash, shingles, len(self._signatures))
        for bucket, band in zip(self._buckets, self._band_keys(minhash)):
            there = bucket.get(band)
            if there is None:
                bucket[band] = key
            elif isinstance(there, str):
                bucket[band] = [there, key]
            else:
                there.append(key)


def mark_copies(articles: Sequence[Article], shingler: Shingler | None = None) -> None:
    """Set `copy_of` on each article that is a near-copy of an earlier one in `articles` (the
    closest, then earliest, of those that are not copies themselves), as the story grouper
    finds copies; clear it on the others."""
    shingler = shingler or Shingler()
    index = CopyIndex(shingler)
    for article in articles:
        values, size = shingler.signature(article.text)
        found = index.original_of(values, size)
        article.copy_of = found if found is not None and found != article.id else ""
        if not article.copy_of:
            index.add(article.id, values, size)
