"""`crossbrief stories`: group a stream of articles into stories, optionally adding to a saved state.

Reads the inputs (files, folders, JSONL of {"id", "text", "title"?, "date"?, "url"?, "outlet"?}),
cleans each article and computes its signature (in this process, or on Ray with `engine="ray"`),
groups them in input order (`crossbrief.stories.group`), and writes one JSON line per article of
this run and one per story they are in:

    {"id": ..., "story": ..., "on_topic": true, "copy_of": ...}
    {"story": ..., "size": ..., "outlets": [...], "first": ..., "last": ..., "label": ..., "copies": [...]}

With a state file, the stories of earlier runs are loaded first and the state is saved (atomically)
after; without one, the run starts from nothing and keeps nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from crossbrief.files import write_atomically
from crossbrief.ingest.problems import shown
from crossbrief.ingest.read import read_inputs
from crossbrief.model import Article, Problem
from crossbrief.stories import state as saved
from crossbrief.stories.group import Assignment, Story, StoryGrouper
from crossbrief.stories.labels import day_iso, label_of
from crossbrief.stories.signature import Signature

BATCH = 2_000  # articles signed and grouped per step (the progress bar's step)
SIGNED_AHEAD = 3  # batches signed ahead of the grouping at most
OFF_TOPIC_COSINE = 0.3  # a member this unlike the rest of its story (3+ members) is marked off-topic


@dataclass
class StoriesRun:
    """What one run did (the closing summary line)."""

    articles: int = 0  # articles of this run that were grouped
    stories: int = 0  # stories those articles are in
    new_stories: int = 0
    copies: int = 0
    duplicates: int = 0  # the same text again (from this run or the state): nothing changed
    skipped: int = 0
    undated: int = 0
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"articles {self.articles:,}, stories {self.stories:,} ({self.new_stories:,} new), "
            f"copies {self.copies:,}, unchanged {self.duplicates:,}, skipped {self.skipped:,}"
        )


Signer = Callable[[Sequence[Article]], list[Signature | Problem]]

PART = 250  # articles per task sent to a worker process


class LocalSigner:
    """Signs articles on this machine: in this process, or in `workers` forkserver processes (each
    loads the static encoder once). Close it (or use it in a `with`) to stop the workers."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        # A missing model is one clear error here, not one per batch. With workers, only checked:
        # they load it, this process need not (a third of a second).
        if workers <= 1:
            _load_worker()
        else:
            from crossbrief.resources.encoders import check_static_model

            check_static_model()

    def __call__(self, articles: Sequence[Article]) -> list[Signature | Problem]:
        if self.workers <= 1 or len(articles) <= 2 * PART:
            # A few articles: starting worker processes (each loading the model) would cost more.
            return _sign_part(list(articles))
        if self._pool is None:
            import multiprocessing

            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("forkserver"), initializer=_start_worker
            )
        parts = [list(articles[i : i + PART]) for i in range(0, len(articles), PART)]
        out: list[Signature | Problem] = []
        for done in self._pool.map(_sign_part, parts):
            out.extend(done)
        return out

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> LocalSigner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_worker: tuple | None = None

# Signing runs ahead of grouping, and grouping (one thread, in order) is what the run waits for:
# the workers yield the processor to it, and each does its own work on one thread.
WORKER_NICENESS = 10


def _start_worker() -> None:
    import os

    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # not allowed here: the run is only slower
        pass


def _load_worker() -> tuple:
    global _worker
    if _worker is None:
        from crossbrief.resources.encoders import get_static_encoder
        from crossbrief.stories.copies import Shingler

        _worker = (get_static_encoder(), Shingler())
    return _worker


def _sign_part(articles: list[Article]) -> list[Signature | Problem]:
    from crossbrief.stories.signature import sign

    encoder, shingler = _load_worker()
    return sign(articles, encoder, shingler)


def local_signer(workers: int = 1) -> LocalSigner:
    """Sign articles with the static encoder, in this process or in `workers` processes."""
    return LocalSigner(workers)


_day = day_iso


def off_topic_members(story: Story, grouper: StoryGrouper) -> dict[str, str]:
    """Members (article id -> reason) unlike the rest of their story of three or more."""
    if story.size < 3 or story.vector_sum is None:
        return {}
    found = {}
    for m in story.members:
        v = grouper.signatures[m].vector
        rest = story.vector_sum - v
        norm = float(np.linalg.norm(rest))
        cosine = float(v @ rest) / norm if norm else 0.0
        if cosine < OFF_TOPIC_COSINE:
            found[m] = f"unlike the rest of its story (similarity {cosine:.2f})"
    return found


