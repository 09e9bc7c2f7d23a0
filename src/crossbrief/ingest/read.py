"""Read articles from files, folders, standard input and URLs.

Every input either becomes one or more `Article`s or one `Problem` (a one-line reason); an input
never raises, and one bad input never stops the others: an unexpected error while reading one
becomes its Problem ("internal error while reading it (...)"). Formats: plain text (with the header
lines scrapers leave at the top turned into metadata), HTML (through trafilatura), JSON / JSONL
objects with a `text` field. Encodings: see `decoding` (BOM, UTF-8, declared charset, detection;
undecodable bytes replaced with a warning). Input names in Problems have their control characters
escaped, and one input reports at most a few problems, then how many more (see `problems`).

Limits (`Limits`): files and responses up to 10 MB; URLs get 15 s per network step and 30 s for
the whole fetch (connect, headers, body, redirects), at most 5 redirects, and only public
addresses unless `allow_private` (see `fetch`).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

from crossbrief.errors import InputError
from crossbrief.ingest.decoding import Decoded, decode_bytes, scrub
from crossbrief.ingest.fetch import FETCHABLE_TYPES, Fetched, fetch
from crossbrief.ingest.problems import one_line, problem, shown, summarised
from crossbrief.model import Article, Problem

__all__ = ["FETCHABLE_TYPES", "Limits", "decode", "read_inputs", "split_header"]
log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES

MIN_ARTICLE_WORDS = 10
# Article.meta key naming the HTML extractor that took an article's text out of its page; the
# cleaner (stages/clean.py) then applies only its sure rules.
EXTRACTED_BY = "extracted_by"
MAX_BYTES = 10 * 1024 * 1024  # no news article is this long; bigger inputs are mistakes
FETCH_TIMEOUT = 15.0  # seconds for each network step of a fetch (connect, each read)
FETCH_DEADLINE = 30.0  # seconds for the whole fetch of one URL: connect + headers + body + redirects
MAX_REDIRECTS = 5


@dataclass
class Limits:
    max_bytes: int = MAX_BYTES
    timeout: float = FETCH_TIMEOUT
    max_redirects: int = MAX_REDIRECTS
    deadline: float = FETCH_DEADLINE
    allow_private: bool | None = None  # fetch from private addresses too; None: as the settings say

    def private_allowed(self) -> bool:
        if self.allow_private is not None:
            return self.allow_private
        from crossbrief import settings

        return settings.current().allow_private


# -- bytes to text ------------------------------------------------------------------------------
def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def decode(data: bytes, declared: str = "") -> str:
    """Text from bytes in any encoding (see `decoding`), or InputError saying why not."""
    return decode_bytes(data, declared).text


Found = tuple[list[Article], list[Problem]]


def _with_warning(decoded: Decoded, name: str, found: Found) -> Found:
    """`found` with the decoding's warning (bytes replaced), if any, as a non-fatal Problem first."""
    articles, problems = found
    if decoded.warning:
        problems = [problem(name, decoded.warning, fatal=False), *problems]
    return articles, problems


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
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?![\d])")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_SITE_SUFFIX = re.compile(r"^(?P<title>.+?)\s+[-|–—]\s+(?P<site>[A-Z][\w.&' ]{1,40})$")


def parse_date(value: str) -> str:
    """ISO date (YYYY-MM-DD) from a date string, or "" when it is not one."""
    value = value.strip()
    if not value or len(value) > 60:
        return ""
    if _ISO_DAY.match(value):  # the common case in feeds, without dateutil's general parser
        try:
            return date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            pass
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
    try:
        host = urlparse(url).hostname or ""
    except ValueError:  # a malformed URL (an unclosed IPv6 bracket): no outlet from it
        return ""
    host = re.sub(r"^(www\d?|m|mobile|amp|edition)\.", "", host)
    return host


def _outlet(url: str, site: str, source: str) -> str:
    """An article's outlet: its URL's host, else the page's own site name, else the file's name.
    A host that is an address (127.0.0.1, localhost: a test server, a mirror) names no outlet, so
    the site name comes first there."""
    host = _outlet_from_url(url) if url.startswith(("http://", "https://")) else ""
    if host and site and _is_address(host):
        return site
    return host or site or _outlet_from_path(source)


def _is_address(host: str) -> bool:
    import ipaddress

    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def outlet_from_url(url: str) -> str:
    """The outlet a URL names: its host without www., m., amp. and the like ("" if it has none)."""
    return _outlet_from_url(url)


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
        outlet=_outlet(url, site, source),
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
        outlet=_outlet(url, site, source),
        meta={"site_name": site, EXTRACTED_BY: "trafilatura"} if site else {EXTRACTED_BY: "trafilatura"},
    )


# -- JSON / JSONL --------------------------------------------------------------------------------
_TEXT_FIELDS = ("title", "url", "date", "author", "outlet")


def _json_kind(value: object) -> str:
    return {dict: "an object", list: "a list", bool: "true/false", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _article_from_object(obj: object, source: str) -> tuple[Article, list[str]]:
    """The article of one JSON object, and warnings about fields that were ignored."""
    if not isinstance(obj, dict):
        raise InputError(f"expected a JSON object with a 'text' field, not {_json_kind(obj)}")
    text = obj.get("text")
    if text is not None and not isinstance(text, str):
        raise InputError(f"'text' is {_json_kind(text)}, not text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("no 'text' field (or it is empty)")
    warnings = []
    fields: dict[str, str] = {}
    for key in _TEXT_FIELDS:
        value = obj.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            fields[key] = scrub(value)
        elif isinstance(value, int | float) and not isinstance(value, bool) and key == "date":
            fields[key] = str(value)
        else:
            warnings.append(f"ignored '{key}' ({_json_kind(value)}, not text)")
    url = fields.get("url", "")
    article = article_from_text(scrub(text), source, url=url)
    article.title = fields.get("title") or article.title
    given_date = fields.get("date", "")
    parsed_date = parse_date(given_date) if given_date else ""
    if given_date and not parsed_date:
        warnings.append(f"ignored 'date' ({given_date[:40]!r} is not a date)")
    article.date = parsed_date or article.date
    article.author = fields.get("author", "")
    article.outlet = fields.get("outlet") or (_outlet_from_url(url) if url else "") or article.outlet
    given_id = obj.get("id")
    if isinstance(given_id, str) and given_id.strip():
        article.meta["id"] = scrub(given_id.strip())
    elif isinstance(given_id, int) and not isinstance(given_id, bool):
        article.meta["id"] = str(given_id)
    elif given_id is not None:
        warnings.append(f"ignored 'id' ({_json_kind(given_id)}, not text or a whole number)")
    return article, warnings


def _load_json(text: str) -> object:
    """json.loads, with every way it can fail as InputError (too deep, a huge number ...)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"invalid JSON ({err.msg})") from None
    except RecursionError:
        raise InputError("invalid JSON (nested too deeply)") from None
    except ValueError as err:  # e.g. an integer too long to convert
        raise InputError(f"invalid JSON ({err})") from None


def _take_object(name: str, obj: object, articles: list[Article], problems: list[Problem]) -> None:
    """The article of the JSON object `obj` (an InputError when it could not be parsed), or its
    Problem: one bad object never sinks the rest."""
    try:
        if isinstance(obj, InputError):
            raise obj
        article, warnings = _article_from_object(obj, name)
        articles.append(article)
        problems.extend(problem(name, w, fatal=False) for w in warnings)
    except InputError as err:
        problems.append(problem(name, str(err)))
    except Exception as err:  # noqa: BLE001 - one bad object never sinks the rest
        problems.append(_internal_error(name, err))


def articles_from_json(text: str, source: str) -> tuple[list[Article], list[Problem]]:
    articles: list[Article] = []
    problems: list[Problem] = []
    items: list[tuple[str, object]] = []  # (name, object) or (name, InputError) in file order
    try:
        data = _load_json(text)
        items = [(f"{source}#{i + 1}", o) for i, o in enumerate(data)] if isinstance(data, list) else [(source, data)]
    except InputError as whole:
        if "\n" not in text.strip():
            raise  # one line: one broken document
        # Not one JSON document: read it as JSON Lines.
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append((f"{source}:{n}", _load_json(line)))
            except InputError as err:
                items.append((f"{source}:{n}", err))
        if "nested too deeply" in str(whole) and all(isinstance(o, InputError) for _, o in items):
            raise  # one document, too deep (not lines of JSON)
    for name, obj in items:
        _take_object(name, obj, articles, problems)
    if not items:
        problems.append(problem(source, "no articles in this JSON (expected objects with a 'text' field)"))
    return articles, problems


# -- dispatch -----------------------------------------------------------------------------------
def parse(text: str, source: str, fmt: str, url: str = "") -> tuple[list[Article], list[Problem]]:
    if fmt == "json":
        return articles_from_json(text, source)
    if fmt == "html":
        return [article_from_html(text, source, url=url)], []
    return [article_from_text(text, source, url=url)], []


def read_jsonl_lines(path: Path, limits: Limits) -> tuple[list[Article], list[Problem]]:
    """A JSON Lines file of any size, line by line: one article per line, each line within the
    per-article limit (a longer line is skipped, named by its number), undecodable bytes replaced."""
    articles: list[Article] = []
    problems: list[Problem] = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            name = f"{path}:{n}"
            if len(raw) > limits.max_bytes:
                problems.append(problem(name, f"line is {_megabytes(len(raw))}, over the "
                                              f"{_megabytes(limits.max_bytes)} limit"))
                continue
            line = raw.decode("utf-8", errors="replace")
            if not line.strip():
                continue
            try:
                obj: object = _load_json(line)
            except InputError as err:
                obj = err
            _take_object(name, obj, articles, problems)
    if not articles and not problems:
        problems.append(problem(str(path), "no articles in this JSON Lines file"))
    return articles, problems


def read_path(path: Path, limits: Limits) -> tuple[list[Article], list[Problem]]:
    size = path.stat().st_size
    if size > limits.max_bytes and path.suffix.lower() in (".jsonl", ".ndjson"):
        # A feed of many articles: the size limit is per article (per line), not per file.
        return read_jsonl_lines(path, limits)
    if size > limits.max_bytes:
        raise InputError(f"file is {_megabytes(size)}, over the {_megabytes(limits.max_bytes)} limit")
    if size == 0:
        raise InputError("empty file")
    decoded = decode_bytes(path.read_bytes())
    found = parse(decoded.text, str(path), sniff_format(decoded.text, path.suffix.lower()))
    return _with_warning(decoded, str(path), found)


def read_stream(stream: BinaryIO | None, limits: Limits) -> tuple[list[Article], list[Problem]]:
    if stream is None:
        raise InputError("standard input is closed")
    data = stream.read(limits.max_bytes + 1)
    if isinstance(data, str):  # a text stream without a binary buffer (an IDE's console, a test)
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > limits.max_bytes:
        raise InputError(f"input is over the {_megabytes(limits.max_bytes)} limit")
    decoded = decode_bytes(data)
    return _with_warning(decoded, "<stdin>", parse(decoded.text, "<stdin>", sniff_format(decoded.text)))


def _stdin() -> BinaryIO | None:
    """sys.stdin's bytes, or None when standard input is closed (`<&-`)."""
    stream = sys.stdin
    if stream is None:
        return None
    buffer = getattr(stream, "buffer", None)
    return buffer if buffer is not None else stream  # type: ignore[return-value]


def fetch_url(url: str, limits: Limits) -> tuple[list[Article], list[Problem]]:
    fetched = fetch(
        url, limits.timeout, limits.deadline, limits.max_redirects, limits.max_bytes,
        allow_private=limits.private_allowed(),
    )
    return articles_from_fetched(fetched, url)


def articles_from_fetched(fetched: Fetched, url: str) -> tuple[list[Article], list[Problem]]:
    """The articles of a fetched page (HTML, text or JSON), named `url`."""
    decoded = decode_bytes(fetched.data, declared=fetched.charset)
    text = decoded.text
    fmt = {"text/plain": "text", "application/json": "json"}.get(fetched.content_type, sniff_format(text))
    return _with_warning(decoded, url, parse(text, url, fmt, url=fetched.final_url))


def expand(inputs: Sequence[str]) -> tuple[list[str], list[Problem]]:
    """Inputs with folders replaced by the article files in them (recursively, sorted)."""
    expanded: list[str] = []
    problems: list[Problem] = []
    for item in inputs:
        if item == "-" or item.startswith(("http://", "https://")):
            expanded.append(item)
            continue
        try:
            path = Path(item)
            is_dir, exists = path.is_dir(), path.exists()
        except (OSError, ValueError) as err:  # a NUL byte, a name too long
            problems.append(problem(item, f"cannot read ({getattr(err, 'strerror', None) or err})"))
            continue
        if is_dir:
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
            )
            if not found:
                kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
                problems.append(problem(item, f"folder has no articles (looked for {kinds})"))
            expanded.extend(str(p) for p in found)
        elif exists:
            expanded.append(item)
        elif "://" in item:
            problems.append(problem(item, "only http:// and https:// URLs can be fetched"))
        else:
            problems.append(problem(item, "no such file or folder"))
    return expanded, problems


def _internal_error(name: str, err: BaseException) -> Problem:
    """A bug met while reading `name`: its Problem (marked `internal`); the traceback is logged at debug level."""
    log.debug("internal error while reading %s", shown(name), exc_info=err)  # the traceback with CROSSBRIEF_DEBUG=1
    detail = one_line(str(err).split("\n")[0]) if str(err).strip() else ""
    message = f"internal error while reading it ({type(err).__name__}{': ' + detail if detail else ''})"
    return problem(name, message, internal=True)


def _read_one(item: str, limits: Limits, stdin: BinaryIO | None) -> tuple[list[Article], list[Problem]]:
    if item == "-":
        return read_stream(stdin if stdin is not None else _stdin(), limits)
    if item.startswith(("http://", "https://")):
        return fetch_url(item, limits)
    return read_path(Path(item), limits)


def read_inputs(
    inputs: Sequence[str], limits: Limits | None = None, stdin: BinaryIO | None = None
) -> tuple[list[Article], list[Problem]]:
    """Articles from every input, in order, and the Problems of the inputs that could not be read
    (or were read with a caveat): at most a few per input, then how many more."""
    limits = limits or Limits()
    paths, problems = expand(inputs)
    articles: list[Article] = []
    for item in paths:
        name = "<stdin>" if item == "-" else item
        try:
            found, more = _read_one(item, limits, stdin)
        except InputError as err:
            problems.append(problem(name, str(err)))
            continue
        except OSError as err:
            problems.append(problem(name, f"cannot read ({err.strerror or err})"))
            continue
        except Exception as err:  # noqa: BLE001 - one bad input never sinks the rest
            problems.append(_internal_error(name, err))
            continue
        articles.extend(found)
        problems.extend(summarised(more, name))
    return articles, problems
