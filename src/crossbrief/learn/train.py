"""Training the sentence selector (`crossbrief train`) and batch summarisation (`crossbrief batch`).

The selector scores candidate sentences from the features of `summarise.build_bundle` and from
a lexical prior over the sentence's own words (`fit_lexical`); the labels say how much of a
sentence is in the human reference summary:

    label = (matched unigrams + 2 * matched bigrams) / (unigrams + bigrams), stemmed, clipped

i.e. the ROUGE-1/2 *precision* of the sentence against the reference. Under a fixed word budget
the summary's ROUGE F1 is driven by how many of its words the reference contains, so
per-word precision (not per-sentence recall, which favours long sentences) is what to rank by.
The greedy-oracle membership of the sentence is added to it, so that the model also learns
which of several similar sentences a reference tends to use. The decoder (trigram blocking and
an embedding redundancy check, see summarise.decode) and the length policy are tuned after the
model, on held-out training clusters.

Everything is deterministic: fixed seeds, fixed thread count, sorted inputs.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from crossbrief.errors import InputError
from crossbrief.summarise.budget import DEFAULT_POLICY, bundle_budget
from crossbrief.summarise.decode import decode
from crossbrief.summarise.documents import articles_from_documents
from crossbrief.summarise.features import FEATURES, build_bundle
from crossbrief.summarise.selector import (
    LEXICAL_FEATURE,
    SELECTOR_ENCODER,
    LexicalPrior,
    Selector,
    clear_selector_cache,
)

log = logging.getLogger(__name__)

MODEL_VERSION = "selector-v3"
ENCODER = SELECTOR_ENCODER
DEFAULT_TRAIN_CLUSTERS = 24_500  # plus DEFAULT_HOLDOUT for the length policy: ~10 min on 2 cores
DEFAULT_HOLDOUT = 500
# Features whose scale depends on the corpus (bundle size, absolute positions and lengths) are left
# out: Multi-News bundles are truncated to ~450 words, DUC ones are 25 full articles, and a tree
# model cannot extrapolate. Relative versions of them (rel_position, rel_words, ranks) stay.
MODEL_FEATURES = [
    f for f in FEATURES if f not in {"bundle_words", "n_articles", "article_sentences", "words", "position"}
]


# ---------------------------------------------------------------------------------------------
# ROUGE n-gram counting, identical in tokenisation to rouge-score (lower-case, non-alphanumeric
# characters as separators, Porter stemming of tokens longer than 3 characters).


class RougeTokens:
    def __init__(self) -> None:
        from rouge_score import tokenizers

        self._tok = tokenizers.DefaultTokenizer(use_stemmer=True)
        self._cache: dict[str, list[str]] = {}

    def __call__(self, text: str) -> list[str]:
        tokens = self._cache.get(text)
        if tokens is None:
            tokens = self._tok.tokenize(text)
            if len(self._cache) < 500_000:
                self._cache[text] = tokens
        return tokens


def ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(zip(*(tokens[i:] for i in range(n))))


def rouge_n(summary_tokens: Sequence[str], reference_tokens: Sequence[str], n: int) -> tuple[float, float, float]:
    """(precision, recall, F1) of ROUGE-n, exactly as rouge-score computes it."""
    s, r = ngrams(summary_tokens, n), ngrams(reference_tokens, n)
    overlap = sum((s & r).values())
    p = overlap / max(sum(s.values()), 1)
    rec = overlap / max(sum(r.values()), 1)
    f = 0.0 if overlap == 0 else 2 * p * rec / (p + rec)
    return p, rec, f


def _count_matrix(
    token_lists: Sequence[Sequence[str]], reference: Sequence[str], n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Counts of the reference's n-grams in each sentence (rows) and in the reference itself."""
    ref = ngrams(reference, n)
    vocab = {g: k for k, g in enumerate(ref)}
    m = np.zeros((len(token_lists), len(vocab)))
    for i, t in enumerate(token_lists):
        for g, c in ngrams(t, n).items():
            k = vocab.get(g)
            if k is not None:
                m[i, k] = c
    return m, np.array([ref[g] for g in vocab], dtype=float)


ORACLE_WEIGHT = 0.5


