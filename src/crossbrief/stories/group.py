"""Group a stream of articles into stories (events), one article at a time, in the order they come.

A single pass, as published online event detectors do (Miranda et al. 2018; SCStory 2023), with
running story profiles:

1. A copy of an article already seen (MinHash, see `copies`) joins that article's story (while
   it is open).
2. Otherwise the earlier articles nearest to it within a time window propose candidate stories:
   the nearest by static vectors of title and lead (centred on the mean news vector, so that
   what all news shares does not count), and the nearest by TF-IDF vectors of their words (rare
   names and places find the stories whose articles open differently). Search is exact over the
   window: at feed scale the window, not the whole history, bounds the work.
3. Each candidate story is scored by a small logistic model over per-feature similarities
   (`StoryModel`, FEATURES): the nearest member's and the centroid's cosine on both vectors, the
   share of the article's word weight its members use, its names and figures found there, the
   story's size. The time gap to the story's dates then lowers the score: events of one kind
   weeks apart (a trial's opening and its verdict) are different stories however alike.
4. The best candidate over the model's threshold gets the article; otherwise it starts a story.

Each decision depends only on what came before it, so feeding a stream in one go or in pieces
(with the state saved in between, see `state`) gives the same stories, and a story's id (from
its first article) never changes. A story whose latest member is further back than the window
can no longer grow; its profile is then dropped, so memory follows the window.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
from scipy import sparse

from crossbrief.model import Article
from crossbrief.stories.copies import CopyIndex, Shingler
from crossbrief.stories.signature import Signature, term_columns, term_dimensions

NEIGHBOURS = 10  # nearest earlier articles, by each of the two vectors, whose stories are candidates
MIN_VECTOR_COSINE = 0.05  # below these, an earlier article proposes nothing
MIN_TERMS_COSINE = 0.02
WINDOW_DAYS = 10  # earlier articles further apart than this in time propose nothing
CHUNK = 512  # articles whose similarities are computed in one matrix product
SCORED = 5  # candidate stories scored in full, the nearest first
NEAREST_MEMBERS = 50  # a story's nearest member is looked for among its latest this many
# A story stays open while one of the latest this many articles joined it, however old its dates:
# a feed's archive ingested after newer articles (an older backfill) is then grouped as it would
# be on its own, instead of every old article starting a story of its own behind the clock.
RECENT_ARRIVALS = 2_000


@dataclass(frozen=True)
class StoryModel:
    """Logistic weights over FEATURES, the join threshold on its probability, the time decay (the
    log-odds drop by `per_day` for each day beyond `grace_days` between the article's date and
    the story's span), and the mean static vector the vectors are centred on."""

    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5
    grace_days: float = 2.0
    per_day: float = 1.0
    static_mean: tuple[float, ...] = ()
    version: str = ""

    def log_odds(self, features: Sequence[float], gap_days: float | None) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features))
        if gap_days is not None:
            z -= self.per_day * max(0.0, gap_days - self.grace_days)
        return z

    def probability(self, features: Sequence[float], gap_days: float | None) -> float:
        z = self.log_odds(features, gap_days)
        return 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0


FEATURES = (
    "cosine_nearest",  # the nearest member's cosine (centred static vectors of title and lead)
    "cosine_centroid",  # cosine to the sum of the members' vectors
    "terms_nearest",  # the nearest member's TF-IDF cosine
    "terms_cosine",  # TF-IDF cosine to the sum of the members' TF-IDF vectors
    "terms_shared",  # the share of the article's TF-IDF weight (squared) on words a member uses
    "names",  # share of the article's names found in members (0 when it has none)
    "has_names",
    "numbers",  # share of the article's figures found in members (0 when it has none)
    "has_numbers",
    "log_size",  # log(1 + members)
)


