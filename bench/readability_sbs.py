"""A blind side-by-side of summary readability: two crossbrief source trees, 20 Multi-News bundles.

Issue 11 item 4 asks that the brief read as a story (event time and article order), say nothing
twice, leave no pronoun dangling, and never open on a quote fragment without its speaker; and that
this be checked by a blind side-by-side against the brief as it was. This script:

    # 1. pick the bundles, run `crossbrief brief FOLDER --format json` from each tree, write the
    #    blinded sheet (sheet.md, summaries labelled A and B at random) and, apart, the key (key.json)
    .venv/bin/python bench/readability_sbs.py make --new /work/wt-sbs --old /work/wt-sbs-old --out /tmp/sbs
    # 2. a person reads sheet.md (and the documents in /tmp/sbs/bundles/) and writes
    #    /tmp/sbs/judgements.jsonl without opening key.json (see JUDGEMENT_FIELDS)
    # 3. unblind: tally preferences and defects per system, write bench/devset/readability_sbs.jsonl
    .venv/bin/python bench/readability_sbs.py tally --out /tmp/sbs

Bundles: validation clusters of MIN_DOCS..MAX_DOCS non-empty documents, drawn with SEED, none of
the clusters of the citation dev set (bench/devset/citation_pairs.jsonl), so what the citation
work was tuned on is not what it is judged on. Each document is written as its own .txt file, in
cluster order, and both trees read the same folder with the same command (what a reader sees:
readable rules on, MiniLM citations). Everything under --out holds news text and stays out of the
repository; the committed record names sentences only by (document, sentence) indices.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "bench" / "devset"
CITATION_PAIRS = DEVSET / "citation_pairs.jsonl"
RECORD = DEVSET / "readability_sbs.jsonl"
MULTINEWS = ROOT.parent / "shared" / "data" / "multinews" / "validation.jsonl.gz"
SEED = 20261203
N_BUNDLES = 20
MIN_DOCS = 3
MAX_DOCS = 5  # small bundles: the judge reads every document
# A judgement names, for each defect kind, the summary sentences ([document, sentence]) that show it:
# order, a sentence out of story order (event time, then article order); repetition, a sentence
# that says again what an earlier one said; dangling, a pronoun or "the ..." reference whose
# referent is not in the summary; quote_without_speaker, a quote fragment whose speaker is not
# given; junk, a cut-off sentence, a caption, a byline or page furniture.
DEFECTS = ("order", "repetition", "dangling", "quote_without_speaker", "junk")
JUDGEMENT_FIELDS = ("cluster", "preference", "reason", "defects_A", "defects_B")
PREFERENCES = ("A", "B", "tie", "identical")


def citation_clusters(path: Path = CITATION_PAIRS) -> set[int]:
    """The validation clusters the citation dev set was drawn from."""
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        if pair["source"] == "multinews":
            out.add(int(pair["cluster"]))
    return out


def pick_bundles(path: Path = MULTINEWS, n: int = N_BUNDLES, seed: int = SEED) -> list[dict]:
    excluded = citation_clusters()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    eligible = sorted(
        (r for r in rows
         if MIN_DOCS <= len(r["documents"]) <= MAX_DOCS and all(d.strip() for d in r["documents"])
         and int(r["idx"]) not in excluded),
        key=lambda r: int(r["idx"]),
    )
    chosen = random.Random(seed).sample(eligible, n)
    return sorted(chosen, key=lambda r: int(r["idx"]))


def run_brief(tree: Path, folder: Path) -> dict:
    """`crossbrief brief FOLDER --format json` with the package of `tree` on the path.

    Exit status 1 means an input was skipped (a document with no article text left after
    cleaning); the brief of the others is still written, as a reader would get it."""
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    done = subprocess.run(
        [sys.executable, "-m", "crossbrief.cli", "brief", str(folder), "--format", "json"],
        env=env, capture_output=True, text=True,
    )
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise RuntimeError(f"{tree}: brief of {folder} failed ({done.returncode}): {done.stderr.strip()}")
    if done.stderr.strip():
        print(f"{tree.name} {folder.name}: {done.stderr.strip()}", file=sys.stderr)
    return json.loads(done.stdout)


def summary_rows(brief: dict) -> list[dict]:
    """Each summary sentence as (document, sentence, text, the sentence before it in its article)."""
    doc_of = {a["id"]: int(Path(a["source"]).stem.removeprefix("doc")) for a in brief["articles"]}
    sentences = {a["id"]: a["sentences"] for a in brief["articles"]}
    rows = []
    for s in brief["summary"]:
        k = int(s["sentence"])
        before = sentences[s["article"]][k - 1]["text"] if k > 0 else ""
        rows.append({"doc": doc_of[s["article"]], "sentence": k, "text": s["text"], "before": before})
    return rows


def make(args: argparse.Namespace) -> int:
    out = Path(args.out)
    (out / "bundles").mkdir(parents=True, exist_ok=True)
    trees = {"new": Path(args.new), "old": Path(args.old)}
    labels = random.Random(SEED + 1)
    key = {}
    sheet = ["# Readability side-by-side (blind)", "",
             "Per bundle: summary A and summary B, each sentence as [document.sentence] with the "
             "sentence before it in its article in parentheses. Documents: bundles/<cluster>/.", ""]
    for bundle in pick_bundles():
        idx = int(bundle["idx"])
        folder = out / "bundles" / str(idx)
        folder.mkdir(exist_ok=True)
        for i, doc in enumerate(bundle["documents"]):
            (folder / f"doc{i:02d}.txt").write_text(doc, encoding="utf-8")
        summaries = {}
        for name, tree in trees.items():
            brief = run_brief(tree, folder)
            (out / f"{idx}.{name}.json").write_text(json.dumps(brief), encoding="utf-8")
            summaries[name] = summary_rows(brief)
        a_is = labels.choice(("new", "old"))
        key[idx] = a_is
        by_label = {"A": summaries[a_is], "B": summaries["old" if a_is == "new" else "new"]}
        same = [r["text"] for r in by_label["A"]] == [r["text"] for r in by_label["B"]]
        sheet += [f"## cluster {idx} ({len(bundle['documents'])} documents)" + (" - IDENTICAL" if same else ""), ""]
        for label, rows in by_label.items():
            sheet.append(f"### {label} ({sum(len(r['text'].split()) for r in rows)} words)")
            for r in rows:
                sheet.append(f"- [{r['doc']}.{r['sentence']}] {r['text']}")
                if r["before"]:
                    sheet.append(f"    (before: {r['before']})")
            sheet.append("")
        print(f"cluster {idx}: {len(by_label['A'])} / {len(by_label['B'])} sentences"
              + (" (identical)" if same else ""), file=sys.stderr)
    (out / "sheet.md").write_text("\n".join(sheet) + "\n", encoding="utf-8")
    (out / "key.json").write_text(json.dumps(key, indent=1) + "\n", encoding="utf-8")
    print(f"{len(key)} bundles -> {out / 'sheet.md'} (key apart in {out / 'key.json'})", file=sys.stderr)
    return 0


def read_judgements(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for r in rows:
        missing = [f for f in JUDGEMENT_FIELDS if f not in r]
        if missing or r["preference"] not in PREFERENCES:
            raise SystemExit(f"cluster {r.get('cluster')}: missing {missing} or bad preference {r.get('preference')}")
        for side in ("defects_A", "defects_B"):
            unknown = set(r[side]) - set(DEFECTS)
            if unknown:
                raise SystemExit(f"cluster {r['cluster']}: unknown defect kinds {sorted(unknown)}")
    return rows


def tally(args: argparse.Namespace) -> int:
    out = Path(args.out)
    key = {int(k): v for k, v in json.loads((out / "key.json").read_text(encoding="utf-8")).items()}
    judgements = read_judgements(out / "judgements.jsonl")
    if sorted(int(j["cluster"]) for j in judgements) != sorted(key):
        raise SystemExit("judgements do not cover exactly the bundles of the key")
    preference: Counter[str] = Counter()
    defects = {"new": Counter(), "old": Counter()}
    bundles_with = {"new": Counter(), "old": Counter()}
    sentences: Counter[str] = Counter()
    record = []
    for j in sorted(judgements, key=lambda j: int(j["cluster"])):
        idx = int(j["cluster"])
        a_is = key[idx]
        system = {"A": a_is, "B": "old" if a_is == "new" else "new"}
        winner = system.get(j["preference"], "tie")
        preference[winner] += 1
        if j["preference"] == "identical":
            preference["identical"] += 1
        per_system = {}
        for label in ("A", "B"):
            name = system[label]
            rows = summary_rows(json.loads((out / f"{idx}.{name}.json").read_text(encoding="utf-8")))
            shown = [[r["doc"], r["sentence"]] for r in rows]
            where = {d: [list(x) for x in j[f"defects_{label}"].get(d, [])] for d in DEFECTS}
            strays = [x for xs in where.values() for x in xs if x not in shown]
            if strays:
                raise SystemExit(f"cluster {idx} {label}: defects name sentences not in its summary: {strays}")
            counts = {d: len(xs) for d, xs in where.items()}
            per_system[name] = {"sentences": shown, "defects": counts, "defect_sentences": where}
            defects[name].update(counts)
            bundles_with[name].update(d for d, c in counts.items() if c)
            sentences[name] += len(shown)
        record.append({
            "cluster": idx, "A": a_is, "preference": j["preference"], "preferred": winner,
            "reason": j["reason"], "new": per_system["new"], "old": per_system["old"],
        })
    target = Path(args.record)
    target.write_text("".join(json.dumps(r) + "\n" for r in record), encoding="utf-8")
    n = len(record)
    print(f"{n} bundles: new preferred {preference['new']}, old preferred {preference['old']}, "
          f"tie {preference['tie']} (of which identical {preference['identical']})")
    print(f"summary sentences: new {sentences['new']}, old {sentences['old']}")
    print(f"{'defect':<24}{'new (sent.)':>12}{'old (sent.)':>12}{'new (bundles)':>15}{'old (bundles)':>15}")
    for d in DEFECTS:
        print(f"{d:<24}{defects['new'][d]:>12}{defects['old'][d]:>12}{bundles_with['new'][d]:>15}{bundles_with['old'][d]:>15}")
    print(f"-> {target}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    m = commands.add_parser("make", help="pick bundles, run both trees, write the blinded sheet and the key")
    m.add_argument("--new", required=True, help="source tree of the new system (its src/ goes on PYTHONPATH)")
    m.add_argument("--old", required=True, help="source tree of the old system")
    m.add_argument("--out", required=True, help="working folder (news text: keep it outside the repo)")
    t = commands.add_parser("tally", help="unblind the judgements and count")
    t.add_argument("--out", required=True, help="the working folder of make, with judgements.jsonl")
    t.add_argument("--record", default=str(RECORD), help=f"where the per-bundle record goes (default {RECORD})")
    args = parser.parse_args(argv)
    return make(args) if args.command == "make" else tally(args)


if __name__ == "__main__":
    sys.exit(main())
