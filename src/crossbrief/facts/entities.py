"""People, organisations and places across a bundle: each canonical name and its mentions per outlet.

Mentions carry the bundle-wide canonical name (`crossbrief.stages.analyse.unify_bundle`, run by
the pipeline before facts); the small English tagger's labels are corrected for town names it
takes for people or organisations (docs/facts.md, "Entities, timeline, only in one outlet").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from crossbrief.facts.common import bundle_order
from crossbrief.model import Article
from crossbrief.model.facts import EntityCount

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")


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


def count_entities(articles: Sequence[Article]) -> list[EntityCount]:
    """Canonical names with their mentions per outlet, labelled by their most common tag.

    The small English tagger takes unfamiliar town names for people or organisations ("in Ostry",
    "the towns of Ostry and Kellam") and a city for a group ("in eastern Aleppo"): a one-word name
    used mostly in such places is a place (an organisation only with a "town of" or dateline use
    among them)."""
    order = bundle_order(articles)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    placed: Counter[str] = Counter()
    strongly: Counter[str] = Counter()
    for a in articles:
        for m in a.mentions:
            if m.label in ENTITY_LABELS and m.canonical:
                counts[m.canonical][a.id] += 1
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
        out.append(EntityCount(name, label, total, {k: c[k] for k in sorted(c, key=order.__getitem__)}))
    out.sort(key=lambda e: (-len(e.by_article), -e.total, e.name))
    return out