def sentence_labels(texts: Sequence[str], reference: str, tok: RougeTokens, oracle_words: int) -> np.ndarray:
    """Per-sentence label: ROUGE-1/2 precision against the reference, plus greedy-oracle membership."""
    return combined_label(label_parts(texts, reference, tok, oracle_words))


def combined_label(parts: np.ndarray, oracle_weight: float = ORACLE_WEIGHT) -> np.ndarray:
    """The training target from label_parts' columns: precision + weight x oracle membership."""
    return parts[:, 0] + oracle_weight * parts[:, 1]


def label_parts(texts: Sequence[str], reference: str, tok: RougeTokens, oracle_words: int) -> np.ndarray:
    """Columns: ROUGE-1/2 precision of each sentence; 1 if in the greedy ROUGE oracle, else 0."""
    ref = tok(reference)
    toks = [tok(t) for t in texts]
    m1, r1 = _count_matrix(toks, ref, 1)
    m2, r2 = _count_matrix(toks, ref, 2)
    n1 = np.array([max(len(t), 0) for t in toks], dtype=float)
    n2 = np.maximum(n1 - 1, 0)
    # Precision with clipping: a sentence cannot match an n-gram more often than the reference has it.
    matched1 = np.minimum(m1, r1).sum(1)
    matched2 = np.minimum(m2, r2).sum(1)
    precision = (matched1 + 2 * matched2) / np.maximum(n1 + 2 * n2, 1)
    # Greedy oracle: add the sentence that most improves ROUGE-1 + ROUGE-2 F1, within a word budget.
    words = np.array([len(t.split()) for t in texts])
    ref1, ref2 = max(r1.sum(), 1), max(r2.sum(), 1)
    cur1, cur2 = np.zeros_like(r1), np.zeros_like(r2)
    len1 = len2 = 0.0
    used = 0
    best_score = 0.0
    chosen = np.zeros(len(texts), dtype=bool)
    while True:
        o1 = np.minimum(cur1 + m1, r1).sum(1)
        o2 = np.minimum(cur2 + m2, r2).sum(1)
        l1, l2 = len1 + n1, len2 + n2
        f1 = np.where(o1 > 0, 2 * o1 / np.maximum(l1 + ref1, 1), 0.0)
        f2 = np.where(o2 > 0, 2 * o2 / np.maximum(l2 + ref2, 1), 0.0)
        score = f1 + f2
        score[chosen | (used + words > oracle_words)] = -1.0
        best = int(np.argmax(score)) if len(score) else -1
        if best < 0 or score[best] <= best_score + 1e-9:
            break
        chosen[best] = True
        cur1, cur2 = cur1 + m1[best], cur2 + m2[best]
        len1, len2 = len1 + n1[best], len2 + n2[best]
        used += words[best]
        best_score = float(score[best])
    return np.stack([precision, chosen.astype(float)], axis=1)


# ---------------------------------------------------------------------------------------------
# Dataset


def load_clusters(path: str, limit: int | None, skip: int = 0) -> list[dict]:
    from crossbrief.learn.evaluate import references_of
    from crossbrief.runners.jsonl import read_clusters

    rows = []
    for _, row, error in read_clusters(path, None if limit is None else limit + skip):
        if error or not row:
            continue
        docs = row.get("documents")
        if (
            isinstance(docs, list)
            and docs
            and references_of(row)
            and any(isinstance(d, str) and d.strip() for d in docs)
        ):
            rows.append(row)
    return rows[skip:]


def featurise(rows: Sequence[dict], encoder, with_labels: bool = True):
    """Per cluster: (bundle, labels or None, references). Segments and encodes each cluster once."""
    from tqdm import tqdm

    from crossbrief.learn.evaluate import references_of

    tok = RougeTokens()
    articles_per_row = [
        articles_from_documents([d if isinstance(d, str) else "" for d in r["documents"]]) for r in rows
    ]
    out = []
    for row, arts in tqdm(list(zip(rows, articles_per_row)), desc="features", unit="cluster", file=sys.stderr):
        bundle = build_bundle(arts, encoder)
        refs = references_of(row)
        labels = None
        if with_labels and bundle.candidates:
            texts = [bundle.sentences[i].text for i in bundle.candidates]
            labels = np.mean([label_parts(texts, ref, tok, oracle_words=len(ref.split())) for ref in refs], axis=0)
        out.append((bundle, labels, refs))
    return out


