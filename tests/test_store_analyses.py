"""Per-article analyses made once at ingest, stored, and used by briefs instead of parsing again.

A real SQLite store made from articles written for this test (three invented stories, each told
by three outlets, with quotes, figures and dates; one article has no date of its own, so its
brief re-runs the rules on the stored parse with the bundle's date), real spaCy, and worker
processes for the batched analysis.
"""

from __future__ import annotations

import json

import pytest

from crossbrief.model.schema import brief_to_dict
from crossbrief.pipeline import BatchAnalyser, Pipeline
from crossbrief.resources.nlp import Parser
from crossbrief.stages.analyse.stored import AnalysisRecord, restore_analysis
from crossbrief.store import Store
from crossbrief.store.ingest import IngestRun, ingest, rebuild_briefs
from crossbrief.store.schema import LATEST

STORIES = {
    "dam": [
        ("2026-03-04", "Engineers opened all four sluice gates at the Harwick reservoir on Tuesday after a week of "
         "heavy rain raised the water to within a metre of the crest. \"We had no choice but to release water "
         "now,\" said Nora Pell, chief engineer of the regional water board. About 1,200 homes downstream were "
         "told to move valuables upstairs. The board said the level had risen 40 centimetres since March 1."),
        ("2026-03-04", "The regional water board released water from the Harwick reservoir on Tuesday, opening "
         "four sluice gates as the level neared the crest after days of rain. Nora Pell, the board's chief "
         "engineer, said the dam itself was sound. \"The structure is safe, but the water has to go somewhere,\" "
         "she said. Some 1,200 households below the dam were warned to expect flooding of low roads."),
        ("", "Residents below the Harwick reservoir watched on March 3 as the first of four sluice gates opened. "
         "\"I have lived here for 30 years and never seen it this full,\" said farmer Tom Reddy. The water board "
         "said 1,200 homes were on alert and that at least 3 roads would close. Chief engineer Nora Pell said "
         "the release would last until Friday."),
    ],
    "strike": [
        ("2026-05-11", "Tram drivers in Corvel walked out at dawn on Monday in a dispute over night-shift pay, "
         "leaving the city without trams for the first time in eleven years. The transport union said 640 "
         "drivers joined the strike. \"Nobody takes this step lightly,\" said union leader Ada Brisk. The "
         "operator, Corvel Transit, said talks had broken down on Friday."),
        ("2026-05-11", "Corvel's trams stood idle on Monday as 640 drivers went on strike over pay for night "
         "shifts. Ada Brisk, who leads the transport union, said the operator had offered a rise of only 2 per "
         "cent. \"Two per cent is an insult after three years of frozen wages,\" Brisk said. Corvel Transit said "
         "buses would run a reduced service until Wednesday."),
        ("2026-05-12", "The tram strike in Corvel entered its second day on Tuesday with no talks planned. Union "
         "leader Ada Brisk said more than 600 drivers stayed away from the depots. \"We are ready to talk "
         "whenever they are,\" she said. Corvel Transit said the strike had cost it about 250,000 euros a day."),
    ],
    "orchid": [
        ("2026-06-20", "Botanists surveying Pellam Moor have found a colony of the ghost orchid, a plant last "
         "recorded in the county in 1987. The colony of about thirty flowering stems grows under old beech "
         "trees. \"It is the find of a lifetime,\" said botanist Ivo Marsh of the county wildlife trust. Its "
         "exact place is being kept secret to protect it from collectors."),
        ("2026-06-21", "A rare ghost orchid has been found on Pellam Moor for the first time since 1987, the "
         "county wildlife trust said on Sunday. Ivo Marsh, the trust botanist who found the colony, counted "
         "about 30 flowering stems. \"We will guard it day and night,\" Marsh said. The trust will not say "
         "where on the moor the orchids grow."),
        ("2026-06-21", "The ghost orchid, a leafless plant that flowers in deep shade, is back on Pellam Moor "
         "after 39 years, according to the county wildlife trust. Botanist Ivo Marsh said on June 20 that the "
         "colony of about thirty stems was healthy. \"Collectors would dig it up in a night,\" he said."),
    ],
}


