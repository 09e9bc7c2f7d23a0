"""`crossbrief batch --cite-all`: the citations of every sentence, with their supporting sentences."""

from __future__ import annotations

import json

from crossbrief.cli import main
from crossbrief.stages.segment import split_sentences

DOCS = [
    "The city council approved a new budget of 12 million dollars on Monday after a long debate. "
    "The budget includes money for three new schools and a public library. "
    "Council members said the vote was the most important of the year.",
    "On Monday the council passed a 12 million dollar budget following hours of debate. "
    "Three schools and a library will be built with the money, officials said. "
    "A local bakery won a national prize for its rye bread last week.",
    "The council's budget, approved on Monday, sets aside 15 million dollars in all. "
    "Heavy snow closed the mountain road to the ski resort for the second day.",
]


def test_cite_all_aligns_every_sentence_and_agrees_with_the_summary(tmp_path, capsys):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": "budget", "documents": DOCS}) + "\n")
    assert main(["batch", str(src), "-o", str(out), "--cite-all", "--workers", "1", "--words", "60"]) == 0
    record = json.loads(out.read_text())
    alignments = record["alignments"]
    # One entry per sentence of every document, in order, naming documents by position.
    expected = [(d, k) for d, doc in enumerate(DOCS) for k, _ in enumerate(split_sentences(doc))]
    assert [(a["article"], a["sentence"]) for a in alignments] == expected
    texts = {(a["article"], a["sentence"]): a["text"] for a in alignments}
    for a in alignments:
        assert a["text"] in DOCS[a["article"]]
        for cited in a["also"] + a["differ"]:
            assert cited["article"] != a["article"] and (cited["article"], cited["sentence"]) in texts
    # The budget sentence is reported by the second document, with the sentence that says so.
    first = alignments[0]
    assert [c["article"] for c in first["also"]] == [1]
    assert "12 million" in texts[(1, first["also"][0]["sentence"])]
    # Unrelated sentences cite nobody.
    bakery = next(a for a in alignments if "bakery" in a["text"])
    snow = next(a for a in alignments if "snow" in a["text"])
    assert not bakery["also"] and not snow["also"] and not bakery["differ"]
    # A summary sentence's citations are its alignment's.
    by_text = {a["text"]: a for a in alignments}
    for s in record["sentences"]:
        assert s["also"] == [c["article"] for c in by_text[s["text"]]["also"]]


def test_without_cite_all_there_are_no_alignments(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"documents": DOCS}) + "\n")
    assert main(["batch", str(src), "-o", str(out), "--workers", "1"]) == 0
    assert "alignments" not in json.loads(out.read_text())
