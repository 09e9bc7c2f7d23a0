"""The static encoder distilled from MiniLM (built by `make static-encoder`), used for real.

No skip when the model is missing: `make test` builds it first, and a test run that silently
left the static encoder untested would hide a broken build step.
"""

import os
import subprocess
import sys

import numpy as np
import pytest
from scipy.stats import spearmanr

from crossbrief.resources.encoders import StaticEncoder, get_encoder, get_static_encoder, static_model_dir
from crossbrief.settings import Settings

# (sentence, paraphrase): each pair is about something different from every other pair.
PAIRS = [
    (
        "The dam's spillway failed after four days of heavy rain.",
        "Heavy rain caused the spillway of the dam to collapse.",
    ),
    ("The president signed the bill into law on Tuesday.", "On Tuesday the president signed the legislation."),
    (
        "Police arrested two men after the bank robbery.",
        "Two suspects were detained by police following the robbery of a bank.",
    ),
    (
        "Shares of the company fell sharply after the earnings report.",
        "The company's stock dropped steeply following its quarterly results.",
    ),
    ("The orchestra will tour Japan in the spring.", "In spring the orchestra is going on a tour of Japan."),
]
SENTENCES = [s for pair in PAIRS for s in pair]


@pytest.fixture(scope="module")
def encoder() -> StaticEncoder:
    return get_static_encoder()


def test_shapes_dtype_and_unit_rows(encoder):
    v = encoder.encode(SENTENCES)
    assert encoder.dim == 256
    assert v.shape == (len(SENTENCES), 256) and v.dtype == np.float32
    assert v.flags["C_CONTIGUOUS"]
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


def test_empty_inputs(encoder):
    empty = encoder.encode([])
    assert empty.shape == (0, 256) and empty.dtype == np.float32
    # A text with no tokens has no direction: a zero row, similar to nothing (not NaN).
    v = encoder.encode(["", "   ", "The dam failed."])
    assert np.all(v[:2] == 0) and np.all(np.isfinite(v))
    assert np.isclose(np.linalg.norm(v[2]), 1.0, atol=1e-5)


def test_deterministic_and_independent_of_batch(encoder):
    first = encoder.encode(SENTENCES)
    assert np.array_equal(first, encoder.encode(SENTENCES))
    assert np.allclose(first[::-1], encoder.encode(SENTENCES[::-1]), atol=1e-6)
    assert np.allclose(first[3], encoder.encode([SENTENCES[3]])[0], atol=1e-6)
    # A second, independently loaded instance gives the same vectors.
    assert np.array_equal(first, StaticEncoder().encode(SENTENCES))


def test_same_model_as_model2vecs_own_loader(encoder):
    """The encoder builds its model from the files itself (faster to start); model2vec's loader,
    asked for what it used to be asked for, gives the same model: every vector bit for bit,
    on sentences, odd strings and a text past the model's maximum length."""
    from model2vec import StaticModel

    reference = StaticModel.from_pretrained(static_model_dir(), quantize_to="float32", normalize=True)
    assert np.array_equal(encoder.model.embedding, reference.embedding)
    assert encoder.model.normalize == reference.normalize and encoder.model.max_length == reference.max_length
    assert encoder.model.tokens == reference.tokens
    texts = [*SENTENCES, "", "---", "Zürich's 1,200 résumés (3.5%)", " ".join(["flood"] * 2000)]
    ours = encoder.encode(texts)
    theirs = np.ascontiguousarray(reference.encode(texts, use_multiprocessing=False), dtype=np.float32)
    assert np.array_equal(ours, theirs)


def test_paraphrases_are_closer_than_unrelated_sentences(encoder):
    a = encoder.encode([p[0] for p in PAIRS])
    b = encoder.encode([p[1] for p in PAIRS])
    sim = a @ b.T
    paraphrase = np.diag(sim)
    unrelated = sim[~np.eye(len(PAIRS), dtype=bool)]
    assert paraphrase.min() > unrelated.max() + 0.2, (paraphrase, unrelated.max())


def test_similarities_agree_with_minilm(encoder):
    """The student ranks sentence pairs much like its teacher (all 45 pairs of SENTENCES)."""
    iu = np.triu_indices(len(SENTENCES), k=1)
    s = encoder.encode(SENTENCES)
    m = get_encoder().encode(SENTENCES)
    assert spearmanr((s @ s.T)[iu], (m @ m.T)[iu]).statistic > 0.5


def test_loaded_once_per_process():
    assert get_static_encoder() is get_static_encoder()


def test_missing_model_names_the_path_and_the_make_target(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere"
    config = Settings.from_env({"CROSSBRIEF_STATIC_MODEL": str(missing)})
    assert static_model_dir(config) == missing
    with pytest.raises(FileNotFoundError) as error:
        StaticEncoder(static_model_dir(config))
    message = str(error.value)
    assert str(missing) in message and "make static-encoder" in message and "\n" not in message


def test_runtime_needs_neither_torch_nor_transformers():
    code = (
        "import sys; from crossbrief.resources.encoders import get_static_encoder; "
        "get_static_encoder().encode(['A sentence.']); "
        "print(sorted(m for m in ('torch', 'transformers', 'sklearn') if m in sys.modules))"
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
