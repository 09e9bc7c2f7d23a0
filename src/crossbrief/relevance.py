"""Which articles of a bundle belong to its story, and why the others do not.

A bundle of "related" articles often holds one that is not about the story: a site page that was
scraped instead of the article (a cookie or JavaScript notice, a paywall, a video player's error),
or an article on a related but different story. Two checks:

- event (`mark_other_events`): an article on the same topic that reports another (usually later)
  event, found from its publication date or the dates it reports. Checked first: a date is the
  clearest reason there is.
- topic (`Flagger`): each article is described relative to the rest of its bundle (FEATURES):
  how similar its words (TF-IDF, with an IDF table from Multi-News) and its sentence vectors
  (static encoder) are to the others', how many of its distinctive words -- the names and
  places, mostly -- the others also use, how much of it reads as site furniture or uses the
  words of site pages, its length. Gradient-boosted trees over these features, fitted on
  Multi-News training clusters against the Multi-News+ relevance votes (`crossbrief.learn.
  offtopic`; data/offtopic.json, evaluated here with numpy alone), say whether it is off-topic;
  the reason names the evidence that weighs most, with its figures. A bundle of two has no
  majority to differ from: there a plain site page is set apart, else the one article trees
  fitted on pairs alone flag (the surer, if they flag both: a pair is never emptied).

Off-topic articles stay listed, with the reason, and can still be cited; they are not used to
pick summary sentences unless the caller keeps all (`--keep-all`). Figures on Multi-News
validation clusters: docs/benchmarks.md.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from crossbrief.model import Article
from crossbrief.resources.encoders import Encoder

log = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).parent / "data" / "offtopic.json"
MODEL_ENCODER = "static-minilm-l6"  # the vectors the shipped weights were fitted on

# -- words ------------------------------------------------------------------------------------
_TOKEN = re.compile(r"[a-z]+")
_STOP = frozenset(
    "the and for with from that this these those was were been being has have had its his her their "
    "our your him them not will would can could should may might does did said says say also than then "
    "there here who whom which what when where why how about after before over into out more most are "
    "you she they but all one two new just like get got only some very any other such".split()
)


def words(text: str) -> list[str]:
    """Lower-cased words of three letters or more, without the commonest function words."""
    return [w for w in _TOKEN.findall(text.lower()) if len(w) > 2 and w not in _STOP]


# Sentences that are site furniture rather than reporting: consent and cookie notices, sign-in,
# subscription and paywall prompts, browser and player errors, sharing widgets, archive-crawler
# notes. One match in a sentence is enough; the share of such sentences is a feature.
_FURNITURE = re.compile(
    r"\b(cookies?|javascript|browsers?|enable[ds]?|log ?in|sign (?:in|up)|signed in|subscrib\w*|"
    r"newsletters?|privacy (?:policy|notice|settings)|terms (?:of|and) (?:use|service|conditions)|"
    r"all rights reserved|copyright|advertis\w*|ad ?blocker|click here|tap here|follow us|"
    r"share (?:this|on)|comments? (?:are|will|policy)|your (?:account|email|password|browser|inbox)|"
    r"e-?mail address|password|try again later|not available|page (?:not found|you requested)|"
    r"wayback machine|internet archive|web crawl|crawl data|archive-it|captcha|"
    r"please (?:enable|upgrade|try|note|wait|refresh)|(?:this|the) (?:video|feature|content) is"
    r"|updated? your browser|supported browser|pop-?ups?|tweet with a location|location information)\b",
    re.IGNORECASE,
)


_NUMBER = re.compile(r"\d[\d,.]*\d")
_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.IGNORECASE)


def _shared_share(sets: list[set[str]]) -> tuple[np.ndarray, np.ndarray]:
    """For each set, the share of its members that another set holds too, and log(1 + its size)."""
    count: dict[str, int] = {}
    for members in sets:
        for m in members:
            count[m] = count.get(m, 0) + 1
    share = np.array([sum(count[m] > 1 for m in ms) / len(ms) if ms else 0.0 for ms in sets])
    return share, np.log1p([len(ms) for ms in sets])


def furniture_share(article: Article) -> float:
    """Share of the article's sentences that read as site furniture (0 with no sentences)."""
    if not article.sentences:
        return 0.0
    return sum(1 for s in article.sentences if _FURNITURE.search(s.text)) / len(article.sentences)