def model_from_dict(data: dict) -> StoryModel:
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"story model fitted for features {data['features']}, not {list(FEATURES)}")
    return StoryModel(
        weights=tuple(float(w) for w in data["weights"]),
        bias=float(data["bias"]),
        threshold=float(data["threshold"]),
        grace_days=float(data["grace_days"]),
        per_day=float(data["per_day"]),
        static_mean=tuple(float(x) for x in data.get("static_mean", ())),
        version=str(data.get("version", "")),
    )


@lru_cache(maxsize=1)
def default_model() -> StoryModel:
    """The shipped model (`data/story-model.json`, fitted by `bench/stories.py fit`)."""
    path = resources.files("crossbrief.stories") / "data" / "story-model.json"
    return model_from_dict(json.loads(path.read_text(encoding="utf-8")))


@dataclass
class Story:
    """A story's running profile: what its members share, and when and where they ran."""

    id: str
    number: int = -1  # its place among the grouper's stories (the search index names stories by it)
    members: list[str] = field(default_factory=list)  # article ids, in arrival order
    copies: int = 0  # members that are copies of another member
    vector_sum: np.ndarray | None = None  # of the members' centred static vectors
    vector_norm: float = 0.0  # its length
    terms: dict[str, float] = field(default_factory=dict)  # sum of the members' TF-IDF vectors
    terms_norm2: float = 0.0  # its squared length
    names: Counter[str] = field(default_factory=Counter)
    numbers: Counter[str] = field(default_factory=Counter)
    first: int | None = None  # earliest and latest member date (ordinal days)
    last: int | None = None
    outlets: Counter[str] = field(default_factory=Counter)
    open: bool = True  # False once no new article can join (profiles dropped)
    touched: int = 0  # the arrival number of its latest member (see RECENT_ARRIVALS)

    @property
    def size(self) -> int:
        return len(self.members)

    def gap(self, day: int | None) -> float | None:
        """Days between `day` and the story's span (0 inside it); None when either is undated."""
        if day is None or self.first is None or self.last is None:
            return None
        return float(max(0, self.first - day, day - self.last))

    def add(self, sig: Signature, vector: np.ndarray, copy: bool) -> None:
        self.members.append(sig.id)
        self.copies += copy
        self.vector_sum = vector.copy() if self.vector_sum is None else self.vector_sum + vector
        self.vector_norm = math.sqrt(float(self.vector_sum @ self.vector_sum))
        for term, weight in sig.terms.items():
            old = self.terms.get(term, 0.0)
            self.terms[term] = old + weight
            self.terms_norm2 += (old + weight) ** 2 - old * old
        self.names.update(sig.names)
        self.numbers.update(sig.numbers)
        if sig.day is not None:
            self.first = sig.day if self.first is None else min(self.first, sig.day)
            self.last = sig.day if self.last is None else max(self.last, sig.day)
        if sig.outlet:
            self.outlets[sig.outlet] += 1

    def close(self) -> None:
        self.open = False
        self.terms, self.terms_norm2, self.names, self.numbers = {}, 0.0, Counter(), Counter()


@dataclass
class Assignment:
    """Where one article went."""

    article: str  # Article.id
    key: str  # the input's id for it
    story: str
    copy_of: str | None = None  # Article.id of the article it copies
    probability: float | None = None  # the join probability (None: it started the story, or a copy)
    duplicate: bool = False  # the same text was grouped before (same Article.id): nothing changed


def story_features(
    sig: Signature, vector: np.ndarray, story: Story, nearest: float, terms_nearest: float
) -> list[float]:
    """The FEATURES of candidate `story` for article `sig` (centred vector `vector`)."""
    vs = story.vector_sum
    centroid = float(vector @ vs) / story.vector_norm if vs is not None and story.vector_norm else 0.0
    there = story.terms
    common = [(weight, there[term]) for term, weight in sig.terms.items() if term in there]
    dot = sum(weight * summed for weight, summed in common)
    shared = sum(weight * weight for weight, _ in common)
    terms_cosine = dot / math.sqrt(story.terms_norm2) if story.terms_norm2 > 0 else 0.0
    names = len(story.names.keys() & sig.names) / len(sig.names) if sig.names else 0.0
    numbers = len(story.numbers.keys() & sig.numbers) / len(sig.numbers) if sig.numbers else 0.0
    return [
        nearest,
        centroid,
        terms_nearest,
        terms_cosine,
        shared,
        names,
        float(bool(sig.names)),
        numbers,
        float(bool(sig.numbers)),
        math.log1p(story.size),
    ]


