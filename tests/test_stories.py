"""`crossbrief stories`: grouping into events, copies, incremental state, bad input (real models)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crossbrief.runners.stories import local_signer, run_stories
from crossbrief.stories import state as saved

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "bench" / "devset" / "events.jsonl"  # our own written stream (bench/devset/events_README.md)

WIRE = (
    "Firefighters in the port town of Kelmarsh worked through the night on Sunday to contain a blaze "
    "at a timber yard that sent smoke across the estuary and forced the evacuation of 40 homes.\n\n"
    "The fire broke out shortly after 9pm in a storage shed at the Harlow & Vine yard on Quay Road, "
    "the county fire service said. Eleven crews and an aerial platform were sent to the scene.\n\n"
    "Station commander Idris Penhale said the wind had carried embers towards a row of terraced "
    "houses. \"Our priority was to stop it jumping the road, and the crews did that,\" he said.\n\n"
    "No one was hurt. Residents were taken to the Kelmarsh community hall, where volunteers handed "
    "out blankets and tea until the early hours.\n\n"
    "The cause of the fire is not yet known. An investigation will begin once the site is safe, the "
    "fire service said, and Quay Road is expected to stay closed until Tuesday."
)


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _events() -> list[dict]:
    return [json.loads(line) for line in EVENTS.read_text(encoding="utf-8").splitlines() if line.strip()]


def _lines(path: Path) -> tuple[dict[str, dict], list[dict]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {r["id"]: r for r in rows if "id" in r}, [r for r in rows if "size" in r]


@pytest.fixture(scope="module")
def signer():
    return local_signer()


def test_copies_join_their_original_and_are_listed(tmp_path, signer):
    trimmed = WIRE.rsplit("\n\n", 1)[0]
    feed = _jsonl(tmp_path / "feed.jsonl", [
        {"id": "wire", "title": "Timber yard fire forces evacuation", "date": "2026-03-01", "text": WIRE,
         "outlet": "Wire Service"},
        {"id": "reprint", "title": "Night of smoke in Kelmarsh", "date": "2026-03-01", "text": trimmed,
         "outlet": "Estuary Echo"},
    ])
    out = tmp_path / "out.jsonl"
    run = run_stories([str(feed)], str(out), signer=signer, progress=False)
    articles, stories = _lines(out)
    assert articles["reprint"]["copy_of"] == "wire"
    assert articles["reprint"]["story"] == articles["wire"]["story"]
    assert "copy_of" not in articles["wire"]
    (story,) = stories
    assert story["size"] == 2 and story["outlets"] == ["Estuary Echo", "Wire Service"]
    assert story["copies"] == [{"id": "reprint", "copy_of": "wire", "outlet": "Estuary Echo"}]
    assert story["first"] == story["last"] == "2026-03-01"
    assert story["label"] == "Timber yard fire forces evacuation"
    assert run.copies == 1 and run.stories == 1


def test_same_kind_different_events_are_different_stories(tmp_path, signer):
    rows = _events()
    out = tmp_path / "out.jsonl"
    run_stories([str(EVENTS)], str(out), signer=signer, progress=False)
    articles, _ = _lines(out)
    story_of = {r["id"]: articles[r["id"]]["story"] for r in rows}
    by_gold: dict[str, set[str]] = {}
    for r in rows:
        by_gold.setdefault(r["story"], set()).add(story_of[r["id"]])
    # A trial's opening and its verdict a month later; a flood and its review five weeks later;
    # two earthquakes in two countries the same week: each pair is two stories.
    for a, b in [("trial-prewitt-opens", "trial-prewitt-verdict"),
                 ("flood-ashcombe-wend", "flood-ashcombe-barrier-review"),
                 ("quake-turkey-yukaricay", "quake-peru-antaccasa")]:
        assert not by_gold[a] & by_gold[b], (a, b)
    # Most gold stories are found whole.
    whole = sum(1 for found in by_gold.values() if len(found) == 1)
    assert whole >= 0.8 * len(by_gold)


def test_pieces_with_a_state_group_as_one_go(tmp_path, signer):
    rows = _events()
    one = tmp_path / "one.jsonl"
    run_stories([str(_jsonl(tmp_path / "all.jsonl", rows))], str(one), signer=signer, progress=False)
    state = tmp_path / "state.npz"
    pieces: dict[str, dict] = {}
    first_ids = None
    for k in range(4):
        part = _jsonl(tmp_path / f"part{k}.jsonl", rows[k * 40 : (k + 1) * 40])
        out = tmp_path / f"out{k}.jsonl"
        run_stories([str(part)], str(out), state=str(state), signer=signer, progress=False)
        articles, _ = _lines(out)
        pieces.update(articles)
        if first_ids is None:
            first_ids = {i: a["story"] for i, a in articles.items()}
    whole, _ = _lines(one)
    assert {i: a["story"] for i, a in pieces.items()} == {i: a["story"] for i, a in whole.items()}
    # Story ids, once given, never change.
    assert all(pieces[i]["story"] == s for i, s in first_ids.items())
    # Feeding the same articles again changes nothing and reports them unchanged.
    again = tmp_path / "again.jsonl"
    run = run_stories([str(tmp_path / "part0.jsonl")], str(again), state=str(state), signer=signer, progress=False)
    assert run.articles == 0 and run.duplicates == 40
    assert len(saved.load(state).assignments) == len(rows)


def test_an_older_backfill_after_newer_articles_groups_as_it_would_alone(tmp_path, signer):
    """A feed's archive often arrives after newer news: its stories (and its undated items) must
    not be split because the clock has moved on."""
    rows = _events()
    # Two years later the same stories are told again (near-copies, another text: other articles).
    newer = [
        dict(r, id=f"new-{r['id']}", date=f"{int(r['date'][:4]) + 2}{r['date'][4:]}", text="Two years on. " + r["text"])
        for r in rows[:20] if r.get("date")
    ]
    alone = tmp_path / "alone.jsonl"
    run_stories([str(_jsonl(tmp_path / "old.jsonl", rows))], str(alone), signer=signer, progress=False)
    after = tmp_path / "after.jsonl"
    run_stories([str(_jsonl(tmp_path / "newer.jsonl", newer)), str(tmp_path / "old.jsonl")], str(after),
                signer=signer, progress=False)
    grouped_alone, _ = _lines(alone)
    grouped_after, _ = _lines(after)

    def partition(assigned: dict[str, dict]) -> set[frozenset[str]]:
        members: dict[str, set[str]] = {}
        for i, a in assigned.items():
            if not i.startswith("new-"):
                members.setdefault(a["story"], set()).add(i)
        return {frozenset(m) for m in members.values()}

    assert partition(grouped_after) == partition(grouped_alone)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crossbrief.cli", "stories", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_bad_input_is_one_line_each_and_the_rest_is_grouped(tmp_path):
    rows = [{"id": f"a{i}", "text": WIRE.replace("Kelmarsh", name), "date": "2026-03-02"}
            for i, name in enumerate(["Kelmarsh", "Dunlow"])]
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps(rows[0]) + "\n"
        + "{broken line\n"
        + json.dumps({"id": "a0", "text": "A different article under a reused id, about the harbour regatta "
                      "held on Saturday in fine weather with forty boats."}) + "\n"
        + json.dumps({"id": "empty", "text": "   "}) + "\n"
        + json.dumps({"id": "nodate", "text": rows[1]["text"]}) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 8)
    done = _cli(str(feed), str(tmp_path / "bin.txt"), "-o", "out.jsonl", "-q", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert any("feed.jsonl:2" in line and "invalid JSON" in line for line in lines)
    assert any("feed.jsonl:3" in line and "already used" in line for line in lines)
    assert any("feed.jsonl:4" in line for line in lines)
    assert any("bin.txt" in line for line in lines)
    assert any("no date" in line for line in lines)
    assert lines[-1].startswith("crossbrief: articles 2, stories")
    articles, _ = _lines(tmp_path / "out.jsonl")
    assert set(articles) == {"a0", "nodate"}
    assert "Traceback" not in done.stderr


def test_one_article_and_the_state_file_guarded(tmp_path):
    (tmp_path / "one.txt").write_text("Title: Harbour regatta\n\n" + WIRE, encoding="utf-8")
    done = _cli("one.txt", "-o", "out.jsonl", "--state", "s.npz", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    articles, stories = _lines(tmp_path / "out.jsonl")
    assert len(articles) == 1 and len(stories) == 1 and stories[0]["size"] == 1
    before = (tmp_path / "s.npz").read_bytes()
    # An output that cannot be written: the state is left as it was.
    done = _cli("one.txt", "-o", "missing/out.jsonl", "--state", "s.npz", "-q", cwd=tmp_path)
    assert done.returncode == 2 and (tmp_path / "s.npz").read_bytes() == before
    assert "missing/out.jsonl: cannot write it there" in done.stderr
    # A file that is not a state: one line, exit 2, the file untouched.
    (tmp_path / "bad.npz").write_bytes(b"not a state")
    done = _cli("one.txt", "-o", "out.jsonl", "--state", "bad.npz", "-q", cwd=tmp_path)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "not a crossbrief stories state file" in done.stderr
    assert (tmp_path / "bad.npz").read_bytes() == b"not a state"
    # The output is never one of the inputs.
    done = _cli("one.txt", "-o", "one.txt", cwd=tmp_path)
    assert done.returncode == 2 and "is the input file" in done.stderr


def test_an_atomic_write_into_a_missing_folder_names_the_file_not_its_temporary_one(tmp_path):
    from crossbrief.files import write_atomically

    target = tmp_path / "missing" / "out.jsonl"
    with pytest.raises(FileNotFoundError) as raised:
        write_atomically(target, lambda f: f.write(b"{}\n"))
    assert raised.value.filename == str(target)


def test_the_closing_counts_include_the_problems_summarised_in_one_line(tmp_path, capsys):
    # Nine broken lines are shown as five and "... and 4 more problems": still nine skipped.
    from crossbrief.cli import main
    from crossbrief.store import Store
    from crossbrief.store.ingest import ingest

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(f"{{broken {i}\n" for i in range(9)) + json.dumps({"id": "ok", "text": WIRE}) + "\n",
                    encoding="utf-8")
    assert main(["stories", str(feed), "-o", str(tmp_path / "out.jsonl"), "-q"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[5] == f"crossbrief: skipped {feed}: ... and 4 more problems in {feed}"
    assert err[-1].endswith("skipped 9")
    with Store(tmp_path / "s.db") as store:
        run = ingest(store, [str(feed)], briefs=False, progress=False)
    assert (run.added, run.failed, len(run.failures)) == (1, 9, 6)
