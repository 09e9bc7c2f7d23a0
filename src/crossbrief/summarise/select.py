"""Extractive, cited summarisation: pick verbatim sentences, cite every article that agrees.

One selection code path serves `crossbrief brief` (Articles from the pipeline) and
`crossbrief batch` / `crossbrief eval` (raw document strings, via `summarise_documents`):

1. candidates   every sentence of an on-topic article that can stand alone in a summary
                (not a fragment, question, caption or a sentence opening with a dangling
                connective);
2. features     computed once per bundle from one batched encoder call (`bundle_features`):
                centrality, support across articles, position, length, number density, ...;
3. scores       a learned LightGBM scorer shipped in `crossbrief/data/` (see learn.py) over
                those features and a lexical prior on the sentence's own words
                (`LexicalPrior`); a hand-weighted fallback when no model file is present;
4. decoder      greedy by score, skipping sentences that repeat the summary (a 20% share of
                shared word trigrams, or the citation test below), under a hard word budget
                (`words`, or the tuned length policy); in bundles far larger than the training
                ones, by concept coverage instead if they have many articles (see
                `concept_decode`), else among the most central candidates only (see `narrow`);
5. citations    for each chosen sentence, every other article whose best-matching sentence is
                above a cosine threshold is cited in `also`, or in `differ` when the two
                sentences give different figures.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from crossbrief.errors import ModelFileError
from crossbrief.resources.encoders import MINILM_SIMILARITY, STATIC_SIMILARITY, Thresholds
from crossbrief.model import Article, Sentence, SummarySentence

# Similarity thresholds belong to each encoder (its cosine scale): `encoder.thresholds`.
MINILM_THRESHOLDS, STATIC_THRESHOLDS = MINILM_SIMILARITY, STATIC_SIMILARITY


# A candidate sharing more than this share of its word trigrams with the summary repeats it.
# (Blocking on any shared trigram, as is usual, also drops new facts that share "of the city".)
TRIGRAM_BLOCK = 0.2
# Sentences outside these lengths are fragments/captions or segmentation failures. (A tighter
# cap of 70 words cost 0.6 ROUGE-1 on Multi-News: long news sentences are often the informative ones.)
MIN_WORDS = 6
MAX_WORDS = 150
# Shorter lines without final punctuation are headlines, captions or bylines; longer ones are
# usually sentences whose source was cut mid-way or lost its full stop, and are still usable.
HEADLINE_WORDS = 12

DATA_DIR = Path(__file__).parent / "data"
MODEL_FILE = DATA_DIR / "selector-v3.json"
SELECTOR_ENCODER = "static-minilm-l6"  # the vectors the selector's features come from (embed.StaticEncoder)

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
_WORD = re.compile(r"[A-Za-z0-9]+(?:[.,'’][A-Za-z0-9]+)*")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:\s?(?:%|percent|million|billion|thousand))?", re.I)
_CAPTION = re.compile(
    r"^(?:photo|image|video|watch|read more|related|click|advertisement|follow|subscribe|"
    r"sign up|getty|ap photo|reuters|copyright|\(ap|\(photo|caption|share this|this story)\b",
    re.I,
)
_QUOTE_CHARS = ('"', "“", "”", "''", "``")


# ---------------------------------------------------------------------------------------------
# Candidate filtering


def words_of(text: str) -> int:
    """Word count as the budget counts it (white-space separated tokens)."""
    return len(text.split())


def first_word(text: str) -> str:
    m = _WORD.search(text)
    return m.group().lower() if m else ""


def _opener(text: str) -> str:
    """The sentence's first word, lower-cased, without quotation marks or trailing punctuation."""
    return text.lstrip("\"'“‘( -—").split(" ", 1)[0].lower().rstrip(",;:")


def is_dangling(text: str) -> bool:
    """True when the sentence opens with a connective or pronoun that points outside it."""
    return _opener(text) in _DANGLING


# Openers that refer back to someone or something the sentence itself does not name.
_ANAPHORIC = {"he", "she", "they", "it", "his", "her", "their", "its", "him", "them", "this", "these", "those"}


