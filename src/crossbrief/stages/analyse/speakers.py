"""Who speaks: speech verbs and their subjects, named speakers, "he said", role nouns ("the envoy").

Used for quotes (quotes.py) and for the source of a figure (figures.py); see "Quotes" in
docs/facts.md for the order in which a speaker is found.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from typing import Any

from crossbrief.model import Mention
from crossbrief.stages.analyse.context import ArticleContext
from crossbrief.stages.analyse.names import TITLES
from crossbrief.stages.analyse.parse import ParsedSentence

SPEECH_VERBS = {
    "say", "tell", "ask", "add", "warn", "pledge", "state", "explain", "insist", "claim", "declare",
    "note", "write", "tweet", "announce", "reply", "respond", "continue", "argue", "urge", "vow",
    "promise", "admit", "acknowledge", "confirm", "deny", "stress", "remark", "observe", "recall",
    "plead", "appeal", "demand", "read", "report", "shout", "cry", "exclaim", "suggest", "conclude",
    "predict", "caution", "allege", "accuse", "describe", "call", "quote", "saying",
}
ESTIMATE_VERBS = SPEECH_VERBS | {
    "estimate", "count", "record", "document", "tally", "put", "calculate", "believe", "show", "find",
}

def _titled_name(ctx: ArticleContext, p: ParsedSentence, token: Any) -> str:
    """A name the tagger missed but a title vouches for: "Governor Ana Ruiz" -> "Ana Ruiz".

    The subject's words after its leading titles must be one to three capitalised proper nouns,
    not inside a place or organisation the tagger did find ("Kellam Council")."""
    words = [t for t in p.doc[token.left_edge.i: token.i + 1] if not t.is_punct]
    k = 0
    while k < len(words) and words[k].lower_.rstrip(".") in TITLES:
        k += 1
    name = words[k:]
    if k == 0 or not 1 <= len(name) <= 3 or not all(t.pos_ == "PROPN" and t.is_title for t in name):
        return ""
    if ctx.entity_in(p.abs(name[0]), p.abs(name[-1]) + len(name[-1].text), {"ORG", "GPE", "LOC", "FAC", "NORP"}):
        return ""
    return " ".join(t.text for t in name)


def speaker_of(ctx: ArticleContext, token: Any, p: ParsedSentence) -> tuple[str, str, str, str]:
    """(speaker, as written, resolved_by, role) for the subject token of a speech verb."""
    sub = list(token.subtree)
    start, end = p.abs(sub[0]), p.abs(sub[-1]) + len(sub[-1].text)
    person = ctx.entity_in(start, end, {"PERSON"})
    left = p.doc[token.left_edge.i: token.i + 1]
    written = left.text.strip(" ,")
    if person:
        return person.canonical, written, "name", ""
    if token.pos_ == "PRON":
        if token.lower_ in ("he", "she", "i", "him", "her"):
            name = ctx.speaker_before(p.abs(token))
            return name, token.text, "pronoun" if name else "", ""
        return "", token.text, "", ""
    if token.pos_ == "PROPN":
        name = ctx.known_person(written) or _titled_name(ctx, p, token)
        if name:
            return name, written, "name", ""
    role = role_key(token)
    if token.pos_ == "NOUN" and (role in ctx.roles or token.lemma_.lower() in PERSON_ROLES):
        if role in ctx.roles and token.tag_ != "NNS":  # "workers said" is not one person
            return ctx.roles[role], written, "role", role
        return re.sub(r"^(?:the|a|an)\s+", "", written, flags=re.I), written, "", role
    other = _entity_of_head(ctx, token, p) or _organisation_in(ctx, start, end)
    if other:
        return other, written, "name", ""
    return re.sub(r"^(?:the|a|an)\s+", "", written, flags=re.I), written, "", role if token.pos_ == "NOUN" else ""


# Nouns that name a person by role: a quote "the envoy said" is that person's, not the UN's.
PERSON_ROLES = {
    "envoy", "official", "spokesman", "spokeswoman", "spokesperson", "minister", "ambassador",
    "diplomat", "president", "leader", "commander", "chief", "head", "secretary", "director",
    "chairman", "chairwoman", "governor", "mayor", "senator", "lawmaker", "general", "officer",
    "negotiator", "representative", "delegate", "advisor", "adviser", "aide", "analyst", "expert",
    "doctor", "witness", "resident", "activist", "source", "monitor", "prosecutor", "judge",
    "lawyer", "researcher", "professor", "scientist", "economist", "executive", "founder",
    "ceo", "manager", "coordinator", "commissioner", "inspector", "investigator", "deputy",
}


def _entity_of_head(ctx: ArticleContext, token: Any, p: ParsedSentence) -> str:
    """An organisation or place naming the subject: "Reuters", "UN estimates", "the SOHR monitoring group"."""
    for t in [token, *[c for c in token.children if c.dep_ in ("compound", "poss", "nmod", "appos")]]:
        m = _entity_covering(ctx, p.abs(t))
        if m and m.label in ("ORG", "GPE", "NORP", "PERSON"):
            return m.canonical
    return ""


def _organisation_in(ctx: ArticleContext, start: int, end: int) -> str:
    """"A statement carried by state news agency SANA said": the organisation behind a document."""
    m = ctx.entity_in(start, end, {"ORG"})
    return m.canonical if m else ""


def _entity_covering(ctx: ArticleContext, char: int) -> Mention | None:
    i = bisect.bisect_right(ctx.mention_starts, char) - 1
    while i >= 0 and ctx.mentions[i].start <= char:
        if ctx.mentions[i].end > char:
            return ctx.mentions[i]
        i -= 1
        if i >= 0 and char - ctx.mentions[i].start > 200:
            break
    return None


def learn_roles(ctx: ArticleContext) -> None:
    """Role nouns that name a person in this article: "the UN envoy, Staffan de Mistura".

    Evidence: a role noun right before a name ("Opposition official Bassma Kodmani", "The U.N.
    Special Envoy for Syria, Staffan de Mistura") or in an apposition right after it, counted 3;
    a lead sentence whose subject is the role followed by a sentence whose subject is a name
    that speaks ("... the UN's envoy has warned." / "Staffan de Mistura told reporters"), 1.
    """
    found: dict[str, Counter[str]] = {}
    for i, p in enumerate(ctx.sents):
        for m in ctx.people_in(p):
            first = p.token_at(m.start)
            last = p.token_at(m.end - 1)
            if first is None or last is None:
                continue
            for key in {role_key(t) for t in _role_window(p.doc, first.i, last.i)}:
                found.setdefault(key, Counter())[m.canonical] += 3
        if i + 1 < len(ctx.sents):
            nxt = ctx.sents[i + 1]
            heads = [m for m in ctx.people_in(nxt) if m.start - nxt.start < 40]
            subjects = [t for t in p.doc if t.dep_ == "nsubj" and t.pos_ == "NOUN"]
            if heads and subjects:
                root = nxt.token_at(heads[0].end - 1)
                if root is not None and root.dep_ == "nsubj" and root.head.lemma_.lower() in SPEECH_VERBS:
                    for t in subjects:
                        found.setdefault(role_key(t), Counter())[heads[0].canonical] += 1
    for role, names in found.items():
        if not _is_role_noun(role.split()[-1]):
            continue
        ranked = names.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            ctx.roles[role] = ranked[0][0]


def role_key(token: Any) -> str:
    """A role as a key: the noun with its common-noun compounds ("fire chief", "chief executive"),
    so that one article's fire chief is not another's chief executive."""
    parts = [
        c.lemma_.lower()
        for c in token.children
        if c.dep_ in ("compound", "amod") and c.pos_ == "NOUN" and c.i < token.i
    ]
    if token.dep_ == "compound" and token.head.pos_ == "NOUN" and token.head.i > token.i:
        return role_key(token.head)
    return " ".join([*parts, token.lemma_.lower()])


def _is_role_noun(lemma: str) -> bool:
    """A noun that can stand for one person: a known role or an agent noun ("negotiator")."""
    return lemma in PERSON_ROLES or bool(re.search(r"(?:er|or|ist|ian|ant|ent|man|woman|person)$", lemma))


def _role_window(doc: Any, first: int, last: int) -> list[Any]:
    """Common nouns in the noun phrase just before a name, or in an apposition just after it."""
    out: list[Any] = []
    for t in reversed(doc[max(0, first - 7):first]):
        if t.pos_ in ("VERB", "AUX", "PRON") or t.ent_type_ == "PERSON":
            break
        if t.pos_ in ("NOUN", "PROPN") and t.text[:1].isalpha() and t.ent_type_ != "PERSON":
            out.append(t)
    if last + 1 < len(doc) and doc[last + 1].text == ",":
        for t in doc[last + 2: last + 9]:
            if t.text == "," or t.pos_ in ("VERB", "AUX"):
                break
            if t.pos_ == "NOUN":
                out.append(t)
    return out


def learn_speech_subjects(ctx: ArticleContext) -> None:
    """Named subjects of speech verbs ("Staffan de Mistura told reporters"), for "he said"."""
    found: list[tuple[int, str]] = []
    for p in ctx.sents:
        for t in p.doc:
            if t.lemma_.lower() in SPEECH_VERBS and t.pos_ == "VERB" and not ctx.in_quote(p.abs(t)):
                subj = subject_of(t)
                if subj is not None and subj.pos_ != "PRON":
                    name, _, how, _ = speaker_of(ctx, subj, p)
                    # (a name found by its title alone is not among the tagger's people)
                    if how in ("name", "role") and name and (ctx.is_person(name) or name == _titled_name(ctx, p, subj)):
                        found.append((p.abs(subj), name))
            elif (
                t.dep_ == "nsubj"
                and t.pos_ == "PROPN"
                and t.head.pos_ in ("VERB", "AUX")
                and not ctx.in_quote(p.abs(t))
            ):
                # A named person doing anything ("Elena Brisk refused to concede.") is who a
                # following "she said" most likely refers to.
                m = _entity_covering(ctx, p.abs(t))
                if m is not None and m.label == "PERSON" and m.canonical:
                    found.append((p.abs(t), m.canonical))
    ctx.speech_subjects = sorted(set(found))


def speech_verb_near(p: ParsedSentence, lo: int, hi: int, ctx: ArticleContext, verbs: set[str]) -> Any | None:
    """The speech verb outside quotes between absolute offsets lo..hi closest to them."""
    best, best_gap = None, 10**9
    for t in p.doc:
        pos = p.abs(t)
        if not (lo <= pos < hi) or ctx.in_quote(pos):
            continue
        if t.lemma_.lower() in verbs and t.pos_ in ("VERB", "AUX"):
            gap = min(abs(pos - lo), abs(pos - hi))
            if gap < best_gap:
                best, best_gap = t, gap
    return best


def subject_of(verb: Any) -> Any | None:
    """The subject of a speech verb, climbing from "adding", "saying" to the main verb.

    When climbing, a place or a thing as subject ("eastern Aleppo risked ..., saying") is not a
    speaker: keep climbing.
    """
    for level in range(3):
        for c in verb.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ != "it":
                if (
                    level == 0
                    or c.pos_ == "PRON"
                    or c.ent_type_ in ("PERSON", "ORG")
                    or (c.lemma_.lower() in PERSON_ROLES and not c.ent_type_)
                ):
                    return c
        if verb.dep_ in ("advcl", "conj", "xcomp", "ccomp", "acl", "parataxis") and verb.head.i != verb.i:
            verb = verb.head
        else:
            break
    return None


def according_to(p: ParsedSentence, lo: int, hi: int) -> Any | None:
    """The object of "according to" between absolute offsets lo..hi, if any."""
    for t in p.doc:
        if t.lower_ == "according" and lo <= p.abs(t) < hi:
            for c in t.children:
                if c.lower_ == "to":
                    for o in c.children:
                        if o.dep_ == "pobj":
                            return o
            if t.i + 2 < len(p.doc) and p.doc[t.i + 1].lower_ == "to":
                return p.doc[t.i + 2]
    return None

