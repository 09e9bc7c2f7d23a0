"""Render a Brief as Markdown, JSON or one self-contained HTML page.

All three read the same `Brief`; nothing here computes content. Cross-source facts (figures,
quotes, entities, timeline) are rendered by their own functions so each output shows the same
sections. The HTML page escapes every piece of article-derived text (Jinja2 autoescape) and has
no external assets: styles are inline, and links point only at the sources' own URLs.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crossbrief.model import Article, Brief


def _marks(indices: list[int]) -> str:
    return "".join(f"[{i + 1}]" for i in indices)


def headline(brief: Brief) -> str:
    """A title for the brief: the title of the article the summary opens with, else the first."""
    by_index = {a.index: a for a in brief.articles}
    if brief.summary and by_index.get(brief.summary[0].article) and by_index[brief.summary[0].article].title:
        return by_index[brief.summary[0].article].title
    for article in brief.articles:
        if article.title:
            return article.title
    return "Brief"


def _source_line(article: Article) -> str:
    parts = [f"**{article.label}**"]
    if article.title and article.title != article.label:
        parts.append(f"*{article.title}*")
    if article.date:
        parts.append(article.date)
    if article.url:
        parts.append(f"<{article.url}>")
    elif article.source and article.source != article.label:
        parts.append(f"`{article.source}`")
    return " — ".join(parts)


def removal_counts(article: Article) -> Counter[str]:
    return Counter(r.reason for r in article.removed)


def to_markdown(brief: Brief) -> str:
    lines: list[str] = [f"# {headline(brief)}", ""]
    outlets = ", ".join(a.label for a in brief.articles)
    lines += [f"*{len(brief.articles)} articles ({outlets}); summary of {brief.summary_words} words.*", ""]
    lines += ["## Summary", ""]
    if not brief.summary:
        lines += ["*No summary: no usable sentences.*", ""]
    for s in brief.summary:
        line = f"{s.text} {_marks(s.cites)}"
        if s.differ:
            line += f" *(other figures in {_marks(s.differ)})*"
        lines += [line, ""]
    facts = facts_markdown(brief)
    if facts:
        lines += [facts.rstrip(), ""]
    off = [a for a in brief.articles if not a.on_topic]
    if off:
        lines += ["## Possibly about another story", ""]
        for a in off:
            lines.append(f"- [{a.index + 1}] {a.label}: {a.off_topic_reason}")
        lines.append("")
    lines += ["## Sources", ""]
    for a in brief.articles:
        lines.append(f"{a.index + 1}. {_source_line(a)}")
    lines.append("")
    cleaned = [a for a in brief.articles if a.removed]
    if cleaned:
        lines += ["## Cleaning", ""]
        for a in cleaned:
            counts = ", ".join(f"{n} {reason}" for reason, n in removal_counts(a).most_common())
            n = len(a.removed)
            lines.append(f"- [{a.index + 1}] removed {n} line{'s' if n != 1 else ''}: {counts}")
        lines.append("")
    if brief.problems:
        lines += ["## Inputs not used", ""]
        for p in brief.problems:
            lines.append(f"- `{p.input}`: {p.message}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_json(brief: Brief, indent: int | None = 2) -> str:
    return json.dumps(brief.to_dict(), ensure_ascii=False, indent=indent)


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("crossbrief.render", "templates"),
        autoescape=True,  # every article-derived string is escaped
        trim_blocks=True,
        lstrip_blocks=True,
    )


def to_html(brief: Brief) -> str:
    speakers = []
    if brief.facts:
        from crossbrief.facts.cross import quotes_by_speaker
        from crossbrief.model.serialise import to_plain

        speakers = quotes_by_speaker((to_plain(brief.facts) or {}).get("quotes") or [])
    return _environment().get_template("brief.html").render(
        brief=brief,
        headline=headline(brief),
        removal_counts=removal_counts,
        facts=brief.facts,
        speakers=speakers,
        by_index={a.index: a for a in brief.articles},
    )


# -- cross-source facts ---------------------------------------------------------------------------
def facts_markdown(brief: Brief) -> str:
    """Markdown sections for the cross-source facts (figures, quotes, entities, timeline)."""
    if not brief.facts:
        return ""
    from crossbrief.facts.cross import facts_to_markdown

    return facts_to_markdown(brief)
