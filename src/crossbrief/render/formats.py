"""Deprecated: import `to_markdown`, `to_html` and `to_json` from `crossbrief.render`."""

from crossbrief.render import to_html, to_json, to_markdown

__all__ = ["to_html", "to_json", "to_markdown"]
