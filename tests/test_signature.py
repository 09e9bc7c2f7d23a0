"""What the story grouper reads of an article: words, names, figures, copies' banding."""

from __future__ import annotations

from crossbrief.stages.clean import normalise
from crossbrief.stages.identity import article_id
from crossbrief.stories.copies import BANDING, CANDIDATE_JACCARD, NUM_PERM, CopyIndex, Shingler, lsh_banding
from crossbrief.stories.signature import distinctive_terms, names_of, numbers_of, words


def test_figures_are_digit_runs_not_after_a_word_a_full_stop_or_a_comma():
    text = "About 275,000 people, 1,200.5 tonnes, 7.1 magnitude, 40 homes in 2016; A380 b.34 ,56 x99 10,00"
    # 2016 is a year (when, not what); A380, .34 and ,56 follow a letter, a full stop, a comma;
    # "10,00" is no thousands group, so its figure is the 10 before the comma.
    assert numbers_of(text) == {"275000", "1200.5", "7.1", "40", "10"}


def test_names_are_capitalised_words_inside_sentences():
    text = (
        "Rescuers reached Aleppo on Monday. The Red Cross said Jean-Luc O'Neil had left.\n"
        "Talks came. In Geneva, too."
    )
    # "Rescuers" opens the text, "The" a sentence, "Talks" a line; common words ("monday") go by
    # their IDF; "O'" is no name, "Neil" is.
    assert names_of(text) == {"aleppo", "red", "cross", "jean-luc", "neil", "geneva"}


def test_words_fold_case_and_apostrophes_the_same_on_any_text():
    assert words("Mayor’s office SAID: rock-fall, 12 dead") == ["mayor's", "office", "said", "rock-fall", "12", "dead"]
    # The one letter whose lower case is two characters keeps its word whole.
    assert words("İstanbul flooded") == ["i̇stanbul", "flooded"]
    terms, rare = distinctive_terms("Kelmarsh timber yard fire: Kelmarsh crews fought the fire at Kelmarsh")
    assert max(terms, key=terms.get) == "kelmarsh" and rare[0] == "kelmarsh"


def test_normalised_lines_and_ids_fold_white_space_and_quote_marks():
    assert normalise("  “Quote,”\u00a0he said —  ") == "quote, he said"
    assert article_id("One  line\n\tand\u3000another ") == article_id("One line and another")


def test_the_banding_is_the_one_datasketch_chooses():
    assert lsh_banding(NUM_PERM) == BANDING
    assert BANDING[0] * BANDING[1] <= NUM_PERM and 0 < CANDIDATE_JACCARD < 1


def test_a_trimmed_reprint_is_found_and_an_unrelated_text_is_not():
    shingler = Shingler()
    story = " ".join(f"sentence {i} of the wire story about the harbour fire in Kelmarsh." for i in range(40))
    index = CopyIndex(shingler)
    index.add("original", *shingler.signature(story))
    trimmed = story.rsplit(" sentence 35", 1)[0]
    assert index.original_of(*shingler.signature(trimmed)) == "original"
    other = " ".join(f"line {i} of a recipe for sponge cake with eggs and flour." for i in range(40))
    assert index.original_of(*shingler.signature(other)) is None
    # The same text signed twice, in any thread, has the same signature.
    assert (shingler.signature(story)[0] == Shingler().signature(story)[0]).all()
