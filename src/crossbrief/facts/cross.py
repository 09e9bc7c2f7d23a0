"""Facts across a bundle: figures matched into claims, quotes matched across outlets, entities,
a timeline and what only one outlet reports; plus their Markdown rendering.

The rules (documented with the JSON shape in docs/facts.md):

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
* Quotes are grouped when the embeddings are very close or most content words are shared, or --
  for the same named speaker -- when a short quote is contained in another, or the embeddings are
  fairly close, or half the content words are shared with some semantic similarity.
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
)
from crossbrief.model.serialise import to_plain

TOLL_EVENTS = {"killed", "injured", "displaced", "arrested", "missing"}
GROUPED_MEASURES = {"count", "percent", "money"}
MAGNITUDE_FACTOR = 3.0  # figures further apart than this are different quantities
QUOTE_MIN_WORDS = 2
QUOTE_COSINE = 0.80  # sentence-embedding similarity that makes two quotes one statement
QUOTE_OVERLAP = 0.70  # share of the shorter quote's content words found in the longer
QUOTE_CANDIDATE_COSINE = 0.45  # below this, two quotes are compared only if one is short
QUOTE_OVERLAP_MIN_WORDS = 4  # ... counted only when the shorter has this many content words
QUOTE_SPEAKER_COSINE = 0.65  # the same named speaker: embedding similarity enough on its own
QUOTE_SPEAKER_OVERLAP = 0.5  # ... or this share of content words plus QUOTE_CANDIDATE_COSINE
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


KEY_COSINE = 0.75  # counted nouns whose embeddings are this close count the same thing ("homes", "houses")
MAX_PAIRWISE = 400  # above this many figures in one bucket, only neighbours by magnitude are compared


def _key_aliases(keys: Iterable[str]) -> dict[str, str]:
    """Each counted key -> the key of its synonym class: keys whose words embed close together
    ("home" / "house", "car" / "vehicle", "worker" / "employee") share one class."""
    distinct = sorted({k for k in keys if k})
    if len(distinct) < 2:
        return {k: k for k in distinct}
    from crossbrief.resources.encoders import get_encoder

    vectors = get_encoder().encode(distinct)
    classes = _UnionFind(len(distinct))
    rows, cols = np.nonzero(np.triu(vectors @ vectors.T >= KEY_COSINE, k=1))
    for i, j in zip(rows.tolist(), cols.tolist()):
        classes.union(i, j)
    return {k: distinct[classes.find(i)] for i, k in enumerate(distinct)}


class _UnionFind:
    """Disjoint sets over 0..n-1 (path halving): the classes that pairwise links make."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


def _figure_date(article: Article, f: Any) -> str:
    """The resolved date written in the figure's sentence nearest to it ("on Friday", "in 2019")."""
    best, gap = "", 10**9
    for d in article.dates:
        if d.sentence == f.sentence and d.value and not d.value.startswith("--"):
            g = abs(d.start - f.start)
            if g < gap:
                best, gap = d.value, g
    return best


def _buckets(articles: list[Article]) -> dict[tuple[str, str, str], list[Any]]:
    buckets: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    kept: list[Any] = []
    for a in articles:
        seen: set[tuple[str, str, float, str]] = set()
        for f in a.figures:
            if f.measure not in GROUPED_MEASURES or f.kind == "vague" or not f.counted_key or f.value <= 0:
                continue
            dedupe = (f.counted_key, f.unit, f.event, f.value, f.kind)
            if dedupe in seen:  # the same figure repeated by one outlet (standfirst and body)
                continue
            seen.add(dedupe)
            f._date = _figure_date(a, f)  # noqa: SLF001 -- scratch value for the grouping below
            kept.append(f)
    aliases = _key_aliases(f.counted_key for f in kept)
    for f in kept:
        key = (aliases.get(f.counted_key, f.counted_key) + (f"|{f.unit}" if f.unit else ""), f.event, f.since)
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
    # "ministry" and "health ministry" are one reporter: a name whose words are all in another's
    for k in sorted(by, key=len):
        wider = [o for o in by if o != k and k and set(k.split()) < set(o.split())]
        if len(wider) == 1:
            by[wider[0]].extend(by.pop(k))
    named = [k for k in by if k]
    if len(named) <= 1:
        return [(names[named[0]] if named else "", figures)]
    return [(names.get(k, ""), fs) for k, fs in by.items()]


