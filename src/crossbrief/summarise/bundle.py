"""The bundle a summary is chosen from: its sentences, their vectors and candidate features."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from crossbrief.model import Sentence
from crossbrief.resources.encoders import MINILM_SIMILARITY, Thresholds


@dataclass
class Bundle:
    """Everything the scorer and decoder need about one bundle's candidate sentences."""

    sentences: list[Sentence]  # every sentence of every article (candidates are a subset)
    vectors: np.ndarray  # one row per entry of `sentences`
    candidates: list[int]  # indices into `sentences` that may be selected
    features: np.ndarray  # one row per candidate, columns FEATURES
    article_of: np.ndarray  # bundle position of the article of each entry of `sentences`
    thresholds: Thresholds = MINILM_SIMILARITY  # of the encoder that gave `vectors`


_FINISHED = re.compile(r"[.!?…][\"'”’)\]]*$")


def unfinished(bundle: Bundle, i: int) -> bool:
    """Is `bundle.sentences[i]` the last of its article and cut off (no final punctuation)? The
    text of truncated articles (Multi-News keeps ~500 words of each) ends mid-sentence."""
    s = bundle.sentences[i]
    after = i + 1 < len(bundle.sentences) and bundle.sentences[i + 1].article == s.article
    return not after and not _FINISHED.search(s.text.strip())


def predecessors(bundle: Bundle) -> dict[int, int]:
    """For each entry of `bundle.sentences`, the entry of the sentence before it in its article."""
    at = {(s.article, s.index): i for i, s in enumerate(bundle.sentences)}
    return {i: at[s.article, s.index - 1] for i, s in enumerate(bundle.sentences) if (s.article, s.index - 1) in at}
