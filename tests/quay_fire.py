"""A bundle of full-length news reports about one invented event, written for the tests: a fire
at a chemical warehouse in the (made-up) town of Marrowick. Every report gives the same few facts
in its own wording, plus many sentences of local detail built from templates, so that the bundle
has far more candidate sentences than the selector's training bundles and enough articles for
concept coverage. Some reports open with a pronoun that nothing before it explains, and every
report has a sentence that names "she" only in the sentence before it."""

from __future__ import annotations

ARTICLES = 8
DETAIL_SENTENCES = 12  # per article, all different

_FIRE = [
    "A fire broke out at the Tessaly chemical warehouse on Harlow Quay in Marrowick late on Sunday night, "
    "the county fire service said.",
    "Flames tore through the Tessaly chemical warehouse on Harlow Quay in Marrowick late on Sunday night, "
    "according to the county fire service.",
    "The county fire service said a fire broke out late on Sunday night at the Tessaly chemical warehouse "
    "on Harlow Quay.",
]
_EVACUATED = [
    "About 400 residents living near the quay were evacuated from their homes as thick smoke drifted over the town.",
    "Police evacuated about 400 residents living near the quay as thick smoke drifted over the old town.",
    "Thick smoke drifted over the town and about 400 residents living near the quay were evacuated overnight.",
]
_CHIEF = [
    "Fire chief Anna Corlett told reporters the blaze had been brought under control by early Monday morning.",
    "Anna Corlett, the county fire chief, said the blaze was brought under control by early Monday morning.",
]
# Opens with "She": it reads only right after the sentence naming Anna Corlett.
_SHE = [
    "She said crews would stay at the Tessaly chemical warehouse for several days to cool the damaged storage tanks.",
    "She said fire crews would remain at the Tessaly chemical warehouse for several days to cool the storage tanks.",
]
_HOSPITAL = [
    "Two firefighters were treated in hospital for smoke inhalation and were released on Monday afternoon.",
    "Two firefighters treated in hospital for smoke inhalation were released on Monday afternoon, officials said.",
]
# Opens a report with "It": nothing before it in the report says what "it" is.
_OPENER = "It was the largest fire at the Tessaly chemical warehouse on Harlow Quay since the site opened in 1998."

# Local colour: each report has its own people, places, things and doings, so that no outlet's
# detail is a concept that three reports share (as in real coverage, where it is each reporter's own).
_LOCAL = [
    (["Mara Quint", "Tobias Fell", "Greta Olden"], ["bakery", "chapel", "allotments", "bus depot"],
     ["flour sacks", "hymn books", "seed trays", "spare tyres"], ["carried", "stacked", "counted"]),
    (["Ivo Brannock", "Selma Roth", "Piet Varga"], ["laundrette", "rowing club", "library", "garage"],
     ["wet towels", "oars", "atlases", "toolboxes"], ["folded", "hauled", "sorted"]),
    (["Lena Marsh", "Otto Keel", "Nadia Crane"], ["pharmacy", "ferry office", "orchard", "bowling green"],
     ["inhalers", "timetables", "apple crates", "garden chairs"], ["handed out", "pinned up", "dragged"]),
    (["Ruben Stahl", "Edda Morrow", "Felix Dunmore"], ["record shop", "tea room", "boat yard", "kiln"],
     ["vinyl albums", "teapots", "tarpaulins", "clay pots"], ["boxed", "rinsed", "tied down"]),
    (["Hilde Asker", "Conor Pell", "Yara Benn"], ["primary school", "fish market", "cinema", "stables"],
     ["blankets", "ice boxes", "folding seats", "hay bales"], ["unloaded", "wheeled", "moved"]),
    (["Matteo Rusk", "Ingrid Sole", "Dara Finch"], ["sailing school", "bakehouse", "post office", "mill"],
     ["life jackets", "bread rolls", "parcels", "grain bags"], ["zipped", "wrapped", "weighed"]),
    (["Petra Lund", "Casimir Holt", "Oona Reyes"], ["vet surgery", "youth hostel", "brewery", "gallery"],
     ["pet carriers", "bunk mattresses", "casks", "framed prints"], ["lifted", "rolled", "hung"]),
    (["Bram Ostler", "Kit Tamsin", "Runa Wale"], ["cycle workshop", "chip shop", "mosque", "lido"],
     ["inner tubes", "fryers", "prayer mats", "deck chairs"], ["patched", "switched off", "laid out"]),
]
_DETAIL = [
    "{person} {did} the {thing} from the {place} into a neighbour's van while the {other} stayed dark.",
    "At the {place}, {person} {did} the {thing} by torchlight and then waited with the {other} staff.",
    "{person} and two helpers {did} the {thing} behind the {place} until the {other} reopened its doors.",
    "Volunteers from the {place} {did} the {thing} with {person}, who had come over from the {other}.",
]


def detail(article: int, k: int) -> str:
    """The k-th sentence of local detail in report `article`: a different one for every k."""
    people, places, things, doings = _LOCAL[article]
    return _DETAIL[k % 4].format(
        person=people[k % 3], place=places[k % 4], other=places[(k + 1 + k // 4) % 4],
        thing=things[(k + k // 4) % 4], did=doings[k % 3],
    )


def report(article: int) -> str:
    """Report `article` of the bundle, in paragraphs of two or three sentences."""
    v = article
    facts = [_FIRE[v % 3], _EVACUATED[(v + 1) % 3], _CHIEF[v % 2], _SHE[v % 2], _HOSPITAL[(v + 1) % 2]]
    details = [detail(article, k) for k in range(DETAIL_SENTENCES)]
    sentences = ([_OPENER] if article % 2 == 0 else []) + facts[:2] + details[:4] + facts[2:4] + details[4:8]
    sentences += facts[4:] + details[8:]
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return "\n\n".join(paragraphs) + "\n"


def reports() -> list[str]:
    return [report(k) for k in range(ARTICLES)]