# -- the model --------------------------------------------------------------------------------
FEATURES = [
    "sim_centroid",  # cosine of its mean sentence vector to the mean of the others'
    "sim_median",  # upper median of its cosines to each other article (one odd article cannot sink it)
    "sim_max",  # its cosine to the most similar other article (a near copy is on topic)
    "sim_gap",  # the bundle's median sim_median minus its own
    "support",  # mean over its sentences of the best cosine with a sentence of another article
    "support_gap",
    "lex_centroid",  # TF-IDF cosine of its words to the others' words
    "lex_gap",
    "names",  # IDF-weighted share of its distinctive words (names, places) another article uses
    "names_gap",
    "furniture",  # share of its sentences that read as site furniture
    "site_words",  # the site-page word score (log-odds from its words alone)
    "log_words",
    "rel_length",  # log of its words minus the bundle's median
    "log_articles",
    "lead_sim",  # cosine of its first three sentences to the others' mean vector
    "keywords",  # share of its ten highest TF-IDF words another article uses
    "keywords_gap",
    "sim_rank",  # its rank by sim_centroid in the bundle, 0 = least similar, 1 = most
    "lex_rank",  # the same by lex_centroid
    "least_of",  # share of the other articles to which it is the least similar
    "support_share",  # share of its sentences nearly repeated (cosine >= 0.8) by another article
    "bigrams",  # share of its word pairs (two distinctive-enough words in a row) another article uses
    "bigrams_gap",
    "numbers",  # share of its figures (numbers of two digits or more) another article gives too
    "log_numbers",  # log(1 + how many distinct figures it gives)
    "weekdays",  # share of its weekday mentions ("on Tuesday") that another article mentions too
    "log_weekdays",
]
DISTINCTIVE_IDF = 4.0  # a word in fewer than ~2% of news articles is distinctive (names, places)


