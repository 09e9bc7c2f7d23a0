"""Which articles belong to the story: topic similarity and event dates (real encoder)."""

from crossbrief.model import Article
from crossbrief.relevance import assess_relevance
from crossbrief.stages.segment import segment

FIRE = [
    "A fire destroyed a timber warehouse in the port of Dunmore on Monday night. Firefighters "
    "fought the blaze for six hours. Nobody was hurt, the fire service said.",
    "Flames tore through a warehouse full of timber at Dunmore port overnight on Monday. "
    "Crews battled the fire until dawn and no injuries were reported.",
    "A large fire at a timber store in Dunmore harbour was brought under control after six hours, "
    "fire officials said on Tuesday. The cause is not yet known.",
]
RECIPE = ("Whisk the eggs with sugar until pale, then fold in the flour. Bake the sponge for "
          "25 minutes and leave it to cool before icing.")


def bundle(texts: list[str], dates: list[str] | None = None) -> list[Article]:
    articles = []
    for i, text in enumerate(texts):
        a = Article(source=f"a{i}", raw_text=text, text=text, date=(dates or [""] * len(texts))[i])
        articles.append(segment(a))
    return articles


def test_unrelated_article_is_marked_off_topic_with_a_reason():
    articles = bundle([*FIRE, RECIPE])
    assess_relevance(articles)
    assert [a.on_topic for a in articles] == [True, True, True, False]
    assert "unlike the other articles" in articles[3].off_topic_reason
    assert all(a.relevance is not None for a in articles)


def test_article_published_weeks_later_is_another_event():
    later = "The owner of the Dunmore timber warehouse that burned in the spring was fined for safety breaches."
    articles = bundle([*FIRE, later], dates=["2025-04-07", "2025-04-08", "2025-04-07", "2025-06-20"])
    assess_relevance(articles)
    assert [a.on_topic for a in articles] == [True, True, True, False]
    assert "2025-06-20" in articles[3].off_topic_reason


def test_undated_article_reporting_a_later_date_is_another_event():
    later = ("Since May 2, a second fire at the Dunmore timber warehouse site has burned for three days, "
             "firefighters said.")
    articles = bundle([*FIRE, later], dates=["2025-04-07", "2025-04-08", "", ""])
    assess_relevance(articles)
    assert articles[3].on_topic is False and "May 2" in articles[3].off_topic_reason
    assert articles[2].on_topic  # undated, but mentions no later date


def test_future_dates_do_not_make_an_event_later():
    text = "An inquiry into the Dunmore warehouse fire will open on June 12, the port authority said."
    articles = bundle([*FIRE, text], dates=["2025-04-07", "2025-04-08", "", ""])
    assess_relevance(articles)
    assert articles[3].on_topic


def test_two_articles_are_never_both_off_topic():
    articles = bundle([FIRE[0], RECIPE], dates=["2025-04-07", "2025-09-01"])
    assess_relevance(articles)
    assert sum(not a.on_topic for a in articles) <= 1  # a pair is never emptied
    assert all(a.off_topic_reason for a in articles if not a.on_topic)
