"""A brief as JSON: `crossbrief.model.schema.brief_to_dict`, dumped (docs/json-schema.md)."""

from __future__ import annotations

import json

from crossbrief.model import Brief
from crossbrief.model.schema import brief_to_dict


def to_json(brief: Brief, indent: int | None = 2, *, raw_text: bool = False) -> str:
    """The brief's JSON (schema_version 2); `raw_text=True` keeps each article's text as read."""
    return json.dumps(brief_to_dict(brief, raw_text=raw_text), ensure_ascii=False, indent=indent)
