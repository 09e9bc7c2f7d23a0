"""Batch mode and evaluation: summaries of raw document strings, with the static encoder."""

from __future__ import annotations

from collections.abc import Sequence

from crossbrief.model import Article, SummarySentence
from crossbrief.summarise.select import summarise


def articles_from_documents(documents: Sequence[str], on_topic: Sequence[bool] | None = None) -> list[Article]:
    """Articles from raw document strings, segmented with the product's sentence splitter."""
    from crossbrief.stages.identity import article_id
    from crossbrief.stages.segment import segment

    articles = []
    seen: dict[str, int] = {}
    for i, doc in enumerate(documents):
        # A cluster may hold the same document twice (48 of Multi-News's 5,622 validation
        # clusters do); batch and eval keep both, as the data set does, so the copy gets the id
        # with a counter ("<id>-2").
        base = article_id(doc)
        seen[base] = seen.get(base, 0) + 1
        uid = base if seen[base] == 1 else f"{base}-{seen[base]}"
        a = Article(source=f"document {i}", raw_text=doc, text=doc, id=uid)
        if on_topic is not None:
            a.on_topic = bool(on_topic[i])
        articles.append(segment(a))
    return articles


def batch_encoder():
    """The encoder of batch mode and evaluation: the static encoder, for selection and citations."""
    from crossbrief.resources.encoders import get_static_encoder

    return get_static_encoder()


def summarise_documents(
    documents: Sequence[str], words: int | None = None, encoder=None, cite_encoder=None, readable: bool = False
) -> list[SummarySentence]:
    """Batch-mode entry point: the same selection as `summarise`, from raw document strings.

    Uses the static encoder for selection, and for citations unless `cite_encoder` is given."""
    if not isinstance(documents, (list, tuple)) or not all(isinstance(d, str) for d in documents):
        raise ValueError("documents must be a list of strings")
    if not any(d.strip() for d in documents):
        raise ValueError("no text in any document")
    return summarise(
        articles_from_documents(documents),
        words=words,
        encoder=encoder or batch_encoder(),
        cite_encoder=cite_encoder,
        readable=readable,
    )
