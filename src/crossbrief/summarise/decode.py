"""Greedy decoding by score under a word budget without repeats, and the story order of the result."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from crossbrief.model import Article
from crossbrief.summarise.bundle import Bundle, predecessors
from crossbrief.summarise.cite import same_content
from crossbrief.summarise.filters import MIN_WORDS, needs_antecedent
from crossbrief.summarise.words import words_of

# A candidate sharing more than this share of its word trigrams with the summary repeats it.
# (Blocking on any shared trigram, as is usual, also drops new facts that share "of the city".)
TRIGRAM_BLOCK = 0.2


def word_trigrams(text: str) -> set[tuple[str, str, str]]:
    """The sentence's lower-cased word trigrams (for the repeat test)."""
    toks = re.findall(r"[a-z0-9]+", text.lower())
    return set(zip(toks, toks[1:], toks[2:]))


def repeats(bundle: Bundle, chosen: list[int], chosen_trigrams: set, i: int, trigrams: set) -> bool:
    """Does sentence i (with word `trigrams`) say what the chosen sentences say? Either a large
    share of its trigrams is already in the summary (a copy), or it passes the citation test with a
    chosen sentence (a paraphrase), so that a summary never holds two sentences that would cite
    each other."""
    if trigrams and len(trigrams & chosen_trigrams) > TRIGRAM_BLOCK * len(trigrams):
        return True
    if not chosen:
        return False
    t = bundle.thresholds
    sims = bundle.vectors[chosen] @ bundle.vectors[i]
    for j, c in zip(chosen, sims):
        if c >= t.redundancy or (
            c >= t.cite and same_content(float(c), bundle.sentences[i].text, bundle.sentences[j].text, t)
        ):
            return True
    return False


def decode(bundle: Bundle, scores: np.ndarray, budget: int, require_antecedent: bool = False) -> list[int]:
    """Greedy selection by score under a hard word budget, skipping redundant sentences.

    Returns indices into `bundle.sentences`. Trigram blocking (a large share of the candidate's
    word trigrams already in the summary) plus a cosine check catch both copied and paraphrased repeats; a sentence
    that does not fit the remaining budget is skipped so that a shorter one can still fill it.

    With `require_antecedent`, a sentence that opens with a pronoun (`needs_antecedent`) is taken
    only together with the sentence before it in its article: it waits until that one is chosen,
    and is then considered at once, so that the two stand side by side (see `story_order`).
    """
    chosen: list[int] = []
    chosen_tri: set = set()
    used = 0
    waiting: dict[int, int] = {}  # predecessor's index in bundle.sentences -> the follower's
    predecessor = predecessors(bundle) if require_antecedent else {}
    order = sorted(range(len(bundle.candidates)), key=lambda k: (-scores[k], bundle.candidates[k]))
    for k in order:
        if not np.isfinite(scores[k]):
            break
        queue = [bundle.candidates[k]]
        while queue:
            i = queue.pop()
            s = bundle.sentences[i]
            if require_antecedent and needs_antecedent(s.text):
                before = predecessor.get(i)
                if before is None:
                    continue
                if before not in chosen:
                    waiting[before] = i
                    continue
            n = words_of(s.text)
            if used + n > budget:
                continue
            tri = word_trigrams(s.text)
            if repeats(bundle, chosen, chosen_tri, i, tri):
                continue
            chosen.append(i)
            chosen_tri |= tri
            used += n
            if i in waiting:
                queue.append(waiting.pop(i))
        if budget - used < MIN_WORDS:
            break
    return chosen


def story_order(articles: Sequence[Article], bundle: Bundle, chosen: list[int]) -> list[int]:
    """Order chosen sentences so they read as a story: earlier in its article first (in tenths of
    the article, so leads come before background), then by article date and bundle order; a
    sentence opening with a pronoun directly after its own predecessor, when that is chosen."""
    dates = {a.id: (a.date or "9999") for a in articles}
    lengths = {a.id: max(len(a.sentences), 1) for a in articles}

    predecessor = predecessors(bundle)
    taken = set(chosen)

    def key(i: int):
        s = bundle.sentences[i]
        before = predecessor.get(i)
        if before in taken and needs_antecedent(s.text):
            return key(before)[:-1] + (s.index,)  # "He said ..." right after the sentence naming him
        return (
            round(s.index / lengths.get(s.article, 1), 1),
            dates.get(s.article, "9999"),
            int(bundle.article_of[i]),
            s.index,
        )

    return sorted(chosen, key=key)
