"""Direct quotes: quotation marks paired within a paragraph, and each quote's speaker."""

from __future__ import annotations

import bisect
import re

from crossbrief.model import Quote
from crossbrief.stages.analyse.context import ArticleContext
from crossbrief.stages.analyse.speakers import SPEECH_VERBS, according_to, speaker_of, speech_verb_near, subject_of

_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))['‘](?=[\w$£€.…])")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.,!?…)\]%'])['’](?=[\s,.;:!?)\]—–-]|$)")


def quote_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, closed) of the quoted words in `text`.

    Quotes never run past the end of a paragraph: news style leaves a quote open when it goes on
    in the next paragraph, and an unbalanced mark must not swallow the rest of the article.
    Double marks are paired first; single marks only where they pair up unambiguously (they
    double as apostrophes).
    """
    spans: list[tuple[int, int, bool]] = []
    for para in re.finditer(r"[^\n]+", text):
        base, s = para.start(), para.group()
        doubles: list[tuple[int, int, bool]] = []
        open_at: int | None = None
        for m in re.finditer(r"[“”\"]", s):
            ch = m.group()
            if open_at is None:
                if ch != "”":
                    open_at = m.end()
            elif ch == "“":
                open_at = m.end()  # an opening mark inside an open quote: the first one was stray
            else:
                doubles.append((open_at, m.start(), True))
                open_at = None
        if open_at is not None and len(s) - open_at > 0:
            doubles.append((open_at, len(s), False))
        singles: list[tuple[int, int, bool]] = []
        closes = [m.start() for m in _SINGLE_CLOSE.finditer(s)]
        last_end = -1
        for m in _SINGLE_OPEN.finditer(s):
            if m.start() < last_end or any(a <= m.start() < b for a, b, _ in doubles):
                continue
            i = bisect.bisect_left(closes, m.end())
            if i < len(closes) and not any(a <= closes[i] < b for a, b, _ in doubles):
                singles.append((m.end(), closes[i], True))
                last_end = closes[i] + 1
        for a, b, closed in sorted(doubles + singles):
            a2, b2 = _trim(s, a, b)
            if b2 > a2:
                spans.append((base + a2, base + b2, closed))
    return spans


def _trim(s: str, a: int, b: int) -> tuple[int, int]:
    while a < b and s[a] in " \t…":
        a += 1
    while b > a and s[b - 1] in " \t,;:":
        b -= 1
    return a, b


def find_quotes(ctx: ArticleContext) -> list[Quote]:
    """The article's quotes of two words or more, each with its speaker when one is found."""
    text = ctx.article.text
    quotes: list[Quote] = []
    prev: Quote | None = None
    for start, end, closed in quote_spans(text):
        body = text[start:end]
        if len(re.findall(r"\w+", body)) < 2:
            continue
        s_open, s_close = ctx.sentence_at(start), ctx.sentence_at(max(start, end - 1))
        if s_open is None or s_close is None:
            continue
        q = Quote(body, start, end, ctx.article.id, s_open.index)
        q.partial = bool(re.search(r"[A-Za-z,]\s*[\"“‘']?$", text[s_open.start:start])) and not re.search(
            r"[:,]\s*[\"“‘']$", text[max(0, start - 3):start]
        )
        attribution = None
        s_close_end = s_close.start + len(s_close.doc.text)
        places = [(s_close, end, s_close_end), (s_open, s_open.start, start)]
        following = ctx.sentence_at(s_close_end + 1)
        if (
            closed
            and following is not None
            and following is not s_close
            and re.fullmatch(r"[ \t\"'”’“‘.,?!]*", text[end:following.start])
        ):
            # Only an attribution opening the next sentence: "... leaves?' / Mr de Mistura asked."
            places.append((following, following.start, following.start + min(60, len(following.doc.text))))
        for p, lo, hi in places:
            verb = speech_verb_near(p, lo, hi, ctx, SPEECH_VERBS)
            subj = subject_of(verb) if verb is not None else according_to(p, lo, hi)
            if subj is not None and not ctx.in_quote(p.abs(subj)):
                attribution = (subj, p)
                break
        if attribution:
            q.speaker, q.speaker_text, q.resolved_by, q.role = speaker_of(ctx, *attribution)
        elif prev is not None and prev.speaker and s_open.index - prev.sentence <= 3:
            # A quote with no attribution of its own continues the previous speaker's words.
            q.speaker, q.speaker_text, q.resolved_by, q.role = prev.speaker, prev.speaker_text, "previous", prev.role
        quotes.append(q)
        prev = q
    return quotes