def story_record(story: Story, grouper: StoryGrouper) -> dict:
    copies = [
        {
            "id": grouper.assignments[m].key,
            "copy_of": grouper.assignments[a.copy_of].key,
            "outlet": grouper.signatures[m].outlet,
        }
        for m in story.members
        if (a := grouper.assignments[m]).copy_of
    ]
    return {
        "story": story.id,
        "size": story.size,
        "outlets": sorted(story.outlets),
        "first": _day(story.first),
        "last": _day(story.last),
        "label": label_of(story, grouper),
        "copies": copies,
    }


def article_record(assignment: Assignment, grouper: StoryGrouper, off_topic: dict[str, str]) -> dict:
    record: dict = {"id": assignment.key, "story": assignment.story, "on_topic": assignment.article not in off_topic}
    if assignment.article in off_topic:
        record["reason"] = off_topic[assignment.article]
    if assignment.copy_of:
        record["copy_of"] = grouper.assignments[assignment.copy_of].key
    return record


def _write_lines(lines: list[dict], output: str) -> None:
    """All lines to `output` at once, through a temporary file (no half-written output)."""
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    if output == "-":
        sys.stdout.write(text)
        return
    write_atomically(output, lambda f: f.write(text.encode("utf-8")))


def run_stories(
    inputs: Sequence[str],
    output: str,
    state: str | None = None,
    signer: Signer | None = None,
    progress: bool = True,
) -> StoriesRun:
    """Group `inputs` into stories and write `output` (see the module docstring).

    `signer` computes the articles' signatures (default: `local_signer()`; the Ray engine gives
    its own). Problems of single articles are in the result, never raised; a state file that
    cannot be read is an InputError, before anything is done."""
    from tqdm import tqdm

    run = StoriesRun()
    grouper = saved.load(state) if state and Path(state).exists() else StoryGrouper()
    articles, problems = read_inputs(inputs)
    run.problems.extend(problems)
    own_signer = signer is None
    signer = signer or local_signer()
    owner: dict[str, str] = {a.key: a.article for a in grouper.assignments.values()}  # input id -> article id
    done: list[Assignment] = []
    touched: dict[str, None] = {}
    bar = tqdm(total=len(articles), unit=" articles", disable=not progress or None, file=sys.stderr, leave=False)
    # A signer may prefer bigger batches (Ray starts its actors once per call).
    step = int(getattr(signer, "preferred_batch", BATCH))
    batches = [articles[i : i + step] for i in range(0, len(articles), step)]
    # The next batches are signed (in worker processes, or on Ray) while this one is grouped: up to
    # SIGNED_AHEAD of them, so that the workers are never left waiting for the grouping to catch up.
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    # While worker processes (or Ray) sign on the same cores, the grouping's matrix products run on
    # one thread: a second BLAS thread would only take a core from the workers (15% slower here).
    from contextlib import nullcontext

    from threadpoolctl import threadpool_limits

    signed_elsewhere = not isinstance(signer, LocalSigner) or signer.workers > 1
    one_blas_thread = threadpool_limits(limits=1, user_api="blas") if signed_elsewhere else nullcontext()
    with one_blas_thread, ThreadPoolExecutor(1) as ahead:
        pending: deque[Future] = deque(ahead.submit(signer, b) for b in batches[:SIGNED_AHEAD])
        try:
            for k, batch in enumerate(batches):
                signed_batch = pending.popleft().result()
                if k + SIGNED_AHEAD < len(batches):
                    pending.append(ahead.submit(signer, batches[k + SIGNED_AHEAD]))
                ready: list[Signature] = []
                for article, signed in zip(batch, signed_batch):
                    if isinstance(signed, Problem):
                        run.problems.append(signed)
                        continue
                    known = owner.get(signed.key)
                    if known is not None and known != signed.id:
                        message = f"id {shown(signed.key)!r} is already used by another article"
                        run.problems.append(Problem(shown(article.source), message))
                        continue
                    owner[signed.key] = signed.id
                    ready.append(signed)
                for assignment in grouper.add(ready):
                    done.append(assignment)
                    touched[assignment.story] = None
                bar.update(len(batch))
        finally:
            for future in pending:
                future.cancel()
            bar.close()
    if own_signer and isinstance(signer, LocalSigner):
        signer.close()
    run.skipped = sum(p.count for p in run.problems if p.fatal)
    added = {a.article for a in done if not a.duplicate}
    for assignment in done:
        if assignment.duplicate:
            run.duplicates += 1
            continue
        run.articles += 1
        run.copies += assignment.copy_of is not None
        if grouper.signatures[assignment.article].day is None:
            run.undated += 1
    run.stories = len(touched)
    run.new_stories = sum(1 for s in touched if grouper.stories[s].members[0] in added)
    lines: list[dict] = []
    off_topic: dict[str, str] = {}
    for story_id in touched:
        off_topic.update(off_topic_members(grouper.stories[story_id], grouper))
    lines.extend(article_record(a, grouper, off_topic) for a in done)
    lines.extend(story_record(grouper.stories[s], grouper) for s in touched)
    _write_lines(lines, output)
    if state:
        saved.save(grouper, state)
    return run
