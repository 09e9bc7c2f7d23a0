"""Remove scraping noise from an article's body, recording what went and why.

Scraped news carries the page around the story: photo captions (usually printed twice, once over
the picture and once in the alt text), picture galleries, interface lines ("Scroll down for
video"), pull quotes, comment-section footers, bylines and bullet summaries that repeat the body.
The rules below work on the shape of lines, not on any one site's strings:

- duplication: a line that occurs twice, or a short line contained in a longer paragraph;
- runs: counter lines ("3/14 ...") that form a gallery, and the short lines that head it;
- position: bullet lists at the top, comment footers at the bottom;
- shape: lines that are not sentences (no closing punctuation), all-capital headings,
  link lines ("Read more: ..."), bylines and time stamps;
- a short vocabulary of page-interface words, only ever applied to short lines.

Each kept line stays verbatim (only its outer white space is trimmed), so every sentence of the
clean text is text the outlet published.

Text an HTML extractor already took out of its page (`meta["extracted_by"]`, set by
`ingest/read.article_from_html`) is cleaned by the sure rules only. The extractor chose it by the
page's structure, so what is left is nearly all article: sub-headings ("THE FORECAST", "Why
now?"), list items and short paragraphs that the shape rules would take for headings or captions
are body text that a reader (and the Zyte benchmark's annotators) count as the article. On such
text only these apply: the title repeated, lines printed twice, pull quotes, gallery counters,
link lines, exact interface phrases, bylines, time stamps and contact lines that are not sentences,
comment-section footers and a non-sentence footer after the last paragraph (bench/extraction.py
measures it).

Work is bounded (stages/limits.py): only the first MAX_RAW_CHARS of the raw body are cleaned and
at most `limits.text_limit` characters of clean text are kept (up to MAX_TEXT_CHARS, fewer for text
thick with sentences or quotes), cut at a paragraph or sentence boundary; a cut is
recorded as one Removal with reason "cut-length" whose detail names the limit.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from crossbrief.ingest.read import EXTRACTED_BY
from crossbrief.model import Article, Removal
from crossbrief.stages.limits import (
    CUT_REASON,
    MAX_RAW_CHARS,
    MAX_TEXT_CHARS,
    MAX_TEXT_QUOTE_MARKS,
    MAX_TEXT_SENTENCES,
    MIN_TEXT_CHARS,
    cut_point,
    text_limit,
)

_QUOTE_MARKS = "\"'“”‘’«»„‚`´"
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$")
_BULLET = re.compile(r"^\s*[•·▪►◦‣∙*\-–—]\s+")
_COUNTER = re.compile(r"^\s*(\d{1,3})\s*/\s*(\d{1,3})\b")
_SHOW_ALL = re.compile(r"^\s*\d{1,3}\s+(show|view|see)\s+all\b", re.IGNORECASE)
_LINK_PREFIX = re.compile(
    r"^\s*(read more|read also|also read|see also|related( \w+)?|more|watch|listen|recommended|"
    r"more on this story|more from|trending|most read|popular|in pictures|in photos|topics|tags)\s*[:\-–—|»>]",
    re.IGNORECASE,
)
# Words of the page around an article. Only applied to short lines (see _is_interface).
_INTERFACE = re.compile(
    r"^\s*(scroll (down|up)( for (the )?(video|pictures?|more))?|"
    r"related (stories|articles|coverage|content|links|topics)|"
    r"read more|advertisement|sponsored( content)?|click here\b.*|share (this|on|via)\b.*|follow us( on\b.*)?|"
    r"sign up (for|to) (our|the) \w*\s*(newsletters?|emails?|alerts?|briefings?)\b.*|sign up( now| here)?|"
    r"subscribe( now| here| today| to (our|the) \w*\s*(newsletters?|emails?|alerts?|briefings?|channel)\b.*)?|"
    r"most (read|popular|viewed|shared)|watch( the)? video|video|play video|"
    r"image (copyright|caption|source)\b.*|photo(graph)?( credit)?:.*|picture:.*|copyright( ©| \d{4}\b).*|©.*|"
    r"all rights reserved\b.*|print( this)?( article)?|e-?mail( this)?( article)?|back to top|skip (to|ad)\b.*|"
    r"loading( \w+){0,3} ?(\.\.\.|…)|loading|(our )?newsletters?|continue reading\b.*|"
    r"story continues below\b.*|comments?|"
    r"show comments|hide comments|view comments|add comment|leave a comment|next( story| article)?|"
    r"previous( story| article)?|(view|see|open) (gallery|slideshow|all \d+ photos?)|in pictures:.*|in photos:.*|"
    r"gallery:.*|photo gallery|enlarge|close|menu|home|top stories|breaking news|live updates|updated|"
    r"key (points|facts|takeaways)|story highlights|listen to this (article|story)\b.*|"
    r"\d+ min(ute)?s?( read| listen)?)\W*$",
    re.IGNORECASE,
)
_COMMENT_FOOTER = re.compile(
    r"\b(comments? (below|above|section)|comments? (have|has) been (closed|disabled|turned off)|"
    r"comments are (closed|disabled|moderated|not moderated|turned off)|have not been moderated|"
    r"views expressed (in|below|above|by commenters|in the comments)|(not|no longer) accepting comments|"
    r"top commenter|post a comment|add your comment|leave a comment|"
    r"join the (conversation|discussion)( (below|here|on (our|the) \w+( \w+)?))?\W*$|"
    r"community (guidelines|standards)|(log|sign) in to (comment|reply)|^\W*\d+ comments?\W*$)",
    re.IGNORECASE,
)
_NOT_A_NAME = (r"(?!(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
               r"May|June|July|August|September|October|November|December|Christmas|Easter|Then|Now|Noon|"
               r"Midnight|Dawn|Nightfall|Evening|Morning|Afternoon|Spring|Summer|Autumn|Winter|The|This|That)\b)")
_BYLINE = re.compile(
    r"^\s*(?i:by)\s+" + _NOT_A_NAME + r"[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){0,3}\s*(,|\||(?i:and)\b|(?i:for)\b|$)"
)
_TIMESTAMP = re.compile(
    r"^\s*(published|updated|posted|last (updated|modified)|first published)(\s+(on|at))?\s*:?\s*"
    r"(\d|(mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d|"
    r"(an? )?(hours?|minutes?|days?|\d+ \w+) ago\b)|"
    r"\b\d{1,2}:\d{2}\s*([ap]\.?m\.?)?\s*(EST|EDT|GMT|BST|UTC|ET|PT|CET)\b",
    re.IGNORECASE,
)
# A picture's credit standing alone, and the signature line of an embedded post.
_CREDIT = re.compile(
    r"^\W*((photo|image|picture|video)s?( by|:)\s.*|.*\b(getty images|shutterstock|afp|reuters|ap photo|epa|"
    r"alamy|pa (media|wire))\W*|— .{1,80}\(@\w{1,30}\).{0,40})$",
    re.IGNORECASE,
)
# An address is tried only where a run of address characters starts, and its parts are no longer
# than an address's may be (64 before the @, 63 a label): unanchored, a 100,000-character line with
# no space took 37 s here, every start position scanning the whole run again.
_CONTACT = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(\.[\w-]{1,63})+|^\s*(contact|email|e-mail) (the )?(author|reporter|us)\b",
    re.IGNORECASE,
)


_DASHES = re.compile(r"[\u2010-\u2015-]")


def normalise(line: str) -> str:
    """A line reduced for duplicate matching: case, quote marks, dashes and spacing folded."""
    text = unicodedata.normalize("NFKC", line).casefold()
    for mark in _QUOTE_MARKS:  # (str.translate with a table is ten times slower on long lines)
        if mark in text:
            text = text.replace(mark, "")
    text = _DASHES.sub("-", text)
    # White space runs made one space (str.split's white space is re's \s); the ends go in the strip.
    text = " ".join(text.split())
    return text.strip(" .,;:!?…-")


def _words(line: str) -> int:
    return len(line.split())


# The most characters a line of N words is taken to have for the short-line rules: a "word" of
# thousands of characters (a run of dots, a line with no space) is not a credit or a contact line,
# and patterns written for short lines may take time quadratic in a line's length.
CHARS_PER_SHORT_WORD = 40


def _is_short(line: str, words: int) -> bool:
    """At most `words` words and at most CHARS_PER_SHORT_WORD characters for each of them."""
    return len(line) <= words * CHARS_PER_SHORT_WORD and _words(line) <= words


def is_sentence_like(line: str) -> bool:
    """Ends like prose: sentence punctuation, possibly followed by closing quotes or brackets."""
    return bool(_SENTENCE_END.search(line))


def _is_interface(line: str) -> bool:
    return _words(line) <= 8 and bool(_INTERFACE.match(line))


def _is_metadata(line: str) -> bool:
    """A byline or a time stamp (a stamp of both dates, "Published: ... | Updated: ...", is longer)."""
    words = _words(line)
    if words <= 12 and (_BYLINE.match(line) or _TIMESTAMP.search(line)):
        return True
    return words <= 20 and not is_sentence_like(line) and bool(_TIMESTAMP.search(line))


def _is_all_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return _words(line) >= 2 and len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.8


@dataclass
class _Line:
    number: int  # 1-based, in the raw body
    text: str  # stripped
    key: str  # normalised
    reason: str = ""
    detail: str = ""

    def drop(self, reason: str, detail: str) -> None:
        if not self.reason:
            self.reason, self.detail = reason, detail


def _mark_galleries(lines: list[_Line], extracted: bool = False) -> None:
    """Counter lines "k/N ..." in a run are a gallery; so are the short lines that head it (in
    extracted text, where a sub-heading may stand before a gallery, only a "Gallery: ..." line)."""
    counters = [i for i, ln in enumerate(lines) if _COUNTER.match(ln.text) or _SHOW_ALL.match(ln.text)]
    if len(counters) < 2:
        return
    for i in counters:
        lines[i].drop("gallery", "photo gallery item")
        # The gallery title usually stands in the few lines just before the run.
        for j in range(max(0, i - 3), i):
            if extracted and not (_INTERFACE.match(lines[j].text) or _LINK_PREFIX.match(lines[j].text)):
                continue
            if not lines[j].reason and _words(lines[j].text) <= 12 and not is_sentence_like(lines[j].text):
                lines[j].drop("gallery", "photo gallery heading")


def _mark_comment_footer(lines: list[_Line]) -> None:
    """From the first comment-section line in the second half of the article to the end."""
    start = len(lines) // 2
    for i in range(start, len(lines)):
        if _words(lines[i].text) <= 25 and _COMMENT_FOOTER.search(lines[i].text):
            for ln in lines[i:]:
                ln.drop("comments", "comment-section footer")
            return


def _title_case_share(line: str) -> float:
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line)]
    return sum(w[0].isupper() for w in words) / max(1, len(words))


def _mark_footer(lines: list[_Line], extracted: bool) -> None:
    """Short, title-cased lines after the story's last paragraph: the site's footer (in extracted
    text, only those that are not sentences: "Mayor Ruth Okafor declined to comment." ends a story)."""
    last_prose = max(
        (i for i, ln in enumerate(lines) if not ln.reason and is_sentence_like(ln.text) and _words(ln.text) >= 8),
        default=len(lines),
    )
    for ln in lines[last_prose + 1 :]:
        if extracted and is_sentence_like(ln.text):
            continue
        if not ln.reason and _words(ln.text) <= 10 and _title_case_share(ln.text) >= 0.6:
            ln.drop("footer", "site footer after the article")


def _mark_bullet_summary(lines: list[_Line], body_words: Counter[str]) -> None:
    """A bullet list at the top whose points the body goes on to tell is a repeat."""
    bullets: list[_Line] = []
    for ln in lines:
        if _BULLET.match(ln.text):
            bullets.append(ln)
        elif bullets or is_sentence_like(ln.text) and _words(ln.text) > 12:
            break
    if not bullets:
        return
    coverage = []
    for ln in bullets:
        words = [w for w in re.findall(r"\w+", ln.key) if len(w) > 3]
        coverage.append(sum(1 for w in words if body_words[w] > 0) / max(1, len(words)))
    # Judge the list as a whole: a summary list repeats the body point by point, though one
    # point may be worded quite differently from the paragraph it stands for.
    if sum(coverage) / len(coverage) >= 0.6:
        for ln in bullets:
            ln.drop("bullet-summary", "bullet list above the article repeating the body")


def clean(article: Article) -> Article:
    """Fill `article.text` and `article.removed` from `article.raw_text` (with the sure rules only
    when an HTML extractor already took the text out of its page: see the module docstring)."""
    extracted = bool(article.meta.get(EXTRACTED_BY))
    raw = article.raw_text
    raw_end = cut_point(raw, MAX_RAW_CHARS)
    lines = [
        _Line(n, line.strip(), normalise(line))
        for n, line in enumerate(raw[:raw_end].split("\n"), 1)
        if line.strip()
    ]
    title_key = normalise(article.title) if article.title else ""

    _mark_galleries(lines, extracted)
    _mark_comment_footer(lines)

    counts = Counter(ln.key for ln in lines)
    seen: dict[str, _Line] = {}
    for i, ln in enumerate(lines):
        if title_key and ln.key == title_key:
            ln.drop("title", "repeats the title")
        elif counts[ln.key] > 1:
            neighbours = {lines[j].key for j in (i - 1, i + 1) if 0 <= j < len(lines)}
            first = seen.get(ln.key)
            if ln.key in neighbours:
                # Printed twice in a row: the caption over a picture and again as its alt text.
                ln.drop("caption", "line printed twice (photo caption)")
            elif first is not None and _BULLET.match(first.text) and not _BULLET.match(ln.text):
                # A key-points list above the story repeats its paragraph: the paragraph stays in
                # place, in its sentences' order.
                first.drop("duplicate", "repeats a later paragraph")
            elif first is not None:
                ln.drop("duplicate", "repeats an earlier line")
        seen.setdefault(ln.key, ln)

    # Short lines contained in a longer paragraph: pull quotes and captions of the body.
    _mark_pull_quotes(lines)

    body_words: Counter[str] = Counter()
    for ln in lines:
        if not _BULLET.match(ln.text):
            body_words.update(w for w in re.findall(r"\w+", ln.key) if len(w) > 3)
    if not extracted:
        _mark_bullet_summary(lines, body_words)
    _mark_footer(lines, extracted)

    for ln in lines:
        text = ln.text
        if _LINK_PREFIX.match(text) and _words(text) <= 25 and not (
            extracted and _words(text) > 12 and is_sentence_like(text)
        ):
            ln.drop("link", "link to another article")
        elif _is_interface(text):
            ln.drop("interface", "page interface text")
        elif _is_metadata(text) and not (extracted and is_sentence_like(text)):
            ln.drop("metadata", "byline or time stamp")
        elif _is_short(text, 15) and _CONTACT.search(text) and not is_sentence_like(text):
            ln.drop("metadata", "contact line")
        elif _is_short(text, 15) and _CREDIT.match(text) and not is_sentence_like(text):
            ln.drop("metadata", "picture credit or embedded post's signature")
        elif extracted:
            continue  # the shape rules below guess; an extractor's sub-headings and list items are body
        elif _words(text) <= 25 and _is_all_caps(text):  # words first: a paragraph can be long
            ln.drop("heading", "all-capitals heading")
        elif not is_sentence_like(text) and _words(text) <= 25:
            ln.drop("not-prose", "heading, caption or link (not a sentence)")
        elif text.endswith("?") and _words(text) <= 8 and not re.search(r"[\"“”'‘’]", text):
            ln.drop("heading", "question used as a sub-heading")

    _mark_link_lists(lines)

    kept = [ln for ln in lines if not ln.reason]
    text = "\n".join(ln.text for ln in kept)
    article.removed = [Removal(ln.text, ln.reason, ln.detail, ln.number) for ln in lines if ln.reason]
    limit = text_limit(text)
    cut = _length_cut(raw, raw_end, text, kept, limit)
    if cut is not None:
        text = text[: cut_point(text, limit)].rstrip()
        article.removed.append(cut)
    article.text = text
    return article


_LINK_LIST_HEADING = re.compile(
    r"^\W*(related( (stories|articles|coverage|content|links|topics))?|most (read|popular|viewed|shared)|"
    r"top stories|trending( now)?|more (must[- ]reads?|from|on|stories|news)\b.*|must[- ]reads?|"
    r"recommended( for you)?|read more|see also|(editor'?s'? )?picks|don'?t miss|read next|"
    r"you (may|might) (also )?like|more on this story)\W*$",
    re.IGNORECASE,
)


def _mark_link_lists(lines: list[_Line]) -> None:
    """The list under a "Related stories" (or "Most read" ...) heading is links to other articles:
    its items, headlines rather than sentences, go with the heading."""
    for i, ln in enumerate(lines):
        # The heading was dropped already, or (in an extractor's text, where only sure rules run)
        # is one of those words alone on its line, not a sentence.
        if not (_LINK_LIST_HEADING.match(ln.text) and (ln.reason or not is_sentence_like(ln.text))):
            continue
        items = 0
        for item in lines[i + 1:]:
            if not _BULLET.match(item.text) or is_sentence_like(item.text) or _words(item.text) > 20:
                break
            item.drop("link", "link listed under " + ln.text[:40])
            items += 1
        if items and not ln.reason:
            ln.drop("link", "heading of a list of links to other articles")


def _mark_pull_quotes(lines: list[_Line]) -> None:
    """Short lines contained in a longer paragraph (20+ characters longer) are pull quotes.

    The kept keys are searched as one string, longest first, so that a line is looked for only
    among the keys long enough to hold it -- one C-level search per line, not a loop over lines.
    """
    kept_keys = sorted((ln.key for ln in lines if not ln.reason), key=len, reverse=True)
    ends: list[int] = []  # ends[i]: end of key i in `joined`
    offset = 0
    for key in kept_keys:
        offset += len(key)
        ends.append(offset)
        offset += 1
    joined = "\n".join(kept_keys)  # keys hold no newline, so no match spans two keys
    lengths = [-len(k) for k in kept_keys]  # ascending, for bisect
    for ln in lines:
        if not ln.reason and _words(ln.text) <= 40 and len(ln.key) >= 20:
            longer = bisect.bisect_left(lengths, -(len(ln.key) + 20))  # keys with len > len(key) + 20
            if longer and joined.find(ln.key, 0, ends[longer - 1]) >= 0:
                ln.drop("pull-quote", "repeats part of another paragraph")


def _length_cut(raw: str, raw_end: int, text: str, kept: list[_Line], limit: int) -> Removal | None:
    """The "cut-length" Removal for an article over the limits (None for any normal article);
    `limit`: `text_limit(text)`."""
    if raw_end >= len(raw) and len(text) <= limit:
        return None
    if len(text) > limit:
        end = cut_point(text, limit)
        rest = text[end:].lstrip()
        # The line of the raw body in which the cut falls.
        position, line = 0, kept[-1].number if kept else 1
        for ln in kept:
            position += len(ln.text) + 1
            if position > end + 1:  # this line holds text beyond the cut
                line = ln.number
                break
        detail = (f"article too long: clean text cut at {end:,} of {len(text):,} characters "
                  f"(limit {MAX_TEXT_CHARS:,} characters, {MAX_TEXT_SENTENCES:,} sentences or "
                  f"{MAX_TEXT_QUOTE_MARKS:,} quotation marks, whichever comes first after {MIN_TEXT_CHARS:,})")
        if raw_end < len(raw):
            detail += f"; only the first {raw_end:,} of {len(raw):,} raw characters were read (limit {MAX_RAW_CHARS:,})"
    else:
        rest = raw[raw_end:].lstrip()
        line = raw.count("\n", 0, raw_end) + 1
        detail = (f"article too long: only the first {raw_end:,} of {len(raw):,} characters were read "
                  f"(limit {MAX_RAW_CHARS:,})")
    return Removal(rest[:200].split("\n")[0], CUT_REASON, detail, line)
