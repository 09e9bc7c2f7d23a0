"""The English pipeline's two rule components, made cheap: the same annotations, each worked out once
per distinct token instead of once per token.

In `en_core_web_sm` the attribute ruler (tag -> POS and morphology, and a few exceptions) and the
rule lemmatizer took about a quarter of spaCy's time at ingest (3.4 and 2.0 ms of CPU an article
of ~900 characters, against 3.2 ms for the dependency parser): the ruler's Matcher tests 179
patterns, several with Python set predicates, on every token, and the lemmatizer builds a Token
and looks up its morphology for every token (it does not cache base forms). Both are pure
functions of a few token attributes, so `speed_up_rules(nlp)` gives the loaded pipeline's two
components memoised equivalents:

- the ruler's `match` step: which pattern groups match depends only on each token's lower form,
  tag, dependency label and is-space flag (and its neighbour's, for the few two-token patterns),
  so the patterns are evaluated once per distinct such key and the matches listed as spaCy's
  Matcher lists them; spaCy's own `set_annotations` then sets the attributes.
- the lemmatizer's `pipe`: a lemma depends only on the token's text, POS and morphology (that is
  the key spaCy's own cache uses), so `rule_lemmatize` runs once per distinct key.

Only what is recognised is replaced: a ruler whose patterns use anything but equality, IN,
NOT_IN and REGEX on LOWER, TAG, DEP or IS_SPACE, over one or two tokens, or a lemmatizer not in rule mode,
is left as spaCy made it. `tests/test_nlp_rules.py` checks every token's annotations against an
unmodified pipeline. The memos are bounded (MAX_KEYS each; cleared when full).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

# Distinct keys each memo keeps before it starts again (a key and its answer: ~200 bytes).
MAX_KEYS = 200_000
# The token attributes the ruler's patterns may test, in the order of a key.
KEY_ATTRS = ("LOWER", "TAG", "DEP", "IS_SPACE")

Test = Callable[[tuple[int, ...]], bool]


def speed_up_rules(nlp: Any) -> list[str]:
    """Give `nlp`'s attribute ruler and rule lemmatizer their memoised equivalents (see the module
    docstring), once; returns the names of the components changed."""
    changed = []
    for name, component in nlp.pipeline:
        kind = type(component).__name__
        if kind == "AttributeRuler" and "match" not in vars(component):
            matcher = RulerMatcher.of(component)
            if matcher is not None:
                component.match = matcher.match
                changed.append(name)
        elif kind.endswith("Lemmatizer") and getattr(component, "mode", "") == "rule" and "pipe" not in vars(component):
            component.pipe = MemoLemmatizer(component).pipe
            changed.append(name)
    return changed


def _value_test(position: int, value: Any, strings: Any) -> Test | None:
    """A test of one attribute of a token key against a pattern's value, as spaCy's Matcher does
    it (on string hashes, "" being 0 as a missing annotation is; REGEX searches the string), or
    None when not recognised. `strings`: the vocabulary's StringStore."""
    from spacy.strings import get_string_id

    if isinstance(value, bool):
        return lambda key: bool(key[position]) == value
    if isinstance(value, str):
        wanted = get_string_id(value)
        return lambda key: key[position] == wanted
    if isinstance(value, dict) and len(value) == 1:
        (op, items), = value.items()
        if op == "REGEX" and isinstance(items, str):
            regex = re.compile(items)
            return lambda key: regex.search(strings[key[position]]) is not None
        if op in ("IN", "NOT_IN") and isinstance(items, list) and all(isinstance(v, str) for v in items):
            ids = frozenset(get_string_id(v) for v in items)
            if op == "IN":
                return lambda key: key[position] in ids
            return lambda key: key[position] not in ids
    return None


class TokenTest(NamedTuple):
    """One token of a pattern: its test of a token key, the tag hash it requires (None: any), and
    whether it reads the dependency label (most patterns do not: those are memoised without it)."""

    test: Test
    tag: int | None
    reads_dep: bool


def _token_test(spec: dict[str, Any], strings: Any) -> TokenTest | None:
    """The test of a token key against one token of a pattern, or None when not recognised."""
    from spacy.strings import get_string_id

    tests = []
    for attr, value in spec.items():
        if attr not in KEY_ATTRS:
            return None
        test = _value_test(KEY_ATTRS.index(attr), value, strings)
        if test is None:
            return None
        tests.append(test)
    tag = spec.get("TAG")
    return TokenTest(lambda key: all(test(key) for test in tests),
                     get_string_id(tag) if isinstance(tag, str) else None, "DEP" in spec)


# What a token key's memo holds: the groups whose one-token patterns match it, and as bit masks
# the two-token patterns whose first (second) token it matches.
KeyMatches = tuple[tuple[int, ...], int, int]