def _write_stream(path, stories=STORIES, skip=()):
    with path.open("w", encoding="utf-8") as out:
        for name, articles in stories.items():
            for n, (day, text) in enumerate(articles):
                if (name, n) not in skip:
                    out.write(json.dumps({"id": f"{name}-{n}", "text": text, "date": day,
                                          "outlet": f"outlet{n}.example"}) + "\n")


def _brief_json(brief) -> str:
    return json.dumps(brief_to_dict(brief), ensure_ascii=False, sort_keys=True)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    """A store of the three stories, ingested with analysis (in this process) and no briefs."""
    folder = tmp_path_factory.mktemp("analysed")
    stream = folder / "stream.jsonl"
    _write_stream(stream)
    path = folder / "s.db"
    with Store(path) as store:
        run = ingest(store, [str(stream)], briefs=False, progress=False, workers=1)
        assert (run.added, run.failed) == (9, 0)
    return path


def _stories(store):
    return [s for s in store.stories() if len(store.articles_of_story(s.id, copies=False)) >= 2]


def test_ingest_stores_an_analysis_of_each_new_article(store_path):
    with Store(store_path) as store:
        assert store.version == LATEST
        ids = [a for (a,) in store.conn.execute("SELECT id FROM articles")]
        records = store.analyses_of(ids)
        assert sorted(records) == sorted(ids)
        version = Pipeline().analysis_version()
        assert {r.made_with for r in records.values()} == {version}
        assert "spacy" in version and "crossbrief" in version
        assert len(_stories(store)) == 3


def test_a_brief_from_stored_analyses_parses_nothing_and_equals_a_fresh_one(store_path):
    with Store(store_path) as store:
        stories = _stories(store)
        for story in stories:
            articles = store.articles_of_story(story.id, copies=False)
            fresh_parser, stored_parser = Parser(), Parser()
            fresh = Pipeline(nlp=fresh_parser).brief(articles)
            reused = Pipeline(nlp=stored_parser).brief(articles, stored=store.analyses_of(a.id for a in articles))
            assert fresh_parser.parsed_sentences > 0
            assert stored_parser.parsed_sentences == 0
            assert _brief_json(reused) == _brief_json(fresh)
            assert fresh.summary and any(a.quotes for a in fresh.articles) and any(a.figures for a in fresh.articles)
        # The undated article took its story's date for "March 3": its rules ran again on the stored parse.
        dam = next(s for s in stories if "Harwick" in " ".join(a.text for a in store.articles_of_story(s.id)))
        undated = next(a for a in store.articles_of_story(dam.id) if not a.date)
        brief = Pipeline().brief(store.articles_of_story(dam.id), stored=store.analyses_of([undated.id]))
        [briefed] = [a for a in brief.articles if a.id == undated.id]
        assert [d.value for d in briefed.dates if d.text.endswith("March 3")] == ["2026-03-03"]


def test_rebuild_briefs_uses_stored_analyses_and_remakes_those_of_another_version(store_path, tmp_path):
    path = tmp_path / "copy.db"
    with Store(store_path) as source, Store(path) as store:
        source.conn.execute("VACUUM INTO ?", (str(path) + ".tmp",))
    path.unlink()
    (tmp_path / "copy.db.tmp").rename(path)
    with Store(path) as store:
        stories = [s.id for s in _stories(store)]
        store.conn.execute("UPDATE article_analyses SET made_with = 'crossbrief 0.0.1; spacy 1.0; en_old 0.1'")
        parser = Parser()
        rebuild_briefs(store, IngestRun(stories=stories), Pipeline(nlp=parser))
        remade = parser.parsed_sentences
        assert remade > 0  # every stored analysis was of another version: each article parsed once
        version = Pipeline().analysis_version()
        ids = [a for (a,) in store.conn.execute("SELECT id FROM articles")]
        assert {r.made_with for r in store.analyses_of(ids).values()} == {version}
        first = {s: store.brief_of(s).data for s in stories}  # type: ignore[union-attr]
        store.conn.execute("DELETE FROM briefs")
        parser = Parser()
        rebuild_briefs(store, IngestRun(stories=stories), Pipeline(nlp=parser))
        assert parser.parsed_sentences == 0
        assert {s: store.brief_of(s).data for s in stories} == first  # type: ignore[union-attr]


