"""Key figures across a bundle: the figures of every outlet grouped by quantity, agree or differ.

The rules (docs/facts.md, "Key figures"):

* Figures are grouped by the thing counted (normalised class: "civilians" and "people" are one;
  counted nouns whose embeddings are close, "homes" and "houses", too), the event for tolls
  (killed, injured, displaced, ...) and the start date of the count ("since 19 September").
  Tolls compiled by different named reporters stay apart: they are different counts, not a
  conflict. Inside a bucket, figures are clustered closest pair first, never across a factor of
  three ("8,000 fighters" in total vs "900 Nusra fighters") and never joining two figures that
  are better read as different quantities than as a disagreement: two values from one outlet,
  from different actors (the government's EUR 15m and the EU's EUR 20m), or of different dates.
* A group *agrees* when one value satisfies every outlet's statement: "about X" and "X" allow
  only X, "more than X" allows X and above, "up to X" allows 0..X, "X to Y" allows X..Y. So a
  value inside another outlet's range is compatible; 250,000 and 275,000 differ.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from crossbrief.facts.common import UnionFind, bundle_order, most_common
from crossbrief.model import Article, Figure
from crossbrief.model.facts import FigureClaim, FigureGroup

if TYPE_CHECKING:
    from crossbrief.resources.encoders import Encoder

TOLL_EVENTS = {"killed", "injured", "displaced", "arrested", "missing"}
GROUPED_MEASURES = {"count", "percent", "money"}
MAGNITUDE_FACTOR = 3.0  # figures further apart than this are different quantities
KEY_COSINE = 0.75  # counted nouns whose embeddings are this close count the same thing ("homes", "houses")
MAX_PAIRWISE = 400  # above this many figures in one bucket, only neighbours by magnitude are compared


class Interval(Protocol):
    """What the agreement rule reads of a figure or a claim."""

    value: float
    kind: str
    low: float | None
    high: float | None


def _interval(f: Interval) -> tuple[float, float]:
    low = f.low if f.low is not None else 0.0
    high = f.high if f.high is not None else math.inf
    if f.kind in ("exact", "about"):
        low = high = f.value
    return low, high


def agreement(claims: Iterable[Interval]) -> str:
    """"agree" when a single value is compatible with every claim's interval, else "differ"."""
    low, high = 0.0, math.inf
    for c in claims:
        lo, hi = _interval(c)
        low, high = max(low, lo), min(high, hi)
    # Half a percent of slack for rounding ("1.5 million" vs "1,496,000").
    return "agree" if low <= high * 1.005 else "differ"


def group_figures(articles: Sequence[Article], encoder: Encoder) -> list[FigureGroup]:
    """The bundle's figures grouped by quantity, most widely reported first; `encoder` embeds the
    counted nouns to find synonyms ("homes" / "houses")."""
    order = bundle_order(articles)
    dates: dict[int, str] = {}  # id(figure) -> the resolved date of its sentence
    groups: list[FigureGroup] = []
    for (counted, event, since), figures in _buckets(articles, encoder, dates).items():
        for source, part in _split_by_reporter(event, figures):
            for cluster in _clusters(part, dates):
                claims = [
                    FigureClaim(f.article, f.text, f.value, f.kind, f.low, f.high, f.source, f.start, f.end, f.sentence)
                    for f in sorted(cluster, key=lambda f: (order[f.article], f.start))
                ]
                groups.append(FigureGroup(
                    label=_label(cluster), counted=counted.split("|")[0], event=event,
                    place=_shared(f.place for f in cluster), time=most_common(f.time for f in cluster),
                    since=since, source=source, status=agreement(cluster),
                    articles=sorted({f.article for f in cluster}, key=order.__getitem__), claims=claims,
                ))
    groups.sort(key=lambda g: (-len(g.articles), g.status != "differ", -max(c.value for c in g.claims)))
    return groups


def _magnitude(f: Figure) -> float:
    if f.kind == "range" and f.high:
        return math.sqrt(max(f.value, 1e-9) * f.high)
    return max(f.value, 1e-9)


def _source_key(source: str) -> str:
    return re.sub(r"\W+", " ", source.lower()).strip()


def _key_aliases(keys: Iterable[str], encoder: Encoder) -> dict[str, str]:
    """Each counted key -> the key of its synonym class: keys whose words embed close together
    ("home" / "house", "car" / "vehicle", "worker" / "employee") share one class."""
    distinct = sorted({k for k in keys if k})
    if len(distinct) < 2:
        return {k: k for k in distinct}
    vectors = encoder.encode(distinct)
    classes = UnionFind(len(distinct))
    rows, cols = np.nonzero(np.triu(vectors @ vectors.T >= KEY_COSINE, k=1))
    for i, j in zip(rows.tolist(), cols.tolist()):
        classes.union(i, j)
    return {k: distinct[classes.find(i)] for i, k in enumerate(distinct)}


def _figure_date(article: Article, f: Figure) -> str:
    """The resolved date written in the figure's sentence nearest to it ("on Friday", "in 2019")."""
    best, gap = "", 10**9
    for d in article.dates:
        if d.sentence == f.sentence and d.value and not d.value.startswith("--"):
            g = abs(d.start - f.start)
            if g < gap:
                best, gap = d.value, g
    return best


