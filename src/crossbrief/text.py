"""Showing untrusted text on one line: input names and messages that may hold control characters.

A name given by the user (a path, a URL, a JSON line's position) or a message quoting an input may
hold a newline, an ANSI escape, a bidirectional override or a lone surrogate (a file name that is
not UTF-8). Printed raw, it would break the one-line report, recolour the terminal or reorder the
text. `visible` escapes those characters, and only those, as Python writes them (`\\n`, `\\x1b`).
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, bidirectional marks, overrides and isolates, line and paragraph
# separators, lone surrogates.
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character (see CONTROLS) shown as an escape: one inert line."""
    return CONTROLS.sub(_escape, text)
