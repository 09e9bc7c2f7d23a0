"""Bytes to text, whatever the encoding: the order a browser would use, made robust for scraped files.

1. a byte order mark (UTF-8, UTF-16 or UTF-32) decides;
2. otherwise bytes that are valid UTF-8 are UTF-8 (a legacy encoding almost never makes valid
   UTF-8 by chance, and pages often declare the wrong charset);
3. otherwise the declared charset: the HTTP Content-Type header of a fetched page, then the
   page's own `<meta charset>`, `<meta http-equiv="Content-Type">` or XML declaration. A
   declaration the bytes do not fit (a Latin-1 page that claims UTF-8) is ignored;
4. otherwise text that is mostly UTF-8 with a few passages that are not (a Latin-1 quote pasted
   into a UTF-8 page) is read as UTF-8, each byte that is not UTF-8 as Windows-1252;
5. otherwise charset-normalizer detects the encoding (Windows-1252 preferred among the Western
   encodings it cannot tell apart, since ISO-8859-1 is its subset).

Bytes that still cannot be decoded are replaced (U+FFFD) and counted; `Decoded.warning` then
says how many. Binary data (NUL bytes without a UTF-16/32 shape, many control bytes) is refused.
Lone surrogates never leave this module (nor `scrub`): they become U+FFFD.
"""

from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass

from crossbrief.errors import InputError

_BOMS = (  # UTF-32 first: its little-endian mark starts like UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels that mean Windows-1252 in practice (the WHATWG encoding standard maps them so).
_WINDOWS_1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "cp1252", "windows-1252"}
_LATIN_FAMILY = {"cp1252", "latin_1", "iso8859_15", "ascii"}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]{1,40})""", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._\-]{1,40})["']""")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ASCII = bytes(range(128))


@dataclass
class Decoded:
    text: str
    encoding: str  # Python codec name, or "utf-8+cp1252" for mostly-UTF-8 text with other bytes
    fallback_bytes: int = 0  # bytes not UTF-8 in mostly-UTF-8 text, read as Windows-1252
    replaced_bytes: int = 0  # bytes replaced with U+FFFD

    @property
    def warning(self) -> str:
        """One line on what could not be decoded as it stood, or "" when everything could."""
        if self.fallback_bytes:
            how = "read as Windows-1252"
            if self.replaced_bytes:
                read = self.fallback_bytes - self.replaced_bytes
                how = f"{read} read as Windows-1252, {self.replaced_bytes} as U+FFFD"
            return f"replaced {self.fallback_bytes} {_bytes(self.fallback_bytes)} that are not UTF-8 ({how})"
        if self.replaced_bytes:
            return (
                f"replaced {self.replaced_bytes} undecodable {_bytes(self.replaced_bytes)} "
                f"with U+FFFD (read as {self.encoding})"
            )
        return ""


def _bytes(n: int) -> str:
    return "byte" if n == 1 else "bytes"


# -- counting error handlers (the count is per thread, so concurrent reads do not mix) -----------
_counts = threading.local()


def _replace_counting(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):
        raise err
    _counts.replaced += err.end - err.start
    return "\ufffd", err.end


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    """Error handler for UTF-8: a byte that is not UTF-8 is read as Windows-1252 (one at a time)."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    byte = err.object[err.start : err.start + 1]
    _counts.fallback += 1
    try:
        return byte.decode("cp1252"), err.start + 1
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: undefined in Windows-1252
        _counts.replaced += 1
        return "\ufffd", err.start + 1


codecs.register_error("crossbrief-replace", _replace_counting)
codecs.register_error("crossbrief-cp1252", _cp1252_fallback)


def _decode(data: bytes, encoding: str) -> Decoded:
    _counts.replaced = _counts.fallback = 0
    if encoding == "utf-8+cp1252":
        text = data.decode("utf-8", errors="crossbrief-cp1252")
    else:
        text = data.decode(encoding, errors="crossbrief-replace")
    return Decoded(scrub(text), encoding, _counts.fallback, _counts.replaced)


def scrub(text: str) -> str:
    """`text` with lone surrogates (which no encoder accepts) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


# -- the steps -----------------------------------------------------------------------------------
def _codec(label: str) -> str:
    """Python's codec name for a charset label, or "" when Python does not know it."""
    label = label.strip().strip("\"'").lower()
    if label in _WINDOWS_1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return ""


def declared_charset(data: bytes) -> str:
    """The charset a document declares in its first bytes (meta tag or XML declaration), or ""."""
    head = data[:4096]
    match = _XML_DECLARATION.match(head) or _META_CHARSET.search(head)
    if not match:
        return ""
    return match.group(1).decode("ascii", "replace")


def _utf16_without_bom(head: bytes) -> str:
    """'utf-16-le' / 'utf-16-be' when `head` has the shape of UTF-16 text without a BOM, else ""."""
    if len(head) < 16:
        return ""
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > len(odd) * 0.6 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.6 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    return ""


def _is_binary(head: bytes) -> bool:
    # NUL bytes never occur in text; many other control bytes mean a binary format.
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return b"\x00" in head or controls > len(head) * 0.05


def _mostly_utf8(data: bytes) -> bool:
    """Whether `data` (not valid UTF-8) is UTF-8 text with a few bytes of another encoding."""
    non_ascii = len(data.translate(None, _ASCII))  # the bytes left when the ASCII ones are deleted
    _counts.replaced = _counts.fallback = 0
    data.decode("utf-8", errors="crossbrief-cp1252")
    invalid = _counts.fallback
    utf8_bytes = non_ascii - invalid  # bytes of well-formed multi-byte sequences
    return utf8_bytes >= 2 and utf8_bytes >= invalid


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    matches = from_bytes(data[:200_000])
    best = matches.best()
    if best is None:
        return ""
    # cp1250, cp1252, latin-1 ... read most Western text alike and the detector picks among them
    # at random; news in those is nearly always Windows-1252.
    if _LATIN_FAMILY & {best.encoding, *best.could_be_from_charset}:
        return "cp1252"
    for match in matches:
        if match.encoding == "cp1252" and match.percent_chaos <= best.percent_chaos + 0.5:
            return "cp1252"
    return str(best.encoding)


def decode_bytes(data: bytes, declared: str = "") -> Decoded:
    """Text from bytes (see the module's docstring for the order), or InputError saying why not.

    `declared` is a charset from outside the document (a fetched page's Content-Type header).
    """
    if not data.strip():
        raise InputError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], encoding)
    head = data[:8192]
    if b"\x00" in head and (utf16 := _utf16_without_bom(head[: len(head) // 2 * 2])):
        return _decode(data, utf16)
    if _is_binary(head):
        raise InputError("binary file, not text")
    try:
        return Decoded(scrub(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    for label in (declared, declared_charset(data)):
        codec = _codec(label) if label else ""
        if not codec or codec == "utf-8" or codec.startswith(("utf-16", "utf-32")):
            continue  # not UTF-8 after all; a UTF-16 declaration in ASCII-readable bytes is wrong
        try:
            return Decoded(scrub(data.decode(codec)), codec)
        except UnicodeDecodeError:
            continue
    if _mostly_utf8(data):
        return _decode(data, "utf-8+cp1252")
    detected = _detect(data)
    return _decode(data, detected or "utf-8+cp1252")
