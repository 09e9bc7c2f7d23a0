"""Read articles from files, folders, standard input and URLs.

Every input either becomes one or more `Article`s or one `Problem` (a one-line reason); an input
never raises. Formats: plain text (with the header lines scrapers leave at the top turned into
metadata), HTML (through trafilatura), JSON / JSONL objects with a `text` field.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

from crossbrief.errors import InputError
from crossbrief.model import Article, Problem
from crossbrief.version import __version__

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES

MIN_ARTICLE_WORDS = 10
MAX_BYTES = 10 * 1024 * 1024  # no news article is this long; bigger inputs are mistakes
FETCH_TIMEOUT = 15.0
MAX_REDIRECTS = 5
FETCHABLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/json")


@dataclass
class Limits:
    max_bytes: int = MAX_BYTES
    timeout: float = FETCH_TIMEOUT
    max_redirects: int = MAX_REDIRECTS


# -- bytes to text ------------------------------------------------------------------------------
def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def decode(data: bytes) -> str:
    """UTF-8 text from bytes, or InputError saying why not."""
    if not data.strip():
        raise InputError("empty file")
    head = data[:8192]
    # NUL bytes never occur in text; many other control bytes mean a binary format.
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in head or controls > len(head) * 0.05:
        raise InputError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(
            f"not UTF-8 text (undecodable byte 0x{data[err.start]:02x} at offset {err.start})"
        ) from None


def sniff_format(text: str, suffix: str = "") -> str:
    """'html', 'json' or 'text': from the file suffix, else from the content."""
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in TEXT_SUFFIXES:
        return "text"
    head = text.lstrip()[:512].lower()
    if head.startswith(("<!doctype html", "<html")) or "<body" in head or "<head" in head:
        return "html"
    if head.startswith(("{", "[")):
        return "json"
    return "text"


# -- plain text: header lines -------------------------------------------------------------------
_URL_LINE = re.compile(r"^https?://\S+$")
_ID_LINE = re.compile(r"^\d{1,15}$")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_MONTH = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b", re.IGNORECASE
)
_NUMERIC_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][\d:.+\-Z]+)?$|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_SITE_SUFFIX = re.compile(r"^(?P<title>.+?)\s+[-|–—]\s+(?P<site>[A-Z][\w.&' ]{1,40})$")


def parse_date(value: str) -> str:
    """ISO date (YYYY-MM-DD) from a date string, or "" when it is not one."""
    value = value.strip()
    if not value or len(value) > 60:
        return ""
    from dateutil import parser as date_parser

    try:
        parsed = date_parser.parse(value, fuzzy=False, default=None)
    except (ValueError, OverflowError, TypeError):
        try:
            # A date with a weekday or time zone name dateutil does not know: try dateparser.
            import dateparser

            parsed = dateparser.parse(value, settings={"STRICT_PARSING": True})
        except Exception:  # noqa: BLE001 - dateparser raises many kinds on odd strings
            parsed = None
    return parsed.date().isoformat() if parsed else ""


def _is_date_line(line: str) -> bool:
    if len(line) > 40 or len(line.split()) > 7:
        return False
    if _NUMERIC_DATE.match(line):
        return True
    return bool(_YEAR.search(line) and _MONTH.search(line))


def _is_keyword_line(line: str) -> bool:
    parts = [p.strip() for p in line.split(",")]
    if len(parts) < 3 or _SENTENCE_END.search(line):
        return False
    return all(0 < len(p.split()) <= 6 for p in parts)


def _is_headline(line: str) -> bool:
    """A line shaped like a title: not too long and not ended like a sentence."""
    return 0 < len(line.split()) <= 40 and not _SENTENCE_END.search(line)


def split_header(text: str) -> tuple[dict[str, str | list[str]], str]:
    """Separate the metadata lines scrapers put above a plain-text article from its body.

    Recognised at the top, in any order, before the first body line: a URL, a date, a
    comma-separated keyword list, a numeric id, and a title (a headline-shaped line). Returns
    the fields found and the body (the text from the first body line on).
    """
    fields: dict[str, str | list[str]] = {}
    lines = text.split("\n")
    body_from = 0
    for i, raw in enumerate(lines[:12]):
        line = raw.strip()
        if not line:
            body_from = i + 1
            continue
        if "url" not in fields and _URL_LINE.match(line):
            fields["url"] = line
        elif "date" not in fields and _is_date_line(line) and parse_date(line):
            fields["date"] = parse_date(line)
        elif "id" not in fields and _ID_LINE.match(line):
            fields["id"] = line
        elif "keywords" not in fields and "title" in fields and _is_keyword_line(line):
            fields["keywords"] = [p.strip() for p in line.split(",") if p.strip()]
        elif "title" not in fields and _is_headline(line):
            fields["title"] = line
        else:
            break
        body_from = i + 1
    # A lone title with nothing else is only a header if a body follows it.
    body = "\n".join(lines[body_from:])
    if not body.strip():
        return {}, text
    return fields, body


def _outlet_from_url(url: str) -> str:
    host = urlparse(url).hostname or ""
    host = re.sub(r"^(www\d?|m|mobile|amp|edition)\.", "", host)
    return host


def _outlet_from_path(source: str) -> str:
    return Path(source).stem if source not in ("-", "<stdin>") else "stdin"


def article_from_text(text: str, source: str, url: str = "") -> Article:
    fields, body = split_header(text)
    title = str(fields.get("title", ""))
    site = ""
    match = _SITE_SUFFIX.match(title)
    if match and len(match.group("site").split()) <= 5:
        title, site = match.group("title"), match.group("site")
    url = str(fields.get("url", url))
    meta = {"id": str(fields["id"])} if "id" in fields else {}
    if site:
        meta["site_name"] = site
    header_lines = len(text.split("\n")) - len(body.split("\n"))
    if header_lines:
        meta["header_lines"] = str(header_lines)
    return Article(
        source=source,
        raw_text=body,
        title=title,
        url=url,
        date=str(fields.get("date", "")),
        outlet=_outlet_from_url(url) if url else (site or _outlet_from_path(source)),
        keywords=list(fields.get("keywords", [])),
        meta=meta,
    )


# -- HTML ---------------------------------------------------------------------------------------
def article_from_html(html: str, source: str, url: str = "") -> Article:
    import trafilatura
    from htmldate import find_date

    doc = trafilatura.bare_extraction(
        html, url=url or None, with_metadata=True, include_comments=False, include_tables=False
    )
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    # trafilatura falls back to whatever text a page has (menus, footers); a few words is not an article.
    if len(text.split()) < MIN_ARTICLE_WORDS:
        raise InputError("HTML page has no article text")
    url = url or (getattr(doc, "url", None) or "")
    date = ""
    try:
        date = find_date(html, original_date=True, extensive_search=False) or ""
    except Exception:  # noqa: BLE001 - htmldate can fail on odd markup; the date is optional
        date = ""
    date = date or parse_date(getattr(doc, "date", None) or "")
    site = getattr(doc, "sitename", None) or ""
    return Article(
        source=source,
        raw_text=text,
        title=getattr(doc, "title", None) or "",
        url=url if url.startswith(("http://", "https://")) else "",
        date=date,
        author=getattr(doc, "author", None) or "",
        outlet=(_outlet_from_url(url) if url.startswith("http") else "") or site or _outlet_from_path(source),
        meta={"site_name": site} if site else {},
    )


# -- JSON / JSONL --------------------------------------------------------------------------------
def _article_from_object(obj: object, source: str) -> Article:
    if not isinstance(obj, dict):
        raise InputError("expected a JSON object with a 'text' field")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("no 'text' field (or it is empty)")
    url = str(obj.get("url") or "")
    article = article_from_text(text, source, url=url)
    article.title = str(obj.get("title") or article.title)
    article.date = parse_date(str(obj.get("date") or "")) or article.date
    article.author = str(obj.get("author") or "")
    article.outlet = str(obj.get("outlet") or "") or (_outlet_from_url(url) if url else article.outlet)
    return article


def articles_from_json(text: str, source: str) -> tuple[list[Article], list[Problem]]:
    articles: list[Article] = []
    problems: list[Problem] = []
    items: list[tuple[str, object]] = []  # (name, object) or (name, InputError) in file order
    try:
        data = json.loads(text)
        items = [(f"{source}#{i + 1}", o) for i, o in enumerate(data)] if isinstance(data, list) else [(source, data)]
    except json.JSONDecodeError:
        # Not one JSON document: read it as JSON Lines.
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append((f"{source}:{n}", json.loads(line)))
            except json.JSONDecodeError as err:
                items.append((f"{source}:{n}", InputError(f"invalid JSON ({err.msg})")))
    for name, obj in items:
        try:
            if isinstance(obj, InputError):
                raise obj
            articles.append(_article_from_object(obj, name))
        except InputError as err:
            problems.append(Problem(name, str(err)))
    if not items:
        problems.append(Problem(source, "no articles in this JSON (expected objects with a 'text' field)"))
    return articles, problems


# -- dispatch -----------------------------------------------------------------------------------
def parse(text: str, source: str, fmt: str, url: str = "") -> tuple[list[Article], list[Problem]]:
    if fmt == "json":
        return articles_from_json(text, source)
    if fmt == "html":
        return [article_from_html(text, source, url=url)], []
    return [article_from_text(text, source, url=url)], []


def read_path(path: Path, limits: Limits) -> tuple[list[Article], list[Problem]]:
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise InputError(f"file is {_megabytes(size)}, over the {_megabytes(limits.max_bytes)} limit")
    if size == 0:
        raise InputError("empty file")
    text = decode(path.read_bytes())
    return parse(text, str(path), sniff_format(text, path.suffix.lower()))


def read_stream(stream: BinaryIO, limits: Limits) -> tuple[list[Article], list[Problem]]:
    data = stream.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise InputError(f"input is over the {_megabytes(limits.max_bytes)} limit")
    text = decode(data)
    return parse(text, "<stdin>", sniff_format(text))


def fetch_url(url: str, limits: Limits) -> tuple[list[Article], list[Problem]]:
    import httpx

    try:
        with httpx.Client(
            timeout=limits.timeout, follow_redirects=True, max_redirects=limits.max_redirects,
            headers={"User-Agent": f"crossbrief/{__version__} (+offline news brief tool)"},
        ) as client, client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise InputError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
            ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype and not ctype.startswith(FETCHABLE_TYPES):
                raise InputError(f"content type {ctype} is not an article (HTML, text or JSON)")
            declared = int(response.headers.get("content-length") or 0)
            if declared > limits.max_bytes:
                raise InputError(f"response is {_megabytes(declared)}, over the {_megabytes(limits.max_bytes)} limit")
            chunks, total = [], 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > limits.max_bytes:
                    raise InputError(f"response is over the {_megabytes(limits.max_bytes)} limit")
                chunks.append(chunk)
            final_url = str(response.url)
    except httpx.TimeoutException:
        raise InputError(f"timed out after {limits.timeout:g} s") from None
    except httpx.TooManyRedirects:
        raise InputError(f"more than {limits.max_redirects} redirects") from None
    except httpx.HTTPError as err:
        raise InputError(f"could not fetch ({type(err).__name__}: {err})".splitlines()[0]) from None
    data = b"".join(chunks)
    text = decode(data)
    fmt = {"text/plain": "text", "application/json": "json"}.get(ctype, sniff_format(text))
    return parse(text, url, fmt, url=final_url)


def expand(inputs: Sequence[str]) -> tuple[list[str], list[Problem]]:
    """Inputs with folders replaced by the article files in them (recursively, sorted)."""
    expanded: list[str] = []
    problems: list[Problem] = []
    for item in inputs:
        if item == "-" or item.startswith(("http://", "https://")):
            expanded.append(item)
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
                problems.append(Problem(item, f"folder has no articles (looked for {kinds})"))
            expanded.extend(str(p) for p in found)
        elif path.exists():
            expanded.append(item)
        elif "://" in item:
            problems.append(Problem(item, "only http:// and https:// URLs can be fetched"))
        else:
            problems.append(Problem(item, "no such file or folder"))
    return expanded, problems


def read_inputs(
    inputs: Sequence[str], limits: Limits | None = None, stdin: BinaryIO | None = None
) -> tuple[list[Article], list[Problem]]:
    """Articles from every input, in order, and a Problem for each input that could not be read."""
    limits = limits or Limits()
    paths, problems = expand(inputs)
    articles: list[Article] = []
    for item in paths:
        try:
            if item == "-":
                found, more = read_stream(stdin or sys.stdin.buffer, limits)
            elif item.startswith(("http://", "https://")):
                found, more = fetch_url(item, limits)
            else:
                found, more = read_path(Path(item), limits)
        except InputError as err:
            problems.append(Problem("<stdin>" if item == "-" else item, str(err)))
            continue
        except OSError as err:
            problems.append(Problem(item, f"cannot read ({err.strerror or err})"))
            continue
        articles.extend(found)
        problems.extend(more)
    return articles, problems
