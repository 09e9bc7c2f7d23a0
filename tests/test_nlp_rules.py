"""The memoised rule components (resources/nlp_rules.py) give every token the annotations spaCy's own
components give it: real en_core_web_sm pipelines, one as spaCy loads it, one sped up."""

from __future__ import annotations

import spacy

from crossbrief.resources.nlp_rules import speed_up_rules
from crossbrief.settings import DEFAULT_SPACY_MODEL

# Written for this test: contractions and dropped letters (the ruler's regular expressions),
# "there is" (its two-token patterns), got/gets (its lemma exceptions), odd white space, figures,
# quotes and names; some sentences twice, so that memoised keys are reused.
TEXTS = [
    "Mayor Ilse Varga said on Tuesday that 1,240 homes along the Tarn had been flooded.",
    '"We don\'t know yet how many roads are closed," she told reporters at the town hall.',
    "There is no power in the lower town, and there were 3 bridges shut by nightfall.",
    "Y'all ain't seen nothin' like it, said Corin Apps, who gets his boat out every spring.",
    "The council got 2.5 million euros from the regional fund; it gets more next week.",
    "Rescuers  pulled\n\ntwo people from a car near Ostrel.   ",
    "What did they do? They did what they had to do, and had done it before.",
    "It's the third flood since 2019, according to the agency's own figures.",
    "",
    "   ",
    "Mayor Ilse Varga said on Tuesday that 1,240 homes along the Tarn had been flooded.",
    "Officials haven't said whether the dam, which was built in 1962, can hold.",
]


def annotations(doc: spacy.tokens.Doc) -> list[tuple[object, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.norm_)
            for t in doc]


def test_memoised_rules_annotate_every_token_as_spacy() -> None:
    reference = spacy.load(DEFAULT_SPACY_MODEL)
    fast = spacy.load(DEFAULT_SPACY_MODEL)
    assert speed_up_rules(fast) == ["attribute_ruler", "lemmatizer"]
    assert speed_up_rules(fast) == []  # once only
    texts = TEXTS * 2  # the second time round, every key is answered from the memos
    expected = [annotations(d) for d in reference.pipe(texts, batch_size=5)]
    got = [annotations(d) for d in fast.pipe(texts, batch_size=5)]
    assert got == expected
    assert any(t[4] == "get" and t[0] in ("got", "gets") for doc in got for t in doc)


def test_rule_matches_are_spacy_matches() -> None:
    """The ruler's match step itself, match for match (spaCy's Matcher of a plain copy of the pipeline)."""
    fast = spacy.load(DEFAULT_SPACY_MODEL)
    plain = spacy.load(DEFAULT_SPACY_MODEL)
    speed_up_rules(fast)
    fast_ruler, plain_ruler = fast.get_pipe("attribute_ruler"), plain.get_pipe("attribute_ruler")
    for doc in fast.pipe(TEXTS, disable=["attribute_ruler", "lemmatizer"]):
        expected = sorted(set(plain_ruler.match(doc)))
        assert expected or not len(doc)
        assert fast_ruler.match(doc) == expected


def test_unrecognised_patterns_leave_the_ruler_as_spacy_made_it() -> None:
    nlp = spacy.load(DEFAULT_SPACY_MODEL)
    nlp.get_pipe("attribute_ruler").add([[{"LENGTH": 4, "TAG": "NN"}]], {"MORPH": "Number=Sing"})
    assert speed_up_rules(nlp) == ["lemmatizer"]
    assert "match" not in vars(nlp.get_pipe("attribute_ruler"))
