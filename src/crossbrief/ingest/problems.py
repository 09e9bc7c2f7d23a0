"""Problems as ingest reports them: input names shown safely, one line each, and not too many.

A name given by the user (a path, a URL, a JSON line's position) may hold control characters
(a newline, an ANSI escape) or lone surrogates (a file name that is not UTF-8); printed raw they
would break the one-line report or the terminal, so `shown` escapes them (and only them) as
Python's repr does. `summarised` keeps the first few problems of one input and counts the rest.
"""

from __future__ import annotations

from crossbrief.model import Problem
from crossbrief.text import visible

MAX_PROBLEMS_PER_INPUT = 5
MAX_MESSAGE_CHARS = 300


def shown(name: str) -> str:
    """`name` with its control characters escaped (see `crossbrief.text.visible`)."""
    return visible(name)


def one_line(message: str) -> str:
    """`message` as one printable line, cut to MAX_MESSAGE_CHARS."""
    message = shown(message.strip())
    return message if len(message) <= MAX_MESSAGE_CHARS else message[: MAX_MESSAGE_CHARS - 1] + "…"


def problem(name: str, message: str, fatal: bool = True, internal: bool = False) -> Problem:
    """A Problem of the input `name`, its name and message shown safely on one line."""
    return Problem(shown(name), one_line(message), fatal=fatal, internal=internal)


def summarised(problems: list[Problem], name: str, limit: int = MAX_PROBLEMS_PER_INPUT) -> list[Problem]:
    """The first `limit` problems of the input `name`, then one Problem counting the rest."""
    if len(problems) <= limit + 1:
        return problems
    rest = problems[limit:]
    more = Problem(
        shown(name), f"... and {len(rest):,} more problems in {shown(name)}",
        fatal=any(p.fatal for p in rest), internal=any(p.internal for p in rest),
        count=sum(p.count for p in rest),
    )
    return [*problems[:limit], more]
