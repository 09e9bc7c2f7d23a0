"""Off-topic articles inside a bundle (issue 12): the shipped model, its reasons, --keep-all and
batch's `off_topic` (real encoders and model; texts written for these tests)."""

import json

from crossbrief.cli import main
from crossbrief.model import Article
from crossbrief.pipeline import Pipeline
from crossbrief.relevance import FEATURES, MODEL_PATH, assess_relevance, get_flagger
from crossbrief.runners.batch import summarise_row
from crossbrief.stages.segment import segment

FERRY = [
    "A passenger ferry ran aground off the island of Carrick on Saturday morning, and all 214 people on "
    "board were taken off safely by lifeboats, the coastguard said. The Western Star struck rocks near "
    "the harbour entrance at Port Ellan shortly after leaving for the mainland. Two passengers were "
    "treated for minor injuries. The operator, Islay Line, said the ship had been refloated on the "
    "evening tide and towed to Port Ellan. An inquiry into the grounding has been opened.",
    "All 214 passengers and crew were rescued after the ferry Western Star hit rocks off Carrick on "
    "Saturday. Lifeboat crews from Port Ellan and Dunmore ferried people ashore in heavy rain. The "
    "coastguard said two people had minor injuries. Islay Line apologised to passengers and said it "
    "would cooperate fully with investigators. Sailings between Carrick and the mainland were cancelled "
    "for the rest of the weekend.",
    "The Western Star ferry grounded near Port Ellan on Carrick early on Saturday, forcing the "
    "evacuation of 214 people. The Marine Accident Investigation Branch has sent inspectors to the "
    "island. Local councillor Morag Reid said the harbour approach had long worried islanders. The ship "
    "was refloated later in the day with the help of two tugs. Islay Line expects to resume sailings on "
    "Monday with a replacement vessel.",
    "Passengers on the Western Star described a loud bang as the ferry struck rocks off Carrick on "
    "Saturday. Lifeboats took all 214 people to Port Ellan, where the community hall was opened for "
    "them. The coastguard praised the crew for a calm evacuation. Islay Line said the hull had been "
    "damaged above the waterline and the ship would go to dry dock for repairs.",
]
SITE_PAGE = (
    "We use cookies to improve your experience on our site. By continuing to browse you agree to our "
    "use of cookies and our privacy policy. It looks like JavaScript is disabled in your browser. "
    "Please enable JavaScript to continue, or upgrade to a supported browser. Sign in to your account "
    "or subscribe to our newsletter to read this article. Already a subscriber? Log in with your "
    "email address and password."
)
OTHER_STORY = (
    "Shares in the carmaker Veltra fell 6 percent in Frankfurt on Thursday after it cut its profit "
    "forecast for the year, blaming weak demand for electric cars in China. Chief executive Anja "
    "Brandt said the company would delay the opening of its new battery plant near Leipzig until "
    "2027. Analysts at Bergmann Bank said the warning was worse than expected. Veltra also announced "
    "a programme to cut 1,200 office jobs by the end of next year. Rival carmakers' shares fell too."
)


def bundle(texts: list[str]) -> list[Article]:
    return [segment(Article(source=f"a{i}", raw_text=t, text=t)) for i, t in enumerate(texts)]


def test_shipped_model_is_small_and_complete():
    assert MODEL_PATH.stat().st_size < 400_000
    flagger = get_flagger()
    assert flagger.model is not None and flagger.pair is not None
    assert flagger.model.columns == list(range(len(FEATURES)))


def test_site_page_in_a_bundle_is_flagged_as_a_site_page():
    articles = bundle([*FERRY, SITE_PAGE])
    assess_relevance(articles)
    assert [a.on_topic for a in articles] == [True, True, True, True, False]
    reason = articles[4].off_topic_reason
    assert reason.startswith("looks like a site page, not an article") and "site notices" in reason


def test_article_on_another_story_is_flagged_with_its_evidence():
    articles = bundle([*FERRY, OTHER_STORY])
    assess_relevance(articles)
    assert [a.on_topic for a in articles] == [True, True, True, True, False]
    reason = articles[4].off_topic_reason
    assert "names and places" in reason or "content is unlike" in reason
    assert "typical" in reason
    assert all(a.relevance is not None for a in articles)


def test_a_bundle_about_one_story_has_nothing_flagged():
    articles = bundle(FERRY)
    assess_relevance(articles)
    assert all(a.on_topic for a in articles)


def test_two_articles_are_decided_by_the_pair_trees_and_never_both_left_out():
    flagger = get_flagger()
    assert flagger.pair_model is not None and flagger.pair_model.columns == list(range(len(FEATURES)))
    articles = bundle(FERRY[:2])
    assess_relevance(articles)
    assert all(a.on_topic for a in articles)  # two reports of one story
    articles = bundle([FERRY[0], SITE_PAGE])
    assess_relevance(articles)
    assert [a.on_topic for a in articles] == [True, False]
    assert articles[1].off_topic_reason.startswith("looks like a site page")
    for pair in ([FERRY[0], OTHER_STORY], [OTHER_STORY, FERRY[0]], [SITE_PAGE, SITE_PAGE]):
        articles = bundle(pair)
        assess_relevance(articles)
        assert any(a.on_topic for a in articles)  # a pair is never emptied
        for a in articles:
            if not a.on_topic:
                assert a.off_topic_reason.startswith(("looks like a site page", "shares little with the other"))


def test_keep_all_puts_off_topic_articles_back_into_the_selection():
    pipeline = Pipeline()
    articles = [Article(source=f"a{i}.txt", raw_text=t) for i, t in enumerate([*FERRY, OTHER_STORY])]
    left_out = pipeline.brief(articles, words=400, facts=False)
    kept = pipeline.brief(articles, words=400, facts=False, keep_all=True)
    off = [a.id for a in left_out.articles if not a.on_topic]
    assert len(off) == 1 and [a.id for a in kept.articles if not a.on_topic] == off  # listed either way
    assert all(s.article != off[0] for s in left_out.summary)
    assert any(s.article == off[0] for s in kept.summary)
    from crossbrief.render import to_markdown

    assert "Left out of the summary" in to_markdown(left_out)
    assert "Kept in the summary's selection" in to_markdown(kept)


def test_batch_lines_list_off_topic_documents(tmp_path):
    rows = [{"id": "ferry", "documents": [*FERRY, SITE_PAGE]}, {"id": "clean", "documents": FERRY[:3]}]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out), "--workers", "1", "--cite-all"]) == 0
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in lines] == ["ferry", "clean"]
    assert [o["article"] for o in lines[0]["off_topic"]] == [4]
    assert lines[0]["off_topic"][0]["reason"].startswith("looks like a site page")
    assert lines[1]["off_topic"] == []
    assert all(s["article"] != 4 for s in lines[0]["sentences"])


def test_batch_keep_all_uses_off_topic_documents_for_the_summary():
    row = {"documents": [*FERRY, OTHER_STORY]}
    left_out = summarise_row(row, words=400)
    kept = summarise_row(row, words=400, keep_all=True)
    assert [o["article"] for o in left_out["off_topic"]] == [4] == [o["article"] for o in kept["off_topic"]]
    assert all(s["article"] != 4 for s in left_out["sentences"])
    assert any(s["article"] == 4 for s in kept["sentences"])
