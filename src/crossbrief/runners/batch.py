"""`crossbrief batch`: summaries of many clusters from a JSONL file, in worker processes."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterable, Iterator
from typing import IO

import numpy as np

from crossbrief.errors import InputError, UsageError
from crossbrief.model import Article
from crossbrief.relevance import assess_relevance
from crossbrief.resources.encoders import Encoder
from crossbrief.summarise.bundle import Bundle
from crossbrief.summarise.cite import align_all
from crossbrief.summarise.citer import Judge, load_citation_model
from crossbrief.summarise.documents import articles_from_documents, batch_encoder, check_documents
from crossbrief.summarise.select import summarise
from crossbrief.summarise.selector import get_selector

# ---------------------------------------------------------------------------------------------
# Batch mode


def summarise_row(
    row: dict | None,
    words: int | None,
    default_id: int | str | None = None,
    precise_citations: bool = False,
    readable: bool = False,
    cite_all: bool = False,
    keep_all: bool = False,
) -> dict:
    """One output line of `crossbrief batch` for one input cluster (InputError if it is bad).

    Articles are named by their position in the cluster's `documents`, as the input names them.
    `off_topic` lists the documents about another story or that are not articles (site pages),
    each with the reason (`relevance.assess_relevance`); they are not used to pick summary
    sentences (they can still be cited) unless `keep_all`.
    With `cite_all`, the line also holds `alignments`: for every sentence of every document, the
    other documents that report it (`also`) or report it with other figures (`differ`), each
    with the supporting sentence -- the citations the summary's sentences get, for all."""
    if not isinstance(row, dict):
        raise InputError("not a JSON object")
    docs = row.get("documents")
    if docs is not None and not isinstance(docs, list):
        raise InputError(f"'documents' must be a list of strings, not {type(docs).__name__}")
    if not docs:
        raise InputError("no documents")
    if not all(isinstance(d, str) for d in docs):
        raise InputError("documents must all be strings")
    cite_encoder = None
    if precise_citations:
        from crossbrief.resources.encoders import get_encoder

        cite_encoder = get_encoder()
    # The documents are segmented once, for the summary and for the alignments.
    check_documents(docs)
    articles = articles_from_documents(docs)
    assess_relevance(articles, batch_encoder())
    off_topic = [{"article": k, "reason": a.off_topic_reason} for k, a in enumerate(articles) if not a.on_topic]
    chosen_from = [dataclasses.replace(a, on_topic=True) for a in articles] if keep_all else articles
    summary = summarise(
        chosen_from, words=words, encoder=batch_encoder(), cite_encoder=cite_encoder, readable=readable
    )
    position = {a.id: k for k, a in enumerate(articles)}
    record = {
        "id": row.get("id", default_id),
        "summary": "\n".join(s.text for s in summary),
        "sentences": [
            {"text": s.text, "article": position[s.article], "also": [position[a] for a in s.also]} for s in summary
        ],
        "off_topic": off_topic,
    }
    if cite_all:
        record["alignments"] = alignments(articles, cite_encoder)
    return record


def alignments(articles: list[Article], cite_encoder: Encoder | None = None) -> list[dict]:
    """Every sentence of every document (as `articles_from_documents` makes them) with the
    documents that report it (see `summarise_row`), cited with the vectors the summary is cited
    with (the static encoder's, or `cite_encoder`'s)."""
    sentences = [s for a in articles for s in a.sentences]
    encoder = cite_encoder or batch_encoder()
    vectors = np.asarray(encoder.encode([s.text for s in sentences]), dtype=np.float32)
    article_of = np.array([k for k, a in enumerate(articles) for _ in a.sentences], dtype=np.int64)
    bundle = Bundle(sentences, vectors, [], np.zeros((0, 0)), article_of, encoder.thresholds)
    model = load_citation_model(encoder.name)
    judge = Judge(model, bundle, vectors) if model is not None else None

    def where(j: int) -> dict:
        return {"article": int(article_of[j]), "sentence": sentences[j].index}

    out = []
    for i, (also, differ) in enumerate(align_all(bundle, judge=judge)):
        out.append({
            **where(i), "text": sentences[i].text,
            "also": [where(j) for _, j in also], "differ": [where(j) for _, j in differ],
        })
    return out


def _summarise_line(job: Job) -> tuple[str, bool, str]:
    """One input line to one output line (JSON text), whether it was summarised, and a message for
    standard error: why it failed, or that its summary is empty ("" when all is well); runs in a
    worker."""
    line_no, position, line, words, precise, readable, cite_all, keep_all = job
    row = None
    try:
        row = json.loads(line)
        record = summarise_row(
            row, words, default_id=position, precise_citations=precise, readable=readable, cite_all=cite_all,
            keep_all=keep_all,
        )
    except json.JSONDecodeError as e:
        error = f"not JSON ({e.msg})"
    except InputError as e:
        error = str(e)
    except Exception as e:  # noqa: BLE001 - a bug on one cluster must not sink the batch, but is named one
        first_line = (str(e).splitlines() or [""])[0]
        error = f"internal error: {type(e).__name__}: {first_line}"
    else:
        warning = ""
        if not record["sentences"]:
            budget = f"{words} words" if words else "the budget"
            warning = (
                f"warning: line {line_no} (id {record['id']}): empty summary, "
                f"no candidate sentence fits in {budget}"
            )
        return json.dumps(record, ensure_ascii=False), True, warning
    given = row.get("id", position) if isinstance(row, dict) else position
    message = f"line {line_no}: {error}"
    return json.dumps({"id": given, "error": message}, ensure_ascii=False), False, f"skipped {message}"


