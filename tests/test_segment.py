import time

from crossbrief.model import Article
from crossbrief.stages.limits import MAX_PIECE_CHARS, MAX_SENTENCE_WORDS
from crossbrief.stages.segment import CACHED_PIECE_CHARS, CACHED_PIECES, piece_cache_info, segment, split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_abbreviations_and_titles_do_not_end_sentences():
    text = ("Mr. Okafor met Gen. Lindqvist at the U.N. headquarters on Oct. 6, 2025. "
            "The U.S. delegation arrived later. It ranked No. 10 on the list.")
    assert sentences(text) == [
        "Mr. Okafor met Gen. Lindqvist at the U.N. headquarters on Oct. 6, 2025.",
        "The U.S. delegation arrived later.",
        "It ranked No. 10 on the list.",
    ]


def test_question_in_quotes_followed_by_attribution_stays_one_sentence():
    text = '"Where will the families sleep tonight?" she asked. The mayor did not answer.'
    assert sentences(text) == ['"Where will the families sleep tonight?" she asked.', "The mayor did not answer."]


def test_quoted_multi_sentence_speech_keeps_its_closing_quote():
    text = "The minister said: 'We are not leaving this town. We will finish the bridge by May.' Work resumed."
    got = sentences(text)
    assert got[-1] == "Work resumed."
    assert got[-2].endswith("by May.'")
    assert all(any(c.isalnum() for c in s) for s in got)  # no sentence is a lone quote mark


def test_ellipsis_inside_a_quote_is_not_a_boundary_before_lowercase():
    text = "\u201cThousands\u2026 will be affected,\u201d he said. Then he left."
    assert sentences(text) == ["\u201cThousands\u2026 will be affected,\u201d he said.", "Then he left."]


def test_sentences_glued_by_scraping_are_split():
    text = (
        "The bridge was closed.Engineers said it was unsafe."
        "\u201cWe had no choice,\u201d he said.Traffic was diverted."
    )
    assert sentences(text) == [
        "The bridge was closed.",
        "Engineers said it was unsafe.",
        "\u201cWe had no choice,\u201d he said.",
        "Traffic was diverted.",
    ]


def test_initialisms_before_a_capital_are_not_split():
    assert sentences("Officials in the U.S.A. said so.") == ["Officials in the U.S.A. said so."]


def test_spans_are_verbatim_slices_and_paragraphs_counted():
    article = Article(source="x", raw_text="", text="First one. Second one.\nNew paragraph here.")
    segment(article)
    assert [s.text for s in article.sentences] == ["First one.", "Second one.", "New paragraph here."]
    assert [s.paragraph for s in article.sentences] == [0, 0, 1]
    for s in article.sentences:
        assert article.text[s.start : s.end] == s.text


# -- bounded work (stages/limits.py) -------------------------------------------------------------


def test_overlong_paragraph_is_split_in_parts_at_sentence_ends():
    text = " ".join(f"The pier was inspected {i} times by the harbour authority." for i in range(1500))
    assert len(text) > 4 * MAX_PIECE_CHARS
    start = time.perf_counter()
    got = sentences(text)
    assert time.perf_counter() - start < 10
    assert got == [f"The pier was inspected {i} times by the harbour authority." for i in range(1500)]


def test_sentence_over_the_word_limit_is_split_into_verbatim_pieces():
    words = [f"w{i}" for i in range(MAX_SENTENCE_WORDS * 2 + 5)]
    text = "Short one. " + " ".join(words) + "."
    spans = split_sentences(text)
    pieces = [text[a:b] for a, b in spans]
    assert pieces[0] == "Short one."
    assert [len(p.split()) for p in pieces[1:]] == [MAX_SENTENCE_WORDS, MAX_SENTENCE_WORDS, 5]
    assert " ".join(pieces[1:]) == text[len("Short one. "):]


def test_normal_long_sentence_is_not_split():
    text = "He said " + ", ".join(f"item {i}" for i in range(120)) + "."
    assert sentences(text) == [text]


def test_only_short_pieces_are_kept_for_reuse():
    # A paragraph longer than CACHED_PIECE_CHARS is split as any other, but not kept: pieces reach
    # MAX_PIECE_CHARS, and 20,000 of them would hold hundreds of megabytes.
    long = " ".join(f"Barge {i} of the 4,{i:03d} reached Ostry on Tuesday." for i in range(40))
    short = "The valley's 7,311 residents waited. Then the rain stopped."
    assert len(short) <= CACHED_PIECE_CHARS < len(long)
    size = piece_cache_info().currsize
    spans = split_sentences(long)
    assert [long[a:b] for a, b in spans] == [f"Barge {i} of the 4,{i:03d} reached Ostry on Tuesday." for i in range(40)]
    assert split_sentences(long) == spans and piece_cache_info().currsize == size
    assert [short[a:b] for a, b in split_sentences(short)] == ["The valley's 7,311 residents waited.",
                                                               "Then the rain stopped."]
    assert piece_cache_info().currsize == size + 1 and piece_cache_info().maxsize == CACHED_PIECES
