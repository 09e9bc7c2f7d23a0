"""Feeds: RSS and Atom feeds (through feedparser) and OPML lists of feeds, as plain data.

`parse_feed(data, name)` -> a `Feed` (its title and entries: link, title, date, the entry's own
text); `parse_opml(data, name)` -> the feeds an OPML file lists. Neither fetches anything: the
caller fetches the feed (`fetch.fetch` with `FEED_TYPES`) and each entry's page (`read`). What
is not a feed is an InputError naming why, in one line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from crossbrief.errors import InputError
from crossbrief.ingest.decoding import scrub
from crossbrief.model import Article

FEED_SUFFIXES = {".rss", ".atom", ".xml"}
OPML_SUFFIXES = {".opml"}

_FIRST_TAG = re.compile(rb"<([A-Za-z][\w:.-]*)")
_BLOCK = re.compile(r"</?(p|div|br|li|h[1-6]|blockquote|tr|section|article)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\r\f\v]+")


@dataclass
class Entry:
    link: str  # the entry's page ("" when the entry has none)
    title: str = ""
    date: str = ""  # ISO date, when the entry has one
    text: str = ""  # the entry's own text (content, else summary), tags removed
    author: str = ""


@dataclass
class Feed:
    title: str = ""
    link: str = ""  # the site the feed is of
    entries: list[Entry] = field(default_factory=list)
    ttl_minutes: int | None = None  # RSS <ttl>: how long the feed may be cached


def sniff_xml(data: bytes) -> str:
    """"feed" (RSS, Atom, RDF), "opml" or "" from the first element of an XML document."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return ""
    for match in _FIRST_TAG.finditer(head):
        name = match.group(1).lower().split(b":")[-1]
        if name in (b"rss", b"feed", b"rdf"):
            return "feed"
        if name == b"opml":
            return "opml"
        return ""
    return ""


def text_of_html(fragment: str) -> str:
    """The text of an HTML fragment (an entry's summary): paragraphs as lines, tags removed."""
    text = _BLOCK.sub("\n", fragment)
    text = html.unescape(_TAG.sub("", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return scrub("\n".join(line for line in lines if line))


def _date(entry: dict) -> str:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        try:
            return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}"
        except AttributeError:
            return ""
    return ""


def parse_feed(data: bytes, name: str, base: str = "") -> Feed:
    """The feed in `data` (RSS 0.9x-2.0, RSS 1.0/RDF or Atom), or InputError saying it is not one.
    `base`: the URL the feed was fetched from, against which relative links ("story.html") resolve."""
    import feedparser

    # feedparser takes the base of relative links from the response's Content-Location.
    headers = {"content-location": base} if base else None
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=True, response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        detail = f" ({type(reason).__name__}: {str(reason).splitlines()[0] if str(reason) else ''})" if reason else ""
        raise InputError(f"not an RSS or Atom feed{detail}")
    meta = parsed.get("feed", {})
    feed = Feed(title=scrub(meta.get("title", "") or ""), link=meta.get("link", "") or "")
    try:
        feed.ttl_minutes = int(meta["ttl"]) if meta.get("ttl") else None
    except (TypeError, ValueError):
        feed.ttl_minutes = None
    for entry in parsed.entries:
        body = ""
        if entry.get("content"):
            body = max((c.get("value", "") for c in entry["content"]), key=len)
        body = body or entry.get("summary", "") or ""
        feed.entries.append(Entry(
            link=(entry.get("link") or "").strip(),
            title=scrub(entry.get("title", "") or ""),
            date=_date(entry),
            text=text_of_html(body),
            author=scrub(entry.get("author", "") or ""),
        ))
    return feed


def entry_article(entry: Entry, source: str, outlet: str) -> Article:
    """An Article from the entry's own text (when its page cannot be had)."""
    return Article(
        source=source, raw_text=entry.text, title=entry.title, url=entry.link, date=entry.date,
        author=entry.author, outlet=outlet, meta={"from": "feed entry text"},
    )


def parse_opml(data: bytes, name: str) -> list[tuple[str, str]]:
    """(feed URL, title) of every outline with an xmlUrl in an OPML document, in order."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        raise InputError(f"not an OPML file ({err})") from None
    if root.tag.lower() != "opml":
        raise InputError(f"not an OPML file (its root element is <{scrub(root.tag)[:40]}>)")
    found = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url:
            found.append((url, scrub(outline.get("title") or outline.get("text") or "")))
    if not found:
        raise InputError("OPML file lists no feeds (no outline with an xmlUrl)")
    return found
