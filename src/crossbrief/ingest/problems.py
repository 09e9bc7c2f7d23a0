"""Problems as ingest reports them: input names shown safely, one line each, and not too many.

A name given by the user (a path, a URL, a JSON line's position) may hold control characters
(a newline, an ANSI escape) or lone surrogates (a file name that is not UTF-8); printed raw they
would break the one-line report or the terminal, so `shown` escapes them (and only them) as
Python's repr does. `summarised` keeps the first few problems of one input and counts the rest.
"""

from __future__ import annotations

import re

from crossbrief.model import Problem

MAX_PROBLEMS_PER_INPUT = 5
MAX_MESSAGE_CHARS = 300


# C0 and C1 controls, DEL, bidirectional marks, overrides and isolates, line and paragraph
# separators, lone surrogates: what could break a line, recolour a terminal or reorder the text.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(name: str) -> str:
    """`name` with its control characters (see _CONTROLS) escaped as Python writes them (\\n, \\x1b)."""
    return _CONTROLS.sub(_escape, name)


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
    )
    return [*problems[:limit], more]
