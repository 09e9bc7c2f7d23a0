"""What the rules look up while reading one article: its sentences, mentions, people, quotes, roles."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from crossbrief.model import Article, Mention
from crossbrief.stages.analyse.names import clean_name, name_tokens
from crossbrief.stages.analyse.parse import ParsedSentence


class ArticleContext:
    """What the rules need to look up while reading one article."""

    def __init__(self, article: Article, sents: Sequence[ParsedSentence]) -> None:
        self.article = article
        self.sents = sents
        self.sent_starts = [p.start for p in sents]
        self.mentions: list[Mention] = []
        self.mention_starts: list[int] = []
        self.person_names: set[str] = set()
        self._known: dict[str, str] = {}
        self.person_starts: list[int] = []
        self.people: list[Mention] = []
        self.quote_spans: list[tuple[int, int]] = []
        self.roles: dict[str, str] = {}
        self.speech_subjects: list[tuple[int, str]] = []

    def sentence_at(self, char: int) -> ParsedSentence | None:
        i = bisect.bisect_right(self.sent_starts, char) - 1
        return self.sents[i] if i >= 0 else None

    def in_quote(self, char: int) -> bool:
        i = bisect.bisect_right(self.quote_spans, (char, 10**12)) - 1
        return i >= 0 and self.quote_spans[i][0] <= char < self.quote_spans[i][1]

    def person_before(self, char: int) -> str:
        """The last person named outside quotes before `char` (for "he said")."""
        i = bisect.bisect_left(self.person_starts, char) - 1
        while i >= 0:
            m = self.people[i]
            if not self.in_quote(m.start):
                return m.canonical
            i -= 1
        return ""

    def is_person(self, name: str) -> bool:
        return name in self.person_names

    def people_in(self, p: ParsedSentence) -> list[Mention]:
        lo = bisect.bisect_left(self.person_starts, p.start)
        hi = bisect.bisect_left(self.person_starts, p.start + len(p.doc.text))
        return self.people[lo:hi]

    def known_person(self, written: str) -> str:
        """The canonical person a proper-noun phrase names ("De Mistura" -> "Staffan de Mistura")."""
        if written not in self._known:
            self._known[written] = self._find_person(written)
        return self._known[written]

    def _find_person(self, written: str) -> str:
        toks = name_tokens(clean_name(written, "PERSON"))
        if not toks:
            return ""
        names = {m.canonical for m in self.people if name_tokens(m.canonical)[-len(toks):] == toks}
        if not names:  # a person the tagger labelled ORG here but PERSON elsewhere is still found by name
            names = {m.canonical for m in self.mentions if len(name_tokens(m.canonical)) >= 2
                     and name_tokens(m.canonical)[-len(toks):] == toks and m.label in ("PERSON", "ORG")}
        return names.pop() if len(names) == 1 else ""

    def speaker_before(self, char: int) -> str:
        """Who "he"/"she" is: the last named subject of a speech verb in the last three
        sentences, else the last person named outside quotes."""
        i = bisect.bisect_left(self.speech_subjects, (char, "")) - 1
        if i >= 0:
            at, name = self.speech_subjects[i]
            here, there = self.sentence_at(char), self.sentence_at(at)
            if here is not None and there is not None and here.index - there.index <= 3:
                return name
        return self.person_before(char)

    def entity_in(self, start: int, end: int, labels: set[str]) -> Mention | None:
        i = bisect.bisect_left(self.mention_starts, start)
        while i < len(self.mentions) and self.mentions[i].start < end:
            m = self.mentions[i]
            if m.end <= end and m.label in labels:
                return m
            i += 1
        return None
