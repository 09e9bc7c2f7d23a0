"""Acceptance on the real scraped samples, read in place from ../shared/samples/aleppo.

The assertions are about behaviour (noise shapes gone, verbatim sentences, citations), never
about the samples' own strings, which stay outside the repository.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from crossbrief.cli import main
from crossbrief.pipeline import brief
from crossbrief.stages.clean import is_sentence_like, normalise

NOISE = re.compile(
    r"^\s*(\d{1,3}\s*/\s*\d{1,3}\b|\d{1,3} show all|scroll down|related stories|read more\b|advertisement)"
    r"|have not been moderated|views expressed|accepting comments|top commenter",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def aleppo(samples_dir):
    return brief([str(samples_dir)], words=200)


def test_all_five_samples_are_read_with_metadata(aleppo, samples_dir):
    assert len(aleppo.articles) == 5 and not aleppo.problems
    headed = [a for a in aleppo.articles if a.url]
    assert len(headed) == 1  # the one sample with header lines
    a = headed[0]
    assert a.title and a.date and a.keywords and a.meta.get("id")
    assert a.url not in a.text and a.title not in a.text


def test_no_noise_line_is_left_in_the_clean_text(aleppo):
    for article in aleppo.articles:
        lines = [line for line in article.text.split("\n") if line.strip()]
        assert lines, article.source
        assert not [line for line in lines if NOISE.search(line)], article.source
        counts = Counter(normalise(line) for line in lines)
        assert max(counts.values()) == 1, article.source  # nothing printed twice
        assert all(is_sentence_like(line) or len(line.split()) > 25 for line in lines), article.source
        assert not any(line.lstrip().startswith(("•", "* ")) for line in lines), article.source
        assert article.removed or article.meta.get("header_lines"), article.source


def test_summary_sentences_are_verbatim_and_cited(aleppo):
    assert aleppo.summary and aleppo.summary_words <= 200
    by_id = {a.id: a for a in aleppo.articles}
    for s in aleppo.summary:
        assert s.text in by_id[s.article].text
        assert s.text == by_id[s.article].sentences[s.sentence].text
        assert s.article not in s.also and len(set(s.also)) == len(s.also)
    multi = [s for s in aleppo.summary if s.also]
    assert len(multi) >= len(aleppo.summary) // 2  # four outlets report one press conference


def test_the_later_event_is_set_apart_and_not_summarised(aleppo):
    off = [a for a in aleppo.articles if not a.on_topic]
    assert len(off) == 1 and "later" in off[0].off_topic_reason
    assert all(s.article != off[0].id for s in aleppo.summary)


def test_json_brief_of_the_samples(samples_dir, capsys):
    assert main(["brief", str(samples_dir), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["articles"]) == 5 and all(a["text"] and a["sentences"] for a in data["articles"])
    assert data["summary"] and any(s["also"] for s in data["summary"])
