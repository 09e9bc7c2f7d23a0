"""The errors crossbrief raises on purpose. Anything else that escapes is a bug (CLI exit 3).

    CrossbriefError
    ├── InputError       one input (file, URL, JSON object, cluster) cannot be used
    ├── ModelFileError   a shipped or trained model file cannot be used
    └── UsageError       the caller asked for something impossible (bad option, bad value)
"""

from __future__ import annotations


class CrossbriefError(Exception):
    """Base of every error crossbrief raises deliberately; the message is one line for the user."""


class InputError(CrossbriefError):
    """An input that cannot be used; the message is one line for the user."""


class ModelFileError(CrossbriefError):
    """A shipped or trained model file cannot be used (the message names the file)."""


class UsageError(CrossbriefError):
    """A bad option or argument value (the message names it)."""
