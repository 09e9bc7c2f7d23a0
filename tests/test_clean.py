"""Cleaning rules, on text written for these tests (shapes of noise, not any site's strings)."""

import random
import time

from crossbrief.model import Article
from crossbrief.stages.clean import clean, normalise
from crossbrief.stages.limits import CUT_REASON, MAX_RAW_CHARS, MAX_TEXT_CHARS, cut_point


def cleaned(raw: str, title: str = "") -> Article:
    return clean(Article(source="t", raw_text=raw, title=title))


BODY = [
    "The harbour authority closed the northern pier on Monday after divers found damage to its supports.",
    "Repairs are expected to take six weeks and cost about 3 million euros, the authority said.",
    "Ferry services will move to the southern terminal until the work is finished.",
]


def reasons(article: Article) -> dict[str, str]:
    return {r.text: r.reason for r in article.removed}


def test_caption_printed_twice_is_removed_with_both_copies():
    caption = "Divers inspect the pier supports on Monday morning"
    a = cleaned("\n\n".join([BODY[0], caption, caption, BODY[1]]))
    assert caption not in a.text
    assert [r.reason for r in a.removed] == ["caption", "caption"]
    assert BODY[0] in a.text and BODY[1] in a.text


def test_gallery_block_with_counters_and_heading_is_removed():
    gallery = ["Gallery: Storm damage", "8 show all Gallery: Storm damage"] + [
        f"{i}/8 Storm damage A fallen tree blocks a road in the old town on Sunday. Photo agency" for i in range(1, 9)
    ]
    a = cleaned("\n".join([BODY[0], *gallery, BODY[1]]))
    assert a.text.split("\n") == [BODY[0], BODY[1]]
    assert {r.reason for r in a.removed} == {"gallery"}


def test_interface_and_link_lines_are_removed():
    noise = ["Scroll down for video", "Advertisement", "Read more: Why piers fail in winter", "Share this article"]
    a = cleaned("\n".join([BODY[0], *noise, BODY[1]]))
    assert a.text.split("\n") == [BODY[0], BODY[1]]
    assert reasons(a)["Read more: Why piers fail in winter"] == "link"


def test_interface_words_inside_a_real_sentence_are_kept():
    line = "Advertisement revenue at the port fell by a third last year, the report said."
    assert cleaned("\n".join([BODY[0], line])).text.split("\n") == [BODY[0], line]


def test_comment_footer_at_the_end_is_removed():
    footer = [
        "Comments have been closed on this story.",
        "Views expressed in comments are those of our readers, not the paper.",
        "Join the conversation on our community pages",
    ]
    a = cleaned("\n".join([*BODY, *footer]))
    assert a.text.split("\n") == BODY
    assert {r.reason for r in a.removed} == {"comments"}


def test_leading_bullets_repeating_the_body_are_removed():
    bullets = [
        "  • Harbour authority closed the northern pier after divers found damage",
        "  • Repairs expected to take six weeks and cost about 3 million euros",
    ]
    a = cleaned("\n".join([*bullets, *BODY]))
    assert a.text.split("\n") == BODY
    assert {r.reason for r in a.removed} == {"bullet-summary"}


def test_headings_bylines_titles_and_pull_quotes_are_removed():
    raw = "\n".join([
        "Pier closed for repairs",  # the title again
        "By Jana Holm and Erik Lund",
        "Published: 10:42 GMT, 3 March 2025",
        BODY[0],
        "WHAT HAPPENS NEXT",
        "Ferries move south",  # a sub-heading: no sentence punctuation
        BODY[1],
        "Repairs are expected to take six weeks",  # pull quote of BODY[1]
        BODY[2],
    ])
    a = cleaned(raw, title="Pier closed for repairs")
    assert a.text.split("\n") == BODY
    got = reasons(a)
    assert got["Pier closed for repairs"] == "title"
    assert got["By Jana Holm and Erik Lund"] == "metadata"
    assert got["WHAT HAPPENS NEXT"] == "heading"
    assert got["Repairs are expected to take six weeks"] == "pull-quote"


