"""What the story grouper knows of one article: cheap features computed once, without spaCy.

Grouping a feed must run at thousands of articles a second, so an article is reduced to:

- a static sentence vector of its title and lead (the part that says what the event is);
- its distinctive terms: a TF-IDF vector of its content words, weighted by how rare they are in
  news (an IDF table built from Multi-News training documents, `data/idf.tsv.gz`); names,
  places and unusual words carry the weight, so two earthquakes in two countries share
  "earthquake" (common) but not the place; its rarest words index the stories that use them;
- its names: capitalised words inside a sentence (not after a full stop), when the text has case;
- its numbers: figures of two or more significant digits ("275,000", "7.1"), years left out;
- its date (publication), when known;
- a MinHash signature of its word 5-grams, for finding copies (see `copies`).
"""

from __future__ import annotations

import gzip
import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources

import numpy as np

from crossbrief.errors import InputError
from crossbrief.ingest.urls import canonical_url
from crossbrief.model import Article, Problem
from crossbrief.stages.clean import clean
from crossbrief.stages.identity import article_id
from crossbrief.text import visible

LEAD_CHARS = 600  # of the clean text, after the title, for the vector: the lead says what happened
TERM_CHARS = 4_000  # of the clean text, for terms, names and numbers
MAX_TERMS = 60  # the heaviest terms kept per article
MIN_TERM_IDF = 3.0  # words in more than about 1 in 20 news articles say nothing about the event
RARE_IDF = 4.5  # words in fewer than about 1 in 90 news articles: names, places, unusual words
MAX_RARE = 20

_WORD = re.compile(r"[^\W_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)
_ASCII_WORD = re.compile(r"[a-z0-9][a-z0-9_'-]*[a-z0-9]|[a-z]")  # the same on lower-case ASCII text
# A capitalised word not at a line's start nor after a sentence's end. The conditions on what
# precedes it are written after its first letter, so that the pattern opens with a character class
# and the search jumps from capital to capital instead of trying every position.
_NAME = re.compile(r"[A-Z](?<![.!?]\s[A-Z])(?<!^[A-Z])(?<!\w[A-Z])[a-z]+(?:[-'][A-Z]?[a-z]+)?\b", re.MULTILINE)
# A figure: a digit run not after a word character, a full stop or a comma, then one of the shapes
# (found the same way: the run first, then the shape at its start).
_DIGITS = re.compile(r"\d[\d,.]*")
_AFTER_WORD = re.compile(r"[\w.,]")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d{2,}(?![\w])")
_YEAR = re.compile(r"(19|20)\d\d")


@dataclass
class Signature:
    """The grouper's view of one article (see the module docstring)."""

    id: str  # Article.id
    key: str  # the id the input gave it (JSONL "id"), else its source
    vector: np.ndarray  # float32, unit length (zero when the article has no known word)
    terms: dict[str, float]  # TF-IDF vector of content words (unit length), the heaviest MAX_TERMS
    rare: tuple[str, ...] = ()  # its rare words, rarest first (they index stories; see group)
    names: frozenset[str] = frozenset()  # lower-cased
    numbers: frozenset[str] = frozenset()
    day: int | None = None  # publication date as a proleptic ordinal (date.toordinal), when known
    outlet: str = ""
    title: str = ""
    lead: str = ""  # the first sentence-like stretch of text, for labels
    shingles: int = 0  # how many distinct word 5-grams (for copy containment)
    minhash: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    # The terms' columns in the grouper's sparse TF-IDF rows (`term_columns`), in `terms`' order:
    # found where the article is signed (in a worker), not where the stream is grouped (in one
    # process). None: to be found when needed.
    columns: np.ndarray | None = field(default=None, repr=False, compare=False)


@lru_cache(maxsize=1)
def idf_table() -> tuple[dict[str, float], float]:
    """term -> IDF from the shipped table, and the IDF of a term the table does not hold."""
    path = resources.files("crossbrief.stories") / "data" / "idf.tsv.gz"
    table: dict[str, float] = {}
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
        header = f.readline().split("\t")
        documents = int(header[1])
        for line in f:
            term, df = line.rstrip("\n").split("\t")
            table[term] = math.log(documents / int(df))
    # A word too rare to be in the table is as rare as the rarest kept there (df = 2), or rarer.
    return table, math.log(documents / 2)


def words(text: str) -> list[str]:
    if "\u0130" not in text:
        # Lower-casing first moves no word's bounds (but "İ", which lower-cases to "i" and a
        # combining dot); on ASCII a pattern of ASCII classes finds the same words, faster.
        low = text.lower().replace("’", "'")
        return (_ASCII_WORD if low.isascii() else _WORD).findall(low)
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def distinctive_terms(
    text: str, limit: int = MAX_TERMS, tokens: list[str] | None = None
) -> tuple[dict[str, float], tuple[str, ...]]:
    """`text`'s TF-IDF vector over its `limit` heaviest content words (unit length; weights
    (1 + log tf) * IDF), and its rare words (IDF >= RARE_IDF), rarest first, at most MAX_RARE.
    `tokens`: `words(text)`, when the caller has them already."""
    table, unknown = idf_table()
    idf: dict[str, float] = {}
    weights: dict[str, float] = {}
    for w, n in Counter(tokens if tokens is not None else words(text)).items():
        if len(w) >= 3 and not w.isdigit() and (x := table.get(w, unknown)) >= MIN_TERM_IDF:
            idf[w] = x
            weights[w] = (1.0 + math.log(n)) * x
    if len(weights) > limit:
        weights = dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:limit])
    norm = math.sqrt(sum(x * x for x in weights.values())) or 1.0
    vector = {w: x / norm for w, x in weights.items()}
    rare = tuple(sorted((w for w in vector if idf[w] >= RARE_IDF), key=lambda w: (-idf[w], w))[:MAX_RARE])
    return vector, rare


