"""ROUGE scoring against hand computation, labels, batch mode (tiny inputs)."""

from __future__ import annotations

import gzip
import json

import pytest

from crossbrief.errors import InputError
from crossbrief.learn.evaluate import RougeScorer, run_eval
from crossbrief.learn.train import RougeTokens, rouge_n, sentence_labels
from crossbrief.runners.batch import run_batch


def test_rouge_n_by_hand():
    tok = RougeTokens()
    summary = tok("the cat sat on the mat")
    reference = tok("the cat lay on the mat")
    # Unigrams: summary {the:2, cat, sat, on, mat}, reference {the:2, cat, lay, on, mat}: 5 of 6 match.
    p, r, f = rouge_n(summary, reference, 1)
    assert (p, r) == pytest.approx((5 / 6, 5 / 6))
    # Bigrams: "the cat", "on the", "the mat" match; "cat sat", "sat on" do not: 3 of 5.
    p, r, f = rouge_n(summary, reference, 2)
    assert (p, r, f) == pytest.approx((3 / 5, 3 / 5, 3 / 5))


def test_scorer_matches_hand_computation():
    scorer = RougeScorer()
    scores = scorer.score(["The cat sat on the mat."], ["The cat lay on the mat."])
    assert scores["rouge1_f"] == pytest.approx(5 / 6)
    assert scores["rouge2_f"] == pytest.approx(3 / 5)
    # LCS "the cat on the mat" = 5 tokens of 6 on both sides.
    assert scores["rougeLsum_f"] == pytest.approx(5 / 6)
    # Several references: the mean over references.
    two = scorer.score(["The cat sat."], ["The cat sat.", "A dog ran."])
    assert two["rouge1_r"] == pytest.approx(0.5)


def test_stemming_is_on():
    tok = RougeTokens()
    assert rouge_n(tok("cats running"), tok("cat runs"), 1)[2] == pytest.approx(1.0)


def test_labels_prefer_sentences_from_the_reference():
    tok = RougeTokens()
    labels = sentence_labels(
        ["The envoy warned the city could be destroyed.", "Football matches were cancelled."],
        "The envoy warned that the city could be destroyed by Christmas.",
        tok,
        oracle_words=20,
    )
    assert labels[0] > labels[1]


def _write(path, rows):
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for r in rows:
            f.write((r if isinstance(r, str) else json.dumps(r)) + "\n")


DOC_A = (
    "The city council approved a new budget of 12 million dollars on Monday after a long debate. "
    "The budget includes money for three new schools and a public library. "
    "Council members said the vote was the most important of the year."
)
DOC_B = (
    "On Monday the council passed a 12 million dollar budget following hours of debate. "
    "Three schools and a library will be built with the money, officials said."
)


def test_batch_output_order_errors_and_budget(tmp_path):
    src = tmp_path / "in.jsonl.gz"
    _write(src, [{"id": "a", "documents": [DOC_A, DOC_B]}, {"id": "bad", "documents": []}, "not json",
                 {"documents": [DOC_B, 3]}, {"id": "c", "documents": [DOC_B]}])
    out = tmp_path / "out.jsonl"
    assert run_batch(str(src), str(out), words=40, workers=1) == 1
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [rec.get("id") for rec in lines] == ["a", "bad", 2, 3, "c"]
    assert "error" in lines[1] and "error" in lines[2] and "error" in lines[3]
    first = lines[0]
    assert first["summary"] == "\n".join(s["text"] for s in first["sentences"])
    assert sum(len(s["text"].split()) for s in first["sentences"]) <= 40
    assert all(s["text"] in [DOC_A, DOC_B][s["article"]] for s in first["sentences"])
    # Same input, same output, in the same order, whether one process or two summarise it.
    out2 = tmp_path / "out2.jsonl"
    assert run_batch(str(src), str(out2), words=40, workers=2) == 1
    assert out.read_text() == out2.read_text()


def test_eval_prints_all_systems(tmp_path):
    import io

    src = tmp_path / "eval.jsonl"
    src.write_text(
        json.dumps({"documents": [DOC_A, DOC_B], "summary": "The council passed a 12 million dollar budget."}) + "\n"
    )
    buf = io.StringIO()
    result = run_eval(str(src), words=30, limit=None, out=buf)
    assert set(result["systems"]) == {"crossbrief", "lead", "tfidf-mmr", "lexrank", "textrank"}
    assert result["clusters"] == 1
    assert "lexrank" in buf.getvalue()
    # two short articles: a small bundle, decoded with the selector's scores
    assert result["decoders"] == {"selector": 1}
    assert "decoders (clusters): selector 1" in buf.getvalue()


