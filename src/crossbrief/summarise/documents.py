"""Batch mode and evaluation: summaries of raw document strings, with the static encoder."""

from __future__ import annotations

from collections.abc import Sequence

from crossbrief.errors import InputError
from crossbrief.model import Article, SummarySentence
from crossbrief.stages.identity import article_id
from crossbrief.stages.segment import segment
from crossbrief.summarise.select import summarise


def document_ids(documents: Sequence[str]) -> list[str]:
    """The article id of each document of a cluster (`stages.identity.article_id`).

    A cluster may hold the same document twice (48 of Multi-News's 5,622 validation clusters
    do); batch and eval keep both, as the data set does, so a repeat gets the id with a counter
    ("<id>-2")."""
    ids = []
    seen: dict[str, int] = {}
    for doc in documents:
        base = article_id(doc)
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def articles_from_documents(documents: Sequence[str], on_topic: Sequence[bool] | None = None) -> list[Article]:
    """Articles from raw document strings, segmented with the product's sentence splitter."""
    articles = []
    for i, (doc, uid) in enumerate(zip(documents, document_ids(documents))):
        a = Article(source=f"document {i}", raw_text=doc, text=doc, id=uid)
        if on_topic is not None:
            a.on_topic = bool(on_topic[i])
        articles.append(segment(a))
    return articles


def check_documents(documents: object) -> None:
    """InputError unless `documents` is a list of strings with some text in them."""
    if not isinstance(documents, (list, tuple)) or not all(isinstance(d, str) for d in documents):
        raise InputError("documents must be a list of strings")
    if not any(d.strip() for d in documents):
        raise InputError("no text in any document")


def batch_encoder():
    """The encoder of batch mode and evaluation: the static encoder, for selection and citations."""
    from crossbrief.resources.encoders import get_static_encoder

    return get_static_encoder()


def summarise_documents(
    documents: Sequence[str], words: int | None = None, encoder=None, cite_encoder=None, readable: bool = False
) -> list[SummarySentence]:
    """Batch-mode entry point: the same selection as `summarise`, from raw document strings.

    Uses the static encoder for selection, and for citations unless `cite_encoder` is given."""
    check_documents(documents)
    return summarise(
        articles_from_documents(documents),
        words=words,
        encoder=encoder or batch_encoder(),
        cite_encoder=cite_encoder,
        readable=readable,
    )