def needs_antecedent(text: str) -> bool:
    """True when the sentence opens with a pronoun or demonstrative ("He said ...", "This means
    ..."): in a summary it reads only right after the sentence before it in its article."""
    return _opener(text) in _ANAPHORIC


_FINISHED = re.compile(r"[.!?…][\"'”’)\]]*$")


def unfinished(bundle: Bundle, i: int) -> bool:
    """Is `bundle.sentences[i]` the last of its article and cut off (no final punctuation)? The
    text of truncated articles (Multi-News keeps ~500 words of each) ends mid-sentence."""
    s = bundle.sentences[i]
    after = i + 1 < len(bundle.sentences) and bundle.sentences[i + 1].article == s.article
    return not after and not _FINISHED.search(s.text.strip())


def _predecessors(bundle: Bundle) -> dict[int, int]:
    """For each entry of `bundle.sentences`, the entry of the sentence before it in its article."""
    at = {(s.article, s.index): i for i, s in enumerate(bundle.sentences)}
    return {i: at[s.article, s.index - 1] for i, s in enumerate(bundle.sentences) if (s.article, s.index - 1) in at}


def suitable(text: str) -> bool:
    """Can this sentence stand in a summary? (no fragments, questions, captions, run-ons)."""
    n = words_of(text)
    if n < MIN_WORDS or n > MAX_WORDS:
        return False
    stripped = text.strip()
    if stripped.rstrip("\"'”’ )").endswith("?"):
        return False
    if _CAPTION.match(stripped.lstrip("(\"“ ")):
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


# ---------------------------------------------------------------------------------------------
# Numbers, for `differ`

_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def numbers_in(text: str) -> set[float]:
    """Figures in a sentence as floats ("250,000" and "250 thousand" both give 250000)."""
    found: set[float] = set()
    for m in _NUMBER.finditer(text):
        token = m.group().lower()
        scale = 1.0
        for word, factor in _SCALE.items():
            if token.endswith(word):
                scale = factor
                token = token[: -len(word)]
        token = token.replace("percent", "").replace("%", "").strip().replace(",", "")
        try:
            value = float(token) * scale
        except ValueError:
            continue
        found.add(value)
    return found


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY_OF_MONTH = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b", re.I)


def _figures(text: str) -> set[float]:
    # Dates, years and small counts ("3 days") are context, not the contested figure.
    text = _DAY_OF_MONTH.sub(" ", text)
    return {v for v in numbers_in(text) if not (1900 <= v <= 2100 and float(v).is_integer()) and v >= 10}


def figure_relation(a: str, b: str) -> str:
    """How the figures of two matching sentences relate: "none" (one has none), "same" (a
    figure in common), "differ" (same order of magnitude, within a factor 1.5, but no figure
    in common: 250,000 vs 275,000 trapped) or "unrelated" (far apart: likely other facts)."""
    fa, fb = _figures(a), _figures(b)
    if not fa or not fb:
        return "none"
    if fa & fb:
        return "same"
    if any(max(x, y) <= 1.5 * min(x, y) for x in fa for y in fb):
        return "differ"
    return "unrelated"


# ---------------------------------------------------------------------------------------------
# Per-bundle features


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

_STOP = frozenset(
    "a an the of to in on at for by with from and or but is are was were be been being has have had "
    "it its this that these those he she they we you i his her their our your him them as not no "
    "will would can could should may might do does did said says say also than then there here "
    "who whom which what when where why how about after before over into out up more most".split()
)


def content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]+|\d+(?:[.,]\d+)*", text.lower()) if w not in _STOP and len(w) > 1]


@dataclass
class Bundle:
    """Everything the scorer and decoder need about one bundle's candidate sentences."""

    sentences: list[Sentence]  # every sentence of every article (candidates are a subset)
    vectors: np.ndarray  # one row per entry of `sentences`
    candidates: list[int]  # indices into `sentences` that may be selected
    features: np.ndarray  # one row per candidate, columns FEATURES
    article_of: np.ndarray  # bundle position of the article of each entry of `sentences`
    thresholds: Thresholds = MINILM_THRESHOLDS  # of the encoder that gave `vectors`


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
                float(any(q in s.text for q in _QUOTE_CHARS)),
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