def test_batch_with_precise_citations_cites_the_paraphrase(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "documents": [DOC_A, DOC_B]}) + "\n")
    out = tmp_path / "out.jsonl"
    assert run_batch(str(src), str(out), words=40, workers=1, precise_citations=True) == 0
    line = json.loads(out.read_text())
    assert line["sentences"] and all(s["article"] not in s["also"] for s in line["sentences"])
    # The budget sentence is in both documents, in other words: MiniLM cites the other one.
    budget = [s for s in line["sentences"] if "12 million" in s["text"]]
    assert budget and budget[0]["also"] == [1 - budget[0]["article"]]


def test_lexical_prior_reproduces_the_fitted_ridge():
    """The run-time prior (no scikit-learn) gives the predictions of the vectoriser + ridge that
    learn.py fits, including on sentences with unknown words, repeats and no known n-gram."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import normalize

    from crossbrief.summarise.selector import LexicalPrior

    train = [
        "Police said the man was arrested on Tuesday.",
        "Click here to subscribe to our newsletter.",
        "The mayor told reporters the bridge would reopen.",
        "Photo by staff; click to enlarge the photo.",
        "Officials said 40 people were arrested after the protest.",
        "Share this story with your friends, click share.",
    ]
    y = np.array([0.9, 0.1, 0.8, 0.05, 0.95, 0.1])
    vec = CountVectorizer(ngram_range=(1, 2), min_df=1)
    model = Ridge(alpha=1.0, solver="sparse_cg").fit(normalize(vec.fit_transform(train)), y)
    prior = LexicalPrior(dict(zip(vec.get_feature_names_out(), model.coef_)), model.intercept_, 2)
    test = ["The POLICE said police arrested two men.", "Click, click, click here!", "Zebras graze quietly", ""]
    expected = model.predict(normalize(vec.transform(test)))
    assert prior.score(test) == pytest.approx(expected, abs=1e-9)
    # Stored and loaded through the model file's form: same scores to the stored precision.
    again = LexicalPrior.from_payload(json.loads(json.dumps(prior.to_payload())))
    assert again.score(test) == pytest.approx(expected, abs=1e-4)
    # It learned something: the news sentence outscores the teaser.
    assert prior.score(test)[0] > prior.score(test)[1]


def test_the_shipped_selector_needs_sentence_texts():
    import numpy as np

    from crossbrief.summarise.features import FEATURES
    from crossbrief.summarise.selector import LEXICAL_FEATURE, get_selector

    selector = get_selector()
    assert selector is not None and selector.lexical is not None
    assert selector.features[-1] == LEXICAL_FEATURE
    features = np.zeros((2, len(FEATURES)))
    with pytest.raises(ValueError, match="one text per feature row"):
        selector.score(features)
    scores = selector.score(features, ["Click here to subscribe.", "The council voted 7-2 to close the plant."])
    assert scores.shape == (2,) and np.isfinite(scores).all()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: p["lexical"].pop("terms"), "needs 'terms'"),
        (lambda p: p["lexical"].update(weights=p["lexical"]["weights"][:-1]), "terms but"),
        (lambda p: p["lexical"].update(ngrams=0), "n-gram length"),
        (lambda p: p.update(lexical="weights"), "not an object"),
        (lambda p: p.update(features=p["features"][1:] + p["features"][:1]), "does not match the trees"),
        (lambda p: p.pop("model"), "missing field 'model'"),
    ],
)
def test_a_broken_model_file_is_one_clear_error(tmp_path, change, message):
    from crossbrief.errors import ModelFileError
    from crossbrief.summarise.selector import MODEL_FILE, Selector

    payload = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    change(payload)
    path = tmp_path / "selector.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(ModelFileError, match=message) as err:
        Selector.load(path)
    assert str(path) in str(err.value)


def test_fit_lexical_on_bundles(tmp_path):
    """learn.fit_lexical: out-of-fold columns for every labelled cluster, a prior that scores
    the sentences it was fitted on as scikit-learn would, and a refusal of too little data."""
    import numpy as np

    from crossbrief.learn.train import fit_lexical
    from crossbrief.summarise.documents import articles_from_documents
    from crossbrief.summarise.features import build_bundle

    docs = [
        "Police said on Tuesday that 40 people were arrested after the protest in the city centre. "
        "Readers can follow our live coverage of the city on the website every day.",
        "The mayor told reporters the bridge would reopen next week after the repairs. "
        "Readers can sign up for the newsletter on the website every morning.",
    ]
    data = []
    for k in range(4):
        bundle = build_bundle(articles_from_documents(docs[k % 2 :] + docs[: k % 2]))
        y = np.array([[0.1 if "Readers" in bundle.sentences[i].text else 0.9, 0.0] for i in bundle.candidates])
        data.append((bundle, y, ["ref"]))
    prior, columns = fit_lexical(data, min_df=1)
    assert all(len(columns[id(b)]) == len(b.candidates) for b, _, _ in data)
    texts = [b.sentences[i].text for b, _, _ in data[:1] for i in b.candidates]
    scores = prior.score(texts)
    assert len(texts) == 4
    assert min(s for t, s in zip(texts, scores) if "Readers" not in t) > max(
        s for t, s in zip(texts, scores) if "Readers" in t
    )
    with pytest.raises(InputError, match="at least 2 labelled clusters"):
        fit_lexical(data[:1], min_df=1)


def test_batch_and_eval_name_each_bad_cluster_on_standard_error(tmp_path, capsys):
    from crossbrief.cli import main

    src = tmp_path / "in.jsonl"
    rows = [{"id": "a", "documents": [DOC_A, DOC_B], "summary": "The council passed a budget."},
            {"id": "bad", "documents": []}, {"documents": "one string"}, {"id": "noref", "documents": [DOC_A]}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["batch", str(src), "-o", str(tmp_path / "out.jsonl"), "--words", "40"]) == 1
    err = capsys.readouterr().err
    assert "line 2: no documents" in err and "line 3: 'documents' must be a list of strings, not str" in err
    assert "Traceback" not in err
    assert main(["eval", str(src), "--words", "40"]) == 1
    captured = capsys.readouterr()
    assert "crossbrief " in captured.out and "3 skipped" in captured.out
    for reason in ("line 2: no documents with text", "line 3: no documents with text", "line 4: no reference"):
        assert reason in captured.err


def test_batch_refuses_to_overwrite_its_input_and_reports_an_empty_file(tmp_path, capsys):
    from crossbrief.cli import main

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"documents": [DOC_A, DOC_B]}) + "\n")
    assert main(["batch", str(src), "-o", str(src)]) == 2
    assert "the output file is the input file" in capsys.readouterr().err
    assert src.read_text().startswith('{"documents"'), "the input is untouched"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(empty), "-o", str(out)]) == 2
    assert "no clusters: the file is empty" in capsys.readouterr().err
    assert not out.exists()
    # gzip-compressed without the .gz suffix is read too
    packed = tmp_path / "packed.jsonl"
    packed.write_bytes(gzip.compress(src.read_bytes()))
    assert main(["batch", str(packed), "-o", str(out), "--words", "40"]) == 0
    assert json.loads(out.read_text())["sentences"]


def test_a_budget_no_sentence_fits_gives_an_empty_summary_with_a_warning(tmp_path, capsys):
    from crossbrief.cli import main

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x", "documents": [DOC_A, DOC_B]}) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out), "--words", "10"]) == 0
    assert json.loads(out.read_text())["sentences"] == []
    assert "line 1 (id x): empty summary" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["eval", "IN", "--limit", "0"], "--limit 0: must be at least 1"),
        (["eval", "IN", "--words", "5"], "--words 5: must be at least 10"),
        (["train", "IN", "--limit", "-5"], "--limit -5: must be at least 1"),
        (["train", "IN", "-o", "FOLDER"], "cannot write the model there"),
    ],
)
def test_bad_options_are_one_line_errors(tmp_path, capsys, argv, message):
    from crossbrief.cli import main

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"documents": [DOC_A], "summary": "A budget."}) + "\n")
    argv = [str(src) if a == "IN" else str(tmp_path) if a == "FOLDER" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_trained_model_elsewhere_is_used_through_the_environment(tmp_path, monkeypatch, capsys, request):
    from crossbrief import settings
    from crossbrief.cli import main
    from crossbrief.settings import SELECTOR_ENV
    from crossbrief.summarise.selector import MODEL_FILE, get_selector, selector_path

    # Settings are read once per process: read the environment again after each change (batch's
    # forkserver workers read it themselves), and again after the test.
    request.addfinalizer(lambda: settings.use(None))

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"documents": [DOC_A, DOC_B]}) + "\n")
    monkeypatch.setenv(SELECTOR_ENV, str(tmp_path / "missing.json"))
    settings.use(None)
    assert selector_path() == tmp_path / "missing.json"
    assert main(["batch", str(src), "-o", str(tmp_path / "out.jsonl")]) == 2
    assert "missing.json: no such selector model file" in capsys.readouterr().err
    copy = tmp_path / "copy.json"
    copy.write_bytes(MODEL_FILE.read_bytes())
    monkeypatch.setenv(SELECTOR_ENV, str(copy))
    settings.use(None)
    selector = get_selector()
    assert selector is not None and selector_path() == copy
    assert main(["batch", str(src), "-o", str(tmp_path / "out.jsonl"), "--words", "40"]) == 0


def test_batch_readable_applies_the_brief_rules(tmp_path):
    cut = DOC_A + " Council members said the new library would open in the spring of next"
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "documents": [cut, DOC_B]}) + "\n")
    out = tmp_path / "out.jsonl"
    assert run_batch(str(src), str(out), words=200, workers=1, readable=True) == 0
    texts = [s["text"] for s in json.loads(out.read_text())["sentences"]]
    assert texts and all(t.rstrip()[-1] in ".!?”\"" for t in texts)
