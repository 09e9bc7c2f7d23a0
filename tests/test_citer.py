"""The learned citation judge: shipped models, what they cite, and bad model files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from crossbrief.errors import ModelFileError
from crossbrief.resources.encoders import get_encoder, get_static_encoder
from crossbrief.summarise.cite import cite
from crossbrief.summarise.citer import PAIR_FEATURES, CitationModel, Judge, PairFeatures, load_citation_model
from crossbrief.summarise.documents import articles_from_documents
from crossbrief.summarise.features import build_bundle

DOCS = [
    "The regional council approved a plan on Tuesday to close the Harlow coal plant by 2030. "
    "About 400 workers will be offered jobs at a new wind farm, the council said. "
    "Local farmers complained about the price of feed at the weekly market.",
    "Harlow's coal plant will shut down by 2030 under a plan the regional council backed on Tuesday, "
    "and the council says around 400 of its workers will be offered jobs at a wind farm. "
    "A new bakery opened in the old post office building.",
    "The city's football club signed a new goalkeeper from a rival team on Monday. "
    "Ticket prices for the coming season will rise by 5 percent.",
]


@pytest.mark.parametrize("encoder", [get_encoder, get_static_encoder])
def test_the_shipped_models_load_for_both_encoders(encoder):
    model = load_citation_model(encoder().name)
    assert model is not None and model.encoder == encoder().name
    assert len(model.weights) == len(PAIR_FEATURES) and 0 < model.threshold < 1


def test_the_judge_cites_the_outlet_that_reports_it_and_not_the_one_that_does_not():
    minilm = get_encoder()
    articles = articles_from_documents(DOCS)
    bundle = build_bundle(articles, get_static_encoder())
    vectors = np.asarray(minilm.encode([s.text for s in bundle.sentences]), dtype=np.float32)
    judge = Judge(load_citation_model(minilm.name), bundle, vectors)
    plan = next(i for i, s in enumerate(bundle.sentences) if "close the Harlow coal plant" in s.text)
    market = next(i for i, s in enumerate(bundle.sentences) if "feed" in s.text)
    also, differ = cite(bundle, plan, [0, 1, 2], vectors, minilm.thresholds, judge)
    assert also == [1] and not differ
    assert cite(bundle, market, [0, 1, 2], vectors, minilm.thresholds, judge) == ([], [])
    features, best = PairFeatures(bundle, vectors).of(plan, 1)
    assert len(features) == len(PAIR_FEATURES) and "coal plant" in bundle.sentences[best].text


def test_a_bad_model_file_is_a_model_file_error():
    payload = json.loads(json.dumps(load_citation_model(get_encoder().name).to_payload()))
    assert CitationModel.from_payload(payload) == load_citation_model(get_encoder().name)
    with pytest.raises(ModelFileError, match="features"):
        CitationModel.from_payload({**payload, "features": ["cosine"]}, "citer.json")
    with pytest.raises(ModelFileError, match="malformed"):
        CitationModel.from_payload({**payload, "weights": [1.0]}, "citer.json")
    with pytest.raises(ModelFileError):
        CitationModel.from_payload({k: v for k, v in payload.items() if k != "threshold"}, "citer.json")