# observe(article, candidate story, its features, the time gap in days or None)
Observer = Callable[[Signature, Story, list[float], float | None], None]


class StoryGrouper:
    """Stories of a stream of article signatures (see the module docstring).

    `add(signatures)` assigns each in order and returns their Assignments; `stories` and
    `assignments` hold everything so far. `state.save`/`state.load` keep it between runs."""

    def __init__(
        self, model: StoryModel | None = None, shingler: Shingler | None = None, observe: Observer | None = None
    ) -> None:
        self.model = model or default_model()
        self.observe = observe  # called with every candidate scored (for fitting the model)
        self.shingler = shingler or Shingler()
        self.copies = CopyIndex(self.shingler)
        self.stories: dict[str, Story] = {}
        self._open: dict[str, Story] = {}  # the stories new articles can still join
        self.assignments: dict[str, Assignment] = {}  # by article id, in arrival order
        self.signatures: dict[str, Signature] = {}  # by article id (kept for labels and states)
        self.forgotten = False  # True once closed stories' signatures were dropped (forget_closed)
        self._closed: list[Story] = []  # stories closed since the last forget_closed
        self.clock: int | None = None  # the latest publication date seen
        self.arrivals = 0  # articles placed so far (copies included, duplicates not)
        # The date of the latest *dated arrival*: an undated article is taken to be from then. Not
        # the clock (the latest date ever seen): in an older backfill after newer articles, an
        # undated item belongs with the backfill's time, not with the newest news.
        self.latest_dated: int | None = None
        # The search index: one row per grouped (non-duplicate) article, in arrival order.
        self._vectors = np.zeros((0, 0), dtype=np.float32)  # centred, unit length
        self._days = np.zeros(0, dtype=np.float64)  # effective day (NaN: undated, before any date)
        self._story_num = np.zeros(0, dtype=np.int64)  # the story (Story.number) of each row
        self._ordinal = np.zeros(0, dtype=np.int64)  # each row's place among its story's members
        self._rows = 0
        self._blocks: list[tuple[int, sparse.csr_matrix]] = []  # (first row, TF-IDF rows), one per chunk
        self._by_number: list[Story] = []  # the stories by Story.number
        self._slot = np.full(1024, -1, dtype=np.int64)  # scratch: story number -> candidate slot
        self._mean = np.asarray(self.model.static_mean, dtype=np.float32) if self.model.static_mean else None

    def centred(self, vectors: np.ndarray) -> np.ndarray:
        """Static vectors minus the mean news vector, at unit length (a zero vector stays zero)."""
        v = np.asarray(vectors, dtype=np.float32)
        if self._mean is not None and self._mean.shape[0] == v.shape[-1]:
            v = v - self._mean * (np.linalg.norm(v, axis=-1, keepdims=True) > 0)
        norms = np.linalg.norm(v, axis=-1, keepdims=True)
        return np.divide(v, norms, out=np.zeros_like(v), where=norms > 0)

    # -- the index --------------------------------------------------------------------------------
    def _append_rows(
        self,
        sigs: Sequence[Signature],
        vectors: np.ndarray,
        days: list[float],
        placed: list[tuple[int, int]],
        terms: sparse.csr_matrix | None = None,
    ) -> None:
        """Add the chunk's articles to the index; `placed`: (Story.number, ordinal) of each."""
        if not len(vectors):
            return
        first = self._rows
        need = self._rows + len(vectors)
        if self._vectors.shape[0] < need:
            capacity = max(need, 2 * self._vectors.shape[0], 1024)
            grown = np.zeros((capacity, vectors.shape[1]), dtype=np.float32)
            if self._rows:
                grown[: self._rows] = self._vectors[: self._rows]
            grown_days = np.full(capacity, np.nan)
            grown_days[: self._rows] = self._days[: self._rows]
            grown_story = np.zeros(capacity, dtype=np.int64)
            grown_story[: self._rows] = self._story_num[: self._rows]
            grown_ordinal = np.zeros(capacity, dtype=np.int64)
            grown_ordinal[: self._rows] = self._ordinal[: self._rows]
            self._vectors, self._days = grown, grown_days
            self._story_num, self._ordinal = grown_story, grown_ordinal
        self._vectors[self._rows : need] = vectors
        self._days[self._rows : need] = days
        self._story_num[self._rows : need] = [number for number, _ in placed]
        self._ordinal[self._rows : need] = [ordinal for _, ordinal in placed]
        self._rows = need
        self._blocks.append((first, terms if terms is not None else _tfidf_rows(sigs)))

    def _tfidf_of_rows(self, rows: np.ndarray) -> sparse.csr_matrix:
        """The TF-IDF rows of index rows `rows` (sorted), from the blocks that hold them."""
        starts = [b[0] for b in self._blocks]
        first_block = max(0, int(np.searchsorted(starts, rows[0], side="right")) - 1)
        blocks = self._blocks[first_block:]
        stacked = sparse.vstack([m for _, m in blocks], format="csr") if len(blocks) > 1 else blocks[0][1]
        return stacked[rows - blocks[0][0]]

    def _effective_day(self, sig: Signature) -> float:
        day = sig.day if sig.day is not None else self.latest_dated
        return float(day) if day is not None else math.nan

    def restore(self, replay: Sequence[tuple[Signature, Assignment]], clock: int | None) -> None:
        """Rebuild a saved state: each article placed where it went, in its order (see `state`)."""
        for start in range(0, len(replay), CHUNK):
            part = replay[start : start + CHUNK]
            sigs = [sig for sig, _ in part]
            vectors = self.centred(np.stack([s.vector for s in sigs]))
            days, placed = [], []
            for (sig, assignment), vector in zip(part, vectors):
                story = self.stories.get(assignment.story) or self._new_story(assignment.story)
                self._record(sig, vector, story, assignment.copy_of, assignment.probability)
                days.append(self._effective_day(sig))
                placed.append((story.number, story.size - 1))
                if sig.day is not None:
                    self.clock = sig.day if self.clock is None else max(self.clock, sig.day)
                    self.latest_dated = sig.day
            self._append_rows(sigs, vectors, days, placed)
        self.clock = clock
        self._close_stale()

    # -- grouping ---------------------------------------------------------------------------------
    def add(self, signatures: Sequence[Signature]) -> list[Assignment]:
        done: list[Assignment] = []
        for start in range(0, len(signatures), CHUNK):
            done.extend(self._add_chunk(signatures[start : start + CHUNK]))
        return done

    def _add_chunk(self, chunk: Sequence[Signature]) -> list[Assignment]:
        fresh: list[Signature] = []  # first occurrences of articles not grouped before
        seen: set[str] = set()
        for s in chunk:
            if s.id not in self.assignments and s.id not in seen:
                seen.add(s.id)
                fresh.append(s)
        if not fresh:
            return [self._duplicate(s) for s in chunk]
        vectors = self.centred(np.stack([s.vector for s in fresh]))
        terms = _tfidf_rows(fresh)
        # Earlier rows that can be in the window of any article of the chunk: one product each.
        rows = np.arange(self._rows)
        if self._rows:
            dated = [d for s in fresh if (d := s.day) is not None]
            if dated and self.clock is not None:
                # An undated article of the chunk is taken to be from the latest dated arrival.
                since = self.latest_dated if self.latest_dated is not None else self.clock
                low = min(min(dated), since) - WINDOW_DAYS
                days = self._days[: self._rows]
                rows = rows[np.isnan(days) | (days >= low)]
        search = self._search_over(rows, fresh, vectors, terms)
        done: list[Assignment] = []
        placed: list[tuple[int, int]] = []
        j = 0
        for sig in chunk:
            if sig.id in self.assignments:  # grouped before, or earlier in this chunk
                done.append(self._duplicate(sig))
                continue
            day = self._effective_day(sig)
            assignment = self._assign(sig, vectors[j], day, search, j)
            done.append(assignment)
            story = self.stories[assignment.story]
            placed.append((story.number, story.size - 1))
            search.placed(j, day, story.number, story.size - 1)
            if sig.day is not None:
                self.clock = sig.day if self.clock is None else max(self.clock, sig.day)
                self.latest_dated = sig.day
            j += 1
        self._append_rows(fresh, vectors, list(search.days[search.width :]), placed, terms)
        self._close_stale()
        return done

    def _search_over(
        self, rows: np.ndarray, fresh: Sequence[Signature], vectors: np.ndarray, terms: sparse.csr_matrix
    ) -> _Search:
        """The chunk's similarities with the window's rows `rows` and with itself, the window's
        columns already masked for each dated article (one day at a time, not once per article)."""
        width, n = len(rows), len(vectors)
        sims = np.empty((n, width + n), dtype=np.float32)
        term_sims = np.empty((n, width + n), dtype=np.float32)
        days = np.full(width + n, np.nan)
        story = np.full(width + n, -1, dtype=np.int64)
        ordinal = np.zeros(width + n, dtype=np.int64)
        if width:
            # The window is nearly always the index's latest rows: a view then, not a copy.
            contiguous = int(rows[-1]) - int(rows[0]) + 1 == width
            window = self._vectors[int(rows[0]) : int(rows[-1]) + 1] if contiguous else self._vectors[rows]
            sims[:, :width] = vectors @ window.T
            term_sims[:, :width] = (terms @ self._tfidf_of_rows(rows).T).toarray()
            days[:width] = self._days[rows]
            story[:width] = self._story_num[rows]
            ordinal[:width] = self._ordinal[rows]
            window_days = days[:width]
            by_day: dict[int, list[int]] = {}
            for j, sig in enumerate(fresh):
                if sig.day is not None:
                    by_day.setdefault(sig.day, []).append(j)
            for day, js in by_day.items():
                outside = np.flatnonzero(~(np.isnan(window_days) | (np.abs(window_days - day) <= WINDOW_DAYS)))
                if len(outside):
                    at = np.ix_(np.asarray(js, dtype=np.int64), outside)
                    sims[at] = -1.0
                    term_sims[at] = -1.0
        sims[:, width:] = vectors @ vectors.T
        term_sims[:, width:] = (terms @ terms.T).toarray()
        return _Search(width, sims, term_sims, days, story, ordinal)

    def _duplicate(self, sig: Signature) -> Assignment:
        previous = self.assignments[sig.id]
        return Assignment(sig.id, sig.key, previous.story, previous.copy_of, previous.probability, duplicate=True)

    def _assign(
        self, sig: Signature, vector: np.ndarray, day: float, search: _Search, j: int
    ) -> Assignment:
        """Place the `j`th new article of the chunk (`search` holds its similarities)."""
        original = self.copies.original_of(sig.minhash, sig.shingles)
        if (
            original is not None
            and self._joinable(copied := self.stories[self.assignments[original].story])
            and ((gap := copied.gap(sig.day)) is None or gap <= WINDOW_DAYS + self.model.grace_days)
        ):
            # A reprint joins its original's story, while that story is still open: the same text
            # run again months later is news again, and is grouped as any article is.
            return self._record(sig, vector, copied, copy_of=original, probability=None)
        columns = search.width + j  # the window's articles, then the chunk's before this one
        sims = search.sims[j, :columns]
        term_sims = search.term_sims[j, :columns]
        story_of = search.story[:columns]
        if not math.isnan(day) and columns:
            # Earlier articles further than the window from this one propose nothing. For a dated
            # article the window's columns were masked for the whole chunk at once (`_search_over`).
            start = search.width if sig.day is not None else 0
            days = search.days[start:columns]
            outside = ~(np.isnan(days) | (np.abs(days - day) <= WINDOW_DAYS))
            if outside.any():  # (in place: row j of the chunk's matrices is this article's alone)
                sims[start:][outside] = -1.0
                term_sims[start:][outside] = -1.0
        candidates: dict[int, None] = {}
        for values, floor in ((sims, MIN_VECTOR_COSINE), (term_sims, MIN_TERMS_COSINE)):
            for i in _top(values, NEIGHBOURS, floor):
                candidates[int(story_of[i])] = None
        joinable = [story for n in candidates if self._joinable(story := self._by_number[n])]
        # The nearest member of each joinable candidate among its latest NEAREST_MEMBERS, on both
        # vectors, in one pass over the columns; the full features (the costly part) only for the
        # SCORED candidates nearest on the two together.
        near: list[tuple[float, int, Story, float, float]] = []
        if joinable:
            numbers = np.fromiter((story.number for story in joinable), dtype=np.int64, count=len(joinable))
            self._slot[numbers] = np.arange(len(joinable))
            slot_of = self._slot[story_of]
            self._slot[numbers] = -1
            hits = np.flatnonzero(slot_of >= 0)
            slots = slot_of[hits]
            sizes = np.fromiter((story.size for story in joinable), dtype=np.int64, count=len(joinable))
            latest = sizes[slots] - search.ordinal[hits] <= NEAREST_MEMBERS
            hits, slots = hits[latest], slots[latest]
            nearest = np.zeros(len(joinable))
            terms_nearest = np.zeros(len(joinable))
            np.maximum.at(nearest, slots, sims[hits])
            np.maximum.at(terms_nearest, slots, term_sims[hits])
            for k, story in enumerate(joinable):
                v, t = float(nearest[k]), float(terms_nearest[k])
                near.append((-(v + t), k, story, v, t))
        near.sort(key=lambda t: (t[0], t[1]))
        chosen: Story | None = None
        chosen_p = -1.0
        for _, _, story, v, t in near[:SCORED]:
            features = story_features(sig, vector, story, v, t)
            gap = story.gap(sig.day)
            if self.observe is not None:
                self.observe(sig, story, features, gap)
            p = self.model.probability(features, gap)
            if p > chosen_p:
                chosen, chosen_p = story, p
        if chosen is not None and chosen_p >= self.model.threshold:
            return self._record(sig, vector, chosen, copy_of=None, probability=chosen_p)
        return self._record(sig, vector, self._new_story(f"s{sig.id}"), copy_of=None, probability=None)

    def _new_story(self, story_id: str) -> Story:
        story = Story(id=story_id, number=len(self._by_number))
        self.stories[story.id] = self._open[story.id] = story
        self._by_number.append(story)
        if story.number >= len(self._slot):
            self._slot = np.concatenate([self._slot, np.full(len(self._slot), -1, dtype=np.int64)])
        return story

    def _joinable(self, story: Story) -> bool:
        """Can a new article still join `story`? Not once its latest member is further back than
        the window and the time decay's grace allow and none of the latest RECENT_ARRIVALS
        articles joined it (checked here for every decision, whenever its
        profile is dropped, so the grouping does not depend on how the stream was cut in chunks)."""
        if not story.open:
            return False
        if story.last is None or self.clock is None:
            return True
        if story.touched > self.arrivals - RECENT_ARRIVALS:
            return True
        return story.last >= self.clock - WINDOW_DAYS - self.model.grace_days - 1

    def _record(
        self, sig: Signature, vector: np.ndarray, story: Story, copy_of: str | None, probability: float | None
    ) -> Assignment:
        story.add(sig, vector, copy=copy_of is not None)
        self.arrivals += 1
        story.touched = self.arrivals
        self.copies.add(sig.id, sig.minhash, sig.shingles)
        self.signatures[sig.id] = sig
        p = None if probability is None else round(probability, 4)
        assignment = Assignment(sig.id, sig.key, story.id, copy_of, p)
        self.assignments[sig.id] = assignment
        return assignment

    def _close_stale(self) -> None:
        """Drop the profiles of stories no new article can join any more (none within the window)."""
        if self.clock is None:
            return
        stale = [s for s in self._open.values() if not self._joinable(s)]
        for story in stale:
            story.close()
            del self._open[story.id]
        self._closed.extend(stale)

    def forget_closed(self) -> int:
        """Drop the signatures of closed stories' members (how many): no decision reads them
        again, and no label (a closed story does not change). Only for a state kept as rows,
        written before (`state.records`): a state file needs every signature."""
        dropped = 0
        for story in self._closed:
            for member in story.members:
                dropped += self.signatures.pop(member, None) is not None
        self._closed = []
        self.forgotten = self.forgotten or dropped > 0
        return dropped


