"""`crossbrief ingest`: sources into the store, grouped into stories, their briefs rebuilt.

Sources: files and folders (as `brief` reads them: text, HTML, JSON, JSONL), page URLs, RSS/Atom
feeds (a URL, or a `.rss`/`.atom`/`.xml` file, or any file or response that is one), and OPML
files listing feeds. A feed's entries are fetched page by page and read like any page; when an
entry's page cannot be had, the entry's own text is used if it has some (with a warning).

Idempotent: an address that already led to a stored article is not fetched again, and an article
whose clean text is stored already (the same Article.id) is "unchanged". Each new article is
cleaned and signed, then assigned to a story by the story grouper, whose state lives in the store
(so the next ingest continues the same stories); a near-copy of a stored article joins its story
as a copy. Every new article that is not a copy is then segmented and analysed (spaCy and the
rules: mentions, quotes, dates, figures), a batch at a time in worker processes while filing goes
on (`pipeline.BatchAnalyser`), and its analysis stored with it: briefs use the stored analyses
instead of parsing their articles again (`analysis=False`: the articles are only filed, and the
first brief that needs an analysis makes and stores it). The articles are filed in batches
(`BATCH_ARTICLES`, or whatever was read in `BATCH_SECONDS`): each batch's articles, their stories,
the grouper's state and the analyses finished so far are written in one short transaction, so
that readers (`brief --story`, `search`, the web app) see the run's progress and wait for no long
write, and a run that is killed loses at most the batch under way (and analyses not yet stored,
which briefs then make). Then the
brief of every story that changed and has two or more articles (copies not counted) is rebuilt
with `Pipeline.brief` and stored as a new version; a story of one article gets no brief (there is
nothing to cross-check, and building it would cost a parse of the article each time).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crossbrief.errors import InputError
from crossbrief.ingest.feeds import (
    FEED_SUFFIXES,
    OPML_SUFFIXES,
    Entry,
    entry_article,
    parse_feed,
    parse_opml,
    sniff_xml,
)
from crossbrief.ingest.fetch import FEED_TYPES, FETCHABLE_TYPES, Fetched, fetch
from crossbrief.ingest.problems import problem
from crossbrief.ingest.read import (
    MIN_ARTICLE_WORDS,
    Limits,
    articles_from_fetched,
    fetch_url,
    outlet_from_url,
    read_inputs,
)
from crossbrief.model import Article, Problem
from crossbrief.store.db import Member, Store, members_hash, now

log = logging.getLogger(__name__)

PAGE_FETCHERS = 4  # entry pages fetched at once
# Articles filed (cleaned, grouped and committed) together: a transaction short enough that readers
# never wait long, big enough that the grouper's state, saved with each, is not saved per article.
BATCH_ARTICLES = 200
BATCH_SECONDS = 1.0  # ... or whatever was read in this long (a slow feed still shows progress)
BRIEF_CATCH_UP = 100  # briefs an earlier run left missing or stale, built per run (see ingest)
STATE_SAVE_SHARE = 5  # commit at most every (this x the last state save) seconds: saving <= 1/5 of the time


@dataclass
class IngestRun:
    """What one ingest did (its closing line: `summary()`)."""

    added: int = 0  # new articles (not copies)
    unchanged: int = 0  # already stored (same address or same clean text)
    copies: int = 0  # new articles stored as near-copies of another
    failures: list[Problem] = field(default_factory=list)  # one per source or entry that gave nothing
    warnings: list[Problem] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)  # stories that changed
    briefs: int = 0  # briefs rebuilt
    single: int = 0  # changed stories of one article: no brief
    failed_feeds: dict[str, str] = field(default_factory=dict)  # stored feed URL -> why it gave nothing

    @property
    def failed(self) -> int:
        return sum(p.count for p in self.failures)

    @property
    def internal(self) -> bool:
        return any(p.internal for p in (*self.failures, *self.warnings))

    def summary(self) -> str:
        return f"added {self.added}, unchanged {self.unchanged}, copies {self.copies}, failed {self.failed}"


@dataclass
class _Candidate:
    article: Article
    urls: list[str] = field(default_factory=list)  # every address that led to it
    feed_url: str = ""


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


class _FilingFailed(Exception):
    """Filing a batch failed (its cause: the store, the grouper's state, a bug), while some source
    was being read: raised through `_Ingest.source`, whose error is its cause, not the source's."""


class _StateMoved(Exception):
    """The stored grouper state is not the one this run's grouper continues (another process
    committed since): raised inside the commit's transaction, which is then rolled back."""


def restore_grouper(store: Store) -> tuple[Any, str | None, int]:
    """The story grouper of `store`'s saved state (a new one if there is none), the state's
    generation, and how many of the grouper's articles are saved as rows (0 for the BLOB of a
    store written before migration 5: the next save writes them all)."""
    from crossbrief.stories import state
    from crossbrief.stories.group import StoryGrouper

    name = f"{store.name}: the stories state"
    with store.snapshot():  # the header and the rows of one save
        saved = store.grouper_state()
        if saved.header is not None:
            grouper = state.from_records(saved.header, store.grouper_rows(), name)
            rows = len(grouper.assignments)
        elif saved.legacy is not None:
            grouper, rows = state.from_bytes(saved.legacy, name), 0
        else:
            grouper, rows = StoryGrouper(), 0
    if rows == len(grouper.assignments):  # all saved as rows (not so for an old BLOB)
        grouper.forget_closed()
    return grouper, saved.generation, rows


class _Filer:
    """Files candidates into the store: cleans and identifies them, groups the new ones into
    stories a chunk at a time, and commits what was grouped (articles, stories, grouper state) in
    one transaction when a batch's time has come (`_commit_due`)."""

    def __init__(self, store: Store, run: IngestRun, analyser: Any = None) -> None:
        self.store = store
        self.run = run
        self.analyser = analyser  # a pipeline.BatchAnalyser, or None: no analysis at ingest
        self.grouper: Any = None  # restored from the store on the first chunk with new articles
        self.seen: set[str] = set()  # ids filed in this run
        self.touched: dict[str, None] = {}  # stories changed (committed), in order
        self.pending: list[_Candidate] = []  # grouped, not yet committed
        self.pending_members: dict[str, list[Member]] = {}
        self.pending_added = self.pending_copies = 0
        self.last_commit = time.monotonic()
        self.save_seconds = 0.0  # how long the grouper's state took to save, last time
        self.generation: str | None = None  # the stored state's generation the grouper continues
        self.saved = 0  # the grouper's articles in the stored state (the rest are this run's)

    def file(self, candidates: list[_Candidate], force: bool = False) -> None:
        for start in range(0, len(candidates), BATCH_ARTICLES):
            self._group(candidates[start:start + BATCH_ARTICLES])
            if self._commit_due():
                self.commit()
        if force:
            self.commit()

    def _commit_due(self) -> bool:
        """A batch is due after BATCH_SECONDS, or longer if saving took long (kept to a fifth of
        the run's time). Saving appends the batch's own rows to the grouper's state, so it does
        not grow with the store."""
        interval = max(BATCH_SECONDS, STATE_SAVE_SHARE * self.save_seconds)
        return bool(self.pending) and time.monotonic() - self.last_commit >= interval

    def _restore(self) -> Any:
        key = str(self.store.path.resolve())
        cached = _GROUPERS.pop(key, None)  # taken: from here on this run's grouper runs ahead of the store
        if cached is not None and cached[0] == self.store.grouper_generation():
            # The state this process last committed: no replay of the whole history.
            self.generation, self.saved = cached[0], len(cached[1].assignments)
            return cached[1]
        grouper, self.generation, self.saved = restore_grouper(self.store)
        return grouper

    def _group(self, candidates: list[_Candidate]) -> None:
        from crossbrief.resources.encoders import get_static_encoder
        from crossbrief.stories.signature import prepare, signatures

        store, run = self.store, self.run
        # Clean and identify; what is stored already is unchanged.
        fresh: list[_Candidate] = []
        for candidate in candidates:
            try:
                prepare(candidate.article)
            except InputError as err:
                run.failures.append(problem(candidate.article.source, str(err)))
                continue
            article = candidate.article
            if article.id in self.seen or store.has_id(article.id):
                run.unchanged += 1
                if article.id not in self.seen:
                    store.add_article(article, urls=candidate.urls)  # only records the addresses
                continue
            self.seen.add(article.id)
            fresh.append(candidate)
        if not fresh:
            return
        if self.grouper is None:
            self.grouper = self._restore()
        sigs = signatures([c.article for c in fresh], get_static_encoder(), self.grouper.shingler)
        for sig, candidate in zip(sigs, fresh):
            sig.key = candidate.article.id  # the store knows articles by id, whatever the input called them
        _GROUPERS.pop(str(store.path.resolve()), None)  # the grouper is about to run ahead of the store
        copies: set[str] = set()
        for assignment in self.grouper.add(sigs):
            self.pending_members.setdefault(assignment.story, []).append(Member(assignment.article, assignment.copy_of))
            self.pending_copies += bool(assignment.copy_of)
            self.pending_added += not assignment.copy_of
            if assignment.copy_of:
                copies.add(assignment.article)
        self.pending.extend(fresh)
        if self.analyser is not None:  # copies are never briefed: not analysed
            self.analyser.submit([c.article for c in fresh if c.article.id not in copies])

    def commit(self) -> None:
        """Write what was grouped since the last commit, in one transaction."""
        if not self.pending:
            return
        try:
            self._commit()
        except _StateMoved:
            # Another process filed articles since this run's grouper was restored: what it filed
            # is kept, and this run's uncommitted articles are grouped again after its.
            log.info("%s: another process filed articles meanwhile; regrouping this batch", self.store.name)
            self._regroup()

    def _commit(self) -> None:
        from crossbrief.stories import state
        from crossbrief.stories.labels import day_iso, label_of

        store, grouper = self.store, self.grouper
        with store.transaction():
            if store.grouper_generation() != self.generation:
                raise _StateMoved
            for candidate in self.pending:
                store.add_article(candidate.article, urls=candidate.urls, feed_url=candidate.feed_url)
            for story_id, members in self.pending_members.items():
                story = grouper.stories[story_id]
                store.save_story(story_id, label_of(story, grouper), day_iso(story.first), day_iso(story.last),
                                 members)
            started = time.monotonic()
            generation = store.save_grouper_state(state.header(grouper), state.records(grouper, self.saved))
            self.save_seconds = time.monotonic() - started
            if self.analyser is not None:
                self._save_analyses(self.analyser.ready())
        self.generation, self.saved = generation, len(grouper.assignments)
        grouper.forget_closed()  # written: closed stories' signatures are not needed in memory
        _GROUPERS[str(store.path.resolve())] = (generation, grouper)
        # Counted once committed: a batch that fails is not in the closing line.
        self.run.added += self.pending_added
        self.run.copies += self.pending_copies
        self.touched.update(dict.fromkeys(self.pending_members))
        self.pending, self.pending_members = [], {}
        self.pending_added = self.pending_copies = 0
        self.last_commit = time.monotonic()

    def _regroup(self) -> None:
        """Restore the grouper from the store and file the uncommitted candidates again (once:
        a second conflict in a row is an error, named)."""
        candidates = self.pending
        self.pending, self.pending_members = [], {}
        self.pending_added = self.pending_copies = 0
        self.seen.difference_update(c.article.id for c in candidates)
        self.grouper, self.generation, self.saved = restore_grouper(self.store)
        self._group(candidates)
        try:
            self._commit()
        except _StateMoved:
            raise InputError(f"{self.store.name}: other processes keep filing articles into this store "
                             "meanwhile; run one ingest or watch per store at a time") from None

    def finish(self) -> None:
        """Wait for the analyses still being made and store them (the articles are committed)."""
        if self.analyser is not None:
            with self.store.transaction():
                self._save_analyses(self.analyser.finish())

    def _save_analyses(self, results: list[Any]) -> None:
        """Store the analyses made; an article that could not be analysed is left without one
        (its story's brief then processes it, and reports what is wrong with it)."""
        from crossbrief.stages.analyse.stored import AnalysisRecord

        self.store.save_analyses(r for r in results if isinstance(r, AnalysisRecord))


# The grouper of each store this process last committed, with the generation it wrote: the next
# ingest into that store (`watch`'s next round) goes on with it instead of replaying the state,
# when the store's state is still that generation (no other process wrote since).
_GROUPERS: dict[str, tuple[str, Any]] = {}


class _Ingest:
    def __init__(
        self, store: Store, limits: Limits, progress: bool, fetched: dict[str, Fetched], analyser: Any = None
    ) -> None:
        from tqdm import tqdm

        self.store = store
        self.prefetched = fetched
        self.limits = limits
        self.allow_private = limits.private_allowed()
        self.run = IngestRun()
        self.found: list[_Candidate] = []  # read, not yet filed
        self.filer = _Filer(store, self.run, analyser)
        self.last_filed = time.monotonic()
        self.bar = tqdm(total=0, unit=" sources", disable=not progress or None, file=sys.stderr, leave=False)

    def flush(self, force: bool = False) -> None:
        """File what was read when a batch is full, or a batch's time has passed (or `force`)."""
        due = len(self.found) >= BATCH_ARTICLES or time.monotonic() - self.last_filed >= BATCH_SECONDS
        if force or (self.found and due):
            found, self.found = self.found, []
            try:
                self.filer.file(found, force=force)
            except Exception as err:
                raise _FilingFailed from err  # not the fault of the source being read: see ingest()
            self.last_filed = time.monotonic()

    def _more(self, n: int) -> None:
        self.bar.total += n
        self.bar.refresh()

    def fail(self, name: str, message: str, internal: bool = False) -> None:
        self.run.failures.append(problem(name, message, internal=internal))

    def _fetch(self, url: str, accept: tuple[str, ...]) -> Fetched:
        lim = self.limits
        return fetch(
            url, lim.timeout, lim.deadline, lim.max_redirects, lim.max_bytes, allow_private=self.allow_private,
            accept=accept,
        )

    # -- sources ----------------------------------------------------------------------------------
    def source(self, source: str) -> None:
        try:
            if _is_url(source):
                self.url(source)
            else:
                self.path(source)
        except _FilingFailed:
            raise
        except InputError as err:
            self.fail(source, str(err))
        except OSError as err:
            self.fail(source, f"cannot read ({err.strerror or err})")
        except Exception as err:  # noqa: BLE001 - one bad source never sinks the rest
            log.debug("internal error while ingesting %s", source, exc_info=err)
            self.fail(source, f"internal error while reading it ({type(err).__name__}: {err})", internal=True)

    def url(self, url: str) -> None:
        known_feed = self.store.feed(url) is not None
        if not known_feed and self.store.has_url(url):
            self.run.unchanged += 1
            return
        try:
            fetched = self.prefetched.get(url) or self._fetch(url, FETCHABLE_TYPES + FEED_TYPES)
        except InputError as err:
            if known_feed:
                self._feed_failed(url, str(err))
            raise
        kind = sniff_xml(fetched.data) if fetched.content_type in FEED_TYPES or not fetched.content_type else ""
        if fetched.content_type in FEED_TYPES and not kind:
            kind = "feed"  # says it is a feed: parse_feed says why it is not
        if kind == "opml":
            self.opml(fetched.data, url)
        elif kind == "feed":
            try:
                feed = parse_feed(fetched.data, url, base=fetched.final_url or url)
            except InputError as err:
                self._feed_failed(url, str(err))
                raise
            self.store.add_feed(url, feed.title)
            self.store.update_feed(
                url, etag=fetched.headers.get("etag", ""), last_modified=fetched.headers.get("last-modified", ""),
                last_checked=now(), last_status=fetched.status, error_count=0, last_error="",
                ttl_minutes=feed.ttl_minutes,
            )
            self.entries(feed.entries, url, feed_url=url)
        else:
            articles, problems = articles_from_fetched(fetched, url)
            self._take(articles, problems, url, urls=[url, fetched.final_url])

    def _feed_failed(self, url: str, message: str) -> None:
        row = self.store.feed(url)
        if row is not None:
            self.run.failed_feeds[url] = message
            self.store.update_feed(url, last_checked=now(), error_count=row.error_count + 1, last_error=message)

    def path(self, source: str) -> None:
        path = Path(source)
        kind = ""
        if path.is_file():
            suffix = path.suffix.lower()
            with path.open("rb") as f:
                head = f.read(4096)
            kind = "opml" if suffix in OPML_SUFFIXES else "feed" if suffix in FEED_SUFFIXES else sniff_xml(head)
        if kind:
            size = path.stat().st_size
            if size > self.limits.max_bytes:
                raise InputError(f"file is over the {self.limits.max_bytes // (1024 * 1024)} MB limit")
            data = path.read_bytes()
            if kind == "opml":
                self.opml(data, source)
            else:
                self.entries(parse_feed(data, source).entries, source, feed_url="")
            return
        articles, problems = read_inputs([source], self.limits)
        self._take(articles, problems, source)

    def opml(self, data: bytes, name: str) -> None:
        feeds = parse_opml(data, name)
        self._more(len(feeds))
        for url, title in feeds:
            if not _is_url(url):
                self.fail(f"{name}: {url}", "only http:// and https:// feeds can be fetched")
                self.bar.update(1)
                continue
            self.store.add_feed(url, title)
            self.source(url)
            self.bar.update(1)

    def entries(self, entries: list[Entry], feed_name: str, feed_url: str) -> None:
        """Every entry's page fetched (a few at once) and read; the entry's text when it cannot be."""
        self._more(len(entries))
        todo: list[tuple[int, Entry]] = []
        for n, entry in enumerate(entries, 1):
            if not entry.link and entry.text and len(entry.text.split()) >= MIN_ARTICLE_WORDS:
                # Some feeds carry whole articles and no page (a newsletter, a press office's
                # feed): the entry's own text is the article, named by its place in the feed.
                # Stored once: the same text again is the same article (its content hash).
                name = f"{feed_name}#{n}"
                self.run.warnings.append(problem(name, "feed entry has no link: used the feed's text"))
                self.bar.update(1)
                outlet = outlet_from_url(feed_url) if feed_url else ""
                self._take([entry_article(entry, name, outlet)], [], name, feed_url=feed_url)
            elif not entry.link:
                self.fail(f"{feed_name}#{n}", f"feed entry {entry.title[:60]!r} has no link" if entry.title
                          else "feed entry has no link")
                self.bar.update(1)
            elif not _is_url(entry.link):
                self.fail(entry.link, "only http:// and https:// links can be fetched")
                self.bar.update(1)
            elif self.store.has_url(entry.link):
                self.run.unchanged += 1
                self.bar.update(1)
            else:
                todo.append((n, entry))
        limits = Limits(**{**vars(self.limits), "allow_private": self.allow_private})
        with ThreadPoolExecutor(PAGE_FETCHERS) as pool:
            results = pool.map(lambda item: _page(item[1], limits), todo)
            for (_, entry), (articles, problems, fetched_error) in zip(todo, results):
                self.bar.update(1)
                if not articles and entry.text and len(entry.text.split()) >= MIN_ARTICLE_WORDS:
                    outlet = outlet_from_url(entry.link)
                    articles = [entry_article(entry, entry.link, outlet)]
                    reason = fetched_error or "; ".join(p.message for p in problems if p.fatal) or "no article"
                    self.run.warnings.append(problem(entry.link, f"page unusable ({reason}): used the feed's text"))
                    problems = [p for p in problems if not p.fatal]
                elif not articles and fetched_error:
                    self.fail(entry.link, fetched_error)
                    continue
                for article in articles:
                    article.title = article.title or entry.title
                    article.date = article.date or entry.date
                self._take(articles, problems, entry.link, urls=[entry.link], feed_url=feed_url)

    def _take(
        self, articles: list[Article], problems: list[Problem], name: str, urls: Sequence[str] = (),
        feed_url: str = "",
    ) -> None:
        for p in problems:
            (self.run.failures if p.fatal else self.run.warnings).append(p)
        if not articles and not problems:
            self.fail(name, "no article")
        for article in articles:
            self.found.append(_Candidate(article, [*urls, article.url], feed_url))
        self.flush()


def _page(entry: Entry, limits: Limits) -> tuple[list[Article], list[Problem], str]:
    """The articles of an entry's page, its problems, and why it could not be fetched ("" if it was)."""
    try:
        articles, problems = fetch_url(entry.link, limits)
        return articles, problems, ""
    except InputError as err:
        return [], [], str(err)
    except Exception as err:  # noqa: BLE001 - one page's bug never sinks the feed
        log.debug("internal error while fetching %s", entry.link, exc_info=err)
        return [], [problem(entry.link, f"internal error while reading it ({type(err).__name__}: {err})",
                            internal=True)], ""


def ingest(
    store: Store,
    sources: Sequence[str],
    *,
    limits: Limits | None = None,
    briefs: bool = True,
    pipeline: Any = None,
    progress: bool = True,
    fetched: dict[str, Fetched] | None = None,
    analysis: bool = True,
    workers: int | None = None,
) -> IngestRun:
    """Ingest `sources` into `store` (see the module docstring). Problems of single sources are
    in the result, never raised. `pipeline`: the Pipeline that analyses and builds briefs
    (default: a new one). `fetched`: responses already had for some source URLs (`watch`'s
    conditional GETs), used instead of fetching them again. `analysis`: analyse and store each new
    article; `workers`: processes that analyse a stream (default: one per core, at most 2)."""
    analyser = None
    if analysis:
        from crossbrief.pipeline import BatchAnalyser, Pipeline

        pipeline = pipeline if pipeline is not None else Pipeline()
        analyser = BatchAnalyser(pipeline, workers if workers is not None else default_analysis_workers())
    work = _Ingest(store, limits or Limits(), progress, fetched or {}, analyser)
    run = work.run
    work._more(len(sources))
    try:
        for source in sources:
            work.source(source)
            work.bar.update(1)
        work.flush(force=True)
        work.filer.finish()
    except _FilingFailed as err:
        raise (err.__cause__ or err) from None
    finally:
        work.bar.close()
        if analyser is not None:
            analyser.close()
    run.stories = list(work.filer.touched)
    if briefs:
        # Also the stories an earlier run left without an up-to-date brief (--no-briefs, or
        # stopped while building them): no later run would touch them otherwise.
        behind = [s for s in store.stories_behind_on_briefs() if s not in work.filer.touched]
        # At most BRIEF_CATCH_UP of them per run, the latest stories first: after a bulk import
        # with --no-briefs (tens of thousands of stories, ~2 s a brief) a watch round must still
        # end in minutes; each later run builds the next ones.
        rebuild_briefs(store, run, pipeline, also=behind[::-1][:BRIEF_CATCH_UP])
    return run


def default_analysis_workers() -> int:
    """Processes that analyse an ingest's stream: one per core this process may use, at most 2
    (the filing process needs a share of a core too, and each worker holds its own spaCy)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))


def rebuild_briefs(store: Store, run: IngestRun, pipeline: Any = None, also: Sequence[str] = ()) -> None:
    """Rebuild and store the brief of every story in `run.stories` (and in `also`) with 2+
    articles (not copies) whose articles changed since its last brief. The articles' stored
    analyses are used; those missing (or made by another version) are made, in one batch per
    story, and stored."""
    for story_id in [*run.stories, *also]:
        articles = store.articles_of_story(story_id, copies=False)
        if len(articles) < 2:
            run.single += 1
            continue
        ids = [a.id for a in articles]
        latest = store.brief_of(story_id)
        if latest is not None and latest.members_hash == members_hash(ids):
            continue
        if pipeline is None:
            from crossbrief.pipeline import Pipeline

            pipeline = Pipeline()
        try:
            stored = _analyses_for(store, pipeline, articles)
            brief = pipeline.brief(articles, stored=stored)
        except InputError as err:
            run.warnings.append(problem(f"story {story_id}", f"no brief ({err})"))
            continue
        except Exception as err:  # noqa: BLE001 - the articles are stored; the bug is reported
            log.debug("internal error while briefing story %s", story_id, exc_info=err)
            run.warnings.append(problem(
                f"story {story_id}", f"internal error while briefing it ({type(err).__name__}: {err})", internal=True
            ))
            continue
        store.save_brief(story_id, brief, ids)
        run.briefs += 1


def _analyses_for(store: Store, pipeline: Any, articles: list[Article]) -> dict[str, Any]:
    """The stored analyses of a story's articles, those missing or out of date made (one spaCy
    pass) and stored."""
    from crossbrief.stages.analyse.stored import AnalysisRecord

    stored = store.analyses_of(a.id for a in articles)
    version = pipeline.analysis_version()
    missing = [a for a in articles if a.id not in stored or stored[a.id].made_with != version
               or stored[a.id].date != a.date]
    if missing:
        made = [r for r in pipeline.analyse_records(missing) if isinstance(r, AnalysisRecord)]
        store.save_analyses(made)
        stored.update({r.article_id: r for r in made})
    return stored


__all__ = ["IngestRun", "default_analysis_workers", "ingest", "rebuild_briefs"]
