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
