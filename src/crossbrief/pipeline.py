"""The pipeline, end to end: ingest -> clean -> segment -> analyse -> relevance -> summarise -> facts.

A `Pipeline` owns its resources -- the two sentence encoders, spaCy and the sentence selector --
loaded once, lazily, on first use, and swappable for faster backends. Like spaCy's `Language`,
it separates the work done once per article from the work done once per brief:

- `process(article)`: clean, identify (content-hash id), segment, parse and analyse one article.
  The result is cached by article id (and publication date, which relative dates are resolved
  against), so an article that joins a second bundle, or is briefed again as its story grows, is
  never parsed twice. Treat what it returns as read-only.
- `brief(articles)`: the bundle-wide work on copies of the processed articles: names unified
  across outlets, which articles belong to the story, the cited summary and the cross-source facts.
- `pipe(articles, workers=N)`: `process` over a stream, in worker processes when N > 1.
- `analyse_records(articles)`: the per-article analysis of many cleaned articles at once (one
  spaCy pass), as `AnalysisRecord`s (bytes and JSON) to keep; `BatchAnalyser` runs it in worker
  processes. `process` and `brief` take such records (`stored=`) instead of parsing again.

`crossbrief.brief(inputs)` is the one-call convenience over a process-wide default Pipeline.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import itertools
import logging
import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, NamedTuple

from crossbrief.errors import InputError
from crossbrief.ingest.read import Limits, read_inputs
from crossbrief.model import Article, Brief, Problem
from crossbrief.resources.memory import hold_mmap_threshold, release_free_memory
from crossbrief.settings import Settings
from crossbrief.stages.analyse.stored import AnalysisRecord
from crossbrief.stages.clean import clean
from crossbrief.stages.identity import article_id
from crossbrief.stages.limits import CUT_REASON, MAX_BRIEF_ARTICLES, MAX_FINE_SENTENCES
from crossbrief.stages.segment import segment
from crossbrief.text import visible
from crossbrief.version import __version__

log = logging.getLogger(__name__)

DEFAULT_WORDS = 200
MIN_SPLIT_ARTICLES = 4  # a bundle this big is checked for being several stories (see brief)
# The most characters of sentences a brief embeds with the fine encoder while it parses
# (_prepare_meanwhile): an interactive brief of a few articles gains the overlap (the five samples:
# 22,138); a larger one embeds after its parse, as before, one model's transient at a time.
OVERLAP_CHARS = 50_000
DEFAULT_CACHE_ARTICLES = 2_000  # processed articles kept (with their parses) for reuse
# ... and at most this much clean text among them: a processed article with its spaCy parse takes
# about 87 bytes per character of text (396 Multi-News documents; 173 before the parser dropped
# each Doc's tok2vec tensor, see resources/nlp.py), so ~90 MB: ~300 news articles, a dozen
# bundles. A count alone would let 2,000 long articles hold gigabytes (the fuzz run reached 3.1 GB
# this way). Stored analyses (the store) make a story's rebuild cheap without this cache.
DEFAULT_CACHE_CHARS = 1_000_000
# ... and at most this many parsed tokens among them. Memory follows tokens, not characters: about
# 450 bytes per token (898 with the tensors), and text thick with quotation marks has more tokens
# per character than news. So ~70 MB of parses at most; for news (about 5 characters a token)
# the character bound is met first.
DEFAULT_CACHE_TOKENS = 150_000


class CacheInfo(NamedTuple):
    """What the reuse cache holds: articles, characters of clean text, parsed tokens."""

    articles: int
    chars: int
    tokens: int


@dataclass
class Processed:
    """What the per-article work leaves: the analysed article and what bundles reuse of it."""

    article: Article  # cleaned, segmented and analysed in its own context; read-only
    analysis: Any = None  # the analyse stage's per-article state (parses, roles); None: not analysed


class Pipeline:
    """Articles in, briefs out; resources loaded once, per-article work done once.

    Every resource can be given (a faster backend, another object with the same interface) or
    left to load on first use: `encoder` (fine sentence vectors: citations, relevance, quote
    matching), `static_encoder` (fast vectors: the selector's features), `nlp` (a
    `resources.nlp.Parser`: spaCy, one copy per thread), `selector` (None: the heuristic scorer).
    With no `settings`, models are the process-wide ones that every such Pipeline shares
    (configured by the environment, read once); with `settings`, this Pipeline loads its own.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        encoder: Any = None,
        static_encoder: Any = None,
        nlp: Any = None,
        selector: Any = False,
        cache_articles: int = DEFAULT_CACHE_ARTICLES,
        cache_chars: int = DEFAULT_CACHE_CHARS,
        cache_tokens: int = DEFAULT_CACHE_TOKENS,
    ) -> None:
        # Before the models' arrays are allocated: without it, a long-running Pipeline's briefs
        # cost more memory the later they come (resources/memory.py).
        hold_mmap_threshold()
        self.settings = settings
        self._encoder = encoder
        self._static_encoder = static_encoder
        self._nlp = nlp
        self._selector = selector  # False: not loaded yet (None is a valid choice: the heuristic scorer)
        # One lock per resource: the fine encoder may load in another thread (see
        # _prepare_meanwhile) while this one loads spaCy.
        self._load_locks = {attr: threading.Lock() for attr in ("_encoder", "_static_encoder", "_nlp", "_selector")}
        self._cache: OrderedDict[tuple[str, str], Processed] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._cache_size = cache_articles
        self._cache_budget = cache_chars
        self._cache_chars = 0  # clean text held by the cached articles
        self._cache_token_budget = cache_tokens
        self._cache_tokens = 0  # parsed tokens held by the cached articles
        self._analysis_version = ""  # analysis_version() of this Pipeline's spaCy, once asked

    # -- resources, loaded on first use ----------------------------------------------------------
    def _resource(self, attr: str, unset: Any, load: Callable[[], Any]) -> Any:
        """`self.<attr>`, made by `load()` the first time it is asked for (once, whatever the threads)."""
        if getattr(self, attr) is unset:
            with self._load_locks[attr]:
                if getattr(self, attr) is unset:
                    setattr(self, attr, load())
        return getattr(self, attr)

    @property
    def encoder(self) -> Any:
        def load() -> Any:
            from crossbrief.resources.encoders import MiniLMEncoder, get_encoder, minilm_model_dir

            return get_encoder() if self.settings is None else MiniLMEncoder(minilm_model_dir(self.settings))

        return self._resource("_encoder", None, load)

    @property
    def static_encoder(self) -> Any:
        def load() -> Any:
            from crossbrief.resources.encoders import StaticEncoder, get_static_encoder, static_model_dir

            return get_static_encoder() if self.settings is None else StaticEncoder(static_model_dir(self.settings))

        return self._resource("_static_encoder", None, load)

    @property
    def nlp(self) -> Any:
        def load() -> Any:
            from crossbrief.resources.nlp import Parser

            return Parser(None if self.settings is None else self.settings.spacy_model)

        return self._resource("_nlp", None, load)

    @property
    def selector(self) -> Any:
        def load() -> Any:
            from crossbrief.summarise.selector import get_selector

            return get_selector(self.settings)

        return self._resource("_selector", False, load)

    @property
    def spacy(self) -> Any:
        """The spaCy Language this Pipeline parses with (in the calling thread)."""
        nlp = self.nlp
        return getattr(nlp, "nlp", nlp)  # a resources.nlp.Parser holds one; a Language is one

    def analysis_version(self) -> str:
        """What this Pipeline's analyses depend on (stages.analyse.stored.analysis_version): a
        record made with another is not used."""
        if not self._analysis_version:
            from crossbrief.stages.analyse.stored import analysis_version

            self._analysis_version = analysis_version(self.spacy)
        return self._analysis_version

    # -- reading ---------------------------------------------------------------------------------
    def read(
        self, inputs: str | Sequence[str], limits: Limits | None = None, stdin: BinaryIO | None = None
    ) -> tuple[list[Article], list[Problem]]:
        """Articles from paths, folders, URLs or "-", and a one-line Problem per unusable input."""
        if isinstance(inputs, str):
            inputs = [inputs]
        return read_inputs(inputs, limits=limits, stdin=stdin)

    # -- per article -----------------------------------------------------------------------------
    def process(
        self, article: Article, *, analyse: bool = True, stored: Mapping[str, AnalysisRecord] | None = None
    ) -> Processed:
        """Clean, identify, segment and (with `analyse`) analyse one article, once per id.

        `stored`: analyses kept from earlier (`analyse_records`), by article id: one made for this
        article's text and date, by this Pipeline's analysis_version, is restored instead of
        segmenting and parsing again. Raises InputError when no article text is left after
        removing page noise.
        """
        done, cached = self._segmented(article, analyse, stored)
        return done if cached else self._analysed(done, analyse)

    def _segmented(
        self, article: Article, analyse: bool, stored: Mapping[str, AnalysisRecord] | None
    ) -> tuple[Processed, bool]:
        """The first half of `process`: the cached result (and True), else the article cleaned and
        segmented, or restored from `stored`, not yet analysed or cached (and False)."""
        work = copy.copy(article)  # the caller's Article is left as read
        work.removed, work.sentences = [], []
        clean(work)
        if not work.text.strip():
            raise InputError("no article text left after removing page noise")
        work.id = article_id(work.text)
        key = (work.id, work.date)
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None and (hit.analysis is not None or not analyse):
                self._cache.move_to_end(key)
                return hit, True
        record = stored.get(work.id) if analyse and stored else None
        if record is not None and record.date == work.date and record.made_with == self.analysis_version():
            from crossbrief.stages.analyse.stored import restore_analysis

            return Processed(work, restore_analysis(work, record, self.spacy.vocab)), False
        segment(work)
        if not work.sentences:
            raise InputError("no article text left after removing page noise")
        return Processed(work, None), False

    def _analysed(self, done: Processed, analyse: bool) -> Processed:
        """The second half of `process`: `done` (from `_segmented`, not cached) parsed and
        analysed if `analyse` and not restored already, then cached."""
        work = done.article
        if analyse and done.analysis is None:
            from crossbrief.stages.analyse import analyse_article

            done = Processed(work, analyse_article(work, self.nlp))
        key = (work.id, work.date)
        with self._cache_lock:
            old = self._cache.pop(key, None)
            if old is not None:
                self._forget(old)
            # An article bigger than a whole budget is not kept.
            tokens = _parsed_tokens(done)
            if len(work.text) <= self._cache_budget and tokens <= self._cache_token_budget:
                self._cache[key] = done
                self._cache_chars += len(work.text)
                self._cache_tokens += tokens
            while self._cache and (len(self._cache) > self._cache_size or self._cache_chars > self._cache_budget
                                   or self._cache_tokens > self._cache_token_budget):
                _, dropped = self._cache.popitem(last=False)
                self._forget(dropped)
        return done

    def _forget(self, dropped: Processed) -> None:
        """Take a processed article that left the cache off its counts (the cache lock held)."""
        self._cache_chars -= len(dropped.article.text)
        self._cache_tokens -= _parsed_tokens(dropped)

    def cache_info(self) -> CacheInfo:
        """How many processed articles are kept for reuse, their characters of clean text and
        their parsed tokens."""
        with self._cache_lock:
            return CacheInfo(len(self._cache), self._cache_chars, self._cache_tokens)

    def pipe(
        self, articles: Iterable[Article], *, workers: int = 1, analyse: bool = True
    ) -> Iterator[Processed | Problem]:
        """`process` over a stream, in order: a Processed per article, or a Problem naming it.

        With workers > 1, articles are processed in that many forkserver processes, each with its
        own Pipeline (models loaded once per process); their results are not cached here.
        """
        if workers <= 1:
            for article in articles:
                yield self._process_or_problem(article, analyse)
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
            yield from pool.map(_process_in_worker, articles, itertools.repeat(analyse), chunksize=8)

    def analyse_records(self, articles: Sequence[Article]) -> list[AnalysisRecord | Problem]:
        """Segment and analyse cleaned articles (their ids and clean text set; the raw text is not
        read) in one spaCy pass, as records to keep: an AnalysisRecord per article, or a Problem
        naming one that could not be analysed. The articles are left as given; nothing is cached
        (`BatchAnalyser` runs this in worker processes)."""
        from crossbrief.stages.analyse import analyse_articles

        works: list[Article] = []
        out: list[AnalysisRecord | Problem | None] = []
        for article in articles:
            work = copy.copy(article)
            work.sentences = []
            segment(work)
            if work.sentences:
                works.append(work)
                out.append(None)
            else:
                out.append(Problem(visible(article.source), "no article text left after removing page noise"))
        try:
            analyses = analyse_articles(works, self.nlp)
        except Exception:  # noqa: BLE001 - one article's bug must not sink the batch: each alone
            log.debug("a batch analysis failed; analysing its articles one by one", exc_info=True)
            alone = iter([self._record_alone(work) for work in works])
        else:
            alone = iter([self._record(work, analysis) for work, analysis in zip(works, analyses)])
        return [next(alone) if item is None else item for item in out]

    def _record(self, work: Article, analysis: Any) -> AnalysisRecord:
        from crossbrief.stages.analyse.stored import analysis_record

        return analysis_record(work, analysis, self.analysis_version())

    def _record_alone(self, work: Article) -> AnalysisRecord | Problem:
        """The record of one segmented article analysed on its own, or the Problem of its bug."""
        from crossbrief.stages.analyse import analyse_articles

        try:
            [analysis] = analyse_articles([work], self.nlp)
            return self._record(work, analysis)
        except Exception as err:  # noqa: BLE001 - reported, as `_process_or_problem` does
            log.debug("internal error while analysing %s", work.source, exc_info=True)
            first = (str(err).splitlines() or [""])[0]
            return Problem(visible(work.source), f"internal error while analysing it ({type(err).__name__}: "
                           f"{visible(first)})", internal=True)

    def _process_or_problem(
        self, article: Article, analyse: bool, stored: Mapping[str, AnalysisRecord] | None = None
    ) -> Processed | Problem:
        """`process`, with what goes wrong on this one article as its Problem: an input error, or
        a bug (marked `internal`; its traceback logged at debug level) that must not sink the others."""
        return _or_problem(article, lambda: self.process(article, analyse=analyse, stored=stored))

    # -- per bundle ------------------------------------------------------------------------------
    def brief(
        self, articles: Sequence[Article], words: int = DEFAULT_WORDS, *, facts: bool = True, keep_all: bool = False,
        stored: Mapping[str, AnalysisRecord] | None = None,
    ) -> Brief:
        """A cited brief of `articles` (as read: `process` is applied, reusing cached work, and
        the `stored` analyses, by article id, as `process` does).

        Articles about another story, or that are not articles (site pages), are marked with the
        reason and left out of the summary's selection (they can still be cited), unless
        `keep_all`; either way the brief lists them."""
        problems: list[Problem] = []
        usable: list[Article] = []
        analyses: list[Any] = []
        seen: dict[str, str] = {}
        if len(articles) > MAX_BRIEF_ARTICLES:
            problems.append(Problem(
                visible(articles[MAX_BRIEF_ARTICLES].source),
                f"a bundle of {len(articles):,} articles: briefed from the first {MAX_BRIEF_ARTICLES} "
                f"(limit); the {len(articles) - MAX_BRIEF_ARTICLES:,} from this one on were left out "
                "(crossbrief stories groups a stream of many stories)",
                fatal=False,
            ))
            articles = articles[:MAX_BRIEF_ARTICLES]
        # Every article is cleaned and segmented first: the sentences the fine encoder will embed
        # for the citations are then known, and another thread embeds them while this one parses.
        begun = [_or_problem(article, functools.partial(self._segmented, article, facts, stored))
                 for article in articles]
        meanwhile = self._prepare_meanwhile(begun) if facts else None
        for article, step in zip(articles, begun):
            if isinstance(step, Problem):
                problems.append(step)
                continue
            segmented, cached = step
            if segmented.article.id in seen:
                first = seen[segmented.article.id]
                # The same file named twice (or in a folder also given) is not another outlet's text.
                again = ("given more than once" if first == article.source
                         else f"the same article text as {visible(first)}")
                problems.append(Problem(visible(article.source), f"{again}: used once", fatal=False))
                continue
            done = segmented if cached else _or_problem(article, functools.partial(self._analysed, segmented, facts))
            if isinstance(done, Problem):
                problems.append(done)
                continue
            seen[done.article.id] = article.source
            for cut in (r for r in done.article.removed if r.reason == CUT_REASON):
                problems.append(Problem(visible(article.source), cut.detail or "cut to the length limit", fatal=False))
            # The bundle's work changes names, relevance and speakers: never on the cached copy.
            usable.append(_bundle_copy(done.article, article))
            analyses.append(done.analysis)
        if meanwhile is not None:
            meanwhile.join()  # the summary's citations read those vectors from the encoder's cache
        result = self._brief_processed(usable, analyses, problems, words, facts, keep_all)
        # The bundle's transient work is freed by now, but glibc keeps the pages resident while
        # cached parses and vectors lie above them: without this, a long-running Pipeline grows
        # brief after brief although its caches are bounded (resources/memory.py has the figures).
        release_free_memory()
        return result

    def _prepare_meanwhile(self, begun: Sequence[tuple[Processed, bool] | Problem]) -> threading.Thread | None:
        """While this thread parses the articles in `begun` (each segmented, or a Problem), start
        in another what the bundle's work will need next: the fine encoder's vectors of the
        sentences the summary will cite with (those of the distinct articles, as
        `_brief_processed` will ask for them), the static encoder, and the modules the bundle's
        work imports. None when nothing is to be parsed, or when the bundle is too large to embed
        beside its parse (OVERLAP_CHARS): nothing is started then.

        The forward pass runs in torch without the GIL, so it overlaps the parse. The texts go to
        the encoder in one call, in the order the summary asks for them: the batches, hence the
        vectors, are the same as if the summary embedded them itself (it finds them cached). The
        fine encoder is loaded here, in this thread, before spaCy is: both import torch, and one
        import of it at a time is the import system's simplest case."""
        distinct = {step[0].article.id: step for step in begun if not isinstance(step, Problem)}
        if all(cached or segmented.analysis is not None for segmented, cached in distinct.values()):
            return None  # every article cached or restored from a stored analysis: nothing to parse
        texts = [s.text for segmented, _ in distinct.values() for s in segmented.article.sentences]
        # Only when the fine encoder is used (_brief_processed) and the text is small enough for
        # its forward pass to run beside the parse: the two transients at once cost memory (the
        # fuzz's quote-heavy bundles peaked ~200 MB higher overlapped), and a large bundle's
        # brief is dominated by its parse anyway. Otherwise nothing is started.
        overlap = len(distinct) > 1 and len(texts) <= MAX_FINE_SENTENCES and sum(map(len, texts)) <= OVERLAP_CHARS
        if not overlap:
            return None
        encoder = None
        try:
            encoder = self.encoder
        except Exception:  # noqa: BLE001 - the summary loads it again and reports what fails
            log.debug("loading the fine encoder ahead failed", exc_info=True)

        def prepare() -> None:
            try:
                if encoder is not None:
                    encoder.encode(texts)
                self.static_encoder  # noqa: B018 - loaded on first use: loaded here
                from crossbrief import facts, relevance  # noqa: F401
                from crossbrief.stories import copies, group  # noqa: F401
                from crossbrief.summarise import select  # noqa: F401
            except Exception:  # noqa: BLE001 - the bundle's work does it again, and reports what fails
                log.debug("preparing the bundle's work ahead failed", exc_info=True)

        thread = threading.Thread(target=prepare, name="crossbrief-prepare", daemon=True)
        thread.start()
        return thread

    def brief_inputs(
        self,
        inputs: str | Sequence[str],
        words: int = DEFAULT_WORDS,
        *,
        facts: bool = True,
        limits: Limits | None = None,
        stdin: BinaryIO | None = None,
        keep_all: bool = False,
    ) -> Brief:
        """Read `inputs` (paths, folders, URLs or "-") and brief them; unreadable ones become problems."""
        articles, problems = self.read(inputs, limits=limits, stdin=stdin)
        result = self.brief(articles, words, facts=facts, keep_all=keep_all)
        result.problems[:0] = problems
        return result

    def _brief_processed(
        self, articles: list[Article], analyses: list[Any], problems: list[Problem], words: int, facts: bool,
        keep_all: bool = False,
    ) -> Brief:
        from crossbrief.relevance import assess_relevance
        from crossbrief.summarise.select import select_summary

        result = Brief(articles=articles, problems=problems, words=words, version=__version__, keep_all=keep_all)
        if not articles:
            return result
        if len(articles) == 1:
            problems.append(
                Problem(
                    visible(articles[0].source),
                    "only one usable article: the brief has nothing to cross-check",
                    fatal=False,
                )
            )
        if facts:
            from crossbrief.stages.analyse import analyse_in_bundle

            analyse_in_bundle(articles, analyses)
        # Which articles belong to the story: the off-topic model runs on the static encoder's
        # vectors (it was fitted on them, as the selector was).
        assess_relevance(articles, self.static_encoder)
        # The selector's features come from the static encoder; citations and the test that no two
        # summary sentences say the same thing use the fine encoder, which tells paraphrases from
        # merely related sentences better. A brief is read, not scored: pronoun-led sentences
        # only follow the sentence that says who is meant, and no cut-off last sentence is shown.
        # Off-topic articles are not used to pick sentences (summarise skips them) unless keep_all.
        # A reprint of another article of the bundle (the same wire story under another headline)
        # is kept once for summarising: its sentences are the original's, and picking them would
        # only cite the original's words as another outlet's. It is still cited where it reports a
        # sentence, and the sources say whose copy it is.
        from crossbrief.stories.copies import mark_copies
        from crossbrief.stories.group import story_sizes

        mark_copies(articles)
        # A feed or a folder of many stories briefed as one gives a summary of none of them: say
        # so, as the story grouper sees it (one story of most articles, a stray or two, is fine).
        if len(articles) >= MIN_SPLIT_ARTICLES:
            sizes = story_sizes(articles, self.static_encoder)
            if sizes[0] < len(articles) / 2 and sum(1 for n in sizes if n >= 2) >= 2:
                problems.append(Problem(
                    f"the {len(articles)} articles",
                    f"they look like {len(sizes)} stories (the largest has {sizes[0]}): the brief is of them all "
                    "as one; `crossbrief stories` groups them",
                    fatal=False,
                ))
        if keep_all:
            chosen_from = [dataclasses.replace(a, on_topic=True) for a in articles]
        else:
            chosen_from = [dataclasses.replace(a, on_topic=False) if a.copy_of else a for a in articles]
        # With one article there is nothing to cite, and past MAX_FINE_SENTENCES the fine encoder
        # would take minutes: then the static vectors do both jobs, as in batch.
        within_fine = sum(len(a.sentences) for a in chosen_from) <= MAX_FINE_SENTENCES
        fine = len(articles) > 1 and within_fine
        selection = select_summary(
            chosen_from, words=words, encoder=self.static_encoder, cite_encoder=self.encoder if fine else None,
            readable=True, selector=self.selector,
        )
        result.summary, result.decoder = selection.sentences, selection.decoder
        if facts:
            from crossbrief.facts import cross_source

            # Facts are matched across the articles about the story; an article about another
            # event would only add false conflicts (its own figures stay in its Article). Past
            # MAX_FINE_SENTENCES the static vectors embed quotes, nouns and dated sentences too:
            # thousands of quotes took MiniLM over 20 s.
            result.facts = cross_source([a for a in articles if a.on_topic] or articles,
                                        self.encoder if within_fine else self.static_encoder)
        return result


