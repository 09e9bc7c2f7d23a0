"""A brief's JSON: one shape (docs/json-schema.md), versioned, and read back into an equal Brief."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from crossbrief.model import Article, Brief, Figure, Problem, Sentence, SummarySentence
from crossbrief.model.facts import EntityCount, Facts, FigureClaim, FigureGroup, SingleSourceFact
from crossbrief.model.schema import SCHEMA_VERSION, brief_from_dict, brief_to_dict
from crossbrief.model.serialise import from_plain, to_plain
from crossbrief.render import to_json, to_markdown

# A short story told by four outlets, written for this test.
ARTICLES = {
    "01_harbour_times.txt": (
        "https://harbourtimes.example/2025/10/02/pier-fire\n"
        "Fire destroys Old Pier at Saltmere\n"
        "October 2, 2025\n"
        "A fire destroyed most of the Old Pier at Saltmere on Wednesday night, the coastguard said. "
        "About 200 people were moved from nearby homes as the flames spread.\n"
        "“We were lucky that the wind turned,” said fire chief Nora Blake. "
        "The pier, built in 1898, will stay closed until at least Friday.\n"
        "Repairs could cost up to 4 million pounds, the council said."
    ),
    "02_coast_post.txt": (
        "https://coastpost.example/news/saltmere-pier\n"
        "Saltmere pier burns overnight\n"
        "October 2, 2025\n"
        "Flames tore through the Old Pier at Saltmere on Wednesday night, and some 250 residents left "
        "their homes, officials said.\n"
        "“We were lucky the wind turned,” fire chief Nora Blake told reporters. "
        "Nobody was hurt, the coastguard said.\n"
        "The council put the cost of repairs at 4 million pounds."
    ),
    "03_wire.json": json.dumps({
        "text": "SALTMERE, Oct 2 (Shore Wire) - Most of the Old Pier at Saltmere burned down on Wednesday night. "
                "About 200 people were evacuated, the coastguard said. Nora Blake, the fire chief, said the "
                "cause was not yet known. “It is too early to say how it started,” she said.",
        "title": "Saltmere's Old Pier burns down",
        "outlet": "Shore Wire",
        "url": "https://shorewire.example/saltmere-pier",
        "date": "2025-10-02",
    }),
}


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> Brief:
    from crossbrief.pipeline import brief as make_brief

    folder = tmp_path_factory.mktemp("saltmere")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "04_empty.txt").write_text("", encoding="utf-8")  # a problem to carry through
    return make_brief([str(folder)], words=80)


def test_a_real_brief_round_trips_through_json(brief: Brief) -> None:
    assert len(brief.articles) == 3 and brief.summary and brief.problems
    assert brief.facts is not None and brief.facts.figures and brief.facts.quotes
    text = to_json(brief, raw_text=True)
    back = brief_from_dict(json.loads(text))
    assert back == brief
    assert to_json(back, raw_text=True) == text
    assert to_markdown(back) == to_markdown(brief)


def test_without_raw_text_everything_but_the_text_as_read_round_trips(brief: Brief) -> None:
    text = to_json(brief)
    data = json.loads(text)
    assert data["schema_version"] == SCHEMA_VERSION == 2
    assert all("raw_text" not in a for a in data["articles"])
    back = brief_from_dict(data)
    assert all(a.raw_text == "" for a in back.articles)
    assert back == dataclasses.replace(brief, articles=[dataclasses.replace(a, raw_text="") for a in brief.articles])
    assert to_json(back) == text


def test_articles_are_referred_to_by_id(brief: Brief) -> None:
    data = brief_to_dict(brief)
    ids = [a["id"] for a in data["articles"]]
    assert len(set(ids)) == 3 and all(isinstance(i, str) and i for i in ids)
    for s in data["summary"]:
        assert s["article"] in ids and set(s["also"]) <= set(ids) and set(s["differ"]) <= set(ids)
    facts = data["facts"]
    for g in facts["figures"]:
        assert set(g["articles"]) <= set(ids) and {c["article"] for c in g["claims"]} == set(g["articles"])
    for g in facts["quotes"]:
        assert set(g["articles"]) <= set(ids) and {v["article"] for v in g["versions"]} == set(g["articles"])
    for e in facts["entities"]:
        assert set(e["by_article"]) <= set(ids)
    for a in data["articles"]:
        found = ("sentences", "mentions", "figures", "quotes", "dates")
        assert {x["article"] for k in found for x in a[k]} <= {a["id"]}


def test_facts_absent_and_empty_are_told_apart() -> None:
    article = Article(source="a.txt", raw_text="Text.", text="Text.", id="a1", outlet="a.example",
                      sentences=[Sentence("a1", 0, "Text.", 0, 5)])
    none = Brief(articles=[article], summary=[SummarySentence("Text.", "a1", 0)])
    empty = dataclasses.replace(none, facts=Facts())
    assert brief_to_dict(none)["facts"] is None and brief_to_dict(empty)["facts"] == to_plain(Facts())
    for b in (none, empty):
        assert brief_from_dict(json.loads(to_json(b, raw_text=True))) == b
    assert "## Key figures" not in to_markdown(none) and "## Key figures" in to_markdown(empty)


def test_typed_facts_with_optional_values_round_trip() -> None:
    claim = FigureClaim("b2", "more than 250", 250.0, "at least", 250.0, None, "police", 3, 16, 1)
    facts = Facts(
        figures=[FigureGroup("people", "people", status="differ", articles=["b2", "a1"], claims=[claim])],
        entities=[EntityCount("Nora Blake", "PERSON", 3, {"b2": 2, "a1": 1})],
        single_source=[SingleSourceFact("a1", "figure", "4 million", "pounds")],
    )
    assert from_plain(Facts, json.loads(json.dumps(to_plain(facts)))) == facts
    figure = Figure("about 12", 12.0, 0, 8, "a1", kind="about", low=12.0, high=12.0)
    assert from_plain(Figure, to_plain(figure)) == figure
    later = {"input": "x", "message": "m", "fatal": False, "later_field": 1}  # a field this version does not know
    assert from_plain(Problem, later) == Problem("x", "m", False)


def test_other_schema_versions_are_refused(brief: Brief) -> None:
    data = brief_to_dict(brief)
    with pytest.raises(ValueError, match="schema_version"):
        brief_from_dict({k: v for k, v in data.items() if k != "schema_version"})
    with pytest.raises(ValueError, match="schema_version 3"):
        brief_from_dict({**data, "schema_version": 3})


def test_the_documented_top_level_fields_are_the_written_ones(brief: Brief) -> None:
    schema = (Path(__file__).resolve().parents[1] / "docs" / "json-schema.md").read_text(encoding="utf-8")
    for key in brief_to_dict(brief):
        assert f'"{key}"' in schema, f"docs/json-schema.md does not describe {key!r}"
