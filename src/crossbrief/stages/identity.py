"""Stable article identity: an id from the article's clean text, whatever its position or source.

The same article read twice -- from a file and from its URL, or in two bundles -- has the same id,
so per-article work is done once and every citation, sentence, mention, figure and quote can name
its article in a store or across briefs. The id hashes the clean text after Unicode (NFC) and
white-space normalisation, so line wrapping and trailing spaces do not make two copies differ.
"""

from __future__ import annotations

import hashlib
import unicodedata

ID_HEX_DIGITS = 16  # 64 bits: a collision among a billion articles has odds of about 3 in 100


def article_id(clean_text: str) -> str:
    """The article's id: 16 hex digits of BLAKE2b over its normalised clean text."""
    normal = " ".join(unicodedata.normalize("NFC", clean_text).split())  # runs of re's \s made one space
    return hashlib.blake2b(normal.encode("utf-8"), digest_size=ID_HEX_DIGITS // 2).hexdigest()