@dataclass
class _Search:
    """What a chunk's new articles are compared with: the index rows in the window (`width` of
    them), then the chunk's own articles, as columns. Row j of `sims` and `term_sims` holds the
    chunk's jth new article's cosines with every column (only those before it are read)."""

    width: int
    sims: np.ndarray  # (new articles, width + new articles), centred static vectors
    term_sims: np.ndarray  # the same for TF-IDF vectors
    days: np.ndarray  # each column's effective day (the chunk's filled in as they are placed)
    story: np.ndarray  # each column's Story.number
    ordinal: np.ndarray  # each column's place among its story's members

    def placed(self, j: int, day: float, story: int, ordinal: int) -> None:
        """The chunk's jth new article went to `story` (Story.number) as its `ordinal`th member."""
        column = self.width + j
        self.days[column], self.story[column], self.ordinal[column] = day, story, ordinal


def _top(values: np.ndarray, k: int, floor: float) -> list[int]:
    """Indices of the `k` largest values at or above `floor`, largest first (ties: earliest)."""
    if not len(values):
        return []
    k = min(k, len(values))
    top = np.argpartition(-values, k - 1)[:k]
    top = top[np.lexsort((top, -values[top]))]
    return [int(i) for i, v in zip(top.tolist(), values[top].tolist()) if v >= floor]


def _tfidf_rows(sigs: Sequence[Signature]) -> sparse.csr_matrix:
    """The articles' TF-IDF vectors as CSR rows (unit length; see signature.term_columns)."""
    indptr = [0]
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    for sig in sigs:
        c = sig.columns if sig.columns is not None else term_columns(sig.terms)[0]
        cols.append(c)
        vals.append(np.fromiter(sig.terms.values(), dtype=np.float32, count=len(sig.terms)))
        indptr.append(indptr[-1] + len(c))
    return sparse.csr_matrix(
        (
            np.concatenate(vals) if vals else np.zeros(0, np.float32),
            np.concatenate(cols) if cols else np.zeros(0, np.int64),
            np.asarray(indptr, dtype=np.int64),
        ),
        shape=(len(sigs), term_dimensions()),
    )


def story_sizes(articles: Sequence[Article], encoder) -> list[int]:
    """How many articles each story of a bundle holds (largest first), grouped as a stream in the
    bundle's order would be: cleaned articles (ids set), `encoder` the static encoder."""
    from crossbrief.stories.signature import signatures

    grouper = StoryGrouper()
    grouper.add(signatures(articles, encoder, grouper.shingler))
    return sorted((story.size for story in grouper.stories.values()), reverse=True)