def test_one_new_article_rebuilds_its_story_from_stored_analyses(tmp_path):
    stream, extra = tmp_path / "stream.jsonl", tmp_path / "extra.jsonl"
    _write_stream(stream, skip={("strike", 2)})
    _write_stream(extra, {"strike": [STORIES["strike"][2]]})
    with Store(tmp_path / "s.db") as store:
        ingest(store, [str(stream)], briefs=False, progress=False, workers=1)
    parser = Parser()
    with Store(tmp_path / "s.db") as store:  # another process's run, as cron's next `crossbrief ingest`
        run = ingest(store, [str(extra)], progress=False, pipeline=Pipeline(nlp=parser), workers=1)
        # The new article's story, and the two stories the --no-briefs run left without a brief
        # (caught up by this run): all from stored analyses, so only the new article is parsed.
        assert (run.added, len(run.stories), run.briefs) == (1, 1, 3)
        [story] = run.stories
        articles = store.articles_of_story(story, copies=False)
        assert len(articles) == 3
        # Only the new article was parsed: its sentences, not those of the two stored before.
        new = next(a for a in articles if "second day" in a.text)
        restored = Pipeline().process(new, stored=store.analyses_of([new.id]))
        assert parser.parsed_sentences == len(restored.article.sentences)
        assert _brief_json(Pipeline().brief(articles)) == json.dumps(
            store.brief_of(story).data, ensure_ascii=False, sort_keys=True)  # type: ignore[union-attr]


def test_worker_processes_make_the_records_this_process_makes(store_path):
    with Store(store_path) as store:
        articles = [a for s in _stories(store) for a in store.articles_of_story(s.id, copies=False)]
    for a in articles:  # as the filer hands them over: cleaned, their ids set
        assert a.id and a.text
    inline = Pipeline().analyse_records(articles)
    analyser = BatchAnalyser(Pipeline(), workers=2, pool_from=1)
    analyser.submit(articles[:4])
    analyser.submit(articles[4:])
    in_workers = analyser.ready() + analyser.finish()
    assert len(in_workers) == len(inline) == len(articles)
    for a, b in zip(inline, in_workers):
        assert isinstance(a, AnalysisRecord) and isinstance(b, AnalysisRecord)
        assert (a.article_id, a.date, a.made_with, a.data) == (b.article_id, b.date, b.made_with, b.data)
        pipeline = Pipeline()
        one = pipeline.process(next(x for x in articles if x.id == a.article_id))
        work = one.article.__class__(source="", raw_text="", id=one.article.id, text=one.article.text)
        analysis = restore_analysis(work, b, pipeline.spacy.vocab)
        assert [[t.dep_ for t in s.doc] for s in analysis.sentences] == \
               [[t.dep_ for t in s.doc] for s in one.analysis.sentences]


def test_a_record_of_another_article_is_refused(store_path):
    with Store(store_path) as store:
        first, second = [a for s in _stories(store)[:1] for a in store.articles_of_story(s.id)][:2]
        record = store.analyses_of([first.id])[first.id]
    with pytest.raises(ValueError, match="not of"):
        restore_analysis(second, record, Pipeline().spacy.vocab)


def test_cli_no_analysis_files_only_and_the_briefs_make_the_analyses(tmp_path, capsys):
    from crossbrief.cli import main

    stream = tmp_path / "stream.jsonl"
    _write_stream(stream, {"orchid": STORIES["orchid"]})
    db = str(tmp_path / "c.db")
    assert main(["ingest", str(stream), "--db", db, "-q", "--no-analysis", "--no-briefs"]) == 0
    with Store(db) as store:
        assert store.count_articles() == 3
        assert store.conn.execute("SELECT count(*) FROM article_analyses").fetchone()[0] == 0
        stories = [s.id for s in _stories(store)]
        rebuild_briefs(store, IngestRun(stories=stories))
        ids = [a for (a,) in store.conn.execute("SELECT id FROM articles")]
        assert sorted(store.analyses_of(ids)) == sorted(ids)  # made by the brief, kept for the next
    capsys.readouterr()