HASHED_COLUMNS = 1 << 18  # columns for words the IDF table does not hold (by CRC-32)


@lru_cache(maxsize=1)
def _columns() -> dict[str, int]:
    return {term: i for i, term in enumerate(idf_table()[0])}


def term_columns(terms: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """The TF-IDF vector `terms` as (column indices, weights) of a sparse row of TERM_DIMENSIONS:
    a column per word of the IDF table, then hashed columns for the others (stable across runs)."""
    columns = _columns()
    known = len(columns)
    cols = [columns.get(t, -1) for t in terms]
    cols = [c if c >= 0 else known + zlib.crc32(t.encode("utf-8")) % HASHED_COLUMNS for c, t in zip(cols, terms)]
    return np.asarray(cols, dtype=np.int64), np.fromiter(terms.values(), dtype=np.float32, count=len(terms))


def term_dimensions() -> int:
    return len(_columns()) + HASHED_COLUMNS


def names_of(text: str) -> frozenset[str]:
    """Capitalised words inside sentences, lower-cased; none when the text has no case to go by."""
    table, unknown = idf_table()
    found = {m.group(0).lower() for m in _NAME.finditer(text)}
    # A capitalised common word ("The", "But") is a sentence opener after a quote or a heading.
    return frozenset(n for n in found if table.get(n, unknown) >= MIN_TERM_IDF)


def numbers_of(text: str) -> frozenset[str]:
    found = set()
    for run in _DIGITS.finditer(text):
        start = run.start()
        if start and _AFTER_WORD.match(text, start - 1):
            continue
        m = _NUMBER.match(text, start)
        if m is None:
            continue
        value = m.group(0).replace(",", "")
        if _YEAR.fullmatch(value):
            continue  # a year is when, not what
        found.add(value)
    return frozenset(found)


def day_of(iso: str) -> int | None:
    try:
        return date.fromisoformat(iso[:10]).toordinal() if iso else None
    except ValueError:
        return None


def lead_of(article: Article) -> str:
    text = article.text.strip()
    first = re.split(r"(?<=[.!?])\s+|\n", text, maxsplit=1)[0] if text else ""
    return first[:300]


def vector_text(article: Article) -> str:
    lead = article.text[:LEAD_CHARS]
    return f"{article.title}. {lead}" if article.title else lead


def prepare(article: Article) -> Article:
    """Clean an article as read and give it its id (InputError when no article text is left)."""
    clean(article)
    if not article.text.strip():
        raise InputError("no article text left after removing page noise")
    article.id = article_id(article.text)
    if article.url and not article.canonical_url:
        article.canonical_url = canonical_url(article.url)
    return article


def signatures(articles: Sequence[Article], encoder, copies=None) -> list[Signature]:
    """The signatures of cleaned articles (ids set), vectors encoded in one batch.

    `copies` (a `copies.Shingler`) adds MinHash signatures; without it they are left empty."""
    vectors = encoder.encode([vector_text(a) for a in articles]) if articles else np.zeros((0, 0), np.float32)
    found = []
    for article, vector in zip(articles, vectors):
        body = article.text[:TERM_CHARS]
        head = f"{article.title}\n{body}" if article.title else body
        tokens = words(head)
        terms, rare = distinctive_terms(head, tokens=tokens)
        sig = Signature(
            id=article.id,
            key=article.meta.get("id") or article.source,
            vector=np.asarray(vector, dtype=np.float32),
            terms=terms,
            rare=rare,
            names=names_of(head),
            numbers=numbers_of(head),
            day=day_of(article.date),
            outlet=article.outlet,
            title=article.title,
            lead=lead_of(article),
            columns=term_columns(terms)[0],
        )
        if copies is not None:
            body_tokens = tokens[len(words(article.title)) :] if article.title else tokens
            if len(article.text) > TERM_CHARS:
                body_tokens = words(article.text)
            sig.minhash, sig.shingles = copies.signature(article.text, tokens=body_tokens)
        found.append(sig)
    return found


def sign(articles: Sequence[Article], encoder, copies=None) -> list[Signature | Problem]:
    """`prepare` and `signatures` over articles as read, in order: a Signature per article, or
    the Problem that kept it out (no text left, or a bug met on that article alone)."""
    ready: list[Article] = []
    out: list[Signature | Problem | None] = []
    for article in articles:
        try:
            ready.append(prepare(article))
            out.append(None)
        except InputError as err:
            out.append(Problem(visible(article.source), str(err)))
        except Exception as err:  # noqa: BLE001 - one article's bug must not sink the stream
            first = (str(err).splitlines() or [""])[0]
            message = f"internal error while cleaning it ({type(err).__name__}: {first})"
            out.append(Problem(visible(article.source), message, internal=True))
    signed = iter(signatures(ready, encoder, copies))
    return [next(signed) if item is None else item for item in out]