def _different_quantities(f: Any, g: Any) -> bool:
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
    df, dg = getattr(f, "_date", ""), getattr(g, "_date", "")
    return bool(df and dg and df != dg)


def _qualifiers_differ(a: str, b: str) -> bool:
    """Two named actors/groups with no name word in common ("European Union" / "government");
    "Nusra" and "Jabhat al-Nusra" are one."""
    ta = {t for t in re.findall(r"[a-z0-9]+", a.lower()) if len(t) >= 3 and t != "the"}
    tb = {t for t in re.findall(r"[a-z0-9]+", b.lower()) if len(t) >= 3 and t != "the"}
    return bool(ta and tb and not ta & tb)


def _clusters(figures: list[Any]) -> list[list[Any]]:
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
        if any(_different_quantities(figures[x], figures[y]) for x in members[ri] for y in members[rj]):
            continue
        for x in members[rj]:
            root[x] = ri
        members[ri].extend(members.pop(rj))
    return [[figures[i] for i in sorted(m, key=lambda i: _magnitude(figures[i]))]
            for m in sorted(members.values(), key=lambda m: min(_magnitude(figures[i]) for i in m))]


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
_STOP = set("""a an the and or but of to in on at for with by from as is are was were be been being it its this that
these those there their they them we our us you your he she his her him i me my not no do does did have has had will
would can could should shall may might must so if than then just very also all any every some what which who whom
whose when where why how into onto about over under up down out off again only own same too now s t""".split())
_CONTRACTIONS = [("n't", " not"), ("'re", " are"), ("'ve", " have"), ("'ll", " will"), ("'m", " am"), ("'d", " would")]


