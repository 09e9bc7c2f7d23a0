"""Figures: every number of an article with what it counts, its scope, its actor and its source.

See "Figures" in docs/facts.md for each field and the rule that fills it.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from crossbrief.model import DateMention, Figure, Quote
from crossbrief.stages.analyse.context import ArticleContext
from crossbrief.stages.analyse.numbers import CURRENCY_WORDS, TIME_UNITS, Number, find_numbers
from crossbrief.stages.analyse.parse import ParsedSentence
from crossbrief.stages.analyse.speakers import ESTIMATE_VERBS, SPEECH_VERBS, according_to, speaker_of, subject_of

# Nouns for people in general: "civilians", "residents" and "workers" killed are one claim about
# people killed; fighters, soldiers, police and children are counted apart (sub-populations that
# reports give separately).
_PEOPLE = {
    "people", "person", "civilian", "resident", "inhabitant", "citizen", "individual", "villager",
    "refugee", "migrant", "life", "soul", "victim", "worker", "employee", "staff", "protester",
    "demonstrator", "passenger", "patient", "participant", "voter", "pilgrim", "tourist", "visitor",
    "miner", "farmer", "man", "woman", "adult", "crowd", "turnout", "attendance", "marcher", "workforce",
}
_POLICE = {"police", "policeman", "policemen", "officer", "guard", "policewoman"}
_CHILDREN = {"child", "kid", "minor", "baby", "infant", "boy", "girl", "student", "pupil"}
_FIGHTERS = {
    "fighter", "rebel", "militant", "insurgent", "jihadist", "gunman", "combatant", "member", "extremist", "terrorist",
}
_SOLDIERS = {"soldier", "troop", "serviceman", "servicemen", "personnel"}
_EVENTS = {
    "killed": {"kill", "die", "dead", "death", "murder", "massacre", "execute", "slay", "perish", "fatality", "toll"},
    "injured": {"injure", "wound", "hurt", "maim", "injury", "casualty", "injured", "wounded"},
    "displaced": {"displace", "flee", "evacuate", "uproot", "homeless", "refugee"},
    "arrested": {"arrest", "detain", "jail", "imprison", "capture"},
    "missing": {"missing", "disappear"},
}
_EVENT_OF = {lemma: event for event, lemmas in _EVENTS.items() for lemma in lemmas}
_SINCE = re.compile(r"\bsince\s+(?P<what>[^,.;:]{2,40})", re.I)
_PERIOD = re.compile(
    r"\b(?:over|in|during|for|within)\s+the\s+(?:past|last|previous|next)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:days?|weeks?|months?|years?|hours?)\b",
    re.I,
)


# Nouns that count the same thing in other words (docs/facts.md); other near-synonyms ("cars" and
# "vehicles") are matched across the bundle by the embedding of the noun (facts.py).
_SAME_THING = {
    "jobs": {"job", "position", "role", "post", "redundancy", "layoff", "lay-off", "job cut", "job loss"},
    "homes": {"home", "house", "dwelling", "residence", "housing unit"},
    "households": {"household", "family"},
    "observers": {"observer", "monitor"},
}
_CLASS_OF = {lemma: cls for cls, lemmas in _SAME_THING.items() for lemma in lemmas}
# Event nouns counted directly ("31 deaths", "a death toll of 41"): people, with that event.
_EVENT_NOUNS = {"death": "killed", "fatality": "killed", "toll": "killed", "life": "killed", "injury": "injured",
                "casualty": "injured", "arrest": "arrested"}
# Nouns that carry the thing counted in a compound: "job losses", "job cuts" count jobs.
_CHANGE_NOUNS = {"loss", "cut", "reduction"}


def counted_class(lemma: str, is_plural_propn: bool = False) -> str:
    """The normalised class of a counted noun (documented in docs/facts.md)."""
    lemma = lemma.lower()
    if lemma in _CLASS_OF:
        return _CLASS_OF[lemma]
    if lemma in _PEOPLE or is_plural_propn:
        return "people"
    if lemma in _CHILDREN:
        return "children"
    if lemma in _FIGHTERS:
        return "fighters"
    if lemma in _SOLDIERS:
        return "soldiers"
    if lemma in _POLICE:
        return "police"
    return lemma


def find_figures(ctx: ArticleContext, dates: list[DateMention], quotes: list[Quote]) -> list[Figure]:
    """Every figure of the article, sentence by sentence, described, scoped and attributed."""
    text = ctx.article.text
    figures: list[Figure] = []
    date_starts = [d.start for d in dates]
    quote_starts = [q.start for q in quotes]
    for p in ctx.sents:
        sent_text = p.doc.text
        lo, hi = bisect.bisect_left(date_starts, p.start), bisect.bisect_left(date_starts, p.start + len(sent_text))
        here = dates[lo:hi]
        skip = [(d.start - p.start, d.end - p.start) for d in here]
        nums = find_numbers(sent_text, skip)
        tokens_of = [_tokens_in(p, n) for n in nums]
        own = {t.i for toks in tokens_of for t in toks}
        sent_figs: list[tuple[Figure, Any]] = []
        for n, toks in zip(nums, tokens_of):
            if not toks:
                continue
            start = p.start + n.qualifier_start
            f = Figure(text[start:p.start + n.end], n.value, start, p.start + n.end, ctx.article.id, p.index,
                       n.kind, n.low, n.high, n.unit)
            noun = _counted_noun(toks[-1], own)
            _describe(f, noun, toks, p, ctx, own)
            sent_figs.append((f, noun))
        _inherit_counted(sent_figs)
        for f, _ in sent_figs:
            _scope(f, p, here)
            i = bisect.bisect_right(quote_starts, f.start) - 1
            _attribute(f, p, ctx, quotes[i:i + 1] if i >= 0 else [])
            figures.append(f)
    return figures


def _tokens_in(p: ParsedSentence, n: Number) -> list[Any]:
    lo, hi = p.start + n.start, p.start + n.end
    return [t for t in p.doc if lo <= p.abs(t) < hi]


def _plausible_noun(t: Any, last: Any) -> bool:
    """False for "no more than 900 remain, he said": a verb the tagger took for a singular noun."""
    nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
    return not (t.tag_ in ("NN", "VB", "VBP") and t.i == last.i + 1 and (nxt is None or nxt.is_punct))


def _counted_noun(last: Any, own: set[int]) -> Any | None:
    """The noun a number counts: its syntactic head, else the first noun to its right."""
    head = last.head
    if (
        last.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod")
        and head.pos_ in ("NOUN", "PROPN")
        and head.i > last.i
        and head.i not in own
    ):
        return head if _plausible_noun(head, last) else None
    return _noun_to_the_right(last, own) or _noun_holding(last) or _noun_of_subject(last, own)


# Verbs whose subject is what a bare number measures: "Turnout was 64.2 per cent", "Revenue fell
# 9 per cent to $8.1 billion", "the death toll rose to 41".
_LEVEL_VERBS = {"be", "stand", "reach", "rise", "fall", "drop", "climb", "increase", "decrease", "grow", "total",
                "hit", "jump", "surge", "plunge", "slip", "decline", "sink", "soar", "tumble", "top", "exceed"}


def _noun_of_subject(last: Any, own: set[int]) -> Any | None:
    node = last
    for _ in range(4):
        if node.head.i == node.i:
            return None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            break
        if node.pos_ != "ADP" and node.i not in own:
            return None
    if node.lemma_.lower() not in _LEVEL_VERBS:
        return None
    for c in node.children:
        if c.dep_ == "nsubj" and c.i not in own and (
            c.pos_ == "NOUN" or (c.pos_ == "PROPN" and c.i == c.sent.start and not list(c.children))
        ):
            return c  # a capitalised first word alone ("Turnout") is taken as a common noun
    return None


def _money_verb(last: Any, own: set[int]) -> Any | None:
    """The verb a sum of money is the object of, when no noun says what it is: "lost $312m",
    "save $900m a year" (the verb's lemma stands for the thing counted)."""
    node = last
    for _ in range(3):
        if node.head.i == node.i:
            return None
        node = node.head
        if node.pos_ == "VERB":
            return None if node.lemma_.lower() in _ATTRIBUTION_VERBS or node.lemma_.lower() in _LEVEL_VERBS else node
        if node.pos_ != "ADP" and node.i not in own:
            return None
    return None


def _aside_mark(t: Any) -> bool:
    """A dash set off by spaces (not the hyphen of "al-Nusra") or an opening bracket."""
    if t.text == "(":
        return True
    spaced = bool(t.whitespace_) and t.i > 0 and bool(t.doc[t.i - 1].whitespace_)
    return t.text in ("-", "–", "—") and spaced


def _noun_holding(last: Any) -> Any | None:
    """The noun a bare number is the value of: "a turnout of 120,000", "put the crowd at 35,000"."""
    if last.dep_ == "pobj" and last.head.lower_ in ("of", "at", "to", "around"):
        holder = last.head.head
        if holder.pos_ == "NOUN":
            return holder
        for dep in ("dobj", "nsubjpass", "nsubj"):  # "put the crowd at 35,000": the object
            for c in holder.children:
                if c.dep_ == dep and c.pos_ == "NOUN":
                    return c
    return None


def _noun_to_the_right(last: Any, own: set[int]) -> Any | None:
    doc = last.doc
    i, stop = last.i + 1, min(len(doc), last.i + 14)
    while i < stop:
        t = doc[i]
        if _aside_mark(t) and i > last.i + 1:
            # "900 former Jabhat al-Nusra - now calling themselves ... - fighters": skip the aside.
            close = next(
                (j for j in range(i + 1, min(len(doc), i + 14)) if _aside_mark(doc[j]) or doc[j].text == ")"), None
            )
            if close is not None:
                i, stop = close + 1, min(len(doc), close + 6)
                continue
        if t.i in own:
            return None
        if (
            t.pos_ == "NOUN"
            and t.lemma_.lower() in TIME_UNITS
            and i > 0
            and doc[i - 1].lower_ in ("a", "an", "per", "each", "every")
        ):
            i += 1  # "$900 million a year": a rate, not the thing counted
            continue
        if t.pos_ == "NOUN" or (t.pos_ == "PROPN" and t.tag_ == "NNPS"):
            return t if _plausible_noun(t, last) else None
        if t.pos_ in ("VERB", "AUX", "SCONJ") or (t.pos_ == "ADP" and t.lower_ not in ("of",)) or t.text in ",;:.":
            return None
        i += 1
    return None


def _describe(
    f: Figure, noun: Any | None, toks: list[Any], p: ParsedSentence, ctx: ArticleContext, own: set[int]
) -> None:
    """Fill counted, measure, qualifier, event and place from the parse around the number."""
    if noun is not None and noun.lemma_.lower() in _CONTAINER_NOUNS:
        # "the number of deaths", "a total of 1,342 cases": what the number is a number of
        inner = next((o for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
                      for o in c.children if o.dep_ == "pobj" and o.pos_ == "NOUN"), None)
        noun = inner if inner is not None else noun
    if noun is not None:
        lemma = noun.lemma_.lower()
        f.counted = p.doc[toks[-1].i + 1: noun.i + 1].text.strip(" -–") if noun.i > toks[-1].i else noun.text
        compound = [c for c in noun.children if c.dep_ == "compound" and c.pos_ == "NOUN" and c.i < noun.i]
        if lemma in _CHANGE_NOUNS and compound:
            lemma = compound[-1].lemma_.lower()  # "1,500 job losses" counts jobs
        f.counted_key = counted_class(
            lemma, noun.tag_ == "NNPS" or (noun.ent_type_ == "NORP" and noun.text.endswith("s"))
        )
        if lemma in _EVENT_NOUNS and not (
            lemma == "life" and noun.head.lemma_.lower() not in ("claim", "take", "lose", "cost")
        ):
            f.counted_key = "people"  # "31 deaths", "claimed 27 lives": people, event below
        if lemma in CURRENCY_WORDS:
            f.unit = f.unit or CURRENCY_WORDS[lemma]
        for t in p.doc[toks[-1].i + 1: noun.i]:
            if t.ent_type_ in ("ORG", "NORP") and t.pos_ == "PROPN":
                m = ctx.entity_in(p.abs(t), p.abs(t) + len(t.text), {"ORG", "NORP", "PERSON", "GPE"})
                f.qualifier = m.canonical if m else t.text
                break
    if noun is None and f.unit and f.unit != "%":
        verb = _money_verb(toks[-1], own)
        if verb is not None:
            f.counted, f.counted_key = verb.text, verb.lemma_.lower()
    if f.unit == "%":
        f.measure = "percent"
    elif f.unit:
        f.measure = "money"
    elif re.search(r"\byears?[- ]old\b", p.doc.text[toks[-1].idx: toks[-1].idx + 20].lower()):
        f.measure = "age"
    elif noun is not None and noun.lemma_.lower().rstrip("s") in TIME_UNITS:
        f.measure = "duration"
    f.event = _event_of(toks[-1], noun, own)
    if noun is not None and noun.lemma_.lower() in _EVENT_NOUNS and f.counted_key == "people":
        f.event = _EVENT_NOUNS[noun.lemma_.lower()]
    if not f.qualifier:
        f.qualifier = _actor(noun if noun is not None else toks[-1], ctx, p, own)
    f.place = _place(p, noun if noun is not None else toks[-1])


_CONTAINER_NOUNS = {"number", "total", "tally", "count", "figure"}

# Common nouns that name who gives, spends, wins or loses a quantity ("the government has released
# 15 million euros"); named organisations, places, groups and people always do.
_ACTOR_NOUNS = {
    "government", "ministry", "state", "union", "company", "council", "bank", "agency", "authority", "commission",
    "party", "donor", "charity", "army", "military", "administration", "parliament", "assembly", "court", "city",
    "region", "province", "country", "fund", "committee", "board", "club", "team", "insurer", "investor", "buyer",
}


def _actor(anchor: Any, ctx: ArticleContext, p: ParsedSentence, own: set[int]) -> str:
    """Who the quantity belongs to, as opposed to who reports it: the subject of the verb that
    governs the figure ("The European Union pledged 20 million euros", "the Greens took seven
    seats"), the agent of a passive ("doses supplied by the WHO") or a possessor ("the EU's aid").
    Attribution verbs (said, estimated, ...) give the source, not the actor."""
    for c in anchor.children:
        if c.dep_ == "poss":
            name = _actor_name(c, ctx, p)
            if name:
                return name
        if c.dep_ == "acl":
            for a in c.children:
                if a.dep_ == "agent":
                    for o in a.children:
                        if o.dep_ == "pobj":
                            name = _actor_name(o, ctx, p)
                            if name:
                                return name
    node = anchor
    for _ in range(4):
        if node.pos_ in ("VERB", "AUX"):
            break
        if node.head.i == node.i:
            return ""
        node = node.head
    if node.pos_ not in ("VERB", "AUX") or (
        node.lemma_.lower() in _ATTRIBUTION_VERBS and node.lemma_.lower() != "announce"
    ):
        return ""
    for c in node.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.i not in own and not (c.i <= anchor.i <= c.right_edge.i):
            return _actor_name(c, ctx, p) if c.dep_ == "nsubj" else ""
        if c.dep_ == "agent":
            for o in c.children:
                if o.dep_ == "pobj":
                    return _actor_name(o, ctx, p)
    return ""


def _actor_name(token: Any, ctx: ArticleContext, p: ParsedSentence) -> str:
    start = p.abs(token.left_edge)
    end = p.abs(token) + len(token.text)
    m = ctx.entity_in(start, end, {"ORG", "GPE", "NORP", "PERSON"})
    if m is not None:
        return m.canonical
    if token.pos_ == "NOUN" and token.lemma_.lower() in _ACTOR_NOUNS:
        return token.lemma_.lower()
    return ""


def _event_of(last: Any, noun: Any | None, own: set[int]) -> str:
    doc = last.doc
    anchor = noun if noun is not None else last
    # 1. right after the number or noun: "1,200 injured", "civilians dead", "people killed" --
    # unless the noun sits in a prepositional phrase ("50,000 out of 250,000 inhabitants have
    # been displaced": the verb is the head's).
    for t in doc[anchor.i + 1: anchor.i + (4 if anchor.dep_ != "pobj" else 1)]:
        if t.i in own or t.pos_ == "CCONJ":
            break  # "killing at least 14 people and injuring more than 60": the next verb is the next figure's
        ev = _EVENT_OF.get(t.lemma_.lower()) or _EVENT_OF.get(t.lower_)
        if ev:
            return ev
    # 2. up the tree, but not past another figure (whose event it would be).
    node = anchor
    for _ in range(6):
        for c in node.children:
            if c.dep_ in ("acl", "relcl", "amod", "acomp") and c.i not in own:
                ev = _EVENT_OF.get(c.lemma_.lower()) or _EVENT_OF.get(c.lower_)
                if ev:
                    return ev
        if node.lemma_.lower() == "lose" and any(c.lemma_.lower() == "life" for c in node.children):
            return "killed"
        for verb in [node, *[c for c in node.children if c.dep_ == "xcomp"]]:
            # "lost their homes", "were told to leave their homes"
            if verb.lemma_.lower() in ("leave", "lose", "abandon", "flee") and any(
                c.lemma_.lower() == "home" for c in verb.children
            ):
                return "displaced"
        if node.head.i == node.i or node.head.i in own:
            break
        if node.dep_ == "conj" and node.pos_ == "VERB":
            break  # "killed 27 people and sickened more than 1,300": a coordinated verb has its own event
        node = node.head
        ev = _EVENT_OF.get(node.lemma_.lower()) or _EVENT_OF.get(node.lower_)
        if ev:
            return ev
        if node.lemma_.lower() in SPEECH_VERBS:
            break
    return ""


def _place(p: ParsedSentence, anchor: Any) -> str:
    """The place in the figure's own clause (not in the speaker's): "in eastern Aleppo"."""
    clause = anchor
    while clause.head.i != clause.i and clause.pos_ not in ("VERB", "AUX"):
        clause = clause.head
    if clause.lemma_.lower() in ESTIMATE_VERBS:
        clause = anchor
    lo, hi = clause.left_edge.i, clause.right_edge.i
    best, gap = "", 10**9
    for ent in p.doc.ents:
        if ent.label_ in ("GPE", "LOC", "FAC") and lo <= ent.start <= hi:
            d = abs(ent.start - anchor.i)
            if d < gap:
                prefix = p.doc[ent.start - 1] if ent.start > 0 else None
                name = ent.text
                if prefix is not None and re.fullmatch(
                    r"(?:north|south|east|west)(?:ern)?|central|"
                    r"(?:north|south)-?(?:east|west)(?:ern)?",
                    prefix.lower_,
                ):
                    name = f"{prefix.text} {name}"
                best, gap = name, d
    return best


def _inherit_counted(sent_figs: list[tuple[Figure, Any]]) -> None:
    """A bare number ("and more than 1,200 injured") counts what its neighbour in the sentence counts."""
    for i, (f, _) in enumerate(sent_figs):
        if f.counted_key or f.measure != "count":
            continue
        order = list(range(i - 1, -1, -1)) + list(range(i + 1, len(sent_figs)))
        for j in order:
            g = sent_figs[j][0]
            if g.counted_key and g.measure == "count":
                f.counted, f.counted_key, f.qualifier = g.counted, g.counted_key, f.qualifier or g.qualifier
                break


def _scope(f: Figure, p: ParsedSentence, dates: list[DateMention]) -> None:
    sent = p.doc.text
    since = _SINCE.search(sent)
    if since:
        f.time = "since " + since.group("what").strip()
        at = p.start + since.start("what")
        for d in dates:
            if d.start == at or (at <= d.start < at + 4):
                f.since, f.time = d.value, "since " + d.text
                break
        return
    period = _PERIOD.search(sent)
    if period:
        f.time = period.group()
        return
    inside = [d for d in dates if p.start <= d.start < p.start + len(sent)]
    if inside:
        f.time = min(inside, key=lambda d: abs(d.start - f.start)).text


def _attribute(f: Figure, p: ParsedSentence, ctx: ArticleContext, quotes: list[Quote]) -> None:
    """Who the figure is attributed to: the quote it sits in, "according to X", or "X said"."""
    for q in quotes:
        if q.start <= f.start < q.end:
            f.in_quote, f.source = True, q.speaker
            return
    end = p.start + len(p.doc.text)
    subj = according_to(p, p.start, end)
    if subj is None:
        verb = _nearest_verb(p, f, ctx)
        subj = subject_of(verb) if verb is not None else None
    if subj is not None:
        sub = list(subj.subtree)
        if not (p.abs(sub[0]) <= f.start < p.abs(sub[-1]) + len(sub[-1].text)):
            f.source = speaker_of(ctx, subj, p)[0]


_ATTRIBUTION_VERBS = {
    "say", "tell", "state", "report", "estimate", "add", "warn", "claim", "announce", "count",
    "record", "document", "tally", "calculate", "confirm", "note", "put", "believe", "show", "find",
    "insist", "explain", "write", "tweet", "allege",
}
_SUBORDINATORS = {"as", "while", "when", "after", "before", "because", "since", "if", "although", "though"}


def _nearest_verb(p: ParsedSentence, f: Figure, ctx: ArticleContext) -> Any | None:
    """The attribution verb whose clause holds the figure, or that trails its clause ("..., he said")."""
    number = p.token_at(f.end - 1)
    if number is None:
        return None
    ancestors = {a.i for a in number.ancestors} | {number.i}
    best, gap = None, 10**9
    for t in p.doc:
        if t.lemma_.lower() not in _ATTRIBUTION_VERBS or t.pos_ != "VERB" or ctx.in_quote(p.abs(t)):
            continue
        if any(c.dep_ == "dobj" and c.lemma_.lower() == "life" for c in t.children):
            continue  # "cholera has claimed 27 lives": not an attribution
        governs = t.i in ancestors
        # "as he said", "when officials said": a subordinate speech verb attributes only the
        # figures of its own clause ("while organisers said more than 100,000 had taken part").
        if not governs and any(c.dep_ == "mark" and c.lower_ in _SUBORDINATORS for c in t.children):
            continue
        subj = subject_of(t)
        if subj is None or number.i in {x.i for x in subj.subtree}:
            continue
        trails = t.dep_ in ("parataxis", "ccomp", "advcl", "conj") and t.head.i in ancestors and t.i > number.i
        if governs or trails:
            d = abs(t.i - number.i)
            if d < gap:
                best, gap = t, d
    return best

