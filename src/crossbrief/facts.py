"""Facts across a bundle: figures matched into claims, quotes matched across outlets, entities,
a timeline and what only one outlet reports; plus their Markdown rendering.

The rules (documented with the JSON shape in docs/facts.md):

* Figures are grouped by the thing counted (normalised class: "civilians" and "people" are one),
  the event for tolls (killed, injured, displaced, ...) and the start date of the count ("since
  19 September"). Tolls compiled by different named reporters stay apart: they are different
  counts, not a conflict. Inside a bucket, figures more than a factor of two apart are different
  quantities ("8,000 fighters" in total vs "900 Nusra fighters").
* A group *agrees* when one value satisfies every outlet's statement: "about X" and "X" allow
  only X, "more than X" allows X and above, "up to X" allows 0..X, "X to Y" allows X..Y. So a
  value inside another outlet's range is compatible; 250,000 and 275,000 differ.
* Quotes are grouped when the words overlap (most of the shorter quote's words are in the
  longer) or the sentence embeddings are close, and the speakers do not contradict each other.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from typing import Any, Iterable

import numpy as np

from crossbrief.model import (
    Article,
    Brief,
    EntityCount,
    FigureClaim,
    FigureGroup,
    QuoteGroup,
    QuoteVersion,
    SingleSourceFact,
    TimelineEntry,
    _plain,
)

TOLL_EVENTS = {"killed", "injured", "displaced", "arrested", "missing"}
GROUPED_MEASURES = {"count", "percent", "money"}
MAGNITUDE_FACTOR = 3.0  # figures further apart than this are different quantities
QUOTE_MIN_WORDS = 4
QUOTE_COSINE = 0.80  # sentence-embedding similarity that makes two quotes one statement
QUOTE_OVERLAP = 0.70  # share of the shorter quote's words found in the longer
QUOTE_CANDIDATE_COSINE = 0.45  # below this, two quotes are never compared word by word
QUOTE_OVERLAP_MIN_WORDS = 5  # ... counted only when the shorter has this many words of 3+ letters
TIMELINE_COSINE = 0.60
TIMELINE_MAX = 20
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")


# -- figures -------------------------------------------------------------------------------------
def _interval(f: Any) -> tuple[float, float]:
    low = f.low if f.low is not None else 0.0
    high = f.high if f.high is not None else math.inf
    if f.kind in ("exact", "about"):
        low = high = f.value
    return low, high


def agreement(claims: Iterable[Any]) -> str:
    """"agree" when a single value is compatible with every claim's interval, else "differ"."""
    low, high = 0.0, math.inf
    for c in claims:
        lo, hi = _interval(c)
        low, high = max(low, lo), min(high, hi)
    # Half a percent of slack for rounding ("1.5 million" vs "1,496,000").
    return "agree" if low <= high * 1.005 else "differ"


def _magnitude(f: Any) -> float:
    if f.kind == "range" and f.high:
        return math.sqrt(max(f.value, 1e-9) * f.high)
    return max(f.value, 1e-9)


def _source_key(source: str) -> str:
    return re.sub(r"\W+", " ", source.lower()).strip()


def _buckets(articles: list[Article]) -> dict[tuple[str, str, str], list[Any]]:
    buckets: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for a in articles:
        seen: set[tuple[str, str, float, str]] = set()
        for f in a.figures:
            if f.measure not in GROUPED_MEASURES or f.kind == "vague" or not f.counted_key or f.value <= 0:
                continue
            key = (f.counted_key + (f"|{f.unit}" if f.unit else ""), f.event, f.since)
            dedupe = (*key[:2], f.value, f.kind)
            if dedupe in seen:  # the same figure repeated by one outlet (standfirst and body)
                continue
            seen.add(dedupe)
            buckets[key].append(f)
    return buckets


def _split_by_reporter(event: str, figures: list[Any]) -> list[tuple[str, list[Any]]]:
    """Tolls by different named reporters are different counts; unattributed ones join the only
    reporter's toll when there is just one."""
    if event not in TOLL_EVENTS:
        return [("", figures)]
    by: dict[str, list[Any]] = defaultdict(list)
    names: dict[str, str] = {}
    for f in figures:
        k = _source_key(f.source)
        by[k].append(f)
        names.setdefault(k, f.source)
    named = [k for k in by if k]
    if len(named) <= 1:
        return [(names[named[0]] if named else "", figures)]
    return [(names.get(k, ""), fs) for k, fs in by.items()]