class RulerMatcher:
    """The matches of an AttributeRuler's patterns in a Doc, as its `match` returns them:
    (group number, match id, start, end), sorted."""

    def __init__(self, match_ids: list[int], singles: list[tuple[int, TokenTest]],
                 pairs: list[tuple[int, TokenTest, TokenTest]]) -> None:
        self.match_ids = match_ids  # per pattern group, the Matcher's key (the hash of its number)
        self.pairs = pairs  # (group, first token's test, second's) of each two-token pattern
        # Each test as (what it sets: 0 a group's one-token match, 1 or 2 a pair's first or second
        # token; which group or pair; the test), split by whether it reads the dependency label,
        # and those that do not by the tag they require (None: any).
        self.by_tag: dict[int | None, list[tuple[int, int, Test]]] = {}
        self.with_dep: list[tuple[int, int, Test]] = []
        items = [(0, g, t) for g, t in singles]
        for j, (_, first, second) in enumerate(pairs):
            items += [(1, j, first), (2, j, second)]
        for what, which, t in items:
            if t.reads_dep:
                self.with_dep.append((what, which, t.test))
            else:
                self.by_tag.setdefault(t.tag, []).append((what, which, t.test))
        self.memo: dict[tuple[int, ...], KeyMatches] = {}  # full key -> its matches
        self.memo_without_dep: dict[tuple[int, ...], KeyMatches] = {}  # key but its DEP -> matches of tests without it

    @classmethod
    def of(cls, ruler: Any) -> RulerMatcher | None:
        """The matcher of `ruler`'s patterns, or None if one of them is not recognised."""
        singles: list[tuple[int, TokenTest]] = []
        pairs: list[tuple[int, TokenTest, TokenTest]] = []
        match_ids = []
        for group, entry in enumerate(ruler.patterns):
            match_ids.append(ruler.vocab.strings[str(group)])
            for pattern in entry["patterns"]:
                tests = [_token_test(spec, ruler.vocab.strings) for spec in pattern]
                if not tests or len(tests) > 2 or any(t is None for t in tests):
                    return None
                if len(tests) == 1:
                    singles.append((group, tests[0]))  # type: ignore[arg-type]
                else:
                    pairs.append((group, tests[0], tests[1]))  # type: ignore[arg-type]
        return cls(match_ids, singles, pairs)

    @staticmethod
    def _evaluate(key: tuple[int, ...], tests: Iterable[tuple[int, int, Test]], start: KeyMatches) -> KeyMatches:
        groups, firsts, seconds = set(start[0]), start[1], start[2]
        for what, which, test in tests:
            if test(key):
                if what == 0:
                    groups.add(which)
                elif what == 1:
                    firsts |= 1 << which
                else:
                    seconds |= 1 << which
        return tuple(sorted(groups)), firsts, seconds

    def key_matches(self, key: tuple[int, ...]) -> KeyMatches:
        found = self.memo.get(key)
        if found is None:
            if len(self.memo) > MAX_KEYS or len(self.memo_without_dep) > MAX_KEYS:
                self.memo.clear()
                self.memo_without_dep.clear()
            lower, tag, _, space = key
            reduced = (lower, tag, space)
            base = self.memo_without_dep.get(reduced)
            if base is None:
                tests = self.by_tag.get(tag, []) + self.by_tag.get(None, [])
                base = self.memo_without_dep[reduced] = self._evaluate(key, tests, ((), 0, 0))
            found = self.memo[key] = self._evaluate(key, self.with_dep, base)
        return found

    def match(self, doc: Any) -> list[tuple[int, int, int, int]]:
        if not len(doc):
            return []
        keys = [tuple(row) for row in doc.to_array(list(KEY_ATTRS)).tolist()]
        found: set[tuple[int, int, int]] = set()  # (group, start, end), once each as the Matcher gives it
        previous_firsts = 0
        for i, key in enumerate(keys):
            groups, firsts, seconds = self.key_matches(key)
            found.update((g, i, i + 1) for g in groups)
            pairs = previous_firsts & seconds  # two-token patterns matched at i - 1, i
            while pairs:
                j = pairs.bit_length() - 1
                found.add((self.pairs[j][0], i - 1, i + 1))
                pairs &= ~(1 << j)
            previous_firsts = firsts
        return sorted((g, self.match_ids[g], start, end) for g, start, end in found)


class MemoLemmatizer:
    """A rule lemmatizer's `pipe`, with its `rule_lemmatize` run once per (text, POS, morphology)."""

    def __init__(self, lemmatizer: Any) -> None:
        self.lemmatizer = lemmatizer
        self.memo: dict[tuple[int, int, int], int] = {}  # (orth, pos, morph key) -> lemma hash

    def pipe(self, docs: Iterable[Any], *, batch_size: int = 128) -> Iterator[Any]:
        lemmatizer = self.lemmatizer
        strings = lemmatizer.vocab.strings
        for doc in docs:
            if not len(doc):
                yield doc
                continue
            rows = doc.to_array(["ORTH", "POS", "MORPH", "LEMMA"]).tolist()
            if len(self.memo) > MAX_KEYS:
                self.memo.clear()
            lemmas = []
            for i, (orth, pos, morph, lemma) in enumerate(rows):
                if lemma and not lemmatizer.overwrite:
                    lemmas.append(lemma)  # set before (the attribute ruler's exceptions), kept as spaCy keeps it
                    continue
                key = (orth, pos, morph)
                found = self.memo.get(key)
                if found is None:
                    found = self.memo[key] = strings.add(lemmatizer.lemmatize(doc[i])[0])
                lemmas.append(found)
            import numpy

            doc.from_array(["LEMMA"], numpy.array(lemmas, dtype="uint64").reshape(-1, 1))
            yield doc
