"""Extractive, cited summarisation: pick verbatim sentences, cite every article that agrees.

One selection code path serves `crossbrief brief` (Articles from the pipeline: `select.select_summary`)
and `crossbrief batch` / `crossbrief eval` (raw document strings: `documents.summarise_documents`).
The modules, each importing only those above it:

    words       the budget's word count, content words, stop words
    numbers     figures in a sentence and how two sentences' figures relate
    filters     candidates: every sentence of an on-topic article that can stand alone in a
                summary (not a fragment, question, caption or unplaceable quotation), and
                openers that point outside the sentence (dangling connectives, pronouns)
    bundle      `Bundle`: a bundle's sentences, vectors, candidates and features; sentence
                neighbours (`predecessors`, `unfinished`)
    features    per-bundle features from one batched encoder call (`build_bundle`): centrality,
                support across articles, position, length, number density, ...
    selector    scores: a learned LightGBM scorer shipped in `data/` (trained by crossbrief.learn,
                evaluated with numpy by `trees`) over those features and a lexical prior on the
                sentence's own words (`LexicalPrior`); a hand-weighted fallback without a model
    cite        citations: for a chosen sentence, every other article whose best-matching
                sentence is above a cosine threshold is cited in `also`, or in `differ` when the
                two sentences give different figures
    budget      the tuned length policy, when no word count is asked for
    decode      greedy by score, skipping sentences that repeat the summary (a 20% share of shared
                word trigrams, or the citation test), under a hard word budget; story order
    large       bundles far larger than the training ones: by concept coverage if they have many
                articles (`concept_decode`), else among the most central candidates only (`narrow`)
    select      `summarise`: the above, in order; `select_summary` also says which decoder chose
                the sentences (a brief's `decoder`)
    documents   batch mode and evaluation: Articles from raw documents, the batch encoder
"""