# line no., position, line, words, precise, readable, cite-all, keep-all
Job = tuple[int, int, str, int | None, bool, bool, bool, bool]


def _jobs(
    lines: Iterator[str], words: int | None, precise: bool, readable: bool, cite_all: bool, keep_all: bool
) -> Iterator[Job]:
    position = 0
    for line_no, line in enumerate(lines, 1):
        if line.strip():
            yield line_no, position, line, words, precise, readable, cite_all, keep_all
            position += 1


def _warm_worker(precise: bool) -> None:
    # Load the encoders and the model once per process, before its first cluster.
    from crossbrief.relevance import get_flagger
    from crossbrief.resources.encoders import get_encoder, get_static_encoder

    get_static_encoder()
    get_selector()
    get_flagger()
    if precise:
        get_encoder()


def _worker_init(precise: bool) -> None:
    if precise:
        import torch

        torch.set_num_threads(1)  # one process per core already
    _warm_worker(precise)


def default_workers() -> int:
    """One worker per CPU core this process may use (at most 8)."""
    import os

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def _write_to(dst: IO[str], path: str, text: str) -> None:
    """Write (or, with no text, flush) the output file; its errors name it."""
    try:
        if text:
            dst.write(text)
        else:
            dst.flush()
    except OSError as e:
        e.filename = e.filename or path
        raise


# Lines handed to the workers at a time: bounds memory on inputs of any length.
_WINDOW = 512


def run_batch(
    in_path: str,
    out_path: str,
    words: int | None = None,
    workers: int = 1,
    precise_citations: bool = False,
    readable: bool = False,
    cite_all: bool = False,
    keep_all: bool = False,
) -> int:
    """`crossbrief batch`: one output line per input cluster, in input order; 0 if all were
    summarised, 1 if some failed (each failure is an {"id", "error"} line of its own).

    Each line lists the cluster's off-topic documents (`off_topic`, with reasons), which the
    summary leaves out unless `keep_all` (see `summarise_row`).

    A cluster without an "id" gets its 0-based position among the input's non-blank lines.
    `workers` processes summarise clusters in parallel (the CLI uses `default_workers()`); the
    output is the same whatever their number. Citations, and the decoder's test that no two
    summary sentences say the same thing, use the static encoder's vectors, or with
    `precise_citations` MiniLM's, as `crossbrief brief` does (better at telling paraphrases from
    merely related sentences, ~10x slower; the chosen sentences can differ too). `readable`
    applies `crossbrief brief`'s readability rules (see summarise.summarise). Raises
    OSError/InputError/UsageError (one-line messages) when the input cannot be read or the models cannot be
    loaded, and RuntimeError if a worker process dies (e.g. killed for lack of memory).
    """
    from itertools import islice

    from tqdm import tqdm

    from crossbrief.runners.jsonl import open_text

    if words is not None and words <= 0:
        raise UsageError(f"--words must be positive, not {words}")
    # Load everything here first: a missing model is one clear error, not one per cluster or a
    # worker failing at start-up.
    _warm_worker(precise_citations)
    failed = 0
    executor = None
    if workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # forkserver: workers start from a clean process, not from a copy of this one (which may
        # hold torch's thread pools, unsafe to fork). Unlike multiprocessing.Pool, the executor
        # reports a dead worker (BrokenProcessPool) instead of waiting for it forever.
        executor = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_worker_init,
            initargs=(precise_citations,),
        )
    done = 0
    progress = None
    try:
        with open_text(in_path) as src:
            jobs = _jobs(src, words, precise_citations, readable, cite_all, keep_all)
            window = list(islice(jobs, _WINDOW))
            if not window:
                raise InputError(f"{in_path}: no clusters: the file is empty")
            # Opened only now: an input that cannot be read leaves an existing output file alone.
            with open(out_path, "w", encoding="utf-8") as dst:
                progress = tqdm(desc="batch", unit="cluster", file=sys.stderr)
                while window:
                    results: Iterable[tuple[str, bool, str]]
                    if executor is None:
                        results = map(_summarise_line, window)
                    else:
                        results = executor.map(_summarise_line, window, chunksize=4)
                    for text, ok, message in results:
                        failed += not ok
                        if message:
                            progress.write(f"crossbrief: {in_path}: {message}", file=sys.stderr)
                        _write_to(dst, out_path, text + "\n")
                        done += 1
                        progress.update()
                    _write_to(dst, out_path, "")  # flushed: a full disk is reported here, naming the file
                    window = list(islice(jobs, _WINDOW))
    except Exception as e:
        from concurrent.futures.process import BrokenProcessPool

        if isinstance(e, BrokenProcessPool):
            raise RuntimeError(
                f"a batch worker process failed or died after {done} clusters (out of memory?); "
                f"{out_path} holds the clusters before it"
            ) from None
        raise
    finally:
        if progress is not None:
            progress.close()
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    return 1 if failed else 0