def test_kept_lines_are_verbatim_and_removals_have_line_numbers():
    raw = "\n".join([BODY[0], "", "Scroll down for video", BODY[1]])
    a = cleaned(raw)
    assert a.text == f"{BODY[0]}\n{BODY[1]}"
    assert a.removed[0].line == 3 and a.removed[0].detail


def test_article_that_is_all_noise_becomes_empty():
    a = cleaned("Advertisement\nScroll down for video\n1/2 Photo one\n2/2 Photo two")
    assert a.text == ""


def test_site_footer_after_the_last_paragraph_is_removed():
    footer = ["(Reporting by Ana Lind; Editing by Tom Berg)", "Our Standards: The Harbour Post Editorial Code."]
    a = cleaned("\n".join([*BODY, "Related coverage: How ports prepare for winter storms", *footer]))
    assert a.text.split("\n") == BODY
    assert [r.reason for r in a.removed] == ["link", "footer", "footer"]


def test_short_title_cased_sentence_inside_the_story_is_kept():
    line = "The Port Authority Board Met On Friday."
    a = cleaned("\n".join([BODY[0], line, BODY[1]]))
    assert line in a.text


# -- bounded work (stages/limits.py) -------------------------------------------------------------


def test_pull_quote_search_matches_the_plain_rule():
    def plain(lines: list[str]) -> set[str]:  # the rule as first written: a loop over all lines
        keys = [normalise(x) for x in lines]
        return {x for x, k in zip(lines, keys)
                if len(x.split()) <= 40 and len(k) >= 20 and any(len(o) > len(k) + 20 and k in o for o in keys)}

    rng = random.Random(3)
    words = "the pier was closed on monday after divers found damage to its supports".split()
    for _ in range(200):
        lines = list(dict.fromkeys(" ".join(rng.choices(words, k=rng.randint(3, 14))).capitalize() + "."
                                   for _ in range(rng.randint(2, 8))))
        lines += [" ".join(lines[:2])]
        a = cleaned("\n".join(lines))
        assert {r.text for r in a.removed if r.reason == "pull-quote"} == plain(lines) - {
            r.text for r in a.removed if r.reason != "pull-quote"}


def test_normal_article_is_not_cut():
    a = cleaned("\n".join(BODY * 20))
    assert all(r.reason != CUT_REASON for r in a.removed)


def test_overlong_clean_text_is_cut_at_a_paragraph_with_one_removal():
    raw = "\n".join(f"Paragraph {i} says the harbour authority met on Monday, as it does every week."
                    for i in range(3000))
    a = cleaned(raw)
    assert len(a.text) <= MAX_TEXT_CHARS
    assert a.text.endswith("every week.") and raw.startswith(a.text)
    cuts = [r for r in a.removed if r.reason == CUT_REASON]
    assert len(cuts) == 1 and f"limit {MAX_TEXT_CHARS:,}" in cuts[0].detail and "\n" not in cuts[0].detail
    assert raw.split("\n")[cuts[0].line - 1].startswith(cuts[0].text[:40])


def test_overlong_single_line_is_cut_at_a_sentence_end():
    raw = " ".join(f"The pier was inspected {i} times." for i in range(20_000))
    a = cleaned(raw)
    assert len(a.text) <= MAX_TEXT_CHARS and a.text.endswith("times.") and raw.startswith(a.text)
    assert [r.reason for r in a.removed] == [CUT_REASON]


def test_overlong_raw_text_is_read_only_up_to_its_limit():
    raw = "\n".join(f"Short line {i}." for i in range(100_000))
    start = time.perf_counter()
    a = cleaned(raw)
    assert time.perf_counter() - start < 5
    cut = [r for r in a.removed if r.reason == CUT_REASON]
    assert len(cut) == 1 and f"limit {MAX_RAW_CHARS:,}" in cut[0].detail


