"""The `crossbrief` command line.

Exit codes (also in the README):
  0  done; every input was used
  1  done, but some inputs were skipped (each named on standard error)
  2  nothing usable, or bad usage
  3  an internal error (a bug: please report it; CROSSBRIEF_DEBUG=1 shows the traceback)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from crossbrief import __version__
from crossbrief.errors import CrossbriefError, ModelFileError

EXIT_OK, EXIT_SKIPPED, EXIT_UNUSABLE, EXIT_BUG = 0, 1, 2, 3
FORMATS = ("md", "json", "html")


def _say(message: str) -> None:
    print(f"crossbrief: {message}", file=sys.stderr)


def _write(text: str, output: str | None) -> None:
    if output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    Path(output).write_text(text, encoding="utf-8")


def _format_for(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
    return {"markdown": "md", "htm": "html"}.get(suffix, suffix) if suffix in (*FORMATS, "markdown", "htm") else "md"


def cmd_brief(args: argparse.Namespace) -> int:
    from crossbrief.pipeline import brief

    if args.words is not None and args.words < 10:
        _say(f"--words {args.words}: the budget must be at least 10 words")
        return EXIT_UNUSABLE
    result = brief(args.inputs, words=args.words or 200, facts=not args.no_facts)
    for problem in result.problems:
        _say(("warning: " if not problem.fatal else "skipped ") + str(problem))
    if not result.articles:
        _say("no usable articles: nothing to brief")
        return EXIT_UNUSABLE
    fmt = _format_for(args)
    from crossbrief.render.formats import to_html, to_json, to_markdown

    rendered = {"md": to_markdown, "json": to_json, "html": to_html}[fmt](result)
    _write(rendered if rendered.endswith("\n") else rendered + "\n", args.output)
    if args.output and args.output != "-":
        _say(f"wrote {fmt} brief of {len(result.articles)} articles to {args.output}")
    return EXIT_SKIPPED if any(p.fatal for p in result.problems) else EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    from crossbrief.stages.analyse import analyse_command

    return analyse_command(args.input, args.format or "md", output=args.output)


def _data_errors(run):
    """Run a data command; unreadable or malformed data files are the user's to fix: one line."""
    import zlib

    def wrapped(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except (ValueError, EOFError, zlib.error, CrossbriefError) as err:

            line = (str(err).splitlines() or [type(err).__name__])[0]
            _say(line if isinstance(err, ModelFileError) else f"{args.input}: {line}")
            return EXIT_UNUSABLE

    return wrapped


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve() or (Path(b).exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _positive(option: str, value: int | None, least: int = 1) -> bool:
    """Is an optional numeric option absent or at least `least`? (Says so in one line if not.)"""
    if value is None or value >= least:
        return True
    _say(f"{option} {value}: must be at least {least}")
    return False


@_data_errors
def cmd_batch(args: argparse.Namespace) -> int:
    from crossbrief.runners.batch import run_batch

    if args.words is not None and args.words < 10:
        _say(f"--words {args.words}: the budget must be at least 10 words")
        return EXIT_UNUSABLE
    if args.workers is not None and args.workers < 1:
        _say(f"--workers {args.workers}: need at least 1")
        return EXIT_UNUSABLE
    if _same_file(args.input, args.output):
        _say(f"{args.output}: the output file is the input file; write elsewhere")
        return EXIT_UNUSABLE
    from crossbrief.runners.batch import default_workers

    workers = args.workers or default_workers()
    try:
        return run_batch(
            args.input,
            args.output,
            args.words,
            workers=workers,
            precise_citations=args.precise_citations,
            readable=args.readable,
        )
    except RuntimeError as err:
        _say(str(err))
        return EXIT_BUG


@_data_errors
def cmd_eval(args: argparse.Namespace) -> int:
    from crossbrief.learn.evaluate import run_eval

    if not (_positive("--words", args.words, 10) and _positive("--limit", args.limit)):
        return EXIT_UNUSABLE
    result = run_eval(args.input, args.words, args.limit)
    if not result.get("clusters"):
        _say(f"{args.input}: no cluster could be scored (each line must be a JSON object with "
             "'documents' and a reference 'summary' or 'references')")
        return EXIT_UNUSABLE
    return EXIT_SKIPPED if result.get("skipped") else EXIT_OK


@_data_errors
def cmd_train(args: argparse.Namespace) -> int:
    from crossbrief.learn.train import train

    if not _positive("--limit", args.limit):
        return EXIT_UNUSABLE
    output = Path(args.output)
    if output.is_dir() or not output.parent.is_dir():
        _say(f"{args.output}: cannot write the model there (a folder, or its folder does not exist)")
        return EXIT_UNUSABLE
    options = {"limit": args.limit} if args.limit is not None else {}
    path = train(args.input, out_path=output, **options)
    _say(f"wrote model to {path}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crossbrief",
        description="Turn many news articles about one story into one cited, cross-checked brief.",
        epilog="Exit codes: 0 ok; 1 done with skipped inputs; 2 nothing usable or bad usage; 3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"crossbrief {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("brief", help="brief a bundle of articles about one story")
    p.add_argument("inputs", nargs="+", metavar="ARTICLES",
                   help="files (.txt .html .htm .json .jsonl), folders, - for standard input, or http(s) URLs")
    p.add_argument("--words", type=int, default=None, help="summary word budget (default 200)")
    p.add_argument("--format", choices=FORMATS, help="output format (default: from -o's suffix, else md)")
    p.add_argument("-o", "--output", help="write to this file instead of standard output")
    p.add_argument("--no-facts", action="store_true", help="skip figures, quotes, entities and timeline")
    p.set_defaults(func=cmd_brief)

    p = sub.add_parser("analyze", aliases=["analyse"], help="figures, quotes, entities and dates of one article")
    p.add_argument("input", metavar="FILE")
    p.add_argument("--format", choices=("md", "json"), default=None)
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("batch", help="summarise many clusters from a JSONL file")
    p.add_argument("input", metavar="IN.jsonl[.gz]")
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
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("eval", help="ROUGE of crossbrief and baselines on clusters with reference summaries")
    p.add_argument("input", metavar="IN.jsonl[.gz]")
    p.add_argument("--words", type=int, default=None,
                   help="word budget for every system (default: crossbrief's tuned length policy, per cluster)")
    p.add_argument("--limit", type=int, default=None, help="only the first K clusters")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("train", help="train the sentence selector on Multi-News training clusters")
    p.add_argument("input", metavar="TRAIN.jsonl[.gz]")
    p.add_argument("-o", "--output", default="selector.json",
                   help="model file to write (default: selector.json here); brief, batch and eval use it "
                        "when CROSSBRIEF_SELECTOR is set to its path")
    p.add_argument("--limit", type=int, default=None,
                   help="fit on the first K clusters (default: the shipped model's 24,500); the 500 after "
                        "them tune the length policy, so the file needs K + 500 usable clusters")
    p.set_defaults(func=cmd_train)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing left to report.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except CrossbriefError as err:
        _say(str(err).splitlines()[0] if str(err) else type(err).__name__)
        return EXIT_UNUSABLE
    except OSError as err:
        # Output files we cannot write, and the like: the user's to fix, not a bug.
        _say(f"{getattr(err, 'filename', '') or ''}: {err.strerror or err}".lstrip(": "))
        return EXIT_UNUSABLE
    except Exception as err:  # noqa: BLE001 - the last line of defence: never a traceback
        if os.environ.get("CROSSBRIEF_DEBUG"):
            raise
        first_line = (str(err).splitlines() or [""])[0]
        _say(f"internal error: {type(err).__name__}: {first_line} (set CROSSBRIEF_DEBUG=1 for details)")
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
