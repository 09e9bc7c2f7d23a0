"""Small helpers the facts modules share: disjoint sets, majority values, bundle order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from crossbrief.model import Article


class UnionFind:
    """Disjoint sets over 0..n-1 (path halving): the classes that pairwise links make."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


def most_common(values: Iterable[str]) -> str:
    """The most common non-empty value ("" when there is none); ties go to the first seen."""
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else ""


def bundle_order(articles: Sequence[Article]) -> dict[str, int]:
    """Article id -> its position among `articles`: facts list articles in the bundle's order."""
    order: dict[str, int] = {}
    for position, article in enumerate(articles):
        order.setdefault(article.id, position)
    return order
