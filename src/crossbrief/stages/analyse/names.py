"""Names: folding for comparison, cleaning ("Mr", "the", "'s"), name tokens, canonical names.

One canonical name per person, organisation or place, shared by every mention in the given set
(an article, or a whole bundle): see "Entities" in docs/facts.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from crossbrief.model import Mention

# spaCy labels kept as mentions.
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}

# Titles dropped before a person's name ("President", "Gen."); they also vouch for a name the tagger missed.
TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "president", "gen", "general",
    "col", "colonel", "maj", "major", "capt", "captain", "lt", "sgt", "secretary", "minister",
    "prime", "premier", "chancellor", "king", "queen", "prince", "princess", "sheikh", "pope",
    "rep", "sen", "senator", "gov", "governor", "judge", "justice", "prof", "professor", "rev",
    "ambassador", "envoy", "chairman", "chief", "mayor", "officer", "spokesman", "spokeswoman",
}
_PERSON_TITLES = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame"}
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|as|ash|an|ar)-", re.I)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


def fold(text: str) -> str:
    """Comparison key for a name: accents, case, dots and spacing ignored."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace(".", "")
    return re.sub(r"\s+", " ", text).strip()


def clean_name(text: str, label: str) -> str:
    """A mention as a name: no leading article, possessive or (for people) title."""
    text = re.sub(r"\s+", " ", text).strip(" \t\n,;:-–—\"'“”‘’()")
    text = _POSSESSIVE.sub("", text)
    words = text.split(" ")
    if words and words[0].lower() == "the":
        words = words[1:]
    while len(words) > 1 and (
        words[0].lower().rstrip(".") in _PERSON_TITLES
        or (label == "PERSON" and words[0].lower().rstrip(".") in TITLES)
    ):
        words = words[1:]
    return " ".join(words)


_PARTICLE_NAME = re.compile(
    r"^(?:[A-Z][\w'’-]+\s+)?(?:de|da|di|van|von|der|den|bin|ibn|le|la|del|dos|du)\s+[A-Z][\w'’-]+$"
)


def _looks_personal(text: str) -> bool:
    """A title ("Mr de Mistura") or a nobiliary particle ("Staffan de Mistura") marks a person."""
    words = text.split()
    if len(words) >= 2 and words[0].lower().rstrip(".") in _PERSON_TITLES:
        return True
    return bool(_PARTICLE_NAME.match(text.strip()))


def name_tokens(name: str) -> list[str]:
    """A name as folded words, Arabic "al-" and the like ignored ("al-Assad" -> "assad")."""
    return [_ARTICLE_PREFIX.sub("", t) for t in fold(name).replace("-", "- ").replace("- ", "-").split()]


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w[0].isupper()]
    return "".join(w[0] for w in words).upper()


def canonical_names(mentions: Iterable[Mention]) -> dict[str, tuple[str, str]]:
    """fold(clean name) -> (canonical name, label), shared by all the given mentions.

    A person named by a surname ("de Mistura", "Mr. de Mistura") takes the full name that ends
    with the same words ("Staffan de Mistura") when exactly one such full name exists; an
    acronym ("U.N.", "UN") takes the multi-word name whose capitals spell it ("United Nations").
    The label is the most frequent one, PERSON winning ties (small NER models often tag a full
    name ORG once).
    """
    forms: dict[str, Counter[str]] = {}
    labels: dict[str, Counter[str]] = {}
    titled: set[str] = set()
    for m in mentions:
        name = clean_name(m.text, m.label)
        if not name or not any(c.isalpha() for c in name):
            continue
        key = fold(name)
        forms.setdefault(key, Counter())[name] += 1
        labels.setdefault(key, Counter())[m.label] += 1
        if _looks_personal(m.text):
            labels[key]["PERSON"] += 3
            titled.add(key)

    def label_of(key: str) -> str:
        counts = labels[key]
        top = counts.most_common(1)[0][1]
        return "PERSON" if counts.get("PERSON", 0) >= top else counts.most_common(1)[0][0]

    display = {k: max(c.items(), key=lambda kv: (kv[1], len(kv[0])))[0] for k, c in forms.items()}
    tokens = {k: name_tokens(k) for k in forms}
    # A full name ending in a name known to be a person's is a person's too ("Staffan de Mistura"
    # tagged ORG, "Mr de Mistura" titled).
    # "Ms Brisk" makes "Elena Brisk" a person as well.
    personal = {tuple(tokens[k]) for k in forms if label_of(k) == "PERSON" and (len(tokens[k]) >= 2 or k in titled)}
    for k in forms:
        if label_of(k) != "PERSON" and any(
            tuple(tokens[k][-len(t):]) == t for t in personal if len(t) < len(tokens[k])
        ):
            labels[k]["PERSON"] += sum(labels[k].values())
    # An "organisation" of two or more words that end exactly one person's full name is that
    # person, mis-tagged ("De Mistura" as ORG beside "Staffan de Mistura"). One word is too weak
    # a link ("Alliance" and a "Civic Alliance" the small model once tagged PERSON); places are
    # left alone ("Washington").
    full_names = {tuple(tokens[k]) for k in forms if label_of(k) == "PERSON" and len(tokens[k]) >= 3}
    for k in forms:
        n = len(tokens[k])
        if (
            label_of(k) == "ORG"
            and n >= 2
            and sum(1 for t in full_names if len(t) > n and t[-n:] == tuple(tokens[k])) == 1
        ):
            labels[k]["PERSON"] += sum(labels[k].values())
    people = [k for k in forms if label_of(k) == "PERSON" and len(tokens[k]) >= 2]
    by_last: dict[str, list[str]] = {}
    for k in people:
        by_last.setdefault(tokens[k][-1], []).append(k)
    acronyms: dict[str, list[str]] = {}
    for k in forms:
        if label_of(k) != "PERSON" and len(tokens[k]) >= 2:
            acronyms.setdefault(_initials(display[k]), []).append(k)

    result: dict[str, tuple[str, str]] = {}
    for key in forms:
        target = key
        toks = tokens[key]
        if label_of(key) == "PERSON" and toks:
            longer = [
                k for k in by_last.get(toks[-1], []) if len(tokens[k]) > len(toks) and tokens[k][-len(toks):] == toks
            ]
            fullest = {
                k for k in longer if not any(k != o and tokens[o][-len(tokens[k]):] == tokens[k] for o in longer)
            }
            if len(fullest) == 1:
                target = fullest.pop()
        elif label_of(key) == "NORP" and key.endswith("s") and key[:-1] in forms:
            target = key[:-1]  # "Russians" -> "Russian"
        elif label_of(key) != "PERSON" and len(toks) == 1 and 2 <= len(key) <= 6:
            candidates = acronyms.get(display[key].replace(".", "").upper(), [])
            if len(candidates) == 1 and display[key].replace(".", "").isupper():
                target = candidates[0]
        result[key] = (display[target], label_of(target) if label_of(key) != "PERSON" else "PERSON")
    return result


def set_canonical(mentions: list[Mention]) -> None:
    """Fill `Mention.canonical` (and unify labels) across all the given mentions."""
    names = canonical_names(mentions)
    for m in mentions:
        name, label = names.get(fold(clean_name(m.text, m.label)), (clean_name(m.text, m.label), m.label))
        m.canonical = name
        m.label = label