def _buckets(
    articles: Sequence[Article], encoder: Encoder, dates: dict[int, str]
) -> dict[tuple[str, str, str], list[Figure]]:
    """Figures that may count the same thing, by (counted class and unit, event, since); fills
    `dates` with each kept figure's sentence date."""
    buckets: dict[tuple[str, str, str], list[Figure]] = defaultdict(list)
    kept: list[Figure] = []
    for a in articles:
        seen: set[tuple[str, str, str, float, str]] = set()
        for f in a.figures:
            if f.measure not in GROUPED_MEASURES or f.kind == "vague" or not f.counted_key or f.value <= 0:
                continue
            dedupe = (f.counted_key, f.unit, f.event, f.value, f.kind)
            if dedupe in seen:  # the same figure repeated by one outlet (standfirst and body)
                continue
            seen.add(dedupe)
            dates[id(f)] = _figure_date(a, f)
            kept.append(f)
    aliases = _key_aliases((f.counted_key for f in kept), encoder)
    for f in kept:
        key = (aliases.get(f.counted_key, f.counted_key) + (f"|{f.unit}" if f.unit else ""), f.event, f.since)
        buckets[key].append(f)
    return buckets


def _split_by_reporter(event: str, figures: list[Figure]) -> list[tuple[str, list[Figure]]]:
    """Tolls by different named reporters are different counts; unattributed ones join the only
    reporter's toll when there is just one."""
    if event not in TOLL_EVENTS:
        return [("", figures)]
    by: dict[str, list[Figure]] = defaultdict(list)
    names: dict[str, str] = {}
    for f in figures:
        k = _source_key(f.source)
        by[k].append(f)
        names.setdefault(k, f.source)
    # "ministry" and "health ministry" are one reporter: a name whose words are all in another's
    for k in sorted(by, key=len):
        wider = [o for o in by if o != k and k and set(k.split()) < set(o.split())]
        if len(wider) == 1:
            by[wider[0]].extend(by.pop(k))
    named = [k for k in by if k]
    if len(named) <= 1:
        return [(names[named[0]] if named else "", figures)]
    return [(names.get(k, ""), fs) for k, fs in by.items()]


def _different_quantities(f: Figure, g: Figure, dates: dict[int, str]) -> bool:
    """True when two figures that do not agree are better read as two quantities than as a
    disagreement: one outlet giving both (unless two different named sources give them: "police
    put the crowd at 35,000, organisers at 100,000"), different actors ("the
    government's 15 million euros" and "the EU's 20 million"), or different dates ("19 deaths on
    Friday", "27 on Monday"). Figures that agree are never kept apart by these rules."""
    if agreement([f, g]) == "agree":
        return False
    if f.article == g.article and not (f.source and g.source and _source_key(f.source) != _source_key(g.source)):
        return True  # one outlet, two values, not two named sources disagreeing
    if _qualifiers_differ(f.qualifier, g.qualifier):
        return True
    df, dg = dates.get(id(f), ""), dates.get(id(g), "")
    return bool(df and dg and df != dg)


def _qualifiers_differ(a: str, b: str) -> bool:
    """Two named actors/groups with no name word in common ("European Union" / "government");
    "Nusra" and "Jabhat al-Nusra" are one."""
    ta = {t for t in re.findall(r"[a-z0-9]+", a.lower()) if len(t) >= 3 and t != "the"}
    tb = {t for t in re.findall(r"[a-z0-9]+", b.lower()) if len(t) >= 3 and t != "the"}
    return bool(ta and tb and not ta & tb)


def _clusters(figures: list[Figure], dates: dict[int, str]) -> list[list[Figure]]:
    """Agglomerative grouping, closest pair first (pairs that agree first, then by ratio): two
    figures link when they are within MAGNITUDE_FACTOR of each other, and two clusters merge only
    when no pair across them is a pair of different quantities (`_different_quantities`)."""
    n = len(figures)
    order = sorted(range(n), key=lambda i: _magnitude(figures[i]))
    window = n if n <= MAX_PAIRWISE else 20
    pairs = []
    for a in range(n):
        for b in range(a + 1, min(n, a + 1 + window)):
            i, j = order[a], order[b]
            ratio = math.log(_magnitude(figures[j]) / _magnitude(figures[i]))
            compatible = agreement([figures[i], figures[j]]) == "agree"
            if ratio > math.log(MAGNITUDE_FACTOR):
                if window == n:
                    break
                continue
            pairs.append((0.0 if compatible else ratio, figures[i].article == figures[j].article, i, j))
    pairs.sort()
    members = {i: [i] for i in range(n)}
    root = list(range(n))
    for _, _, i, j in pairs:
        ri, rj = root[i], root[j]
        if ri == rj:
            continue
        if any(_different_quantities(figures[x], figures[y], dates) for x in members[ri] for y in members[rj]):
            continue
        for x in members[rj]:
            root[x] = ri
        members[ri].extend(members.pop(rj))
    return [[figures[i] for i in sorted(m, key=lambda i: _magnitude(figures[i]))]
            for m in sorted(members.values(), key=lambda m: min(_magnitude(figures[i]) for i in m))]


def _shared(values: Iterable[str]) -> str:
    """The most common value given by at least two figures (one outlet's place may be noise)."""
    counts = Counter(v for v in values if v)
    top = counts.most_common(1)
    return top[0][0] if top and top[0][1] >= 2 else ""


def _label(figs: list[Figure]) -> str:
    counted = most_common(_head_phrase(f.counted) for f in figs) or figs[0].counted_key
    qualifier = most_common(f.qualifier for f in figs)
    if qualifier and qualifier.lower() not in counted.lower():
        counted = f"{qualifier} {counted}"
    parts = [counted]
    if figs[0].event:
        parts.append(figs[0].event)
    time = most_common(f.time for f in figs if f.since)
    if time:
        parts.append(time)
    return " ".join(parts)


def _head_phrase(counted: str) -> str:
    """"of them children" -> "children"; "former Nusra Front fighters" -> "fighters"."""
    words = re.findall(r"[\w'-]+", counted)
    return words[-1].lower() if words else ""
