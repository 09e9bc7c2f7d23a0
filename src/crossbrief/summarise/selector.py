"""The learned sentence scorer (a tree model and a lexical prior), its model file, and the
hand-weighted fallback scorer."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from crossbrief import settings
from crossbrief.errors import ModelFileError
from crossbrief.settings import SELECTOR_ENV, Settings
from crossbrief.summarise.bundle import Bundle
from crossbrief.summarise.features import FEATURES

DATA_DIR = Path(__file__).parent / "data"
MODEL_FILE = DATA_DIR / "selector-v3.json"
SELECTOR_ENCODER = "static-minilm-l6"  # the vectors the selector's features come from (embed.StaticEncoder)

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
    def from_payload(cls, payload: object) -> LexicalPrior:
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
            raise ValueError(
                f"model {self.version}: its feature list does not match the trees' "
                f"({len(self.trees.feature_names)} features)"
            )
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
    def load(cls, path: str | Path) -> Selector:
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
            assert self.lexical is not None  # set whenever _uses_lexical is
            x = np.hstack([x, self.lexical.score(texts)[:, None]])
        return x

    def score(self, features: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """One score per candidate: `features` rows (columns FEATURES) and the candidates' texts."""
        if len(features) == 0:
            return np.zeros(0)
        return self.trees.predict(self.matrix(features, texts))

    def score_bundle(self, bundle: Bundle) -> np.ndarray:
        return self.score(bundle.features, [bundle.sentences[i].text for i in bundle.candidates])


# ---------------------------------------------------------------------------------------------
# The model in use


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


def clear_selector_cache() -> None:
    """Forget the model files loaded so far: the next `get_selector()` reads its file again."""
    _load_selector.cache_clear()


def selector_path(config: Settings | None = None) -> Path:
    """The selector model file in use: the one `config` (default: this process's settings) names,
    else the shipped one. A model written by `crossbrief train -o PATH` is used by brief, batch and
    eval with CROSSBRIEF_SELECTOR set to PATH."""
    config = settings.current() if config is None else config
    return config.selector_path or MODEL_FILE


def get_selector(config: Settings | None = None) -> Selector | None:
    """The selector in use: the one `set_selector` gave, else the model file of
    `selector_path(config)` (None when the shipped file is missing: the heuristic scorer)."""
    if _selector_override is not False:
        return _selector_override  # type: ignore[return-value]
    path = selector_path(config)
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
