"""The errors crossbrief raises on purpose. Anything else that escapes is a bug (CLI exit 3).

    CrossbriefError      exit 2
    ├── InputError       one input (file, URL, JSON object, cluster) cannot be used
    ├── ModelFileError   a shipped or trained model file cannot be used
    └── UsageError       the caller asked for something impossible (bad option, bad value)

The message is one line for the user, naming the input, model file or option and the problem;
the CLI prints it as it is ("crossbrief: MESSAGE") and exits with the class's `exit_code`.
"""

from __future__ import annotations

from typing import ClassVar


class CrossbriefError(Exception):
    """Base of every error crossbrief raises deliberately; the message is one line for the user."""

    exit_code: ClassVar[int] = 2  # the CLI's: nothing usable, or bad usage


class InputError(CrossbriefError):
    """An input that cannot be used; the message is one line for the user."""


class ModelFileError(CrossbriefError):
    """A shipped or trained model file cannot be used (the message names the file)."""


class UsageError(CrossbriefError):
    """A bad option or argument value (the message names it)."""