def _or_problem(article: Article, step: Callable[[], Any]) -> Any:
    """`step()` (work on `article`), or what goes wrong in it as the article's Problem: an input
    error, or a bug (marked `internal`; its traceback logged at debug level) that must not sink the
    other articles."""
    try:
        return step()
    except InputError as err:
        return Problem(visible(article.source), visible(str(err)))
    except Exception as err:  # noqa: BLE001 - one article's bug must not sink the bundle
        log.debug("internal error while processing %s", article.source, exc_info=True)
        first = (str(err).splitlines() or [""])[0]
        message = f"internal error while processing it ({type(err).__name__}: {visible(first)})"
        return Problem(visible(article.source), message, internal=True)


def _bundle_copy(processed: Article, as_read: Article) -> Article:
    """A working copy of a processed article for one bundle, with the metadata it was read with
    (the same text may come from another file or URL, under another name)."""
    work = copy.deepcopy(processed)
    for name in ("source", "raw_text", "title", "url", "author", "outlet", "keywords", "meta"):
        setattr(work, name, copy.copy(getattr(as_read, name)))
    return work


_worker_pipeline: Pipeline | None = None


def _process_in_worker(article: Article, analyse: bool) -> Processed | Problem:
    global _worker_pipeline
    if _worker_pipeline is None:
        _worker_pipeline = Pipeline()
    done = _worker_pipeline._process_or_problem(article, analyse)
    if isinstance(done, Problem):
        return done
    # spaCy parses stay in the worker: they are large, and a bundle re-parses only if it must.
    return Processed(done.article, None)