def _upper_median(values: np.ndarray) -> float:
    ordered = np.sort(values)
    return float(ordered[len(ordered) // 2]) if len(ordered) else 0.0


class _Trees:
    """Gradient-boosted trees (fitted with LightGBM, stored as flat arrays): the sum of the leaves
    each row reaches. A node goes left when the value is <= its threshold; a child < 0 is leaf ~child."""

    def __init__(self, payload: dict, known: list[str]):
        names = list(payload["features"])
        missing = [f for f in names if f not in known]
        if missing:
            raise ValueError(f"off-topic model: unknown features {', '.join(missing)}")
        self.columns = [known.index(f) for f in names]
        self.trees: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = [
            (np.asarray(t["feature"], dtype=np.int64), np.asarray(t["threshold"], dtype=np.float64),
             np.asarray(t["left"], dtype=np.int64), np.asarray(t["right"], dtype=np.int64),
             np.asarray(t["leaf"], dtype=np.float64))
            for t in payload["trees"]
        ]

    def score(self, x: np.ndarray) -> np.ndarray:
        x = x[:, self.columns]
        rows = np.arange(len(x))
        total = np.zeros(len(x), dtype=np.float64)
        for feature, threshold, left, right, leaf in self.trees:
            if not len(feature):  # a tree of one leaf
                total += leaf[0]
                continue
            node = np.zeros(len(x), dtype=np.int64)
            active = node >= 0
            while active.any():
                n = node[active]
                go_left = x[rows[active], feature[n]] <= threshold[n]
                node[active] = np.where(go_left, left[n], right[n])
                active = node >= 0
            total += leaf[~node]
        return total


class Flagger:
    """The off-topic model: an IDF table, site-page word weights and a logistic regression over
    FEATURES, with the decision thresholds (see `crossbrief.learn.offtopic` for the fitting)."""

    def __init__(self, payload: dict):
        self.version = str(payload.get("version", ""))
        self.encoder = payload.get("encoder")
        self.encoder_probe = payload.get("encoder_probe")
        idf = payload["idf"]
        self.idf: dict[str, float] = {w: float(v) for w, v in idf["words"].items()}
        self.idf_default = float(idf["default"])
        site = payload["site_words"]
        self.site_weights: dict[str, float] = {w: float(v) for w, v in site["weights"].items()}
        self.site_intercept = float(site["intercept"])
        # The decision: gradient-boosted trees over FEATURES; the features' spread over the
        # training documents (mean, standard deviation) weighs the evidence in the reasons.
        model = payload.get("model")
        self.model: _Trees | None = _Trees(model, FEATURES) if model else None
        self.threshold = float(model["threshold"]) if model else math.inf
        self.mean = np.asarray(model["mean"], dtype=np.float64) if model else np.zeros(len(FEATURES))
        self.scale = np.asarray(model["scale"], dtype=np.float64) if model else np.ones(len(FEATURES))
        self.pair = payload.get("pair")  # {"weights": [furniture, site_words], "intercept", "threshold"}
        # Bundles of two: trees of their own over FEATURES (a model fitted before them has none:
        # only the site-page rule above decides then).
        pair_model = payload.get("pair_model")
        self.pair_model: _Trees | None = _Trees(pair_model, FEATURES) if pair_model else None
        self.pair_threshold = float(pair_model["threshold"]) if pair_model else math.inf
        self._fits: dict[int, bool] = {}

    @classmethod
    def load(cls, path: str | Path = MODEL_PATH) -> Flagger:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def fits(self, encoder: Encoder) -> bool:
        """Were the weights fitted on `encoder`'s vectors (by its probe vectors)?"""
        if id(encoder) not in self._fits:
            from crossbrief.resources.encoders import matches_probe

            ok = getattr(encoder, "name", None) == self.encoder
            if ok and self.encoder_probe is not None:
                ok = matches_probe(encoder, self.encoder_probe)
            self._fits[id(encoder)] = ok
        return self._fits[id(encoder)]

    # -- features ----------------------------------------------------------------------------
    def site_score(self, tokens: set[str]) -> float:
        """Log-odds that a text with these words is a site page, from its words alone."""
        # fsum: exact, so the same whatever order the set gives its words in (hash seeds differ)
        return self.site_intercept + math.fsum(self.site_weights.get(w, 0.0) for w in tokens)

    def features_of(self, articles: Sequence[Article], encoder: Encoder) -> tuple[np.ndarray, dict]:
        """The FEATURES of each article of the bundle (rows in order), and the raw evidence the
        reasons quote (per-article similarity and name overlap, and what is typical of the bundle)."""
        n = len(articles)
        texts = [s.text for a in articles for s in a.sentences]
        article_of = np.array([k for k, a in enumerate(articles) for _ in a.sentences], dtype=np.int64)
        vectors = np.asarray(encoder.encode(texts), dtype=np.float32) if texts else np.zeros((0, encoder.dim))
        means = np.zeros((n, vectors.shape[1]), dtype=np.float64)
        for k in range(n):
            rows = vectors[article_of == k]
            if len(rows):
                means[k] = rows.mean(0)
        unit = means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-9)
        sim = unit @ unit.T

        # Words: TF-IDF vectors over the bundle's vocabulary, and the distinctive words.
        tokens = [words(a.text) for a in articles]
        vocab: dict[str, int] = {}
        for toks in tokens:
            for w in toks:
                vocab.setdefault(w, len(vocab))
        idf = np.array([self.idf.get(w, self.idf_default) for w in vocab], dtype=np.float64)
        tf = np.zeros((n, len(vocab)), dtype=np.float64)
        for k, toks in enumerate(tokens):
            for w in toks:
                tf[k, vocab[w]] += 1.0
        present = tf > 0
        tfidf = np.log1p(tf) * idf
        lex_unit = tfidf / np.maximum(np.linalg.norm(tfidf, axis=1, keepdims=True), 1e-9)
        lex = lex_unit @ lex_unit.T
        distinctive = idf >= DISTINCTIVE_IDF
        in_docs = present.sum(0)

        rows_out = []
        n_words = np.array([len(a.text.split()) for a in articles], dtype=np.float64)
        log_words = np.log1p(n_words)
        sim_median = np.zeros(n)
        lex_median = np.zeros(n)
        support = np.zeros(n)
        names = np.zeros(n)
        sim_centroid = np.zeros(n)
        lex_centroid = np.zeros(n)
        sim_max = np.zeros(n)
        lead_sim = np.zeros(n)
        keywords = np.zeros(n)
        support_share = np.zeros(n)
        pairs = [set(zip(t, t[1:])) for t in tokens]
        pair_docs: dict[tuple[str, str], int] = {}
        for ps in pairs:
            for bg in ps:
                pair_docs[bg] = pair_docs.get(bg, 0) + 1
        bigrams = np.array([sum(pair_docs[bg] > 1 for bg in ps) / len(ps) if ps else 0.0 for ps in pairs])
        for k in range(n):
            others = [j for j in range(n) if j != k]
            if not others:
                continue
            sim_median[k] = _upper_median(sim[k, others])
            sim_max[k] = float(sim[k, others].max())
            lex_median[k] = _upper_median(lex[k, others])
            c = means[others].mean(0)
            sim_centroid[k] = float(unit[k] @ c / max(float(np.linalg.norm(c)), 1e-9))
            lc = lex_unit[others].mean(0)
            lex_centroid[k] = float(lex_unit[k] @ lc / max(float(np.linalg.norm(lc)), 1e-9))
            mine = vectors[article_of == k]
            theirs = vectors[article_of != k]
            if len(mine) and len(theirs):
                best = (mine @ theirs.T).max(1)
                support[k], support_share[k] = float(best.mean()), float((best >= 0.8).mean())
            own = present[k] & distinctive
            weight = float(idf[own].sum())
            shared = own & (in_docs > 1)
            names[k] = float(idf[shared].sum()) / weight if weight > 0 else 0.0
            if len(mine):
                lead = mine[:3].mean(0)
                lead_sim[k] = float(lead @ c / max(float(np.linalg.norm(lead) * np.linalg.norm(c)), 1e-9))
            top = np.argsort(-tfidf[k], kind="stable")[: min(10, int(present[k].sum()))]
            keywords[k] = float((in_docs[top] > 1).mean()) if len(top) else 0.0
        masked = sim + np.diag(np.full(n, np.inf))
        least = np.bincount(masked.argmin(1), minlength=n) / max(n - 1, 1)

        def rank(values: np.ndarray) -> np.ndarray:
            return np.argsort(np.argsort(values, kind="stable"), kind="stable") / max(n - 1, 1)

        sim_rank, lex_rank = rank(sim_centroid), rank(lex_centroid)

        def typical(values: np.ndarray) -> np.ndarray:
            """For each article, the median of the others' values."""
            return np.array([float(np.median(np.delete(values, k))) if n > 1 else 0.0 for k in range(n)])

        typical_sim, typical_lex = typical(sim_median), typical(lex_median)
        typical_support, typical_names = typical(support), typical(names)
        median_length = typical(log_words)
        typical_keywords, typical_bigrams = typical(keywords), typical(bigrams)
        numbers, log_numbers = _shared_share([{m.replace(",", "").rstrip(".") for m in _NUMBER.findall(a.text)}
                                              for a in articles])
        weekdays, log_weekdays = _shared_share([{m.lower() for m in _WEEKDAY.findall(a.text)} for a in articles])
        for k, a in enumerate(articles):
            row = {
                "sim_centroid": sim_centroid[k],
                "sim_median": sim_median[k],
                "sim_max": sim_max[k],
                "sim_gap": typical_sim[k] - sim_median[k],
                "support": support[k],
                "support_gap": typical_support[k] - support[k],
                "lex_centroid": lex_centroid[k],
                "lex_gap": typical_lex[k] - lex_median[k],
                "names": names[k],
                "names_gap": typical_names[k] - names[k],
                "furniture": furniture_share(a),
                "site_words": self.site_score(set(tokens[k])),
                "log_words": log_words[k],
                "rel_length": log_words[k] - median_length[k],
                "log_articles": math.log(n),
                "lead_sim": lead_sim[k],
                "keywords": keywords[k],
                "keywords_gap": typical_keywords[k] - keywords[k],
                "sim_rank": sim_rank[k],
                "lex_rank": lex_rank[k],
                "least_of": least[k],
                "support_share": support_share[k],
                "bigrams": bigrams[k],
                "bigrams_gap": typical_bigrams[k] - bigrams[k],
                "numbers": numbers[k],
                "log_numbers": log_numbers[k],
                "weekdays": weekdays[k],
                "log_weekdays": log_weekdays[k],
            }
            rows_out.append([row[f] for f in FEATURES])
        evidence: dict[str, Any] = {
            "similarity": sim_median.tolist(), "typical_similarity": typical_sim.tolist(),
            "names": names.tolist(), "typical_names": typical_names.tolist(),
            "tokens": [set(t) for t in tokens],
        }
        return np.asarray(rows_out, dtype=np.float64).reshape(n, len(FEATURES)), evidence

    # -- decisions ---------------------------------------------------------------------------
    def scores(self, features: np.ndarray) -> np.ndarray:
        """Log-odds that each article (a row of FEATURES) is off-topic."""
        if self.model is None:
            raise ValueError(f"off-topic model {self.version or '?'} has no trees")
        return self.model.score(features)

    def pair_scores(self, features: np.ndarray) -> np.ndarray:
        """Log-odds that each article is a site page, from its own text alone (for bundles of two)."""
        if not self.pair:
            return np.full(len(features), -np.inf)
        x = features[:, [FEATURES.index("furniture"), FEATURES.index("site_words")]]
        return x @ np.asarray(self.pair["weights"]) + float(self.pair["intercept"])


def _site_reason(flagger: Flagger, article: Article, tokens: set[str]) -> str:
    furniture = sum(1 for s in article.sentences if _FURNITURE.search(s.text))
    telling = sorted((w for w in tokens if flagger.site_weights.get(w, 0.0) > 0),
                     key=lambda w: -flagger.site_weights[w])[:3]
    parts = []
    total = len(article.sentences)
    if furniture:
        parts.append("its only sentence is a site notice" if total == 1 else
                     f"{'all' if furniture == total else furniture} of its {total} sentences are site notices")
    if telling:
        parts.append("words such as " + ", ".join(f"'{w}'" for w in telling))
    parts.append(f"{len(article.text.split())} words")
    return f"looks like a site page, not an article ({'; '.join(parts)})"


def _pair_reason(flagger: Flagger, k: int, evidence: dict) -> str:
    """Of two articles, why this one (not a site page) was set apart: a pair's similarity is the
    same both ways, so it is set beside what is typical of training documents, and the share of
    its own names and places the other uses (not symmetric) says which of the two strays."""
    sim, names = FEATURES.index("sim_median"), FEATURES.index("names")
    return (
        f"shares little with the other article (similarity {evidence['similarity'][k]:.2f}, typical "
        f"{flagger.mean[sim]:.2f}; of its names and places, {evidence['names'][k]:.0%} are in the other, "
        f"typical {flagger.mean[names]:.0%})"
    )


def _reason(flagger: Flagger, features: np.ndarray, k: int, article: Article, evidence: dict) -> str:
    """The evidence that weighs most against the article: it reads as a site page (by its own
    text), or its names and places, or its content, are furthest from the rest of the bundle
    (each measured by how far its gap to the others lies above the usual, in training spreads)."""
    if flagger.pair and float(flagger.pair_scores(features[k : k + 1])[0]) > 0.0:
        return _site_reason(flagger, article, evidence["tokens"][k])

    def z(name: str) -> float:
        i = FEATURES.index(name)
        return float((features[k, i] - flagger.mean[i]) / flagger.scale[i])

    if z("names_gap") > z("sim_gap"):
        return (
            f"shares few of the other articles' names and places (overlap {evidence['names'][k]:.2f}, "
            f"typical {evidence['typical_names'][k]:.2f})"
        )
    return (
        f"its content is unlike the other articles' (similarity {evidence['similarity'][k]:.2f}, "
        f"typical {evidence['typical_similarity'][k]:.2f})"
    )


@lru_cache(maxsize=1)
def get_flagger() -> Flagger:
    """The shipped off-topic model (data/offtopic.json), loaded once."""
    return Flagger.load(MODEL_PATH)


def assess_relevance(articles: list[Article], encoder: Encoder | None = None, flagger: Flagger | None = None) -> None:
    """Set `relevance`, `on_topic` and `off_topic_reason` on every article.

    `encoder` must give the vectors the model was fitted on (the static encoder, the default);
    given another, the static encoder is used instead. The dates are checked first: an article
    that reports a later event says so by its dates, the clearest reason there is."""
    for article in articles:
        article.on_topic, article.off_topic_reason = True, ""
    mark_other_events(articles)
    flag_off_topic(articles, encoder, flagger)


def flag_off_topic(articles: list[Article], encoder: Encoder | None = None, flagger: Flagger | None = None) -> None:
    """The topic check (see the module's docstring): marks off-topic articles, with the reason."""
    flagger = flagger or get_flagger()
    if encoder is None or not flagger.fits(encoder):
        from crossbrief.resources.encoders import get_static_encoder

        encoder = get_static_encoder()
    for article in articles:
        article.relevance = None
    # An article with no sentence has nothing to compare; it is left as it is.
    articles = [a for a in articles if a.sentences]
    if len(articles) < 2:
        return
    features, evidence = flagger.features_of(articles, encoder)
    if len(articles) == 2:
        # No majority to differ from. A plain site page (flagged at PAIR_PRECISION, by its own
        # text) is the one set apart, whatever the pair's trees say (two site pages: both kept,
        # nothing would be left to brief); otherwise the trees' one, and when they flag both, the
        # surer of the two: a pair is never emptied.
        site = float(flagger.pair["threshold"]) if flagger.pair else np.inf
        pages = flagger.pair_scores(features) > site
        flagged = pages
        if not pages.any() and flagger.pair_model is not None:
            scores = flagger.pair_model.score(features)
            flagged = scores > flagger.pair_threshold
            if flagged.all():
                flagged = scores == scores.max()
        if int(flagged.sum()) == 1:
            k = int(np.argmax(flagged))
            if articles[k].on_topic:  # a date reason stands
                articles[k].on_topic = False
                articles[k].off_topic_reason = (_site_reason(flagger, articles[k], evidence["tokens"][k]) if pages[k]
                                                else _pair_reason(flagger, k, evidence))
        return
    scores = flagger.scores(features)
    for k, article in enumerate(articles):
        article.relevance = round(float(evidence["similarity"][k]), 3)
        if scores[k] > flagger.threshold and article.on_topic:  # a date reason stands
            article.on_topic = False
            article.off_topic_reason = _reason(flagger, features, k, article, evidence)


# -- a different event: dates ---------------------------------------------------------------------
# An article can be on the story's topic yet report another event (a later development, a
# follow-up). Topic similarity cannot see that; dates can. An article was published on or after
# the latest date it reports on, so a past date it mentions that lies well after the date of the
# rest of the bundle means it reports a later event. Future dates ("the trial will open on
# May 3") say nothing about when the article was written and are skipped.
MAX_DAYS_APART = 7
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_MENTION = re.compile(
    rf"\b(?:{_MONTH}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>(?:19|20)\d\d))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH})(?:,?\s+(?P<y2>(?:19|20)\d\d))?)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(will|would|shall|expected|scheduled|due to|plans?|next|until|by)\b", re.IGNORECASE)


def _mentioned_dates(article: Article, around: date) -> list[date]:
    """Past dates the article mentions, years filled in to lie nearest to `around`."""
    found: list[date] = []
    for sentence in article.sentences:
        if _FUTURE.search(sentence.text):
            continue
        for m in _DATE_MENTION.finditer(sentence.text):
            month_name = (m.group(1) or m.group("m2") or "")[:3].lower()
            day = int(m.group("d1") or m.group("d2"))
            year = m.group("y1") or m.group("y2")
            month = _MONTHS.get(month_name)
            if not month:
                continue
            years = [int(year)] if year else [around.year - 1, around.year, around.year + 1]
            candidates = []
            for y in years:
                try:
                    candidates.append(date(y, month, day))
                except ValueError:
                    pass
            if candidates:
                found.append(min(candidates, key=lambda d: abs((d - around).days)))
    return found


def _published(article: Article) -> date | None:
    try:
        return date.fromisoformat(article.date[:10]) if article.date else None
    except ValueError:
        return None


def _bundle_date(dates: list[date]) -> tuple[date | None, int]:
    """The publication date most articles share (within MAX_DAYS_APART), and how many do."""
    best, support = None, 0
    for d in sorted(dates):
        n = sum(1 for other in dates if abs((other - d).days) <= MAX_DAYS_APART)
        if n > support:
            best, support = d, n
    return best, support


def mark_other_events(articles: list[Article]) -> None:
    """Mark articles published, or reporting events, well after the bundle's date.

    The bundle's date is the publication date most articles share. An article dated more than
    a week from it is marked only when a majority of the dated articles agree on that date; an
    undated article is marked when it reports a past event more than a week after it.
    """
    if len(articles) < 3:
        return  # with two articles there is no majority to differ from
    dated = {a.id: d for a in articles if a.on_topic and (d := _published(a))}
    bundle_date, support = _bundle_date(list(dated.values()))
    if bundle_date is None:
        return
    for article in articles:
        if not article.on_topic:
            continue
        own = dated.get(article.id)
        if own is not None:
            apart = (own - bundle_date).days
            if abs(apart) > MAX_DAYS_APART and support >= 2 and support * 2 > len(dated):
                article.on_topic = False
                article.off_topic_reason = (
                    f"published {own.isoformat()}, {abs(apart)} days {'after' if apart > 0 else 'before'} "
                    f"the other articles ({bundle_date.isoformat()}): probably another event"
                )
            continue
        latest = max(_mentioned_dates(article, bundle_date), default=None)
        if latest and (latest - bundle_date).days > MAX_DAYS_APART:
            article.on_topic = False
            article.off_topic_reason = (
                f"reports events of {latest.strftime('%B')} {latest.day}, after the other articles "
                f"were published ({bundle_date.isoformat()}): probably a later event"
            )
