"""Which sentences may stand in a summary, and which open by pointing outside themselves."""

from __future__ import annotations

import re

from crossbrief.summarise.words import words_of

# Sentences outside these lengths are fragments/captions or segmentation failures. (A tighter
# cap of 70 words cost 0.6 ROUGE-1 on Multi-News: long news sentences are often the informative ones.)
MIN_WORDS = 6
MAX_WORDS = 150
# Shorter lines without final punctuation are headlines, captions or bylines; longer ones are
# usually sentences whose source was cut mid-way or lost its full stop, and are still usable.
HEADLINE_WORDS = 12

# A sentence opening with one of these refers back to something the reader of a summary may not
# have seen ("But the plan...", "However, ...", "This means ..."). It is a selector feature, not
# a filter: news summaries do use "He said ..." after the sentence naming him, and the model
# learns from the references how much an opener like this costs.
_DANGLING = {
    "but", "and", "or", "so", "yet", "however", "however,", "also", "meanwhile", "still",
    "moreover", "furthermore", "instead", "then", "thus", "therefore", "nevertheless",
    "this", "that", "these", "those", "it", "they", "he", "she", "his", "her", "their", "its",
    "him", "them", "such", "both", "another", "other", "others", "there", "here",
}
_CAPTION = re.compile(
    r"^(?:photo|image|video|watch|read more|related|click|advertisement|follow|subscribe|"
    r"sign up|getty|ap photo|reuters|copyright|\(ap|\(photo|caption|share this|this story|"
    r"submitted (?:photo|video|image)|file (?:photo|image)|photograph(?:er|ed by)?|text size|"
    r"image (?:source|copyright))\b"
    r"|^credits?\s*:"
    r"|^/",  # a scraped path or dateline fragment ("/ beirut ( reuters ) - ...")
    re.I,
)
# Page furniture that scrapers leave inside a sentence: a photo credit in brackets, the text-size
# control, a share bar. A sentence holding one is not prose a reader should be shown.
_FURNITURE = re.compile(r"\(\s*(?:photo\s+)?credits?\s*:|\btext size\b|\bshare (?:on|via) (?:facebook|twitter)\b", re.I)
# Quotation marks: a sentence holding one quotes someone (a selector feature).
QUOTE_CHARS = ('"', "“", "”", "''", "``")


def _opener(text: str) -> str:
    """The sentence's first word, lower-cased, without quotation marks or trailing punctuation."""
    return text.lstrip("\"'“‘( -—").split(" ", 1)[0].lower().rstrip(",;:")


def is_dangling(text: str) -> bool:
    """True when the sentence opens with a connective or pronoun that points outside it."""
    return _opener(text) in _DANGLING


# Openers that refer back to someone or something the sentence itself does not name.
_ANAPHORIC = {"he", "she", "they", "it", "his", "her", "their", "its", "him", "them", "this", "these", "those"}


# A contracted opener ("He's", "That's", "They’re") points back as much as the bare pronoun. Only
# the readable rule strips it; the selector's `is_dangling` feature keeps the form it was trained on.
_CONTRACTION = re.compile(r"['’](?:s|re|ll|d|ve|m)$")


# Openers that place the sentence after an event told before it ("After that, ...", "Forty
# minutes later, ...", "Moments later ..."): the reader must have just read that event.
_AFTER_BEFORE = re.compile(
    r"^\W*(?:after that|soon after(?:wards)?|shortly after(?:wards)?|afterwards|later|"
    r"(?:\w+[ -])?(?:\w+ )?(?:seconds|minutes|hours|days|weeks|months|moments|years) later)\b", re.I)


# Openers that answer or add to the sentence before ("But police said ...", "However, ...", "And
# he ..."): after another outlet's sentence they contrast or continue the wrong thing. "Still"
# only with its comma ("Still images ..." is a noun phrase).
_CONNECTIVES = {"but", "however", "yet", "and", "nevertheless", "nonetheless", "instead", "moreover",
                "furthermore", "otherwise", "also"}
_STILL = re.compile(r"^\W*still,", re.I)


def needs_antecedent(text: str) -> bool:
    """True when the sentence opens with a pronoun or demonstrative ("He said ...", "This means
    ...", "That's ..."), a connective that answers the sentence before ("But ...", "However,
    ...") or follows on from an event told before it ("Minutes later, ..."): in a summary it
    reads only right after the sentence before it in its article."""
    if _AFTER_BEFORE.match(text) or _STILL.match(text):
        return True
    opener = _opener(text)
    if opener in _CONNECTIVES:
        return True
    bare = _CONTRACTION.sub("", opener)
    # A bare "That" often opens a noun phrase ("That decision ..."); "That's" always points back.
    return bare in _ANAPHORIC or (bare == "that" and bare != opener)


def suitable(text: str) -> bool:
    """Can this sentence stand in a summary? (no fragments, questions, captions, run-ons)."""
    n = words_of(text)
    if n < MIN_WORDS or n > MAX_WORDS:
        return False
    stripped = text.strip()
    if stripped.rstrip("\"'”’ )").endswith("?"):
        return False
    if _CAPTION.match(stripped.lstrip("(\"“ ")) or _FURNITURE.search(stripped):
        return False
    # Captions, bylines and link lists rarely end like prose does.
    if n < HEADLINE_WORDS and not re.search(r"[.!?][\"'”’)\s]*$", stripped):
        return False
    letters = sum(c.isalpha() for c in stripped)
    if letters < 0.6 * len(stripped.replace(" ", "")):
        return False
    return not _quote_needs_context(stripped)


_QUOTED = re.compile(r"“[^“”]*”|\"[^\"]*\"")
_PRONOUN_ATTRIBUTION = re.compile(
    r"^\W*(he|she|they|we|i|it)\s+(said|says|added|adds|told|asked|warned|continued|explained|insisted)\b", re.I
)


def _quote_needs_context(text: str) -> bool:
    """A quotation a summary reader cannot place: one half of a quote spanning sentences
    (unbalanced quotation marks), a bare quotation with no attribution outside it, or one
    attributed only by a pronoun ("..., he said.") whose antecedent is in another sentence."""
    if text.count("“") != text.count("”") or text.count('"') % 2:
        return True
    outside = _QUOTED.sub(" ", text)
    if outside == text:
        return False  # no double-quoted speech at all
    if len(re.findall(r"[A-Za-z]+", outside)) < 2:
        return True
    return bool(_PRONOUN_ATTRIBUTION.match(outside.strip(" ,.;:—–-")))
