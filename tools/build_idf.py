"""Build the term-rarity table the story grouper weights words by (src/crossbrief/stories/data/idf.tsv.gz).

    .venv/bin/python tools/build_idf.py ../shared/data/multinews/train.jsonl.gz

Document frequencies of lower-cased words (crossbrief.stories.signature.words) over the Multi-News
training documents, each document counted once per word. Words in fewer than MIN_DF documents
are left out (the grouper gives a missing word the rarity of the rarest kept). The first line
is `#documents<TAB>N`; then `word<TAB>df`, most frequent first. Statistics only: no text is kept.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path

from crossbrief.stories.signature import words

MIN_DF = 3
OUT = Path(__file__).resolve().parent.parent / "src/crossbrief/stories/data/idf.tsv.gz"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("-o", "--output", default=str(OUT))
    args = parser.parse_args()
    df: Counter[str] = Counter()
    documents = 0
    with gzip.open(args.path, "rt", encoding="utf-8") as f:
        for line in f:
            for doc in json.loads(line)["documents"]:
                if doc.strip():
                    documents += 1
                    df.update({w for w in words(doc) if len(w) >= 3 and not w.isdigit()})
    kept = sorted(((w, n) for w, n in df.items() if n >= MIN_DF), key=lambda kv: (-kv[1], kv[0]))
    # mtime=0: the same input gives the same bytes.
    with open(args.output, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(f"#documents\t{documents}\n".encode())
        gz.write("".join(f"{w}\t{n}\n" for w, n in kept).encode())
    print(f"{documents} documents, {len(kept)} words (df >= {MIN_DF}) -> {args.output}")


if __name__ == "__main__":
    main()