# ---------------------------------------------------------------------------------------------
# Model fitting and length-policy tuning

LGB_PARAMS = {
    "objective": "regression",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": 13,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "verbose": -1,
}
NUM_ROUNDS = 400


# The lexical prior (summarise.LexicalPrior): ridge regression on word uni- and bigrams. On 5,500
# training clusters, min_df 2 or 5, ridge alpha 1 or 3 and bigrams or trigrams all gave +0.35 to
# +0.46 ROUGE-1; alpha 3 with bigrams was best. With 24,500 clusters, an n-gram needs 20 sentences.
LEXICAL_NGRAMS = 2
LEXICAL_MIN_DF = 20
LEXICAL_ALPHA = 3.0
LEXICAL_FOLDS = 2


def _texts(bundle) -> list[str]:
    return [bundle.sentences[i].text for i in bundle.candidates]


def fit_lexical(data, oracle_weight: float = ORACLE_WEIGHT, min_df: int = LEXICAL_MIN_DF):
    """The lexical prior fitted on all of `data`, and out-of-fold predictions for each cluster.

    The tree model must see the prior as it will be at run time, on sentences it was not fitted
    on: so each cluster's column comes from a ridge fitted on the other folds (contiguous blocks
    of clusters), and the shipped prior is refitted on all of them.
    """
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import normalize

    labelled = [(b, y) for b, y, _ in data if y is not None]
    if len(labelled) < LEXICAL_FOLDS:
        raise InputError(f"the lexical prior needs at least {LEXICAL_FOLDS} labelled clusters, got {len(labelled)}")
    sizes = [len(b.candidates) for b, _ in labelled]
    vectoriser = CountVectorizer(ngram_range=(1, LEXICAL_NGRAMS), min_df=min_df, dtype=np.float64)
    X = normalize(vectoriser.fit_transform([t for b, _ in labelled for t in _texts(b)]))
    y = np.concatenate([combined_label(y, oracle_weight) for _, y in labelled])
    starts = np.concatenate([[0], np.cumsum(sizes)])
    fold_of_cluster = np.arange(len(labelled)) * LEXICAL_FOLDS // len(labelled)
    fold_of_row = np.repeat(fold_of_cluster, sizes)
    oof = np.zeros(len(y))
    for f in range(LEXICAL_FOLDS):
        test = fold_of_row == f
        model = Ridge(alpha=LEXICAL_ALPHA, solver="sparse_cg", tol=1e-4).fit(X[~test], y[~test])
        oof[test] = model.predict(X[test])
    model = Ridge(alpha=LEXICAL_ALPHA, solver="sparse_cg", tol=1e-4).fit(X, y)
    terms = vectoriser.get_feature_names_out()
    prior = LexicalPrior(
        {str(t): float(c) for t, c in zip(terms, model.coef_)}, float(model.intercept_), LEXICAL_NGRAMS
    )
    columns = {id(b): oof[starts[k] : starts[k + 1]] for k, (b, _) in enumerate(labelled)}
    return prior, columns


def fit(
    data,
    features: Sequence[str] = tuple(MODEL_FEATURES),
    rounds: int = NUM_ROUNDS,
    params: dict | None = None,
    oracle_weight: float = ORACLE_WEIGHT,
    lexical: dict | None = None,
):
    """LightGBM regression of the labels (see label_parts) on the candidate features, plus the
    lexical prior's out-of-fold column (`lexical`: cluster bundle id -> column) if given."""
    import lightgbm as lgb

    cols = [FEATURES.index(f) for f in features]
    labelled = [(b, y) for b, y, _ in data if y is not None]

    def matrix(b):
        x = b.features[:, cols]
        return np.hstack([x, lexical[id(b)][:, None]]) if lexical is not None else x

    x = np.vstack([matrix(b) for b, _ in labelled])
    y = np.concatenate([combined_label(y, oracle_weight) for _, y in labelled])
    names = list(features) + ([LEXICAL_FEATURE] if lexical is not None else [])
    ds = lgb.Dataset(x, y, feature_name=names, free_raw_data=True)
    return lgb.train({**LGB_PARAMS, **(params or {})}, ds, num_boost_round=rounds)


