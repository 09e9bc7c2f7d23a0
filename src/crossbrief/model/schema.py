"""A brief's JSON document, in one place: `brief_to_dict` and `brief_from_dict` (docs/json-schema.md).

The document leads with its `schema_version`. Articles are referred to by id everywhere; their
order in `articles` gives the numbers a reader sees ([1], [2], ...). An article's `raw_text` (its
text as read, before cleaning) is left out unless asked for: the clean `text` and the `removed`
lines are what the brief shows, and a page as read can be many times longer.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from crossbrief.model.brief import Brief
from crossbrief.model.serialise import from_plain, to_plain

SCHEMA_VERSION = 2  # the shape of a brief's JSON; 1 was unversioned, with article positions
_BRIEF_ORDER = ["version", "words", "summary", "articles", "problems", "facts"]  # then any other field


def brief_to_dict(brief: Brief, *, raw_text: bool = False) -> dict[str, Any]:
    """The brief as JSON-ready data, led by its `schema_version` (docs/json-schema.md).

    Articles are referred to by id everywhere; their order in `articles` gives the numbers a
    reader sees ([1], [2], ...). `raw_text=True` keeps each article's text as read, for a copy
    that `brief_from_dict` turns back into an equal `Brief`."""
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    names = [f.name for f in dataclasses.fields(brief) if not f.name.startswith("_")]
    for name in sorted(names, key=lambda n: _BRIEF_ORDER.index(n) if n in _BRIEF_ORDER else len(_BRIEF_ORDER)):
        data[name] = to_plain(getattr(brief, name))
    if not raw_text:
        for article in data.get("articles", []):
            article.pop("raw_text", None)
    return data


def brief_from_dict(data: dict[str, Any]) -> Brief:
    """The `Brief` that `brief_to_dict` wrote (an article written without its `raw_text` gets "").

    Raises ValueError for a document of another schema_version."""
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        found = "no schema_version (version 1)" if version is None else f"schema_version {version!r}"
        raise ValueError(f"cannot read a brief with {found}: this crossbrief reads schema_version {SCHEMA_VERSION}")
    articles = [{"raw_text": "", **article} for article in data.get("articles", [])]
    return from_plain(Brief, {**data, "articles": articles})
