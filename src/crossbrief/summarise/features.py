"""Per-bundle candidate features, computed once from one batched encoder call (`build_bundle`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from crossbrief.model import Article
from crossbrief.summarise.bundle import Bundle
from crossbrief.summarise.filters import QUOTE_CHARS, is_dangling, suitable
from crossbrief.summarise.numbers import numbers_in
from crossbrief.summarise.words import content_words, words_of

FEATURES = [
    "position",  # index of the sentence in its article
    "rel_position",  # index / number of sentences in the article
    "is_first",
    "article_rank",  # order of the article in the bundle / number of articles
    "n_articles",
    "article_sentences",
    "words",
    "rel_words",  # words / mean words of the bundle's sentences
    "centrality",  # cosine to the bundle centroid
    "article_centrality",  # cosine to the centroid of its own article
    "centrality_rank",  # rank of centrality within the bundle, 0 = most central
    "support_mean",  # mean over other articles of the best cosine in that article
    "support_max",  # best cosine in any other article
    "support_frac",  # share of other articles with a sentence above the encoder's cite threshold
    "lexical_centrality",  # mean bundle-document-frequency of the sentence's content words
    "lexical_rank",
    "numbers",  # figures per word
    "quote",
    "dangling",
    "bundle_words",  # total words in the bundle's on-topic articles
    "pagerank",  # eigenvector centrality of the cosine graph (LexRank-like)
    "lead_similarity",  # cosine to the centroid of the articles' first sentences (the news peg)
    "lexical_support",  # share of its content words that another article also uses
    "first_similarity",  # cosine to the first sentence of its own article
]


def _pagerank(sim: np.ndarray, damping: float = 0.85, iterations: int = 30) -> np.ndarray:
    n = sim.shape[0]
    if n == 0:
        return np.zeros(0)
    w = np.clip(sim, 0.0, None).astype(np.float64)
    np.fill_diagonal(w, 0.0)
    rows = w.sum(1, keepdims=True)
    rows[rows == 0] = 1.0
    w = w / rows
    p = np.full(n, 1.0 / n)
    for _ in range(iterations):
        p = (1 - damping) / n + damping * (w.T @ p)
    return p * n


def build_bundle(articles: Sequence[Article], encoder=None) -> Bundle:
    """Embed every sentence once and compute the candidate features of one bundle.

    `encoder` defaults to the static encoder, which the shipped selector was trained with.
    """
    if encoder is None:
        from crossbrief.resources.encoders import get_static_encoder

        encoder = get_static_encoder()
    thresholds = encoder.thresholds
    sentences = [s for a in articles for s in a.sentences]
    # Articles are known by id; inside one bundle they are numbered by position, for numpy.
    position = {a.id: k for k, a in enumerate(articles)}
    on_topic = {position[a.id] for a in articles if a.on_topic}
    if not on_topic:  # nothing judged on topic: better to summarise all than nothing
        on_topic = set(position.values())
    texts = [s.text for s in sentences]
    vectors = encoder.encode(texts) if texts else np.zeros((0, encoder.dim), dtype=np.float32)
    vectors = np.asarray(vectors, dtype=np.float32)
    article_of = np.array([position[s.article] for s in sentences], dtype=np.int64)
    art = article_of.tolist()
    n_sent = {position[a.id]: len(a.sentences) for a in articles}
    rank_of = {position[a.id]: r for r, a in enumerate(a for a in articles if position[a.id] in on_topic)}
    n_on = max(len(rank_of), 1)

    topical = np.array([a in on_topic for a in art], dtype=bool)
    candidates = [i for i, s in enumerate(sentences) if topical[i] and suitable(s.text)]
    if not candidates:
        return Bundle(sentences, vectors, [], np.zeros((0, len(FEATURES))), article_of, thresholds)

    centroid = vectors[topical].mean(0)
    centroid /= np.linalg.norm(centroid) + 1e-9
    centrality_all = vectors @ centroid
    article_centroid: dict[int, np.ndarray] = {}
    for a in on_topic:
        rows = vectors[article_of == a]
        if len(rows):
            c = rows.mean(0)
            article_centroid[a] = c / (np.linalg.norm(c) + 1e-9)

    cand_vec = vectors[candidates]
    sim = cand_vec @ vectors.T  # candidates x all sentences
    cand_sim = sim[:, candidates]
    pr = _pagerank(cand_sim)

    # Lexical centrality: in how many articles each content word appears (SumBasic-like).
    word_docs: dict[str, set[int]] = {}
    for s, a in zip(sentences, art):
        if a in on_topic:
            for w in content_words(s.text):
                word_docs.setdefault(w, set()).add(a)
    word_counts: dict[str, int] = {}
    for s, a in zip(sentences, art):
        if a in on_topic:
            for w in content_words(s.text):
                word_counts[w] = word_counts.get(w, 0) + 1
    total_words = sum(words_of(s.text) for s, a in zip(sentences, art) if a in on_topic)
    firsts = [i for i, s in enumerate(sentences) if s.index == 0 and art[i] in on_topic]
    lead_centroid = vectors[firsts].mean(0)
    lead_centroid /= np.linalg.norm(lead_centroid) + 1e-9
    first_of = {art[i]: i for i in firsts}
    mean_words = np.mean([words_of(sentences[i].text) for i in candidates])

    # Best cosine of each candidate within each other on-topic article (candidates x articles).
    article_cols = np.array(sorted(a for a in on_topic if (article_of == a).any()), dtype=np.int64)
    best_in = np.stack([sim[:, article_of == b].max(1) for b in article_cols], axis=1)
    rows = []
    lexical = []
    for k, i in enumerate(candidates):
        s = sentences[i]
        a = art[i]
        others_k = best_in[k, article_cols != a]
        best = others_k.tolist()
        best_arr = others_k if len(others_k) else np.zeros(1)
        cw = content_words(s.text)
        lex = float(np.mean([word_counts[w] for w in cw])) if cw else 0.0
        shared = float(np.mean([len(word_docs[w] - {a}) > 0 for w in cw])) if cw else 0.0
        lexical.append(lex)
        n = words_of(s.text)
        rows.append(
            [
                s.index,
                s.index / max(n_sent[a], 1),
                float(s.index == 0),
                rank_of.get(a, 0) / n_on,
                float(n_on),
                float(n_sent[a]),
                float(n),
                n / mean_words,
                float(centrality_all[i]),
                float(vectors[i] @ article_centroid[a]) if a in article_centroid else 0.0,
                0.0,  # centrality_rank, filled below
                float(best_arr.mean()),
                float(best_arr.max()),
                float((best_arr >= thresholds.cite).mean()) if best else 0.0,
                lex,
                0.0,  # lexical_rank, filled below
                len(numbers_in(s.text)) / max(n, 1),
                float(any(q in s.text for q in QUOTE_CHARS)),
                float(is_dangling(s.text)),
                float(total_words),
                float(pr[k]),
                float(vectors[i] @ lead_centroid),
                shared,
                float(vectors[i] @ vectors[first_of[a]]) if a in first_of else 0.0,
            ]
        )
    features = np.array(rows, dtype=np.float64)
    c_col, l_col = FEATURES.index("centrality"), FEATURES.index("lexical_centrality")
    m = len(candidates)
    features[:, FEATURES.index("centrality_rank")] = np.argsort(np.argsort(-features[:, c_col])) / m
    features[:, FEATURES.index("lexical_rank")] = np.argsort(np.argsort(-features[:, l_col])) / m
    return Bundle(sentences, vectors, candidates, features, article_of, thresholds)
