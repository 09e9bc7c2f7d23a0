"""CPU per article of the analysis at ingest, by stage, and whether the memoised rule components
change any annotation (issue 13, item 8).

    PYTHONPATH=src .venv/bin/python bench/ingest_cpu.py [--articles 1200] [--plain]
        [--data /work/shared/data/multinews/validation.jsonl.gz]

Multi-News validation documents (30 words or more, from the 200th on) are cleaned as ingest
cleans them, then analysed 200 at a time as an analysis worker does (`Pipeline.analyse_records`):
printed is the CPU time (`process_time`) an article of segmenting, of each spaCy component (run
one after another on the batch's sentences), of the whole spaCy pass, of the rules and of making
the stored record. `--plain` times spaCy's components as spaCy loads them (without
resources/nlp_rules.py). Then every sentence is parsed by a plain pipeline and by the memoised
one, and the sentences whose annotations differ are counted (0 expected). BLAS threads are as the
environment sets them (the analysis workers run with one: OPENBLAS_NUM_THREADS=1 does the same).
"""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import time
from pathlib import Path
from typing import Any

DATA = Path("/work/shared/data/multinews/validation.jsonl.gz")
BATCH = 200


def cleaned_articles(path: Path, count: int) -> list[Any]:
    from crossbrief.model import Article
    from crossbrief.stories.signature import prepare

    texts: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            texts += [d for d in json.loads(line)["documents"] if len(d.split()) >= 30]
            if len(texts) >= count + 200:
                break
    articles = []
    for text in texts[200:200 + count]:
        article = Article(source="bench", raw_text=text, date="2026-01-01")
        try:
            prepare(article)
        except Exception:  # noqa: BLE001, S112 - a document with no text left is not timed
            continue
        articles.append(article)
    return articles


def annotations(doc: Any) -> list[tuple[object, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_)
            for t in doc]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1200)
    parser.add_argument("--plain", action="store_true", help="spaCy's rule components as spaCy loads them")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()

    import spacy

    from crossbrief.resources.nlp_rules import speed_up_rules
    from crossbrief.settings import DEFAULT_SPACY_MODEL
    from crossbrief.stages.analyse import analyse_articles
    from crossbrief.stages.analyse.article import ArticleAnalysis, person_keys, run_rules_logged, tagged_mentions
    from crossbrief.stages.analyse.parse import MAX_SENTENCE_CHARS, parse_articles
    from crossbrief.stages.analyse.stored import analysis_record
    from crossbrief.stages.segment import segment

    articles = cleaned_articles(args.data, args.articles)
    nlp = spacy.load(DEFAULT_SPACY_MODEL)
    if not args.plain:
        speed_up_rules(nlp)
    analyse_articles([copy.copy(a) for a in articles[:20]], nlp)  # warm: first-call costs are not per article
    articles = articles[20:]
    spent: dict[str, float] = {}

    def add(stage: str, since: float) -> None:
        spent[stage] = spent.get(stage, 0.0) + time.process_time() - since

    for b in range(0, len(articles), BATCH):
        batch = [copy.copy(a) for a in articles[b:b + BATCH]]
        t = time.process_time()
        for work in batch:
            work.sentences = []
            segment(work)
        add("segment", t)
        texts = list(dict.fromkeys(w.text[s.start:s.end][:MAX_SENTENCE_CHARS] for w in batch for s in w.sentences))
        t = time.process_time()
        docs = [nlp.make_doc(text) for text in texts]
        add("  spaCy tokenizer", t)
        for name, component in nlp.pipeline:
            t = time.process_time()
            docs = list(component.pipe(docs))
            add(f"  spaCy {name}", t)
        t = time.process_time()
        parsed = parse_articles(batch, nlp)
        add("spaCy pass (nlp.pipe)", t)
        t = time.process_time()
        analyses = []
        for work, sents in zip(batch, parsed):  # the rules, as analyse_articles runs them
            tagged = tagged_mentions(work, sents)
            run_rules_logged(work, sents, "", person_keys(tagged))
            analyses.append(ArticleAnalysis(work.id, tuple(sents), tuple(tagged)))
        add("rules", t)
        t = time.process_time()
        for w, analysis in zip(batch, analyses):
            analysis_record(w, analysis, "bench")
        add("record", t)
    n = len(articles)
    print(f"{n} articles, {sum(len(a.text) for a in articles) / n:.0f} characters each on average; "
          f"rule components {'as spaCy loads them' if args.plain else 'memoised'}; CPU ms an article:")
    for stage, seconds in spent.items():
        print(f"  {stage:28s} {seconds / n * 1000:6.2f}")
    total = sum(spent[s] for s in ("segment", "spaCy pass (nlp.pipe)", "rules", "record"))
    print(f"  {'analysis (segment + spaCy pass + rules + record)':28s} {total / n * 1000:6.2f}")

    plain = spacy.load(DEFAULT_SPACY_MODEL)
    memoised = spacy.load(DEFAULT_SPACY_MODEL)
    speed_up_rules(memoised)
    for article in articles:
        segment(article)
    texts = [a.text[s.start:s.end][:MAX_SENTENCE_CHARS] for a in articles for s in a.sentences]
    differ = sum(annotations(x) != annotations(y) for x, y in zip(plain.pipe(texts), memoised.pipe(texts)))
    print(f"{len(texts)} sentences parsed by a plain and a memoised pipeline: {differ} differ in an annotation")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
