"""A brief as Markdown: summary with citation marks, cross-source facts, sources, cleaning."""

from __future__ import annotations

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
)


def to_markdown(brief: Brief) -> str:
    numbers = SourceNumbers(brief.articles)
    lines: list[str] = [f"# {headline(brief)}", ""]
    outlets = ", ".join(a.label for a in brief.articles)
    lines += [f"*{len(brief.articles)} articles ({outlets}); summary of {brief.summary_words} words.*", ""]
    lines += ["## Summary", ""]
    if not brief.summary:
        lines += ["*No summary: no usable sentences.*", ""]
    for s in brief.summary:
        line = f"{s.text} {''.join(f'[{numbers(i)}]' for i in s.cites)}"
        if s.differ:
            line += f" *(other figures in {''.join(f'[{numbers(i)}]' for i in s.differ)})*"
        lines += [line, ""]
    if brief.facts is not None:
        lines += [facts_to_markdown(brief).rstrip(), ""]
    off = [(n, a) for n, a in enumerate(brief.articles, 1) if not a.on_topic]
    if off:
        lines += ["## Possibly about another story", ""]
        for n, a in off:
            lines.append(f"- [{n}] {a.label}: {a.off_topic_reason}")
        lines.append("")
    lines += ["## Sources", ""]
    for n, a in enumerate(brief.articles, 1):
        lines.append(f"{n}. {_source_line(a)}")
    lines.append("")
    cleaned = [(n, a) for n, a in enumerate(brief.articles, 1) if a.removed]
    if cleaned:
        lines += ["## Cleaning", ""]
        for n, a in cleaned:
            counts = ", ".join(f"{k} {reason}" for reason, k in removal_counts(a).most_common())
            removed = len(a.removed)
            lines.append(f"- [{n}] removed {removed} line{'s' if removed != 1 else ''}: {counts}")
        lines.append("")
    if brief.problems:
        lines += ["## Inputs not used", ""]
        for p in brief.problems:
            lines.append(f"- `{p.input}`: {p.message}")
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
        lines.append(f"- **{speaker.speaker or 'Unattributed'}** {marks(speaker.articles)}")
        for g in speaker.groups:
            # One quote per bullet; the other outlets' wordings of it nested beneath.
            first, *others = g.versions
            lines.append(f"  - “{one_line(first.text)}” [{numbers(first.article)}]")
            lines += [f"    - “{one_line(v.text)}” [{numbers(v.article)}]" for v in others]
    if not speakers:
        lines.append("*No direct quotations.*")
    lines.append("")
    lines += ["## People, organisations and places", ""]
    entities = [e for e in facts.entities if e.total >= 2][:20]
    for e in entities:
        per = ", ".join(f"[{numbers(k)}] {n}" for k, n in e.by_article.items())
        lines.append(f"- **{e.name}** ({LABEL_NAMES.get(e.label, e.label)}): {e.total} mentions — {per}")
    if not entities:
        lines.append("*No entity is mentioned more than once.*")
    lines.append("")
    lines += ["## Timeline", ""]
    for t in facts.timeline:
        lines.append(f"- **{t.date}** ({t.when}): {one_line(t.text)} {marks(t.articles)}")
    if not facts.timeline:
        lines.append("*No dated events.*")
    lines.append("")
    lines += ["## Only in one outlet", ""]
    for s in facts.single_source:
        what = f"“{one_line(s.text)}” — {s.detail}" if s.kind == "quote" else f"{s.text} ({s.detail})"
        lines.append(f"- {numbers.label(s.article)} [{numbers(s.article)}]: {what}")
    if not facts.single_source:
        lines.append("*Nothing notable is reported by one outlet alone.*")
    return "\n".join(lines).rstrip() + "\n"


def _figure_line(group: FigureGroup, marks: Callable[[Iterable[str]], str]) -> str:
    parts = []
    for v in figure_variants(group):
        text = f"{v.phrase} {marks(v.articles)}"
        if v.sources:
            text += " (" + "; ".join(f"{s} {marks(a)}" for s, a in v.sources.items()) + ")"
        parts.append(text)
    where = f" — {group.place}" if group.place else ""
    whose = f" — toll by {group.source}" if group.source else ""
    return f"- **{group.label}**{where}{whose}: *{group.status}* — " + "; ".join(parts)


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