def quick_rouge(
    data, scores_per_cluster, policy: dict, tok: RougeTokens | None = None, words: int | None = None
) -> dict[str, float]:
    """Mean ROUGE-1/2 F1 (x100) of decoded summaries; rouge-score's numbers without Lsum (fast)."""
    tok = tok or RougeTokens()
    r1 = r2 = 0.0
    n = 0
    for (bundle, _, refs), scores in zip(data, scores_per_cluster):
        if not bundle.candidates:
            continue
        budget = words if words is not None else bundle_budget(bundle, policy)
        chosen = decode(bundle, scores, budget)
        summary = [t for i in chosen for t in tok(bundle.sentences[i].text)]
        for ref in refs:
            rt = tok(ref)
            r1 += rouge_n(summary, rt, 1)[2] / len(refs)
            r2 += rouge_n(summary, rt, 2)[2] / len(refs)
        n += 1
    return {"rouge1_f": 100 * r1 / max(n, 1), "rouge2_f": 100 * r2 / max(n, 1)}


def tune_policy(data, scores_per_cluster) -> dict:
    """Grid-search the length policy (ratio of the bundle's words, floor, cap) on held-out clusters."""
    tok = RougeTokens()
    best, best_value = dict(DEFAULT_POLICY), -1.0
    for base in (140, 180, 220):
        for per_article in (20, 30, 40):
            for ratio in (0.6, 0.7):
                policy = {**DEFAULT_POLICY, "base": base, "per_article": per_article, "ratio": ratio}
                r = quick_rouge(data, scores_per_cluster, policy, tok)
                value = r["rouge1_f"] + r["rouge2_f"]
                if value > best_value:
                    best, best_value = policy, value
    log.info(f"length policy: {best} (R1+R2 F1 {best_value:.2f} on {len(data)} held-out clusters)")
    return best


def train(
    train_path: str,
    out_path: str | Path = "selector.json",
    limit: int | None = DEFAULT_TRAIN_CLUSTERS,
    holdout: int = DEFAULT_HOLDOUT,
) -> Path:
    """Train the selector on the first `limit` clusters of `train_path` and write the model file.

    The next `holdout` clusters tune the length policy. Features come from the static encoder
    (embed.get_static_encoder), as at run time.
    """
    from crossbrief.resources.encoders import get_static_encoder, probe_vectors

    t0 = time.time()
    rows = load_clusters(train_path, None if limit is None else limit + holdout)
    if len(rows) <= holdout:
        raise InputError(
            f"only {len(rows)} usable clusters, need more than {holdout} "
            f"(the last {holdout} tune the length policy)"
        )
    encoder = get_static_encoder()
    data = featurise(rows, encoder)
    train_part, held = data[:-holdout], data[-holdout:]
    log.info(f"features for {len(data)} clusters in {time.time() - t0:.0f} s")
    prior, lexical_columns = fit_lexical(train_part)
    log.info(f"lexical prior: {len(prior.weights)} n-grams, {time.time() - t0:.0f} s")
    booster = fit(train_part, MODEL_FEATURES, lexical=lexical_columns)
    payload = {
        "version": MODEL_VERSION,
        "encoder": ENCODER,
        "encoder_sha256": encoder.fingerprint,
        "encoder_probe": probe_vectors(encoder),
        "features": list(MODEL_FEATURES) + [LEXICAL_FEATURE],
        "policy": {},
        "trained_on": {"path": Path(train_path).name, "clusters": len(train_part), "holdout": holdout},
        "model": booster.model_to_string(),
        "lexical": prior.to_payload(),
    }
    # The length policy is tuned with the model exactly as it will run (rounded prior weights,
    # numpy trees), on clusters it was not trained on.
    selector = Selector(payload)
    held_scores = [selector.score_bundle(b) for b, _, _ in held]
    payload["policy"] = tune_policy(held, held_scores)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload), encoding="utf-8")
    log.info(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in {time.time() - t0:.0f} s")
    clear_selector_cache()
    return out