def test_cut_point_prefers_paragraph_then_sentence_then_space():
    assert cut_point("short", 10) == 5
    assert cut_point("aaaa bbbb.\ncccc dddd eeee", 20) == 10
    assert cut_point("aaaa bbbb cccc. dddd eeee", 20) == 15
    assert cut_point("aaaa bbbb cccc dddd eeee", 20) == 19
    assert cut_point("x" * 30, 20) == 20


def test_a_long_feature_is_kept_whole():
    # About 9,000 words of prose: longer than the old 30,000-character cut, shorter than any bound.
    raw = "\n".join(f"Part {i} of the inquiry heard that the harbour wall at berth {i % 40} had been "
                    f"patched twice since the storm, and that the engineers had asked for a survey."
                    for i in range(400))
    a = cleaned(raw)
    assert len(raw) > 50_000
    assert a.text == raw and all(r.reason != CUT_REASON for r in a.removed)


def test_text_thick_with_quotes_is_held_to_its_quote_bound_but_never_below_the_minimum():
    from crossbrief.stages.limits import MAX_TEXT_QUOTE_MARKS, MIN_TEXT_CHARS, text_limit

    dense = " ".join(f"“Item {i},” he said." for i in range(20_000))  # a quote pair every ~20 characters
    assert text_limit(dense) == MIN_TEXT_CHARS
    sparse_quotes = "\n".join(f"Speaker {i} of the harbour council answered “yes” to the first budget question and "
                              f"“not yet” to the second one, at length and in some detail" for i in range(1500))
    limit = text_limit(sparse_quotes)
    assert MIN_TEXT_CHARS < limit < len(sparse_quotes)
    assert sparse_quotes[:limit].count("“") + sparse_quotes[:limit].count("”") == MAX_TEXT_QUOTE_MARKS
    a = cleaned(sparse_quotes)
    assert len(a.text) <= limit and [r.reason for r in a.removed] == [CUT_REASON]


def test_text_of_many_short_sentences_is_held_to_its_sentence_bound():
    from crossbrief.stages.limits import MAX_TEXT_SENTENCES, MIN_TEXT_CHARS, text_limit

    lines = "\n".join(f"Berth {i} reopened at noon on the third day." for i in range(4000))  # ~45 characters a line
    limit = text_limit(lines)
    assert lines[:limit].count("\n") == MAX_TEXT_SENTENCES and limit > MIN_TEXT_CHARS


def test_a_list_of_links_under_its_heading_goes_from_an_extractors_text_too():
    from crossbrief.ingest.read import EXTRACTED_BY

    raw = "\n".join([*BODY, "More Must-Reads From The Harbour Gazette",
                     "- Inside the Fight to Save the Old Lighthouse", "- Why Ferry Fares Keep Rising",
                     "Sub-headings and lists inside the story stay:", "- the pier reopens in March",
                     "- the ferry runs twice a day"])
    a = clean(Article(source="t", raw_text=raw, meta={EXTRACTED_BY: "trafilatura"}))
    assert "Must-Reads" not in a.text and "Lighthouse" not in a.text and "Ferry Fares" not in a.text
    assert all(line in a.text for line in BODY)
    assert "- the pier reopens in March" in a.text and "- the ferry runs twice a day" in a.text
    # A sentence that happens to start like such a heading is not one.
    raw = "\n".join([*BODY, "More from the council meeting is expected on Friday, officials said."])
    assert "More from the council" in clean(Article(source="t", raw_text=raw, meta={EXTRACTED_BY: "x"})).text


def test_a_loading_placeholder_is_interface_text_but_a_sentence_about_loading_is_not():
    from crossbrief.ingest.read import EXTRACTED_BY

    raw = "\n".join([BODY[0], "Loading weather data ...", "Loading the ferry took three hours on Monday.", *BODY[1:]])
    a = clean(Article(source="t", raw_text=raw, meta={EXTRACTED_BY: "trafilatura"}))
    assert "weather data" not in a.text and "Loading the ferry took three hours on Monday." in a.text
