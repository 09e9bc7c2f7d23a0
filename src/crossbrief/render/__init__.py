"""Render a Brief: Markdown (markdown.py), JSON (json.py), self-contained HTML (html.py).

All three read the same typed `Brief` and compute no content; what they share (source numbers,
headline, how figures and quotes are phrased) is in common.py.
"""

from crossbrief.render.html import to_html
from crossbrief.render.json import to_json
from crossbrief.render.markdown import to_markdown

__all__ = ["to_html", "to_json", "to_markdown"]