# ---------------------------------------------------------------------------------------------
# Scoring


# The word n-grams of a sentence, tokenised as scikit-learn's CountVectorizer does by default
# (lower case, runs of 2+ word characters), which learn.py trains the lexical prior with.
_NGRAM_TOKEN = re.compile(r"(?u)\b\w\w+\b")
LEXICAL_FEATURE = "lexical_prior"


def word_ngrams(text: str, n: int = 2) -> list[str]:
    tokens = _NGRAM_TOKEN.findall(text.lower())
    out = list(tokens)
    for k in range(2, n + 1):
        out.extend(" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1))
    return out


class LexicalPrior:
    """How much a sentence's wording alone says it belongs in a news summary.

    A ridge regression of the selector's training label on the sentence's word unigrams and
    bigrams (counts, L2-normalised over the known n-grams), fitted by learn.py on Multi-News. It
    is one feature of the tree model: the embeddings and bundle statistics do not see that a
    sentence reads like a caption or a dateline and the n-grams do: the shipped prior weighs
    reporting verbs up ("says", "tweeted", "told") and "photo", "via ap", "caption of" and bare
    years down. Worth about +0.45 ROUGE-1 on held-out training clusters, +0.3 on Multi-News
    validation (docs/benchmarks.md).
    """

    def __init__(self, weights: dict[str, float], intercept: float, ngrams: int = 2):
        self.weights = weights
        self.intercept = float(intercept)
        self.ngrams = int(ngrams)

    @classmethod
    def from_payload(cls, payload: dict) -> "LexicalPrior":
        """From the model file's form (see to_payload); ValueError if it is malformed."""
        if not isinstance(payload, dict):
            raise ValueError("lexical prior: not an object")
        terms, values, intercept = payload.get("terms"), payload.get("weights"), payload.get("intercept")
        ngrams = payload.get("ngrams", 2)
        if not isinstance(terms, str) or not isinstance(values, list) or not isinstance(intercept, (int, float)):
            raise ValueError("lexical prior: needs 'terms' (text), 'weights' (list) and 'intercept' (number)")
        if not isinstance(ngrams, int) or isinstance(ngrams, bool) or ngrams < 1:
            raise ValueError(f"lexical prior: bad n-gram length {ngrams!r}")
        term_list = terms.split("\n") if terms else []
        if len(term_list) != len(values):
            raise ValueError(f"lexical prior: {len(term_list)} terms but {len(values)} weights")
        weights = dict(zip(term_list, values))
        if len(weights) != len(term_list):
            raise ValueError("lexical prior: a term is listed twice")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            raise ValueError("lexical prior: weights must be numbers")
        return cls({t: float(v) for t, v in weights.items()}, float(intercept), ngrams)

    def to_payload(self, digits: int = 6) -> dict:
        terms = sorted(self.weights)
        return {
            "ngrams": self.ngrams,
            "intercept": round(self.intercept, digits),
            "terms": "\n".join(terms),
            "weights": [round(self.weights[t], digits) for t in terms],
        }

    def score(self, texts: Sequence[str]) -> np.ndarray:
        out = np.full(len(texts), self.intercept)
        w = self.weights
        for k, text in enumerate(texts):
            counts = Counter(g for g in word_ngrams(text, self.ngrams) if g in w)
            if counts:
                norm = math.sqrt(sum(c * c for c in counts.values()))
                out[k] += sum(w[g] * c for g, c in counts.items()) / norm
        return out


class Selector:
    """The learned sentence scorer: a LightGBM model (trained by learn.py) stored as text inside a
    small JSON file, with the lexical prior it takes as its last feature and the tuned length
    policy."""

    def __init__(self, payload: dict):
        # Evaluated with numpy (trees.py): importing LightGBM and building its Booster would
        # cost over two seconds of every cold start; the predictions are the same.
        from crossbrief.summarise.trees import TreeEnsemble

        self.version = payload.get("version", "")
        self.encoder_sha256 = payload.get("encoder_sha256")
        self.encoder_probe = payload.get("encoder_probe")
        if payload.get("encoder") != SELECTOR_ENCODER:
            raise ValueError(
                f"model {self.version or '?'} was trained on {payload.get('encoder') or 'other'} vectors, "
                f"not {SELECTOR_ENCODER}: retrain it with `crossbrief train`"
            )
        self.features = list(payload["features"])
        self.policy = payload.get("policy", {})
        self.trees = TreeEnsemble.from_lightgbm(payload["model"])
        self._uses_lexical = LEXICAL_FEATURE in self.features
        self.lexical = LexicalPrior.from_payload(payload.get("lexical")) if self._uses_lexical else None
        if self.trees.feature_names and self.trees.feature_names != self.features:
            raise ValueError(f"model {self.version}: its feature list does not match the trees' ({len(self.trees.feature_names)} features)")
        bundle_features = [f for f in self.features if f != LEXICAL_FEATURE]
        missing = [f for f in bundle_features if f not in FEATURES]
        if missing:
            raise ValueError(f"model {self.version} needs unknown features: {', '.join(missing)}")
        if self._uses_lexical and self.features[-1] != LEXICAL_FEATURE:
            raise ValueError(f"model {self.version}: {LEXICAL_FEATURE} must be the last feature")
        self._columns = [FEATURES.index(f) for f in bundle_features]
        self._fits: dict[int, bool] = {}

    def fits(self, encoder) -> bool:
        """Was this model trained on `encoder`'s vectors? By the probe vectors it stores (see
        encoders.matches_probe); a model without them, by the exact weights it names."""
        if self.encoder_probe is not None:
            if id(encoder) not in self._fits:
                from crossbrief.resources.encoders import matches_probe

                self._fits[id(encoder)] = matches_probe(encoder, self.encoder_probe)
            return self._fits[id(encoder)]
        return not self.encoder_sha256 or getattr(encoder, "fingerprint", None) == self.encoder_sha256

    @classmethod
    def load(cls, path: str | Path) -> "Selector":
        """The model file at `path`; ValueError naming the file if it cannot be used."""
        try:
            payload = json.loads(Path(path).read_text(encoding="utf-8"))
            if not isinstance(payload, dict):
                raise ValueError("not a JSON object")
            return cls(payload)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
            raise ModelFileError(f"sentence selector model {path}: {detail}") from None

    def matrix(self, features: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """The model's input: the bundle feature columns it uses, then the lexical prior."""
        x = features[:, self._columns]
        if self._uses_lexical:
            if texts is None or len(texts) != len(features):
                raise ValueError("this selector scores sentence texts too: pass one text per feature row")
            x = np.hstack([x, self.lexical.score(texts)[:, None]])
        return x

    def score(self, features: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """One score per candidate: `features` rows (columns FEATURES) and the candidates' texts."""
        if len(features) == 0:
            return np.zeros(0)
        return self.trees.predict(self.matrix(features, texts))

    def score_bundle(self, bundle: "Bundle") -> np.ndarray:
        return self.score(bundle.features, [bundle.sentences[i].text for i in bundle.candidates])


@lru_cache(maxsize=4)
def _load_selector(path: str) -> Selector | None:
    p = Path(path)
    if not p.exists():
        return None
    return Selector.load(p)


_selector_override: Selector | None | bool = False  # False: use the shipped file


def set_selector(selector: Selector | None | bool) -> None:
    """Use `selector` (None: the heuristic scorer; False: the shipped model file)."""
    global _selector_override
    _selector_override = selector


# A model written by `crossbrief train -o PATH` is used by brief, batch and eval with this set to PATH.
SELECTOR_ENV = "CROSSBRIEF_SELECTOR"


def selector_path() -> Path:
    """The selector model file in use: $CROSSBRIEF_SELECTOR, else the shipped one."""
    override = os.environ.get(SELECTOR_ENV)
    return Path(override) if override else MODEL_FILE


def get_selector() -> Selector | None:
    if _selector_override is not False:
        return _selector_override  # type: ignore[return-value]
    path = selector_path()
    if path != MODEL_FILE and not path.is_file():

        raise ModelFileError(f"{path}: no such selector model file (set by {SELECTOR_ENV})")
    return _load_selector(str(path))


def heuristic_scores(features: np.ndarray) -> np.ndarray:
    """Hand-weighted fallback: central, widely reported, early sentences first."""
    if len(features) == 0:
        return np.zeros(0)
    col = {f: i for i, f in enumerate(FEATURES)}
    position = 1.0 / (1.0 + features[:, col["position"]])
    return (
        1.0 * features[:, col["centrality"]]
        + 0.6 * features[:, col["support_mean"]]
        + 0.3 * features[:, col["support_frac"]]
        + 0.35 * position
        - 0.15 * features[:, col["dangling"]]
    )


# ---------------------------------------------------------------------------------------------
# Length policy and decoding

# The length policy when no word count is asked for. Human news summaries grow with the number of
# sources (Multi-News training references: ~200 words for 2 articles, ~330 for 7) and cannot be
# more than a share of what there is to summarise: words = min(base + per_article x articles,
# ratio x bundle words, max), at least `min`. Values are tuned by `crossbrief train` on held-out
# training clusters and stored in the model file; these are the fallback.
DEFAULT_POLICY = {"base": 180.0, "per_article": 30.0, "ratio": 0.7, "min": 60, "max": 400}


def default_budget(bundle_words: int, n_articles: int = 3, policy: dict | None = None) -> int:
    p = {**DEFAULT_POLICY, **(policy or {})}
    words = min(p["base"] + p["per_article"] * n_articles, p["ratio"] * bundle_words, p["max"])
    return int(max(p["min"], round(words)))


def _trigrams(text: str) -> set[tuple[str, str, str]]:
    toks = re.findall(r"[a-z0-9]+", text.lower())
    return set(zip(toks, toks[1:], toks[2:]))


def _repeats(bundle: Bundle, chosen: list[int], chosen_trigrams: set, i: int, trigrams: set) -> bool:
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
        if c >= t.redundancy or (c >= t.cite and same_content(float(c), bundle.sentences[i].text, bundle.sentences[j].text, t)):
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
    predecessor = _predecessors(bundle) if require_antecedent else {}
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
            tri = _trigrams(s.text)
            if _repeats(bundle, chosen, chosen_tri, i, tri):
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

    predecessor = _predecessors(bundle)
    taken = set(chosen)

    def key(i: int):
        s = bundle.sentences[i]
        before = predecessor.get(i)
        if before in taken and needs_antecedent(s.text):
            return key(before)[:-1] + (s.index,)  # "He said ..." right after the sentence naming him
        return (round(s.index / lengths.get(s.article, 1), 1), dates.get(s.article, "9999"), int(bundle.article_of[i]), s.index)

    return sorted(chosen, key=key)


def overlap(a: str, b: str) -> float:
    """Shared content words (and figures) over the shorter sentence's count."""
    wa, wb = set(content_words(a)), set(content_words(b))
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def same_content(cosine: float, a: str, b: str, thresholds: Thresholds = MINILM_THRESHOLDS) -> bool:
    """Do sentences `a` and `b` (from two articles) report the same content?

    On the Aleppo sample, paraphrases score 0.69-0.85 but so do some merely related sentences
    (a headline about "massacres" vs a quote about destruction, 0.69); those share almost no
    words. So: a very close embedding alone, or a close one backed by shared words, or a
    moderately close one giving the same kind of figure (250,000 vs 275,000 trapped, 0.66).
    """
    figures = figure_relation(a, b)
    if figures == "unrelated":  # both quantify something, but not the same thing
        return False
    t = thresholds
    if cosine >= t.strong:
        return True
    if cosine >= t.cite and overlap(a, b) >= 0.25:
        return True
    return cosine >= t.figure and figures in ("same", "differ")


def cite(
    bundle: Bundle,
    i: int,
    article_positions: Sequence[int],
    vectors: np.ndarray | None = None,
    thresholds: Thresholds | None = None,
) -> tuple[list[int], list[int]]:
    """Other articles (bundle positions) that report sentence `i` (`also`), and those that give
    other figures (`differ`).

    `vectors` (one row per bundle sentence, with their encoder's `thresholds`) default to the
    bundle's own; `crossbrief brief` passes MiniLM's, which tell paraphrases apart better.
    """
    s = bundle.sentences[i]
    also: list[int] = []
    differ: list[int] = []
    if vectors is None:
        vectors, thresholds = bundle.vectors, bundle.thresholds
    thresholds = thresholds or MINILM_THRESHOLDS
    if len(vectors) == 0:
        return also, differ
    sims = vectors @ vectors[i]
    own = int(bundle.article_of[i])
    for b in article_positions:
        if b == own:
            continue
        mask = np.flatnonzero(bundle.article_of == b)
        if len(mask) == 0:
            continue
        # The best match by cosine, but among near-ties prefer one that shares figures/words.
        ranked = mask[np.argsort(-sims[mask], kind="stable")][:3]
        for j in ranked:
            other = bundle.sentences[int(j)].text
            if same_content(float(sims[j]), s.text, other, thresholds):
                (differ if figure_relation(s.text, other) == "differ" else also).append(b)
                break
    return also, differ


# The selector was trained on Multi-News bundles: at most ~75 candidate sentences from 2-7 truncated
# articles. In a much larger bundle (DUC: 25 full articles, ~700 candidates) it ranks sentences unlike
# any it has seen and falls behind a TF-IDF centroid (docs/benchmarks.md). There, what many outlets
# report is better read off the bundle itself: the summary is chosen to cover the most *concepts* --
# stemmed word bigrams and content words, each weighted by how many articles use it, counted once
# however often the summary repeats it -- per word spent (the concept-coverage objective of Gillick
# and Favre, 2009, maximised greedily by gain / words^0.8, which favours neither very short nor very
# long sentences). A verbatim repeat buys nothing; a reworded one is caught by the decoder's
# redundancy test (trigram share and the citation test, as in `decode`).
LARGE_BUNDLE = 100  # candidates; no Multi-News bundle has more than ~80
# ... and only with this many articles: concepts shared by 3+ articles need a crowd of them. On
# DUC clusters cut to their first k articles (250 words, R1 F1), concept coverage trails the
# selector on the most central candidates at k = 5 (36.4 vs 37.0) and leads it from k = 7 (38.9 vs
# 38.2; 39.4 vs 37.8 at k = 8). Fewer, long articles (a typical brief) keep the selector, ranking only
# the most central candidates (see narrow).
CONCEPT_MIN_BUNDLE_ARTICLES = 6
CONCEPT_MIN_ARTICLES = 3  # a concept counts only if this many articles use it (fewer with fewer articles)
CONCEPT_WORD_WEIGHT = 0.5  # a content word counts half a bigram
CONCEPT_MIN_WORDS = 12  # in large bundles, short sentences are mostly datelines and fragments
CONCEPT_LENGTH_POWER = 0.8


@lru_cache(maxsize=1)
def _stemmer():
    # Snowball's Porter stemmer: pure Python and imported in milliseconds (nltk's takes 1.5 s).
    import snowballstemmer

    return snowballstemmer.stemmer("porter")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word) if len(word) > 3 else word


def concepts_of(text: str) -> set[tuple[str, ...]]:
    """Stemmed bigrams (not both stop words) and stemmed content words of a sentence."""
    tokens = [_stem(t) for t in re.findall(r"[a-z0-9]+", text.lower())]
    stop = [t in _STOP for t in tokens]
    found: set[tuple[str, ...]] = {
        (a, b) for a, b, sa, sb in zip(tokens, tokens[1:], stop, stop[1:]) if not (sa and sb)
    }
    found.update((t,) for t, st in zip(tokens, stop) if not st and len(t) > 2)
    return found


def concept_decode(bundle: Bundle, budget: int, require_antecedent: bool = False) -> list[int]:
    """Greedy budgeted concept coverage (see above); indices into `bundle.sentences`."""
    pool = [i for i in bundle.candidates if words_of(bundle.sentences[i].text) >= CONCEPT_MIN_WORDS]
    concepts = [concepts_of(bundle.sentences[i].text) for i in pool]
    articles_using: dict[tuple[str, ...], set[int]] = {}
    for i, found in zip(pool, concepts):
        for c in found:
            articles_using.setdefault(c, set()).add(bundle.sentences[i].article)
    n_articles = len({bundle.sentences[i].article for i in pool})
    min_articles = min(CONCEPT_MIN_ARTICLES, n_articles)
    weight = {
        c: len(arts) * (CONCEPT_WORD_WEIGHT if len(c) == 1 else 1.0)
        for c, arts in articles_using.items()
        if len(arts) >= min_articles
    }
    lengths = [words_of(bundle.sentences[i].text) for i in pool]
    cost = np.array(lengths, dtype=float) ** CONCEPT_LENGTH_POWER
    covered: set[tuple[str, ...]] = set()
    chosen: list[int] = []
    chosen_tri: set = set()
    used = 0
    available = set(range(len(pool)))
    # With require_antecedent: pool entry -> the sentence that must be chosen before it (see decode).
    needs_before: dict[int, int | None] = {}
    if require_antecedent:
        predecessor = _predecessors(bundle)
        for k, i in enumerate(pool):
            if needs_antecedent(bundle.sentences[i].text):
                needs_before[k] = predecessor.get(i)
    while available:
        best, best_value = -1, 0.0
        for k in sorted(available):  # sorted: ties go to the earlier sentence, deterministically
            if used + lengths[k] > budget or (k in needs_before and needs_before[k] not in chosen):
                continue
            value = sum(weight.get(c, 0.0) for c in concepts[k] - covered) / cost[k]
            if value > best_value:
                best, best_value = k, value
        if best < 0:
            break
        available.discard(best)
        i = pool[best]
        # A reworded copy of a chosen sentence still brings a few new concepts (its own wording);
        # it must not join the summary beside the sentence it repeats.
        tri = _trigrams(bundle.sentences[i].text)
        if _repeats(bundle, chosen, chosen_tri, i, tri):
            continue
        chosen.append(i)
        chosen_tri |= tri
        covered |= concepts[best]
        used += lengths[best]
    return chosen


# The selector was trained on bundles of at most ~75 candidates, typically about twice as many as
# fit in the summary. In a larger bundle of few articles, it ranks only the most central
# candidates, by the mean of the embedding and the lexical centrality ranks (both scale-free),
# keeping that training ratio of about two candidates per summary sentence.
POOL_PER_SENTENCE = 2.0


def narrow(bundle: Bundle, scores: np.ndarray, budget: int) -> np.ndarray:
    """Scores with every candidate outside the pool of most central ones set to -inf."""
    col = {f: i for i, f in enumerate(FEATURES)}
    mean_words = float(np.mean([words_of(bundle.sentences[i].text) for i in bundle.candidates]))
    pool = max(10, int(np.ceil(POOL_PER_SENTENCE * budget / max(mean_words, 1.0))))
    rank = bundle.features[:, col["centrality_rank"]] + bundle.features[:, col["lexical_rank"]]
    keep = np.argsort(rank, kind="stable")[:pool]
    out = np.full(len(scores), -np.inf)
    out[keep] = scores[keep]
    return out


def bundle_budget(bundle: Bundle, policy: dict | None = None) -> int:
    """The default word budget of a bundle (see DEFAULT_POLICY)."""
    if not bundle.candidates:
        return 0
    total = int(bundle.features[0, FEATURES.index("bundle_words")])
    n_articles = int(bundle.features[0, FEATURES.index("n_articles")])
    return default_budget(total, n_articles, policy)


def summarise(
    articles: list[Article],
    words: int | None = 200,
    encoder=None,
    cite_encoder=None,
    readable: bool = False,
    selector: "Selector | None | bool" = False,
) -> list[SummarySentence]:
    """The cited extractive summary of a bundle of cleaned, segmented articles.

    `words` is a hard cap on the summary's word count; None applies the tuned length policy.
    Sentences are selected with `encoder`'s vectors (default: the static encoder the selector was
    trained with) and cited with `cite_encoder`'s (default: the same vectors).
    `readable` adds two rules for human readers: a sentence opening with a pronoun only right
    after the sentence before it in its article, and no unfinished last sentence of a cut-off
    article (`unfinished`). `crossbrief brief` sets it, `batch --readable` too; by default batch
    and evaluation do not, because the rules cost ROUGE (see docs/benchmarks.md).
    Deterministic: the same articles give the same summary.
    """
    articles = list(articles)
    if encoder is None:
        from crossbrief.resources.encoders import get_static_encoder

        encoder = get_static_encoder()
    if selector is False:  # not given: the model in use (see get_selector); None: the heuristic scorer
        selector = get_selector()
    if selector and not selector.fits(encoder):
        raise ValueError(
            f"the sentence selector {selector.version} was trained on other vectors than this encoder's "
            f"({type(encoder).__name__}): rebuild the static model with `make static-encoder` or retrain with `crossbrief train`"
        )
    bundle = build_bundle(articles, encoder)
    if readable:
        keep = [k for k, i in enumerate(bundle.candidates) if not unfinished(bundle, i)]
        bundle = replace(bundle, candidates=[bundle.candidates[k] for k in keep], features=bundle.features[keep])
    if not bundle.candidates:
        return []
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
    if len(bundle.candidates) > LARGE_BUNDLE:
        if len({bundle.sentences[i].article for i in bundle.candidates}) >= CONCEPT_MIN_BUNDLE_ARTICLES:
            chosen = concept_decode(bundle, budget, require_antecedent=readable)
        if not chosen:
            scores = narrow(bundle, scores, budget)
    chosen = chosen or decode(bundle, scores, budget, require_antecedent=readable)
    score_of = {bundle.candidates[k]: float(scores[k]) for k in range(len(bundle.candidates))}
    ids = [a.id for a in articles]
    out: list[SummarySentence] = []
    for i in story_order(articles, bundle, chosen):
        s = bundle.sentences[i]
        also, differ = cite(bundle, i, range(len(ids)))
        out.append(SummarySentence(s.text, s.article, s.index, [ids[b] for b in also], [ids[b] for b in differ], round(score_of[i], 4)))
    return out


def articles_from_documents(documents: Sequence[str], on_topic: Sequence[bool] | None = None) -> list[Article]:
    """Articles from raw document strings, segmented with the product's sentence splitter."""
    from crossbrief.stages.segment import segment

    from crossbrief.stages.identity import article_id

    articles = []
    seen: dict[str, int] = {}
    for i, doc in enumerate(documents):
        # A cluster may hold the same document twice (48 of Multi-News's 5,622 validation
        # clusters do); batch and eval keep both, as the data set does, so the copy gets the id
        # with a counter ("<id>-2").
        base = article_id(doc)
        seen[base] = seen.get(base, 0) + 1
        uid = base if seen[base] == 1 else f"{base}-{seen[base]}"
        a = Article(source=f"document {i}", raw_text=doc, text=doc, id=uid)
        if on_topic is not None:
            a.on_topic = bool(on_topic[i])
        articles.append(segment(a))
    return articles


def batch_encoder():
    """The encoder of batch mode and evaluation: the static encoder, for selection and citations."""
    from crossbrief.resources.encoders import get_static_encoder

    return get_static_encoder()


def summarise_documents(
    documents: Sequence[str], words: int | None = None, encoder=None, cite_encoder=None, readable: bool = False
) -> list[SummarySentence]:
    """Batch-mode entry point: the same selection as `summarise`, from raw document strings.

    Uses the static encoder for selection, and for citations unless `cite_encoder` is given."""
    if not isinstance(documents, (list, tuple)) or not all(isinstance(d, str) for d in documents):
        raise ValueError("documents must be a list of strings")
    if not any(d.strip() for d in documents):
        raise ValueError("no text in any document")
    return summarise(
        articles_from_documents(documents),
        words=words,
        encoder=encoder or batch_encoder(),
        cite_encoder=cite_encoder,
        readable=readable,
    )
