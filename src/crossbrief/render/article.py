"""One article's analysis (entities, figures, quotes, dates) as JSON-ready data or Markdown.

What `crossbrief analyze FILE --format json|md` prints, for an article the analyse stage has
filled (see docs/facts.md for the fields). In Markdown every article-derived string is escaped
(render.markdown.md_text): no HTML, link or control character from the article is live.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from crossbrief.model import Article
from crossbrief.model.serialise import to_plain
from crossbrief.render.markdown import md_text


def article_facts(article: Article) -> dict[str, Any]:
    """The analysis of one article as plain data: source, title, outlet, date, entities (name,
    label, mentions) and the lists of mentions, figures, quotes and dates."""
    counts = Counter((m.canonical, m.label) for m in article.mentions)
    return {
        "source": article.source,
        "title": article.title,
        "outlet": article.outlet,
        "date": article.date,
        "entities": [{"name": n, "label": label, "mentions": c} for (n, label), c in counts.most_common()],
        "mentions": to_plain(article.mentions),
        "figures": to_plain(article.figures),
        "quotes": to_plain(article.quotes),
        "dates": to_plain(article.dates),
    }


def article_markdown(article: Article) -> str:
    """The analysis of one article as Markdown."""
    data = article_facts(article)
    lines = [f"# {md_text(article.title or article.label)}", ""]
    lines += ["## People, organisations and places", ""]
    lines += [
        f"- {md_text(e['name'])} ({md_text(e['label'])}): {e['mentions']}" for e in data["entities"]
    ] or ["*None found.*"]
    lines += ["", "## Figures", ""]
    for f in article.figures:
        bits = [f"**{md_text(f.text)}**", md_text(f.counted or ""), f"[{md_text(f.kind)}]"]
        extra = [md_text(x) for x in (f.event, f.place, f.time, f"source: {f.source}" if f.source else "") if x]
        lines.append("- " + " ".join(b for b in bits if b) + (f" — {'; '.join(extra)}" if extra else ""))
    if not article.figures:
        lines.append("*None found.*")
    lines += ["", "## Quotes", ""]
    for q in article.quotes:
        lines.append(f"- “{md_text(q.text)}” — {md_text(q.speaker or 'unattributed')}")
    if not article.quotes:
        lines.append("*None found.*")
    lines += ["", "## Dates", ""]
    for d in article.dates:
        lines.append(f"- {md_text(d.text)}: {md_text(d.value or 'unresolved')}")
    if not article.dates:
        lines.append("*None found.*")
    return "\n".join(lines) + "\n"
