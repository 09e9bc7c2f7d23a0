"""Problems as ingest reports them: input names shown safely, one line each, and not too many.

A name given by the user (a path, a URL, a JSON line's position) may hold control characters
(a newline, an ANSI escape) or lone surrogates (a file name that is not UTF-8); printed raw they
would break the one-line report or the terminal, so `shown` escapes them (and only them) as
Python's repr does. `summarised` keeps the first few problems of one input and counts the rest.
"""

from __future__ import annotations

import unicodedata

from crossbrief.model import Problem

MAX_PROBLEMS_PER_INPUT = 5
MAX_MESSAGE_CHARS = 300


def _escape(char: str) -> str:
    code = ord(char)
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    if char == "\t":
        return "\\t"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shown(name: str) -> str:
    """`name` with its control characters, line separators and lone surrogates escapes (\\n, \\x1b)."""
    if name.isprintable():
        return name
    return "".join(
        _escape(c) if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") else c for c in name
    )


def one_line(message: str) -> str:
    """`message` as one printable line, cut to MAX_MESSAGE_CHARS."""
    message = shown(message.strip())
    return message if len(message) <= MAX_MESSAGE_CHARS else message[: MAX_MESSAGE_CHARS - 1] + "…"


def problem(name: str, message: str, fatal: bool = True) -> Problem:
    return Problem(shown(name), one_line(message), fatal=fatal)


def summarised(problems: list[Problem], name: str, limit: int = MAX_PROBLEMS_PER_INPUT) -> list[Problem]:
    """The first `limit` problems of the input `name`, then one Problem counting the rest."""
    if len(problems) <= limit + 1:
        return problems
    rest = problems[limit:]
    more = Problem(
        shown(name), f"... and {len(rest):,} more problems in {shown(name)}", fatal=any(p.fatal for p in rest)
    )
    return [*problems[:limit], more]
