"""The package's import structure (tools/check_layers.py): layers, no cycles, no private names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "check_layers.py"


def check(src: Path, cwd: Path | None = None) -> tuple[int, list[str]]:
    """Run the checker on the package under `src`; it names files relative to `cwd` (default `src`)."""
    result = subprocess.run(
        [sys.executable, str(TOOL), "--src", str(src)], capture_output=True, text=True, timeout=120, cwd=cwd or src
    )
    return result.returncode, result.stdout.splitlines()


def test_the_package_keeps_its_layers():
    code, lines = check(ROOT / "src", cwd=ROOT)
    assert code == 0, "\n".join(lines)
    assert lines == []


@pytest.fixture()
def package(tmp_path: Path):
    """A throwaway crossbrief package: write({relative path: source}) and check it."""

    def write(files: dict[str, str]) -> tuple[int, list[str]]:
        for rel, text in files.items():
            path = tmp_path / "crossbrief" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        for folder in [tmp_path / "crossbrief", *(p for p in (tmp_path / "crossbrief").rglob("*") if p.is_dir())]:
            (folder / "__init__.py").touch()
        return check(tmp_path)

    return write


def test_a_clean_package_passes(package):
    code, lines = package({
        "errors.py": "class InputError(Exception): ...\n",
        "model/article.py": "from crossbrief.errors import InputError\n",
        "stages/clean.py": "from ..model import article\nfrom . import segment\nimport crossbrief.errors as e\n",
        "stages/segment.py": "import typing\nimport numpy\n",
        "cli.py": "def main():\n    from crossbrief.stages.clean import article\n    return article.__name__\n",
    })
    assert (code, lines) == (0, [])


def test_upward_imports_are_found_in_functions_and_type_checking_blocks(package):
    code, lines = package({
        "model/article.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n"
            "    from crossbrief.pipeline import Pipeline\n"
        ),
        "stages/clean.py": "def run():\n    from ..render import formats\n",
        "render/formats.py": "",
        "pipeline.py": "from crossbrief import __version__\n",
    })
    assert code == 1
    assert any(line.startswith("crossbrief/model/article.py:3: upward import: crossbrief.model.article") and
               "crossbrief.pipeline (Pipeline)" in line for line in lines), lines
    assert any(line.startswith("crossbrief/stages/clean.py:2: upward import") and "crossbrief.render.formats" in line
               for line in lines), lines
    assert any(line.startswith("crossbrief/pipeline.py:1: upward import") and "crossbrief (__version__)" in line
               for line in lines), lines
    assert len(lines) == 3


def test_cycles_are_reported_with_their_imports(package):
    code, lines = package({
        "stages/a.py": "from crossbrief.stages import b\n",
        "stages/b.py": "\n\ndef f():\n    from .c import x\n",
        "stages/c.py": "import crossbrief.stages.a\nx = 1\n",
    })
    assert code == 1
    assert lines == [
        "cycle: crossbrief.stages.a -> crossbrief.stages.b -> crossbrief.stages.c -> crossbrief.stages.a "
        "(imports at crossbrief/stages/a.py:1, crossbrief/stages/b.py:4, crossbrief/stages/c.py:1)"
    ]


def test_private_names_of_other_modules(package):
    code, lines = package({
        "summarise/select.py": "_cache = {}\n__all__ = []\n",
        "learn/train.py": (
            "from crossbrief.summarise.select import _cache, __all__\n"
            "from crossbrief.summarise import select as S\n"
            "import crossbrief.summarise.select\n"
            "S._cache.clear()\n"
            "crossbrief.summarise.select._cache.clear()\n"
            "S.public._private()\n"
        ),
    })
    assert code == 1
    assert lines == [
        "crossbrief/learn/train.py:1: private name: crossbrief.learn.train uses crossbrief.summarise.select._cache",
        "crossbrief/learn/train.py:4: private name: crossbrief.learn.train uses crossbrief.summarise.select._cache",
        "crossbrief/learn/train.py:5: private name: crossbrief.learn.train uses crossbrief.summarise.select._cache",
    ]


def test_a_module_outside_every_layer_is_reported(package):
    code, lines = package({"gadgets.py": ""})
    assert code == 1
    assert lines == ["crossbrief/gadgets.py:1: no layer: crossbrief.gadgets is in no layer of tools/check_layers.py"]


def test_learn_may_import_runners_but_not_the_other_way(package):
    code, lines = package({
        "runners/jsonl.py": "def read(): ...\n",
        "learn/evaluate.py": "from crossbrief.runners.jsonl import read\n",
        "runners/batch.py": "from crossbrief.learn import evaluate\n",
    })
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith("crossbrief/runners/batch.py:1: upward import"), lines
