"""The `crossbrief` command line.

Exit codes (also in the README):
  0  done; every input was used
  1  done, but some inputs were skipped (each named on standard error)
  2  nothing usable, or bad usage: a CrossbriefError (InputError, UsageError, ModelFileError), or
     a file that cannot be read or written; one line on standard error naming it and the problem
  3  an internal error (a bug: please report it; CROSSBRIEF_DEBUG=1 shows the traceback)
  130  interrupted (Ctrl-C)

Logging: library code logs to `logging.getLogger(__name__)`; the CLI prints the `crossbrief`
loggers' warnings and errors on standard error as "crossbrief: message" (everything down to
debug messages with CROSSBRIEF_DEBUG=1).
"""

from __future__ import annotations

import argparse
import errno
import gzip
import importlib.util
import io
import logging
import os
import sys
import traceback
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from crossbrief import settings
from crossbrief.errors import CrossbriefError, InputError, UsageError
from crossbrief.text import CONTROLS, visible
from crossbrief.version import __version__

EXIT_OK, EXIT_SKIPPED, EXIT_UNUSABLE, EXIT_BUG = 0, 1, 2, 3
FORMATS = ("md", "json", "html")
# What `crossbrief eval` and `train` import beyond the runtime dependencies: the [train] extra.
TRAIN_MODULES = ("lightgbm", "sklearn", "rouge_score", "sumy")
# Raised while reading a compressed (gzip) data file that is truncated or corrupt.
_UNREADABLE_DATA = (EOFError, zlib.error, gzip.BadGzipFile)

Command = Callable[[argparse.Namespace], int]
def _say(message: str) -> None:
    """One line on standard error; control characters in it (from an input's name) are escaped."""
    print(f"crossbrief: {visible(message)}", file=sys.stderr)


def _first_line(err: BaseException, names: Iterable[str] = ()) -> str:
    """The first line of an error's message; a name in it (an input's path) is never cut at a newline."""
    text = str(err).strip()
    for name in sorted({n for n in names if n and CONTROLS.search(n)}, key=len, reverse=True):
        text = text.replace(name, visible(name))
    return (text.splitlines() or [type(err).__name__])[0]


def _names(args: argparse.Namespace) -> list[str]:
    """The inputs and output a command was given (the names its messages may hold)."""
    given = [*(getattr(args, "inputs", None) or []), getattr(args, "input", None), getattr(args, "output", None)]
    return [str(n) for n in given if n]


class _StderrHandler(logging.Handler):
    """Log records as "crossbrief: message" on the standard error of the moment (looked up per record)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            print(f"crossbrief: {visible(self.format(record))}", file=sys.stderr)
        except Exception:  # noqa: BLE001 - logging must never sink the command
            self.handleError(record)


def configure_logging(debug: bool = False) -> None:
    """Show the `crossbrief` loggers' warnings and above (everything with `debug`) on standard error."""
    logger = logging.getLogger("crossbrief")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        logger.addHandler(_StderrHandler())
    logger.setLevel(logging.DEBUG if debug else logging.WARNING)