def _watch_parent(parent: int) -> None:
    """In a worker: exit as soon as the process that started it is gone. A worker waiting for work
    never sees its parent die (its queue's other end stays open in its siblings), so an ingest
    killed with SIGKILL would leave its workers behind, each holding a spaCy pipeline."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(parent, 0)
                with open(f"/proc/{parent}/stat", "rb") as f:  # a zombie (killed, not yet reaped) is gone too
                    gone = f.read().rsplit(b")", 1)[-1].split()[0] == b"Z"
            except ProcessLookupError:
                gone = True
            except OSError:  # no /proc, or no right to signal it: the kill(0) said it is there
                gone = False
            if gone:
                os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _start_analysis_worker(parent: int) -> None:
    """In an analysis worker: watch the parent (`_watch_parent`), and keep BLAS to this one thread.
    Each worker parses on a core of its own; OpenBLAS's threads (one per core by default) only
    spin-wait beside spaCy's small products: 10% of the parse's CPU time, measured
    (docs/benchmarks.md, "Ingest CPU per article")."""
    _watch_parent(parent)
    import numpy  # noqa: F401 -- loads OpenBLAS now: threadpoolctl limits only libraries already loaded
    from threadpoolctl import threadpool_limits

    global _worker_blas_limit
    _worker_blas_limit = threadpool_limits(limits=1, user_api="blas")


_worker_blas_limit: Any = None  # kept for the worker's life: the limit holds while it is referenced


def _records_in_worker(articles: Sequence[Article]) -> list[AnalysisRecord | Problem]:
    global _worker_pipeline
    if _worker_pipeline is None:
        _worker_pipeline = Pipeline()
    return _worker_pipeline.analyse_records(articles)


class BatchAnalyser:
    """`Pipeline.analyse_records` over batches of articles submitted one after another, in
    `workers` forkserver processes (each with its own Pipeline and spaCy) so that the caller
    goes on meanwhile; results are taken as they are ready, in the order submitted.

    A batch is one spaCy pass over all its articles' sentences (the per-call cost of spaCy and of
    sending work to a process is paid once a batch); what comes back is bytes and JSON, never
    spaCy objects. Until a batch of `pool_from` articles or more is submitted, batches are analysed
    in this process with `pipeline` (a few new articles do not pay for starting workers). At
    most 2 x workers batches wait at once: `submit` then waits for the oldest (the caller
    cannot run ahead of the analysis, with every article it read in memory).
    """

    def __init__(self, pipeline: Pipeline, workers: int = 1, pool_from: int = 100) -> None:
        self.pipeline = pipeline
        self.workers = workers
        self.pool_from = pool_from
        self._pool: Any = None
        self._waiting: deque[Any] = deque()  # futures, oldest first
        self._done: list[AnalysisRecord | Problem] = []

    def submit(self, articles: Sequence[Article]) -> None:
        if not articles:
            return
        if self._pool is None and (self.workers <= 1 or len(articles) < self.pool_from):
            self._done.extend(self.pipeline.analyse_records(articles))
            return
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("forkserver"),
                                             initializer=_start_analysis_worker,
                                             initargs=(os.getpid(),))
        while len(self._waiting) >= 2 * self.workers:
            self._take(self._waiting.popleft())
        # Only what the analysis reads is sent: not the raw text, metadata or what cleaning removed.
        light = [Article(source=a.source, raw_text="", date=a.date, id=a.id, text=a.text) for a in articles]
        self._waiting.append(self._pool.submit(_records_in_worker, light))

    def _take(self, future: Any) -> None:
        try:
            self._done.extend(future.result())
        except Exception:  # noqa: BLE001 - a worker that died: its batch is not kept (briefs parse it)
            log.warning("an analysis worker failed; its articles will be parsed when briefed", exc_info=True)

    def ready(self) -> list[AnalysisRecord | Problem]:
        """The results finished so far (each returned once), without waiting."""
        while self._waiting and self._waiting[0].done():
            self._take(self._waiting.popleft())
        done, self._done = self._done, []
        return done

    def finish(self) -> list[AnalysisRecord | Problem]:
        """Every result not yet returned, once all submitted batches are done; the workers stop."""
        while self._waiting:
            self._take(self._waiting.popleft())
        self.close()
        done, self._done = self._done, []
        return done

    def close(self) -> None:
        """Stop the workers (batches still waiting are dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._waiting.clear()


_default: Pipeline | None = None
_default_lock = threading.Lock()


def default_pipeline() -> Pipeline:
    """The process-wide Pipeline that `crossbrief.brief` uses."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Pipeline()
        return _default


def _parsed_tokens(done: Processed) -> int:
    """The spaCy tokens a processed article holds (0 when it was not analysed)."""
    if done.analysis is None:
        return 0
    return sum(len(sentence.doc) for sentence in done.analysis.sentences)


def brief(
    inputs: str | Sequence[str],
    words: int = DEFAULT_WORDS,
    *,
    facts: bool = True,
    limits: Limits | None = None,
    stdin: BinaryIO | None = None,
    keep_all: bool = False,
) -> Brief:
    """A cited brief of the articles in `inputs` (paths, folders, URLs or "-"); off-topic articles
    are listed with the reason and left out of the summary's selection unless `keep_all`."""
    return default_pipeline().brief_inputs(inputs, words, facts=facts, limits=limits, stdin=stdin, keep_all=keep_all)
