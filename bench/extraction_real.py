"""Real news pages for `bench/extraction.py`: the test pages newspaper4k ships in its source
distribution on PyPI, each with the article text its authors expect, laid out as NAME.html +
NAME.txt in a folder outside the repository (the pages are the outlets' text, not ours).

    .venv/bin/pip download --no-binary :all: --no-deps -d /tmp/sdist newspaper4k==0.9.6
    .venv/bin/python bench/extraction_real.py /tmp/sdist/newspaper4k-0.9.6.tar.gz /tmp/real-pages
    PYTHONPATH=src .venv/bin/python bench/extraction.py /tmp/real-pages

Only the pages in Latin script are taken (`extraction.py` counts `\\w+` tokens, which does not
suit Chinese, Japanese or Thai), and only those with an expected text. The expected texts are
newspaper4k's, not the Zyte benchmark's annotators': they keep some lines a Zyte annotator
would not ("Read more: ..." links, "Write to ... at ..."), so a cleaner that drops those loses
recall here that it would not lose there.
"""

from __future__ import annotations

import sys
import tarfile
from pathlib import Path, PurePosixPath

PAGES = (
    "article_with_br", "article_with_divs", "cleveland.com1", "cnn_001", "cnn_002", "cnn_article",
    "cnn_test_nlp", "fox13now_001", "latvian_article", "spanish_article", "time_001", "video_article_01",
    "video_article_02", "wired_001",
)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    sdist, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    found: dict[str, dict[str, bytes]] = {}
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            path = PurePosixPath(member.name)
            kind = {"html": ".html", "txt": ".txt"}.get(path.parent.name)
            if member.isfile() and kind and path.suffix == kind and path.stem in PAGES and "tests" in path.parts:
                data = tar.extractfile(member)
                if data is not None:
                    found.setdefault(path.stem, {})[kind] = data.read()
    written = 0
    for name, files in sorted(found.items()):
        if ".html" in files and ".txt" in files:
            (out / f"{name}.html").write_bytes(files[".html"])
            (out / f"{name}.txt").write_bytes(files[".txt"])
            written += 1
    print(f"{written} pages with their expected text in {out}")
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