class _ClosedStandardOutput(io.TextIOBase):
    """Standard output when the process was started without one (`crossbrief ... >&-`): writing
    to it is an OSError naming it, as for any file that cannot be written (exit 2), instead of an
    AttributeError on None (exit 3) or, through print(), output silently dropped (exit 0)."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "it is closed", "standard output")

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "it is closed", "standard output")


def _write(text: str, output: str | None) -> None:
    """Text to the output file, or standard output; an OSError names where (e.g. "/dev/full: No space ...")."""
    if output in (None, "-"):
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as err:
            # What is left in the buffer would fail again at exit: drop it.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise OSError(err.errno, err.strerror, "standard output") from err
        return
    try:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as err:
        raise OSError(err.errno, err.strerror, output) from err


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve() or (Path(b).exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _refuse_output_over_inputs(output: str | None, inputs: Iterable[str], what: str = "output file") -> None:
    """UsageError when the output file is one of the inputs: an input file, or an article file found
    in an input folder (before anything is read or written)."""
    if output in (None, "-"):
        return
    from crossbrief.ingest.read import expand

    files, _ = expand(list(inputs))
    for item in files:
        if item != "-" and not item.startswith(("http://", "https://")) and _same_file(item, output):
            which = "the input file" if item in inputs else f"an input ({item})"
            raise UsageError(f"{output}: the {what} is {which}; write elsewhere")


def _refuse_output_nowhere(output: str | None) -> None:
    """UsageError when the output file cannot be created where it is asked for (a folder, or in a
    folder that does not exist): said before the work, not after seconds of parsing."""
    if output in (None, "-"):
        return
    path = Path(output)
    if path.is_dir():
        raise UsageError(f"{output}: a folder; give a file to write")
    if not path.parent.is_dir():
        raise UsageError(f"{output}: cannot write it there (the folder {path.parent} does not exist)")


def _format_for(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
    return {"markdown": "md", "htm": "html"}.get(suffix, suffix) if suffix in (*FORMATS, "markdown", "htm") else "md"


def _at_least(option: str, value: int | None, least: int = 1) -> None:
    """An optional numeric option must be absent or at least `least` (UsageError if not)."""
    if value is not None and value < least:
        raise UsageError(f"{option} {value}: must be at least {least}")


def _need_train_extra(command: str) -> None:
    """`eval` and `train` need the [train] extra; without it, say so in one line (UsageError)."""
    missing = [m for m in TRAIN_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise UsageError(
            f"crossbrief {command} needs the training extra ({', '.join(missing)} missing): "
            "pip install 'crossbrief[train]'"
        )


def cmd_brief(args: argparse.Namespace) -> int:
    if args.story is not None:
        if args.inputs:
            raise UsageError("give ARTICLES or --story, not both")
        # The stored brief is printed as it was built: options that shape a new brief would be
        # silently ignored, so they are refused.
        for given, option in ((args.words is not None, "--words"), (args.no_facts, "--no-facts"),
                              (args.keep_all, "--keep-all"), (args.allow_private, "--allow-private")):
            if given:
                raise UsageError(f"{option} is for briefing ARTICLES; --story prints the stored brief as built")
        return _stored_brief(args, _format_for(args))
    if not args.inputs:
        raise UsageError("give ARTICLES to brief, or --story ID for a stored story's brief")
    if args.db:
        raise UsageError("--db is for --story")
    from crossbrief.pipeline import brief

    _at_least("--words", args.words, 10)
    _refuse_output_over_inputs(args.output, args.inputs)
    _refuse_output_nowhere(args.output)
    from crossbrief.ingest.read import Limits

    limits = Limits(allow_private=True) if args.allow_private else None
    result = brief(args.inputs, words=args.words or 200, facts=not args.no_facts, keep_all=args.keep_all,
                   limits=limits)
    for problem in result.problems:
        _say(("warning: " if not problem.fatal else "skipped ") + str(problem))
    # A bug met on one article is not bad input: the others are still briefed, but the command
    # ends with the internal-error code, so that scripts and CI notice.
    bug = any(p.internal for p in result.problems)
    if not result.articles:
        _say("no usable articles: nothing to brief")
        return EXIT_BUG if bug else EXIT_UNUSABLE
    fmt = _format_for(args)
    from crossbrief.render import to_html, to_json, to_markdown

    rendered = {"md": to_markdown, "json": to_json, "html": to_html}[fmt](result)
    _write(rendered if rendered.endswith("\n") else rendered + "\n", args.output)
    if args.output and args.output != "-":
        _say(f"wrote {fmt} brief of {len(result.articles)} articles to {args.output}")
    if bug:
        return EXIT_BUG
    return EXIT_SKIPPED if any(p.fatal for p in result.problems) else EXIT_OK


def _stored_brief(args: argparse.Namespace, fmt: str) -> int:
    """The stored brief of story `args.story`, rendered in `fmt`, to `args.output`."""
    from crossbrief.model.schema import brief_from_dict
    from crossbrief.render import to_html, to_json, to_markdown
    from crossbrief.store import DEFAULT_DB, Store

    with Store(args.db or DEFAULT_DB, create=False) as store:
        story = store.story(args.story)
        if story is None:
            raise InputError(f"story {args.story}: not in {store.name} (crossbrief stories-list shows them)")
        stored = store.brief_of(args.story)
        if stored is None:
            originals = sum(1 for m in store.members(args.story) if m.copy_of is None)
            if originals >= 2:  # left by an ingest with --no-briefs, or one stopped while building briefs
                raise InputError(f"story {args.story}: no brief stored yet (the next crossbrief ingest "
                                 "without --no-briefs builds it)")
            raise InputError(f"story {args.story}: no brief stored (it has {story.size} article"
                             f"{'s' if story.size != 1 else ''}; a brief needs two or more that are not copies)")
    try:
        result = brief_from_dict(stored.data)
    except ValueError as err:
        raise InputError(f"story {args.story}: the stored brief cannot be read ({_first_line(err)})") from None
    if fmt == "json":
        import json

        rendered = json.dumps(stored.data, ensure_ascii=False, indent=2)
    else:
        rendered = {"md": to_markdown, "json": to_json, "html": to_html}[fmt](result)
    _write(rendered if rendered.endswith("\n") else rendered + "\n", args.output)
    if args.output and args.output != "-":
        _say(f"wrote {fmt} brief of story {args.story} (version {stored.version}) to {args.output}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    return _stored_brief(args, args.format or _format_for(args))


def _db(args: argparse.Namespace) -> str:
    from crossbrief.store import DEFAULT_DB

    return str(args.db or DEFAULT_DB)


def cmd_ingest(args: argparse.Namespace) -> int:
    from crossbrief.ingest.read import Limits
    from crossbrief.store import Store
    from crossbrief.store.ingest import ingest

    _refuse_output_over_inputs(_db(args), [s for s in args.sources if not s.startswith(("http://", "https://"))],
                               what="store file")
    limits = Limits(allow_private=True) if args.allow_private else Limits()
    with Store(_db(args)) as store:
        run = ingest(store, args.sources, limits=limits, briefs=not args.no_briefs, progress=not args.quiet,
                     analysis=not args.no_analysis)
    for p in run.warnings:
        _say("warning: " + str(p))
    for p in run.failures:
        _say("failed " + str(p))
    if run.stories or run.briefs:
        briefs = f"; briefs rebuilt {run.briefs}" if not args.no_briefs else ""
        single = f" ({run.single} of one article: no brief)" if run.single and not args.no_briefs else ""
        _say(f"stories changed {len(run.stories)}{briefs}{single}")
    _say(run.summary())
    if run.internal:
        return EXIT_BUG
    if run.failed and not (run.added or run.copies or run.unchanged):
        return EXIT_UNUSABLE
    return EXIT_SKIPPED if run.failed else EXIT_OK


def _row(*fields: str) -> str:
    """One tab-separated line of fields, each shown safely (control characters escaped)."""
    return "\t".join(visible(f) for f in fields)


def cmd_feeds(args: argparse.Namespace) -> int:
    from crossbrief.ingest.fetch import check_url
    from crossbrief.store import Store

    if args.action == "list":
        if args.urls:
            raise UsageError(f"crossbrief feeds list takes no URLs (given: {args.urls[0]})")
        with Store(_db(args), create=False) as store:
            for feed in store.feeds():
                status = f"HTTP {feed.last_status}" if feed.last_status else "never checked"
                error = f", {feed.error_count} errors: {feed.last_error}" if feed.error_count else ""
                print(_row(feed.url, feed.title, f"{status}{error}"))
        return EXIT_OK
    if not args.urls:
        raise UsageError(f"crossbrief feeds {args.action} needs one or more feed URLs")
    if args.action == "add":
        for url in args.urls:  # all checked before any is added (or the store created)
            try:
                check_url(url)
            except InputError as err:
                raise InputError(f"{url}: {_first_line(err)}") from None
    with Store(_db(args), create=args.action == "add") as store:
        missing = []
        for url in args.urls:
            if args.action == "add":
                if not store.add_feed(url):
                    _say(f"{url}: already a feed")
            elif not store.remove_feed(url):
                missing.append(url)
        for url in missing:
            _say(f"{url}: not a feed of {store.name}")
    return EXIT_SKIPPED if missing else EXIT_OK


def cmd_watch(args: argparse.Namespace) -> int:
    import signal

    from crossbrief.ingest.fetch import check_url
    from crossbrief.ingest.read import Limits
    from crossbrief.store import Store
    from crossbrief.store.watch import Round, Stop, WatchOptions, parse_duration, read_feed_list, watch

    every = parse_duration(args.every)
    limits = Limits(allow_private=True) if args.allow_private else Limits()
    options = WatchOptions(every=every, briefs=not args.no_briefs, limits=limits)
    with Store(_db(args)) as store:
        for url, title in read_feed_list(args.feeds) if args.feeds else []:
            try:
                check_url(url)
            except InputError as err:
                raise InputError(f"{args.feeds}: {url}: {err}") from None
            store.add_feed(url, title)
        if not store.feeds():
            raise UsageError(f"{store.name}: no feeds to watch (give FEEDS.txt or OPML, or crossbrief feeds add URL)")
        stop = Stop()

        def on_signal(number: int, _frame: object) -> None:
            stop.request(signal.Signals(number).name)
            signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C: at once (exit 130)

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)

        def report(result: Round) -> None:
            for p in result.problems:
                _say(("failed " if p.fatal else "warning: ") + str(p))
            print(result.line(), flush=True)

        rounds = watch(store, options, stop, report, once=args.once)
    if stop.requested:
        print(f"stopped ({stop.reason}) after {len(rounds)} rounds: added {sum(r.added for r in rounds)}",
              flush=True)
    if any(r.internal for r in rounds):
        return EXIT_BUG
    return EXIT_SKIPPED if args.once and any(r.failed for r in rounds) else EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from crossbrief.store import Store

    _at_least("--limit", args.limit)  # SQLite reads 0 as none and a negative LIMIT as no limit

    with Store(_db(args), create=False) as store:
        hits = store.search(" ".join(args.query), limit=args.limit)
        for hit in hits:
            print(_row(hit.id, hit.date or "-", hit.outlet, hit.title, hit.snippet))
    return EXIT_OK if hits else EXIT_SKIPPED


def cmd_stories_list(args: argparse.Namespace) -> int:
    from crossbrief.store import Store

    _at_least("--limit", args.limit)

    with Store(_db(args), create=False) as store:
        for story in store.stories(limit=args.limit):
            brief = store.brief_of(story.id)
            built = f"brief v{brief.version}" if brief else "no brief"
            print(_row(story.id, str(story.size), story.first or "-", built, story.label))
    return EXIT_OK


# -- serve: the web app (crossbrief.web; docs/web.md) ------------------------------------------------
def cmd_serve(args: argparse.Namespace) -> int:
    import ipaddress
    import socket

    _at_least("--port", args.port, 0)
    if args.port > 65535:
        raise UsageError(f"--port {args.port}: a port is 0 to 65535")
    try:
        import uvicorn

        from crossbrief.web import WebSettings, create_app, server_config
    except ImportError as err:
        raise UsageError(f"crossbrief serve needs the web dependencies ({err.name} is missing): "
                         "pip install crossbrief") from None
    if not args.request_timeout > 0:
        raise UsageError(f"--request-timeout {args.request_timeout}: must be over 0 seconds")
    # A missing or foreign store: InputError, one line.
    app = create_app(WebSettings(db=_db(args), request_timeout=args.request_timeout))
    try:
        info = socket.getaddrinfo(args.host, args.port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(info[0], socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: without, a response's header and body writes wait on
        # the client's delayed ACK (40 ms per request on a kept-alive connection).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(info[4])
    except OSError as err:
        raise UsageError(f"cannot listen on {args.host}:{args.port} ({err.strerror or err})") from None
    host, port = sock.getsockname()[:2]
    if not ipaddress.ip_address(host).is_loopback:
        _say(f"warning: listening on {host}, not only this machine: anyone who can reach it can read the store")
    _say(f"serving {_db(args)} on http://{host}:{port}/ (Ctrl-C stops)")
    config = server_config(app, max_connections=args.max_connections)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it shut down on: that is the way to stop
        pass
    _say("stopped")
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    import copy
    import json

    from crossbrief.pipeline import default_pipeline
    from crossbrief.render.article import article_facts, article_markdown
    from crossbrief.stages.analyse import analyse_in_bundle

    if Path(args.input).is_dir():
        raise UsageError(f"{args.input}: a folder; analyze reads one article (crossbrief brief reads a bundle)")
    _refuse_output_over_inputs(args.output, [args.input])
    _refuse_output_nowhere(args.output)
    from crossbrief.ingest.read import Limits

    pipeline = default_pipeline()
    articles, problems = pipeline.read(args.input, limits=Limits(allow_private=True) if args.allow_private else None)
    skipped = [p for p in problems if p.fatal]
    if len(articles) > 1 or (articles and skipped):
        raise UsageError(
            f"{args.input}: a bundle of {len(articles) + sum(p.count for p in skipped)} articles; analyze reads one "
            "(crossbrief brief reads a bundle)"
        )
    if not articles and len(problems) == 1:
        raise InputError(str(problems[0]))  # the one input's one problem, in one line
    for problem in problems:
        _say(("warning: " if not problem.fatal else "skipped ") + str(problem))
    if not articles:
        _say(f"{args.input}: no article text")
        return EXIT_UNUSABLE
    article = articles[0]
    try:
        done = pipeline.process(article)
    except InputError as err:
        raise InputError(f"{article.source}: {_first_line(err)}") from err
    # The bundle step too (a bundle of one): names made consistent within the article. On a copy:
    # the pipeline's processed article is read-only.
    work = copy.deepcopy(done.article)
    analyse_in_bundle([work], [done.analysis])
    if (args.format or "md") == "json":
        text = json.dumps(article_facts(work), ensure_ascii=False, indent=2) + "\n"
    else:
        text = article_markdown(work)
    _write(text, args.output)
    return EXIT_OK


def _data_command(run: Command) -> Command:
    """A command over the user's data file `args.input`: its problems are the user's to fix.

    An InputError, or a compressed file that is truncated or corrupt, is one line naming the file.
    Nothing else is caught here (a ValueError from deep inside is a bug: exit 3).
    """

    def wrapped(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except _UNREADABLE_DATA as err:
            raise InputError(f"{args.input}: cannot read it ({_first_line(err, [args.input])})") from err
        except InputError as err:
            line = _first_line(err, [args.input])
            named = line.startswith((args.input, visible(args.input)))
            raise InputError(line if named else f"{visible(args.input)}: {line}") from err

    wrapped.__name__ = run.__name__
    wrapped.__doc__ = run.__doc__
    return wrapped


@_data_command
def cmd_batch(args: argparse.Namespace) -> int:
    from crossbrief.runners.batch import default_workers, run_batch

    _at_least("--words", args.words, 10)
    _at_least("--workers", args.workers)
    if _same_file(args.input, args.output):
        raise UsageError(f"{args.output}: the output file is the input file; write elsewhere")
    workers = args.workers or default_workers()
    # A worker process that dies (out of memory?) is a RuntimeError saying so: exit 3.
    return run_batch(
        args.input,
        args.output,
        args.words,
        workers=workers,
        precise_citations=args.precise_citations,
        readable=args.readable,
        cite_all=args.cite_all,
        keep_all=args.keep_all,
    )


@_data_command
def cmd_eval(args: argparse.Namespace) -> int:
    _at_least("--words", args.words, 10)
    _at_least("--limit", args.limit)
    _need_train_extra("eval")
    from crossbrief.learn.evaluate import run_eval

    result = run_eval(args.input, args.words, args.limit)
    if not result.get("clusters"):
        _say(f"{args.input}: no cluster could be scored (each line must be a JSON object with "
             "'documents' and a reference 'summary' or 'references')")
        return EXIT_UNUSABLE
    return EXIT_SKIPPED if result.get("skipped") else EXIT_OK


@_data_command
def cmd_train(args: argparse.Namespace) -> int:
    _at_least("--limit", args.limit)
    if _same_file(args.input, args.output):
        raise UsageError(f"{args.output}: the output file is the input file; write elsewhere")
    output = Path(args.output)
    if output.is_dir() or not output.parent.is_dir():
        raise UsageError(f"{args.output}: cannot write the model there (a folder, or its folder does not exist)")
    _need_train_extra("train")
    from crossbrief.learn.train import train

    options = {"limit": args.limit} if args.limit is not None else {}
    # Training takes minutes: its progress notes (logged at INFO) are shown.
    logging.getLogger("crossbrief.learn").setLevel(logging.INFO)
    path = train(args.input, out_path=output, **options)
    _say(f"wrote model to {path}")
    return EXIT_OK


def cmd_stories(args: argparse.Namespace) -> int:
    from crossbrief.runners.stories import local_signer, run_stories

    _refuse_output_over_inputs(args.output, args.inputs)
    _refuse_output_nowhere(args.output)
    if args.state:
        _refuse_output_over_inputs(args.state, args.inputs, what="state file")
        if args.output != "-" and _same_file(args.state, args.output):
            raise UsageError(f"{args.output}: the output file is the state file; write elsewhere")
        if Path(args.state).is_dir():
            raise UsageError(f"{args.state}: a folder, not a state file")
    _at_least("--workers", args.workers)
    if args.engine == "ray":
        from crossbrief.runners.ray_stories import ray_signer

        signer = ray_signer(args.address)
    else:
        if args.address:
            raise UsageError("--address is for --engine ray")
        from crossbrief.runners.batch import default_workers

        signer = local_signer(args.workers or default_workers())
    try:
        run = run_stories(args.inputs, args.output, state=args.state, signer=signer, progress=not args.quiet)
    finally:
        close = getattr(signer, "close", None)
        if close is not None:
            close()
    for problem in run.problems:
        _say(("warning: " if not problem.fatal else "skipped ") + str(problem))
    if run.undated:
        _say(f"note: {run.undated:,} articles have no date: grouped by their content alone")
    _say(run.summary())
    if any(p.internal for p in run.problems):
        return EXIT_BUG
    if not run.articles and not run.duplicates:
        return EXIT_UNUSABLE
    return EXIT_SKIPPED if run.skipped else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crossbrief",
        description="Turn many news articles about one story into one cited, cross-checked brief.",
        epilog="Exit codes: 0 ok; 1 done with skipped inputs; 2 nothing usable or bad usage; 3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"crossbrief {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("brief", help="brief a bundle of articles about one story (or print a stored story's)")
    p.add_argument("inputs", nargs="*", metavar="ARTICLES",
                   help="files (.txt .html .htm .json .jsonl), folders, - for standard input, or http(s) URLs")
    p.add_argument("--story", metavar="ID", help="print the stored brief of this story (see crossbrief ingest)")
    p.add_argument("--db", metavar="PATH", help="the store, with --story (default: crossbrief.db here)")
    p.add_argument("--words", type=int, default=None, help="summary word budget (default 200)")
    p.add_argument("--format", choices=FORMATS, help="output format (default: from -o's suffix, else md)")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.add_argument("--no-facts", action="store_true", help="skip figures, quotes, entities and timeline")
    p.add_argument("--keep-all", action="store_true",
                   help="use articles found to be about another story (or not articles) for the summary too "
                        "(by default they are left out; the brief lists them with the reason either way)")
    p.add_argument("--allow-private", action="store_true",
                   help="fetch URLs from private, loopback and link-local addresses too (also "
                        f"{settings.ALLOW_PRIVATE_ENV}=1)")
    p.set_defaults(func=cmd_brief)

    p = sub.add_parser("ingest", help="add articles, pages, feeds and OPML lists of feeds to the store; "
                                      "group them into stories and rebuild those stories' briefs")
    p.add_argument("sources", nargs="+", metavar="SOURCES",
                   help="files, folders, JSONL, page URLs, RSS/Atom feed URLs or files, OPML files of feeds")
    p.add_argument("--db", metavar="PATH", help="the store (default: crossbrief.db here; created when missing)")
    p.add_argument("--allow-private", action="store_true",
                   help="fetch from private, loopback and link-local addresses too (also "
                        f"{settings.ALLOW_PRIVATE_ENV}=1)")
    p.add_argument("--no-briefs", action="store_true", help="store and group only; do not rebuild briefs")
    p.add_argument("--no-analysis", action="store_true",
                   help="do not parse and analyse new articles now (faster; each brief then analyses its "
                        "articles the first time it needs them)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("export", help="a stored story's brief as md, json or html")
    p.add_argument("--story", metavar="ID", required=True)
    p.add_argument("--format", choices=FORMATS, help="output format (default: from -o's suffix, else md)")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.add_argument("--db", metavar="PATH", help="the store (default: crossbrief.db here)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("stories-list", help="the stored stories, latest first: id, size, first date, brief, label")
    p.add_argument("--db", metavar="PATH", help="the store (default: crossbrief.db here)")
    p.add_argument("--limit", type=int, default=None)
    p.set_defaults(func=cmd_stories_list)

    p = sub.add_parser("search", help="full-text search of the stored articles (title and text)")
    p.add_argument("query", nargs="+", metavar="WORDS", help="words that must all occur")
    p.add_argument("--db", metavar="PATH", help="the store (default: crossbrief.db here)")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("feeds", help="the store's feeds: add, list or remove")
    p.add_argument("action", choices=("add", "list", "remove"))
    p.add_argument("urls", nargs="*", metavar="URL")
    p.add_argument("--db", metavar="PATH", help="the store (default: crossbrief.db here)")
    p.set_defaults(func=cmd_feeds)

    p = sub.add_parser("watch", help="poll the store's feeds (and those given) politely, ingesting what is new")
    p.add_argument("feeds", nargs="?", metavar="FEEDS.txt|OPML",
                   help="feeds to add to the store first: one URL a line, or an OPML file")
    p.add_argument("--every", default="15m", help="check each feed at most this often (default 15m; 90s, 2h, 1d)")
    p.add_argument("--db", metavar="PATH", help="the store (default: crossbrief.db here; created when missing)")
    p.add_argument("--allow-private", action="store_true",
                   help="fetch from private, loopback and link-local addresses too (also "
                        f"{settings.ALLOW_PRIVATE_ENV}=1)")
    p.add_argument("--once", action="store_true", help="one round, then exit (for cron and tests)")
    p.add_argument("--no-briefs", action="store_true", help="store and group only; do not rebuild briefs")
    p.set_defaults(func=cmd_watch)

    p = sub.add_parser("serve", help="serve the store's stories, briefs and articles as web pages and a JSON API")
    p.add_argument("--db", metavar="PATH", help="the store (default: crossbrief.db here)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free port)")
    p.add_argument("--request-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="close a connection whose request has not fully arrived this long after it opened or "
                        "after the previous response (default 10; slow or stalled clients)")
    p.add_argument("--max-connections", type=int, default=1000, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("analyze", aliases=["analyse"], help="figures, quotes, entities and dates of one article")
    p.add_argument("input", metavar="FILE")
    p.add_argument("--format", choices=("md", "json"), default=None)
    p.add_argument("-o", "--output")
    p.add_argument("--allow-private", action="store_true",
                   help="fetch a URL from a private, loopback or link-local address too (also "
                        f"{settings.ALLOW_PRIVATE_ENV}=1)")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("batch", help="summarise many clusters from a JSONL file")
    p.add_argument("input", metavar="IN.jsonl[.gz]",
                   help='one cluster a line: {"id"?, "documents": ["text", ...]} (plain or gzip)')
    p.add_argument("-o", "--output", required=True, metavar="OUT.jsonl")
    p.add_argument("--words", type=int, default=None, help="word budget (default: the tuned length policy)")
    p.add_argument("--workers", type=int, default=None,
                   help="processes summarising clusters in parallel (default: one per CPU core)")
    p.add_argument("--precise-citations", action="store_true",
                   help="cite, and test summary sentences for repeats, with MiniLM as `brief` does "
                        "(about 10x slower) instead of the fast static encoder")
    p.add_argument("--readable", action="store_true",
                   help="apply `brief`'s rules for readers: a sentence opening with a pronoun only right after "
                        "the one before it in its article, no cut-off last sentence (costs ~0.6 ROUGE-1 on Multi-News)")
    p.add_argument("--cite-all", action="store_true",
                   help="add 'alignments': for every sentence of every document, the other documents that report it "
                        "('also') or report it with other figures ('differ'), each with its supporting sentence")
    p.add_argument("--keep-all", action="store_true",
                   help="use documents found to be off-topic (listed in 'off_topic' with the reason) for the "
                        "summary too; by default they are left out")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("stories", help="group a stream of articles into stories (events), optionally adding "
                                       "to a saved state")
    p.add_argument("inputs", nargs="+", metavar="ARTICLES",
                   help='files, folders or JSONL of {"id", "text", "title"?, "date"?, "url"?, "outlet"?}, in '
                        "the order they arrived")
    p.add_argument("-o", "--output", required=True, metavar="OUT.jsonl",
                   help="one line per article, then one per story they are in (- for standard output)")
    p.add_argument("--state", metavar="STATE", help="a state file: its stories are extended, then it is saved "
                                                   "(created when missing; written atomically)")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="where per-article work runs: this process, or Ray Data (needs the [ray] extra)")
    p.add_argument("--address", help="the Ray cluster to use (default: a local one on 127.0.0.1)")
    p.add_argument("--workers", type=int, default=None,
                   help="processes cleaning and signing articles (default: one per CPU core)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_stories)

    p = sub.add_parser("eval", help="ROUGE of crossbrief and baselines on clusters with reference summaries "
                                    "(needs the [train] extra)")
    p.add_argument("input", metavar="IN.jsonl[.gz]")
    p.add_argument("--words", type=int, default=None,
                   help="word budget for every system (default: crossbrief's tuned length policy, per cluster)")
    p.add_argument("--limit", type=int, default=None, help="only the first K clusters")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("train", help="train the sentence selector on Multi-News training clusters "
                                     "(needs the [train] extra)")
    p.add_argument("input", metavar="TRAIN.jsonl[.gz]")
    p.add_argument("-o", "--output", default="selector.json",
                   help="model file to write (default: selector.json here); brief, batch and eval use it "
                        f"when {settings.SELECTOR_ENV} is set to its path")
    p.add_argument("--limit", type=int, default=None,
                   help="fit on the first K clusters (default: the shipped model's 24,500); the 500 after "
                        "them tune the length policy, so the file needs K + 500 usable clusters")
    p.set_defaults(func=cmd_train)
    return parser


def main(argv: list[str] | None = None) -> int:
    if sys.stdout is None:
        sys.stdout = _ClosedStandardOutput()
    args = build_parser().parse_args(argv)
    debug = settings.current().debug
    configure_logging(debug)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing left to report.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except CrossbriefError as err:
        # InputError, UsageError, ModelFileError: the message names the input, option or model
        # file, and the problem, in one line.
        _say(_first_line(err, _names(args)))
        return err.exit_code
    except OSError as err:
        # Files we cannot read or write, and the like: the user's to fix, not a bug.
        name = getattr(err, "filename", None)
        problem = err.strerror or _first_line(err, _names(args))
        _say(f"{name}: {problem}" if name and str(name) not in problem else problem)
        return EXIT_UNUSABLE
    except Exception as err:  # noqa: BLE001 - the last line of defence: a bug, never a bare traceback
        if debug:
            traceback.print_exc(file=sys.stderr)
        hint = "" if debug else " (set CROSSBRIEF_DEBUG=1 for the traceback)"
        _say(f"internal error: {type(err).__name__}: {_first_line(err, _names(args))}{hint}")
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
