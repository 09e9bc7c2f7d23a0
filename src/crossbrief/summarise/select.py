"""`summarise`: the cited extractive summary of a bundle of articles (see the package's docstring)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from crossbrief.errors import ModelFileError
from crossbrief.model import Article, SummarySentence
from crossbrief.summarise.budget import bundle_budget
from crossbrief.summarise.bundle import unfinished
from crossbrief.summarise.cite import supporting
from crossbrief.summarise.citer import CitationModel, Judge, load_citation_model
from crossbrief.summarise.concepts import ilp_decode
from crossbrief.summarise.decode import decode, story_order
from crossbrief.summarise.features import build_bundle
from crossbrief.summarise.large import CONCEPT_MIN_BUNDLE_ARTICLES, LARGE_BUNDLE, concept_decode, narrow
from crossbrief.summarise.selector import Selector, get_selector, heuristic_scores

# Which decoder chose a summary's sentences (`Selection.decoder`, and a brief's `decoder`):
CONCEPT_ILP = "concept-ilp"  # a large bundle of many articles: the exact concept ILP (`concepts`)
CONCEPT_GREEDY = "concept-greedy"  # ... the greedy coverage (asked for, or HiGHS ran out of time)
SELECTOR_CENTRAL = "selector-central"  # a large bundle of few articles: the selector, most central only
SELECTOR = "selector"  # every other bundle: the selector's scores (`decode`)
DECODERS = (CONCEPT_ILP, CONCEPT_GREEDY, SELECTOR_CENTRAL, SELECTOR)


@dataclass
class Selection:
    """A summary and the decoder that chose its sentences (one of `DECODERS`; "" when the bundle
    had no candidate sentence), so that callers and tests can tell which path a bundle took."""

    sentences: list[SummarySentence]
    decoder: str


def summarise(
    articles: list[Article],
    words: int | None = 200,
    encoder=None,
    cite_encoder=None,
    readable: bool = False,
    selector: Selector | None | Literal[False] = False,
    citer: CitationModel | None | Literal[False] = False,
    concept_solver: Literal["ilp", "greedy"] = "ilp",
) -> list[SummarySentence]:
    """The cited extractive summary of a bundle of cleaned, segmented articles: the sentences of
    `select_summary` (see there for the arguments)."""
    return select_summary(
        articles, words, encoder, cite_encoder, readable, selector, citer, concept_solver
    ).sentences


def select_summary(
    articles: list[Article],
    words: int | None = 200,
    encoder=None,
    cite_encoder=None,
    readable: bool = False,
    selector: Selector | None | Literal[False] = False,
    citer: CitationModel | None | Literal[False] = False,
    concept_solver: Literal["ilp", "greedy"] = "ilp",
) -> Selection:
    """The cited extractive summary of a bundle of cleaned, segmented articles, and which
    decoder chose it.

    `words` is a hard cap on the summary's word count; None applies the tuned length policy.
    Sentences are selected with `encoder`'s vectors (default: the static encoder the selector was
    trained with) and cited with `cite_encoder`'s (default: the same vectors), judged by `citer`
    (default: the shipped citation model for those vectors, if any; None: the cosine rule).
    `readable` adds two rules for human readers: a sentence opening with a pronoun only right
    after the sentence before it in its article, and no unfinished last sentence of a cut-off
    article (`unfinished`). `crossbrief brief` sets it, `batch --readable` too; by default batch
    and evaluation do not, because the rules cost ROUGE (see docs/benchmarks.md).
    In bundles far larger than the selector's training ones (`large`), sentences are chosen by
    concept coverage: the exact ILP (`concepts`), or with `concept_solver="greedy"` the greedy
    decoder (the ILP's fallback when HiGHS runs out of time; kept selectable for benchmarks).
    Deterministic: the same articles give the same summary (for the concept ILP: when HiGHS solves
    it within its time limit, see `concepts`).
    """
    articles = list(articles)
    if encoder is None:
        from crossbrief.resources.encoders import get_static_encoder

        encoder = get_static_encoder()
    if selector is False:  # not given: the model in use (see get_selector); None: the heuristic scorer
        selector = get_selector()
    if selector and not selector.fits(encoder):
        raise ModelFileError(
            f"the sentence selector {selector.version} was trained on other vectors than this encoder's "
            f"({type(encoder).__name__}): rebuild the static model with `make static-encoder` "
            "or retrain with `crossbrief train`"
        )
    bundle = build_bundle(articles, encoder)
    if readable:
        keep = [k for k, i in enumerate(bundle.candidates) if not unfinished(bundle, i)]
        bundle = replace(bundle, candidates=[bundle.candidates[k] for k in keep], features=bundle.features[keep])
    if not bundle.candidates:
        return Selection([], "")
    scores = selector.score_bundle(bundle) if selector else heuristic_scores(bundle.features)
    if words is None:
        budget = bundle_budget(bundle, selector.policy if selector else None)
    else:
        budget = int(words)
    if cite_encoder is not None:
        # Sentences are cited with these vectors, and the decoder tests redundancy with them too,
        # so that no two summary sentences would cite each other.
        bundle = replace(
            bundle,
            vectors=np.asarray(cite_encoder.encode([s.text for s in bundle.sentences]), dtype=np.float32),
            thresholds=cite_encoder.thresholds,
        )
    chosen: list[int] = []
    decoder = SELECTOR
    if len(bundle.candidates) > LARGE_BUNDLE:
        if len({bundle.sentences[i].article for i in bundle.candidates}) >= CONCEPT_MIN_BUNDLE_ARTICLES:
            # The exact concept ILP; the greedy coverage when HiGHS runs out of time.
            found = ilp_decode(bundle, budget, require_antecedent=readable) if concept_solver == "ilp" else None
            if found is not None:
                chosen, decoder = found, CONCEPT_ILP
            else:
                chosen, decoder = concept_decode(bundle, budget, require_antecedent=readable), CONCEPT_GREEDY
        if not chosen:
            scores, decoder = narrow(bundle, scores, budget), SELECTOR_CENTRAL
    if not chosen:
        chosen = decode(bundle, scores, budget, require_antecedent=readable)
    score_of = {bundle.candidates[k]: float(scores[k]) for k in range(len(bundle.candidates))}
    if citer is False:  # not given: the shipped model for the citing vectors, if there is one
        citer = load_citation_model(getattr(cite_encoder or encoder, "name", ""))
    judge = Judge(citer, bundle, bundle.vectors) if citer is not None else None
    ids = [a.id for a in articles]
    out: list[SummarySentence] = []
    for i in story_order(articles, bundle, chosen):
        s = bundle.sentences[i]
        also, differ = supporting(bundle, i, range(len(ids)), judge=judge)
        support = {ids[b]: bundle.sentences[j].index for b, j in (*also, *differ)}
        out.append(
            SummarySentence(
                s.text, s.article, s.index, [ids[b] for b, _ in also], [ids[b] for b, _ in differ],
                round(score_of[i], 4), support,
            )
        )
    return Selection(out, decoder)