def _stem(word: str) -> str:
    """A crude suffix-stripping stem: "racing"/"race", "conceding"/"concede", "looked"/"look"."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _words(text: str) -> set[str]:
    """Content-word stems of a quote (function words and contractions removed)."""
    text = text.lower().replace("’", "'").replace("won't", "will not").replace("can't", "can not")
    for short, full in _CONTRACTIONS:
        text = text.replace(short, full)
    return {_stem(w) for w in re.findall(r"[a-z0-9]+", text) if w not in _STOP and len(w) > 1}


def _names_match(a: str, b: str) -> bool:
    """"Brisk" and "Elena Brisk" name one person: equal, or the shorter ends the longer."""
    x, y = sorted((re.findall(r"\w+", a.lower()), re.findall(r"\w+", b.lower())), key=len)
    return bool(x) and y[-len(x):] == x


def _speakers_compatible(a: Any, b: Any) -> bool:
    if not a.speaker or not b.speaker or not a.resolved_by or not b.resolved_by:
        return True
    return _names_match(a.speaker, b.speaker)


def _same_speaker(a: Any, b: Any) -> bool:
    """Both name the same speaker, at least one of them resolved (the other may be the name as
    written next to the quote when the tagger missed it)."""
    return bool(a.speaker and b.speaker and (a.resolved_by or b.resolved_by)) and _names_match(a.speaker, b.speaker)


def _all_words(text: str) -> set[str]:
    text = text.lower().replace("’", "'").replace("won't", "will not").replace("can't", "can not")
    for short, full in _CONTRACTIONS:
        text = text.replace(short, full)
    return {_stem(w) for w in re.findall(r"[a-z0-9]+", text)}


def same_statement(cosine: float, shared: float, small: int, same_speaker: bool, contained: bool = False) -> bool:
    """Whether two quotes (speakers not contradicting) are one statement (docs/facts.md).

    `shared`: share of the shorter quote's content words found in the longer; `small`: how many
    content words the shorter has; `contained`: every word of the shorter quote (two or more) is
    in the longer. The same named speaker lowers the bar: a reporter who paraphrases keeps the
    speaker and some key words ("racing against time" / "racing against the clock"), and a short
    fragment ("not over", "not let them down") matches a full quote that contains it.
    """
    if cosine >= QUOTE_COSINE:
        return True
    if shared >= QUOTE_OVERLAP and small >= QUOTE_OVERLAP_MIN_WORDS:
        return True
    if not same_speaker:
        return False
    if contained or (shared >= 0.99 and small >= 2):
        return True
    return cosine >= QUOTE_SPEAKER_COSINE or (cosine >= QUOTE_CANDIDATE_COSINE and shared >= QUOTE_SPEAKER_OVERLAP and small >= 2)


def group_quotes(articles: list[Article]) -> list[QuoteGroup]:
    quotes = [q for a in articles for q in a.quotes if len(q.text.split()) >= QUOTE_MIN_WORDS]
    if not quotes:
        return []
    from crossbrief.resources.encoders import get_encoder

    vectors = get_encoder().encode([q.text for q in quotes])
    words = [_words(q.text) for q in quotes]
    every = [_all_words(q.text) for q in quotes]
    statements = _UnionFind(len(quotes))

    sims = vectors @ vectors.T
    # Only pairs with some semantic similarity are compared word by word: quadratic work stays in
    # numpy. A short quote is a candidate whatever its embedding, when a word of it is shared.
    rows, cols = np.nonzero(np.triu(sims >= QUOTE_CANDIDATE_COSINE, k=1))
    candidates = set(zip(rows.tolist(), cols.tolist()))
    short = [i for i, w in enumerate(every) if len(w) <= 5]
    if short:
        index: dict[str, list[int]] = defaultdict(list)
        for i, w in enumerate(every):
            for stem in w:
                index[stem].append(i)
        for i in short:
            for stem in every[i]:
                for j in index[stem][:200]:
                    if j != i:
                        candidates.add((min(i, j), max(i, j)))
    for i, j in sorted(candidates):
        if quotes[i].article == quotes[j].article or not _speakers_compatible(quotes[i], quotes[j]):
            continue
        small = min(len(words[i]), len(words[j]))
        shared = len(words[i] & words[j]) / (small or 1)
        a, b = sorted((every[i], every[j]), key=len)
        contained = len(a) >= 2 and a <= b
        if same_statement(float(sims[i, j]), shared, small, _same_speaker(quotes[i], quotes[j]), contained):
            statements.union(i, j)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(quotes)):
        members[statements.find(i)].append(i)
    groups = []
    for idx in members.values():
        qs = sorted((quotes[i] for i in idx), key=lambda q: (q.article, q.start))
        speaker = _most_common(q.speaker for q in qs if q.resolved_by) or _most_common(q.speaker for q in qs)
        versions = [QuoteVersion(q.article, q.text, q.start, q.end, q.speaker_text, q.partial) for q in qs]
        groups.append(QuoteGroup(speaker, sorted({q.article for q in qs}), versions))
    groups.sort(key=lambda g: (-len(g.articles), -max(len(v.text) for v in g.versions)))
    return groups


# -- entities, timeline --------------------------------------------------------------------------
# What comes right before a place name: "in Ostry", "the towns of Ostry and Kellam".
_AT_PLACE = re.compile(
    r"(?:\b(?:in|at|near|outside|from|across|around|to)|(?P<of>\b(?:towns?|city|cities|villages?|districts?|"
    r"provinces?|regions?|county|suburbs?) of(?: [A-Z][\w-]+,?)*(?: and| or)?))"
    r"(?:\s+(?:the\s+)?(?:eastern|western|northern|southern|central|rebel-held|besieged|east|west|north|south))?\s+$"
)


_OF_OR_SIDE = re.compile(r"\b(?:of|eastern|western|northern|southern|east|west|north|south)\s+$")


def _place_context(article: Article, start: int, end: int) -> tuple[bool, bool, bool]:
    """For the mention at start..end: (after a locative word, after "town of" or in a dateline,
    after "of" or a compass word: "the ruin of Aleppo", "east Aleppo", not "Russian jets")."""
    text = article.text
    before = text[max(0, start - 60): start]
    m = _AT_PLACE.search(before)
    dateline = (start == 0 or text[start - 1] == "\n") and text[start:end].isupper() and text[end: end + 1] == ","
    return bool(m) or dateline, bool(m and m.group("of")) or dateline, bool(_OF_OR_SIDE.search(before))


def count_entities(articles: list[Article]) -> list[EntityCount]:
    """Canonical names with their mentions per outlet, labelled by their most common tag.

    The small English tagger takes unfamiliar town names for people or organisations ("in Ostry",
    "the towns of Ostry and Kellam") and a city for a group ("in eastern Aleppo"): a one-word name
    used mostly in such places is a place (an organisation only with a "town of" or dateline use
    among them)."""
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    placed: Counter[str] = Counter()
    strongly: Counter[str] = Counter()
    for a in articles:
        for m in a.mentions:
            if m.label in ENTITY_LABELS and m.canonical:
                counts[m.canonical][a.index] += 1
                labels[m.canonical][m.label] += 1
                at_place, town, of_or_side = _place_context(a, m.start, m.end)
                # A group ("Russian", "Islamist") is a word before a noun; a city is "of Aleppo".
                placed[m.canonical] += at_place or (m.label == "NORP" and of_or_side)
                strongly[m.canonical] += town
    surnames = {w for name, ls in labels.items() if ls.most_common(1)[0][0] == "PERSON" for w in name.split()[1:]}
    out = []
    for name, c in counts.items():
        label = labels[name].most_common(1)[0][0]
        total = sum(c.values())
        if (
            label in ("PERSON", "ORG", "NORP")
            and " " not in name
            and name not in surnames
            and placed[name] >= max(2, (total + 1) // 2)
            and (label != "ORG" or strongly[name])
        ):
            label = "GPE"
        out.append(EntityCount(name, label, total, {str(k): v for k, v in sorted(c.items())}))
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
    from crossbrief.resources.encoders import get_encoder

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
    from crossbrief.stages.analyse import unify_bundle

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
    return to_plain(facts)


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


def quotes_by_speaker(quotes: list[dict[str, Any]], single_source: int = 8) -> list[dict[str, Any]]:
    """The quote groups a brief shows, gathered under their speakers: every group quoted by two or
    more outlets, then up to `single_source` quoted by one; speakers in the order they first come."""
    shown = [g for g in quotes if len(g.get("articles", [])) > 1]
    shown += [g for g in quotes if len(g.get("articles", [])) == 1][:single_source]
    speakers: dict[str, dict[str, Any]] = {}
    for g in shown:
        entry = speakers.setdefault(g.get("speaker") or "", {"speaker": g.get("speaker") or "", "articles": [], "groups": []})
        entry["groups"].append(g)
        entry["articles"] = sorted(set(entry["articles"]) | set(g.get("articles", [])))
    return list(speakers.values())


def facts_to_markdown(brief: Brief) -> str:
    """Markdown sections for the cross-source facts of a brief."""
    facts = to_plain(brief.facts) or {}
    by_index = {a.index: a for a in brief.articles}
    lines: list[str] = []
    figures = facts.get("figures") or []
    multi = [g for g in figures if len(g.get("articles", [])) > 1]
    lines += ["## Key figures", ""]
    lines += [_figure_line(g) for g in multi] or ["*No figure is reported by more than one outlet.*"]
    lines.append("")
    lines += ["## Who said what", ""]
    speakers = quotes_by_speaker(facts.get("quotes") or [])
    for speaker in speakers:
        lines.append(f"- **{speaker['speaker'] or 'Unattributed'}** {_marks(speaker['articles'])}")
        for g in speaker["groups"]:
            # One quote per bullet; the other outlets' wordings of it nested beneath.
            first, *others = g["versions"]
            lines.append(f"  - “{_one_line(first['text'])}” [{first['article'] + 1}]")
            lines += [f"    - “{_one_line(v['text'])}” [{v['article'] + 1}]" for v in others]
    if not speakers:
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
