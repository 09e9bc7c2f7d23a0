"""The numpy tree evaluator must reproduce LightGBM's own predictions."""

import numpy as np
import pytest

from crossbrief.trees import TreeEnsemble

lgb = pytest.importorskip("lightgbm")


def _data(seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(600, 6))
    X[rng.random(X.shape) < 0.05] = 0.0  # exact zeros, as many real features have
    y = X[:, 0] * 2 - X[:, 1] ** 2 + np.sin(X[:, 2]) + rng.normal(scale=0.1, size=600)
    return X, y


@pytest.mark.parametrize("objective", ["regression", "binary", "lambdarank"])
def test_predictions_match_lightgbm(objective):
    X, y = _data()
    params = {"objective": objective, "num_leaves": 15, "learning_rate": 0.1, "verbose": -1, "seed": 1,
              "deterministic": True, "num_threads": 1}
    if objective == "binary":
        y = (y > np.median(y)).astype(int)
    if objective == "lambdarank":
        y = np.clip(np.round(y - y.min()), 0, 4).astype(int)
        train = lgb.Dataset(X, y, group=[60] * 10)
    else:
        train = lgb.Dataset(X, y)
    booster = lgb.train(params, train, num_boost_round=40)
    test = _data(seed=7)[0]
    test[::17, 3] = np.nan  # missing values take LightGBM's default direction
    ours = TreeEnsemble.from_lightgbm(booster.model_to_string()).predict(test)
    assert np.allclose(ours, booster.predict(test), atol=1e-9)


def test_wrong_shape_is_refused():
    X, y = _data()
    booster = lgb.train({"objective": "regression", "verbose": -1}, lgb.Dataset(X, y), num_boost_round=2)
    with pytest.raises(ValueError):
        TreeEnsemble.from_lightgbm(booster.model_to_string()).predict(X[:, :3])