def _clusters(figures: list[Any]) -> list[list[Any]]:
    """Single-linkage on magnitude: neighbours within MAGNITUDE_FACTOR share a cluster."""
    ordered = sorted(figures, key=_magnitude)
    out: list[list[Any]] = []
    for f in ordered:
        if out and _magnitude(f) <= _magnitude(out[-1][-1]) * MAGNITUDE_FACTOR:
            out[-1].append(f)
        else:
            out.append([f])
    return out


def _most_common(values: Iterable[str]) -> str:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else ""


def _shared(values: Iterable[str]) -> str:
    """The most common value given by at least two figures (one outlet's place may be noise)."""
    counts = Counter(v for v in values if v)
    top = counts.most_common(1)
    return top[0][0] if top and top[0][1] >= 2 else ""


def _label(figs: list[Any]) -> str:
    counted = _most_common(_head_phrase(f.counted) for f in figs) or figs[0].counted_key
    qualifier = _most_common(f.qualifier for f in figs)
    if qualifier and qualifier.lower() not in counted.lower():
        counted = f"{qualifier} {counted}"
    parts = [counted]
    if figs[0].event:
        parts.append(figs[0].event)
    time = _most_common(f.time for f in figs if f.since)
    if time:
        parts.append(time)
    return " ".join(parts)


def _head_phrase(counted: str) -> str:
    """"of them children" -> "children"; "former Nusra Front fighters" -> "fighters"."""
    words = re.findall(r"[\w'-]+", counted)
    return words[-1].lower() if words else ""


def group_figures(articles: list[Article]) -> list[FigureGroup]:
    groups: list[FigureGroup] = []
    for (counted, event, since), figures in _buckets(articles).items():
        for source, part in _split_by_reporter(event, figures):
            for cluster in _clusters(part):
                claims = [
                    FigureClaim(f.article, f.text, f.value, f.kind, f.low, f.high, f.source, f.start, f.end, f.sentence)
                    for f in sorted(cluster, key=lambda f: (f.article, f.start))
                ]
                groups.append(FigureGroup(
                    label=_label(cluster), counted=counted.split("|")[0], event=event,
                    place=_shared(f.place for f in cluster), time=_most_common(f.time for f in cluster),
                    since=since, source=source, status=agreement(cluster),
                    articles=sorted({f.article for f in cluster}), claims=claims,
                ))
    groups.sort(key=lambda g: (-len(g.articles), g.status != "differ", -max(c.value for c in g.claims)))
    return groups


# -- quotes --------------------------------------------------------------------------------------
def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9']+", text.lower().replace("’", "'")) if len(w) > 2}


def _speakers_compatible(a: Any, b: Any) -> bool:
    if not a.speaker or not b.speaker or not a.resolved_by or not b.resolved_by:
        return True
    return a.speaker.lower() == b.speaker.lower()


