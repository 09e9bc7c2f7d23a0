"""HTML extraction: the Zyte benchmark's metric as bench/extraction.py implements it, and cleaning
that never cuts article text trafilatura kept (issue 13, item 4). Pages and sentences are our own."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from crossbrief.ingest.read import EXTRACTED_BY, article_from_html
from crossbrief.model import Article
from crossbrief.stages.clean import clean

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _bench():
    spec = importlib.util.spec_from_file_location("crossbrief_bench_extraction", BENCH / "extraction.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


extraction = _bench()
PAGES = sorted((BENCH / "extraction").glob("*.html"))


def test_shingles_are_a_multiset_of_four_word_runs_without_punctuation():
    s = extraction.shingles("The cat sat, on the mat. The cat sat on")
    assert s[("The", "cat", "sat", "on")] == 2  # punctuation is not a token; a repeat counts twice
    assert sum(s.values()) == 10 - 4 + 1
    assert extraction.shingles("too short") == {("too", "short"): 1}  # under four words: one shingle


def test_page_scores_are_normalised_and_averaged_over_pages_as_zyte_does():
    true = "one two three four five six seven eight"
    assert extraction.tp_fp_fn(true, true) == (1.0, 0.0, 0.0)
    tp, fp, fn = extraction.tp_fp_fn(true, "one two three four five")  # 2 of 5 true shingles found
    assert (tp, fp, fn) == pytest.approx((2 / 5, 0.0, 3 / 5))
    # Precision and recall are means over pages; F1 is their harmonic mean.
    s = extraction.scores([(1.0, 0.0, 0.0), (0.5, 0.0, 0.5)])
    assert s["precision"] == 1.0 and s["recall"] == 0.75
    assert s["f1"] == pytest.approx(2 * 0.75 / 1.75)
    # A page where the extractor gave nothing counts for recall (0), not for precision.
    s = extraction.scores([(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)])
    assert s["precision"] == 1.0 and s["recall"] == 0.5


def test_the_benchmark_has_thirty_annotated_pages():
    assert len(PAGES) >= 30
    assert all(p.with_suffix(".txt").read_text(encoding="utf-8").strip() for p in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_cleaning_never_cuts_body_text_that_trafilatura_kept(page):
    html = page.read_text(encoding="utf-8")
    true = extraction.shingles(page.with_suffix(".txt").read_text(encoding="utf-8"))
    kept_by_trafilatura = true & extraction.shingles(extraction.trafilatura_text(html))
    ours = extraction.shingles(clean(article_from_html(html, page.name)).text)
    lost = kept_by_trafilatura - ours
    # Only the few shingles that span a removed line (its neighbours' last and first words) may go.
    assert sum(lost.values()) <= 0.03 * sum(kept_by_trafilatura.values()), [" ".join(k) for k in lost][:10]


def test_crossbrief_scores_at_least_trafilatura_on_the_pages():
    alone, ours = [], []
    for page in PAGES:
        html = page.read_text(encoding="utf-8")
        true = page.with_suffix(".txt").read_text(encoding="utf-8")
        alone.append(extraction.tp_fp_fn(true, extraction.trafilatura_text(html)))
        ours.append(extraction.tp_fp_fn(true, extraction.crossbrief_text(html, page.name)[0]))
    assert extraction.scores(ours)["f1"] >= extraction.scores(alone)["f1"]


def extracted(lines: list[str], title: str = "Ferry hits harbour wall in fog") -> Article:
    """Text as an HTML extractor hands it over, cleaned."""
    return clean(Article(source="page.html", raw_text="\n".join(lines), title=title,
                         meta={EXTRACTED_BY: "trafilatura"}))


LEAD = ("A passenger ferry struck the harbour wall in thick fog on Thursday morning, injuring 14 people, "
        "two of them seriously, the coastguard said.")
LAST = "The maritime accident board has opened an investigation into the crash, its second this year."

BODY_TEXT = [
    "THE FORECAST",  # an all-capital sub-heading
    "What happens next",  # a sub-heading without a full stop
    "Why now?",  # a question as a sub-heading
    "- the hospital district",  # list items
    "- the university campus",
    "By noon, all ballots had been counted.",  # not a byline
    "By Tuesday, ferries had moved.",
    "Subscribers will pay more too.",  # not "Subscribe"
    "Updated figures show a rise.",  # not a time stamp
    "Posted outside, strikers waited.",
    "Gallery owners said sales fell.",
    "Loading began at dawn.",
    "Video from the survey shows a crack running the length of one pillar.",
    "Close to 18,000 runners finished.",
    "Home prices rose 12 percent.",
    "Was the radar working?",
]


def test_extracted_text_keeps_headings_lists_and_short_paragraphs_that_look_like_noise():
    a = extracted([LEAD, *BODY_TEXT, LAST])
    assert a.text.split("\n") == [LEAD, *BODY_TEXT, LAST], a.removed


def test_a_story_about_comments_is_not_a_comment_section():
    lines = [LEAD, "The council received 2,100 comments on the plan during its consultation.",
             "The comments are due by March 1, and the board will vote in April.",
             "Opposition councillors said they would join the debate again in the new year.", LAST]
    assert extracted(lines).text.split("\n") == lines
    assert clean(Article(source="t", raw_text="\n".join(lines))).text.split("\n") == lines


NOISE = [
    "Ferry hits harbour wall in fog",  # the title again
    "Scroll down for video",
    "By Jane Halloway, Staff Reporter",
    "Published: 09:14 EST, 3 March 2025 | Updated: 11:02 EST, 3 March 2025",
    "Read more: Five things to do this weekend",
    "In pictures: the ferry after the crash",
    "Story continues below advertisement",
    "Getty Images",
    "Listen to this article",
    "4 min read",
    "— Local Watch (@localwatch) March 3, 2025",
    "Contact Jane Halloway at newsdesk@harbourpost.example",
]


def test_extracted_text_loses_the_page_noise_the_extractor_kept():
    a = extracted([NOISE[0], LEAD, *NOISE[1:], LAST, "12 comments", "Comments are closed on this story.",
                   "Took them long enough."])
    assert a.text.split("\n") == [LEAD, LAST], a.text


def test_caption_printed_twice_in_extracted_text_goes():
    caption = "Passengers wait on the quay after the ferry was evacuated on Thursday"
    a = extracted([LEAD, caption, caption, LAST])
    assert a.text.split("\n") == [LEAD, LAST]


def test_html_pages_are_marked_as_extracted_and_cleaned_by_the_sure_rules():
    page = (BENCH / "extraction" / "04-storm-warning.html").read_text(encoding="utf-8")
    article = article_from_html(page, "storm.html")
    assert article.meta[EXTRACTED_BY] == "trafilatura"
    text = clean(article).text
    assert "THE DAMAGE" in text.split("\n") and "THE FORECAST" in text.split("\n")
    assert "Scroll down for video" not in text


def test_a_list_of_links_under_a_related_heading_goes_with_it():
    related = ["Related stories", "- Council to review parking fees", "- Five things to do this weekend"]
    body_list = ["The routes will serve:", "- the hospital district", "- the university campus"]
    a = extracted([LEAD, *body_list, LAST, *related])
    assert a.text.split("\n") == [LEAD, *body_list, LAST]
