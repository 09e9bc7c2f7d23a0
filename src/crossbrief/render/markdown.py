"""A brief as Markdown: summary with citation marks, cross-source facts, sources, cleaning.

Every piece of article-derived text (titles, outlet names, paths, sentences, quotes, figures,
names, problems) goes through `md_text`, which makes it inert: `<`, `>` and `&` become entities
(so a `<script>` or `<img onerror=...>` in an article stays text even where the renderer allows raw
HTML), the characters that open links, code and emphasis are backslash-escaped (no `[x](javascript:...)`
link can be made from article text), whitespace is collapsed to one line and other control
characters are shown as `\\xNN`. Only an http(s) URL becomes a link (`md_url`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from crossbrief.model import Article, Brief
from crossbrief.model.facts import FigureGroup
from crossbrief.render.common import (
    LABEL_NAMES,
    SourceNumbers,
    figure_variants,
    headline,
    one_line,
    quotes_by_speaker,
    removal_counts,
    visible_controls,
)

_MD_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", **{c: "\\" + c for c in "\\`*_[]"}}
# An underscore inside a word (snake_case) opens no emphasis and is left as it is.
_MD_SPECIAL = re.compile(r"[&<>\\`*\[\]]|(?<![^\W_])_|_(?![^\W_])")
# What opens a block when a line starts with it: a heading, quote, list item, fence, table, rule.
_BLOCK_START = re.compile(r"^(?:[#>+\-=|~]|\d{1,9}(?=[.)]))")
_SAFE_URL = re.compile(r"^https?://[^\s<>\\`]+$", re.IGNORECASE)


def md_text(text: object) -> str:
    """Article-derived text as inert Markdown, on one line (see the module's docstring)."""
    flat = visible_controls(one_line(str(text)))
    return _MD_SPECIAL.sub(lambda m: _MD_ESCAPES[m.group()], flat)


def md_line(text: object) -> str:
    """`md_text` for text that opens a line: a leading `#`, `>`, `-`, `1.` ... opens no block."""
    escaped = md_text(text)
    match = _BLOCK_START.match(escaped)
    if not match:
        return escaped
    return escaped[: match.end()] + "\\" + escaped[match.end() :] if match.group()[0].isdigit() else "\\" + escaped


def md_url(url: str) -> str:
    """An http(s) URL as an autolink; anything else (javascript:, data:, a URL with spaces) as text."""
    return f"<{url}>" if _SAFE_URL.match(url) else md_text(url)


def to_markdown(brief: Brief) -> str:
    numbers = SourceNumbers(brief.articles)
    lines: list[str] = [f"# {md_text(headline(brief))}", ""]
    outlets = ", ".join(md_text(a.label) for a in brief.articles)
    lines += [f"*{len(brief.articles)} articles ({outlets}); summary of {brief.summary_words} words.*", ""]
    lines += ["## Summary", ""]
    if not brief.summary:
        lines += ["*No summary: no usable sentences.*", ""]
    for s in brief.summary:
        line = f"{md_line(s.text)} {''.join(f'[{numbers(i)}]' for i in s.cites)}"
        if s.differ:
            line += f" *(other figures in {''.join(f'[{numbers(i)}]' for i in s.differ)})*"
        lines += [line, ""]
    if brief.facts is not None:
        lines += [facts_to_markdown(brief).rstrip(), ""]
    off = [(n, a) for n, a in enumerate(brief.articles, 1) if not a.on_topic]
    if off:
        lines += ["## Possibly about another story", ""]
        if brief.keep_all:
            lines += ["*Kept in the summary's selection all the same (--keep-all):*", ""]
        else:
            lines += ["*Left out of the summary (they can still be cited; --keep-all keeps them in):*", ""]
        for n, a in off:
            lines.append(f"- [{n}] {md_text(a.label)}: {md_text(a.off_topic_reason)}")
        lines.append("")
    lines += ["## Sources", ""]
    number_of = {a.id: n for n, a in enumerate(brief.articles, 1)}
    for n, a in enumerate(brief.articles, 1):
        copy = f" — a copy of [{number_of[a.copy_of]}]" if a.copy_of in number_of else ""
        lines.append(f"{n}. {_source_line(a)}{copy}")
    lines.append("")
    cleaned = [(n, a) for n, a in enumerate(brief.articles, 1) if a.removed]
    if cleaned:
        lines += ["## Cleaning", ""]
        for n, a in cleaned:
            counts = ", ".join(f"{k} {md_text(reason)}" for reason, k in removal_counts(a).most_common())
            removed = len(a.removed)
            lines.append(f"- [{n}] removed {removed} line{'s' if removed != 1 else ''}: {counts}")
        lines.append("")
    # Skipped inputs, then caveats about inputs that were used (a bundle of one, a cut article).
    for heading, fatal in (("Inputs not used", True), ("Warnings", False)):
        listed = [p for p in brief.problems if p.fatal == fatal]
        if listed:
            lines += [f"## {heading}", ""]
            lines += [f"- {md_text(p.input)}: {md_text(p.message)}" for p in listed]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def facts_to_markdown(brief: Brief) -> str:
    """Markdown sections for the cross-source facts of a brief ("" when it has none)."""
    facts = brief.facts
    if facts is None:
        return ""
    numbers = SourceNumbers(brief.articles)

    def marks(ids: Iterable[str]) -> str:
        return "".join(f"[{numbers(i)}]" for i in numbers.in_order(ids))

    lines: list[str] = []
    multi = [g for g in facts.figures if len(g.articles) > 1]
    lines += ["## Key figures", ""]
    lines += [_figure_line(g, marks) for g in multi] or ["*No figure is reported by more than one outlet.*"]
    lines.append("")
    lines += ["## Who said what", ""]
    speakers = quotes_by_speaker(facts.quotes, numbers)
    for speaker in speakers:
        lines.append(f"- **{md_text(speaker.speaker) or 'Unattributed'}** {marks(speaker.articles)}")
        for g in speaker.groups:
            # One quote per bullet; the other outlets' wordings of it nested beneath.
            first, *others = g.versions
            lines.append(f"  - “{md_text(first.text)}” [{numbers(first.article)}]")
            lines += [f"    - “{md_text(v.text)}” [{numbers(v.article)}]" for v in others]
    if not speakers:
        lines.append("*No direct quotations.*")
    lines.append("")
    lines += ["## People, organisations and places", ""]
    entities = [e for e in facts.entities if e.total >= 2][:20]
    for e in entities:
        per = ", ".join(f"[{numbers(k)}] {n}" for k, n in e.by_article.items())
        label = md_text(LABEL_NAMES.get(e.label, e.label))
        lines.append(f"- **{md_text(e.name)}** ({label}): {e.total} mentions — {per}")
    if not entities:
        lines.append("*No entity is mentioned more than once.*")
    lines.append("")
    lines += ["## Timeline", ""]
    for t in facts.timeline:
        lines.append(f"- **{md_text(t.date)}** ({md_text(t.when)}): {md_text(t.text)} {marks(t.articles)}")
    if not facts.timeline:
        lines.append("*No dated events.*")
    lines.append("")
    lines += ["## Only in one outlet", ""]
    for s in facts.single_source:
        text, detail = md_text(s.text), md_text(s.detail)
        what = f"“{text}” — {detail}" if s.kind == "quote" else f"{text} ({detail})"
        lines.append(f"- {md_text(numbers.label(s.article)) or 'Source'} [{numbers(s.article)}]: {what}")
    if not facts.single_source:
        lines.append("*Nothing notable is reported by one outlet alone.*")
    return "\n".join(lines).rstrip() + "\n"


def _figure_line(group: FigureGroup, marks: Callable[[Iterable[str]], str]) -> str:
    parts = []
    for v in figure_variants(group):
        text = f"{md_text(v.phrase)} {marks(v.articles)}"
        if v.sources:
            text += " (" + "; ".join(f"{md_text(s)} {marks(a)}" for s, a in v.sources.items()) + ")"
        parts.append(text)
    where = f" — {md_text(group.place)}" if group.place else ""
    whose = f" — toll by {md_text(group.source)}" if group.source else ""
    return f"- **{md_text(group.label)}**{where}{whose}: *{md_text(group.status)}* — " + "; ".join(parts)


def _source_line(article: Article) -> str:
    parts = [f"**{md_text(article.label)}**"]
    if article.title and article.title != article.label:
        parts.append(f"*{md_text(article.title)}*")
    if article.date:
        parts.append(md_text(article.date))
    if article.url:
        parts.append(md_url(article.url))
    elif article.source and article.source != article.label:
        parts.append(md_text(article.source))
    return " — ".join(parts)