def group_quotes(articles: list[Article]) -> list[QuoteGroup]:
    quotes = [q for a in articles for q in a.quotes if len(q.text.split()) >= QUOTE_MIN_WORDS]
    if not quotes:
        return []
    from crossbrief.embed import get_encoder

    vectors = get_encoder().encode([q.text for q in quotes])
    words = [_words(q.text) for q in quotes]
    parent = list(range(len(quotes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sims = vectors @ vectors.T
    # Only pairs with some semantic similarity are compared word by word: quadratic work stays in numpy.
    rows, cols = np.nonzero(np.triu(sims >= QUOTE_CANDIDATE_COSINE, k=1))
    for i, j in zip(rows.tolist(), cols.tolist()):
        if quotes[i].article == quotes[j].article or not _speakers_compatible(quotes[i], quotes[j]):
            continue
        small = min(len(words[i]), len(words[j])) or 1
        overlap = len(words[i] & words[j]) / small
        if sims[i, j] >= QUOTE_COSINE or (overlap >= QUOTE_OVERLAP and small >= QUOTE_OVERLAP_MIN_WORDS):
            parent[find(i)] = find(j)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(quotes)):
        members[find(i)].append(i)
    groups = []
    for idx in members.values():
        qs = sorted((quotes[i] for i in idx), key=lambda q: (q.article, q.start))
        speaker = _most_common(q.speaker for q in qs if q.resolved_by) or _most_common(q.speaker for q in qs)
        versions = [QuoteVersion(q.article, q.text, q.start, q.end, q.speaker_text, q.partial) for q in qs]
        groups.append(QuoteGroup(speaker, sorted({q.article for q in qs}), versions))
    groups.sort(key=lambda g: (-len(g.articles), -max(len(v.text) for v in g.versions)))
    return groups


# -- entities, timeline --------------------------------------------------------------------------
def count_entities(articles: list[Article]) -> list[EntityCount]:
    counts: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    for a in articles:
        for m in a.mentions:
            if m.label in ENTITY_LABELS and m.canonical:
                counts[(m.canonical, m.label)][a.index] += 1
    out = [EntityCount(name, label, sum(c.values()), {str(k): v for k, v in sorted(c.items())}) for (name, label), c in counts.items()]
    out.sort(key=lambda e: (-len(e.by_article), -e.total, e.name))
    return out


def _sentence_text(article: Article, index: int) -> str:
    if 0 <= index < len(article.sentences):
        return article.sentences[index].text
    return ""


def build_timeline(articles: list[Article]) -> list[TimelineEntry]:
    items = []
    for a in articles:
        for d in a.dates:
            if d.value and not d.value.startswith("--") and d.granularity in ("day", "week", "month"):
                text = _sentence_text(a, d.sentence)
                if text:
                    items.append((d, a.index, text))
    if not items:
        return []
    from crossbrief.embed import get_encoder

    vectors = get_encoder().encode([t for _, _, t in items])
    entries: list[tuple[TimelineEntry, int]] = []
    for k, (d, article, text) in enumerate(items):
        for entry, first in entries:
            if entry.date == d.value and float(vectors[k] @ vectors[first]) >= TIMELINE_COSINE:
                if article not in entry.articles:
                    entry.articles.append(article)
                break
        else:
            entries.append((TimelineEntry(d.value, d.granularity, _shorten(text), d.text, [article]), k))
    chosen = sorted((e for e, _ in entries), key=lambda e: (-len(e.articles), e.granularity != "day"))[:TIMELINE_MAX]
    return sorted(chosen, key=lambda e: (e.date, -len(e.articles)))


def _shorten(text: str, limit: int = 240) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


# -- only in one outlet --------------------------------------------------------------------------
def single_source(figures: list[FigureGroup], quotes: list[QuoteGroup], per_article: int = 3) -> list[SingleSourceFact]:
    out: list[SingleSourceFact] = []
    taken: Counter[tuple[int, str]] = Counter()
    # Tolls and attributed figures first, then in the order the outlet gives them (news puts the
    # important numbers high up).
    ranked = sorted((g for g in figures if len(g.articles) == 1),
                    key=lambda g: (not g.event, not g.claims[0].source, g.claims[0].start))
    for g in ranked:
        c = g.claims[0]
        if taken[(c.article, "figure")] < per_article:
            taken[(c.article, "figure")] += 1
            detail = "; ".join(x for x in (g.label, f"source: {c.source}" if c.source else "") if x)
            out.append(SingleSourceFact(c.article, "figure", c.text, detail))
    for g in quotes:
        v = g.versions[0]
        if len(g.articles) == 1 and g.speaker and len(v.text.split()) >= 8 and taken[(v.article, "quote")] < 2:
            taken[(v.article, "quote")] += 1
            out.append(SingleSourceFact(v.article, "quote", v.text, g.speaker))
    out.sort(key=lambda s: (s.article, s.kind))
    return out


# -- the bundle ----------------------------------------------------------------------------------
def cross_source(articles: list[Article]) -> dict[str, Any]:
    """Bundle-level facts as plain JSON-ready data (see docs/facts.md for the shape)."""
    from crossbrief.analyse import unify_bundle

    if not articles:
        return {}
    unify_bundle(articles)
    figures = group_figures(articles)
    quotes = group_quotes(articles)
    facts = {
        "figures": figures,
        "quotes": quotes,
        "entities": count_entities(articles),
        "timeline": build_timeline(articles),
        "single_source": single_source(figures, quotes),
    }
    return _plain(facts)


# -- Markdown ------------------------------------------------------------------------------------
def _marks(indices: Iterable[int]) -> str:
    return "".join(f"[{i + 1}]" for i in sorted(set(indices)))


def format_number(value: float) -> str:
    if value >= 1e9 and value % 1e8 == 0:
        return f"{value / 1e9:g} billion"
    if value >= 1e6 and value % 1e5 == 0:
        return f"{value / 1e6:g} million"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def claim_phrase(claim: dict[str, Any]) -> str:
    """A claim as a reader reads it: "about 900", "900 to 1,000", "more than 250,000"."""
    kind, value, high = claim.get("kind"), claim.get("value", 0.0), claim.get("high")
    if kind == "range" and high is not None:
        return f"{format_number(value)} to {format_number(high)}"
    prefix = {"about": "about ", "at least": "at least ", "at most": "at most "}.get(kind or "", "")
    return prefix + format_number(value)


def figure_variants(group: dict[str, Any]) -> list[dict[str, Any]]:
    """The distinct values of a group, each with the outlets and attributed sources behind it."""
    variants: dict[str, dict[str, Any]] = {}
    for c in group.get("claims", []):
        key = claim_phrase(c)
        v = variants.setdefault(key, {"phrase": key, "articles": [], "sources": {}})
        if c["article"] not in v["articles"]:
            v["articles"].append(c["article"])
        if c.get("source"):
            v["sources"].setdefault(c["source"], [])
            if c["article"] not in v["sources"][c["source"]]:
                v["sources"][c["source"]].append(c["article"])
    return list(variants.values())


def _figure_line(group: dict[str, Any]) -> str:
    parts = []
    for v in figure_variants(group):
        text = f"{v['phrase']} {_marks(v['articles'])}"
        if v["sources"]:
            text += " (" + "; ".join(f"{s} {_marks(a)}" for s, a in v["sources"].items()) + ")"
        parts.append(text)
    where = f" — {group['place']}" if group.get("place") else ""
    whose = f" — toll by {group['source']}" if group.get("source") else ""
    return f"- **{group['label']}**{where}{whose}: *{group['status']}* — " + "; ".join(parts)


def facts_to_markdown(brief: Brief) -> str:
    """Markdown sections for the cross-source facts of a brief."""
    facts = _plain(brief.facts) or {}
    by_index = {a.index: a for a in brief.articles}
    lines: list[str] = []
    figures = facts.get("figures") or []
    multi = [g for g in figures if len(g.get("articles", [])) > 1]
    lines += ["## Key figures", ""]
    lines += [_figure_line(g) for g in multi] or ["*No figure is reported by more than one outlet.*"]
    lines.append("")
    lines += ["## Who said what", ""]
    quotes = facts.get("quotes") or []
    shown = [g for g in quotes if len(g.get("articles", [])) > 1] + [g for g in quotes if len(g.get("articles", [])) == 1][:8]
    for g in shown:
        lines.append(f"- **{g.get('speaker') or 'Unattributed'}** {_marks(g['articles'])}")
        for v in g["versions"]:
            lines.append(f"  - “{_one_line(v['text'])}” [{v['article'] + 1}]")
    if not shown:
        lines.append("*No direct quotations.*")
    lines.append("")
    lines += ["## People, organisations and places", ""]
    entities = [e for e in facts.get("entities") or [] if e["total"] >= 2][:20]
    for e in entities:
        per = ", ".join(f"[{int(k) + 1}] {n}" for k, n in e["by_article"].items())
        lines.append(f"- **{e['name']}** ({_LABEL_NAMES.get(e['label'], e['label'])}): {e['total']} mentions — {per}")
    if not entities:
        lines.append("*No entity is mentioned more than once.*")
    lines.append("")
    lines += ["## Timeline", ""]
    for t in facts.get("timeline") or []:
        lines.append(f"- **{t['date']}** ({t['when']}): {_one_line(t['text'])} {_marks(t['articles'])}")
    if not facts.get("timeline"):
        lines.append("*No dated events.*")
    lines.append("")
    lines += ["## Only in one outlet", ""]
    for s in facts.get("single_source") or []:
        outlet = by_index[s["article"]].label if s["article"] in by_index else f"article {s['article'] + 1}"
        what = f"“{_one_line(s['text'])}” — {s['detail']}" if s["kind"] == "quote" else f"{s['text']} ({s['detail']})"
        lines.append(f"- {outlet} [{s['article'] + 1}]: {what}")
    if not facts.get("single_source"):
        lines.append("*Nothing notable is reported by one outlet alone.*")
    return "\n".join(lines).rstrip() + "\n"


_LABEL_NAMES = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "NORP": "group", "FAC": "place", "EVENT": "event"}


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
