"""The numpy tree evaluator must reproduce LightGBM's own predictions."""

import numpy as np
import pytest

from crossbrief.summarise.trees import TreeEnsemble

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


@pytest.mark.parametrize("zero_as_missing,use_missing", [(True, True), (False, False)])
def test_other_missing_modes_and_many_rows(zero_as_missing, use_missing):
    """Zero-as-missing and missing-disabled models; more rows than one prediction block."""
    X, y = _data()
    params = {"objective": "regression", "num_leaves": 15, "verbose": -1, "seed": 1, "deterministic": True,
              "num_threads": 1, "zero_as_missing": zero_as_missing, "use_missing": use_missing}
    booster = lgb.train(params, lgb.Dataset(X, y), num_boost_round=30)
    test = np.vstack([_data(seed=s)[0] for s in range(3)])  # 1,800 rows
    test[::13, 0] = np.nan
    test[::11, 1] = 0.0
    ours = TreeEnsemble.from_lightgbm(booster.model_to_string()).predict(test)
    assert np.allclose(ours, booster.predict(test), atol=1e-9)
    assert TreeEnsemble.from_lightgbm(booster.model_to_string()).predict(test[:0]).shape == (0,)


def test_single_leaf_trees_and_no_trees():
    X = np.zeros((50, 3))
    y = np.full(50, 2.5)  # nothing to split on: every tree is a single leaf
    booster = lgb.train(
        {"objective": "regression", "verbose": -1, "min_data_in_leaf": 1}, lgb.Dataset(X, y), num_boost_round=3
    )
    ens = TreeEnsemble.from_lightgbm(booster.model_to_string())
    assert np.allclose(ens.predict(X[:4]), booster.predict(X[:4]))
    header = booster.model_to_string().split("\nTree=")[0]
    assert np.array_equal(TreeEnsemble.from_lightgbm(header).predict(X[:3]), np.zeros(3))


def test_a_corrupt_tree_is_refused_not_misread():
    X, y = _data()
    model = lgb.train(
        {"objective": "regression", "num_leaves": 7, "verbose": -1}, lgb.Dataset(X, y), num_boost_round=2
    ).model_to_string()
    head, _, rest = model.partition("left_child=")
    children, _, tail = rest.partition("\n")
    bad = children.split()
    bad[-1] = "45"  # points past the tree's own nodes (into the next tree, once packed)
    with pytest.raises(ValueError, match="child index"):
        TreeEnsemble.from_lightgbm(head + "left_child=" + " ".join(bad) + "\n" + tail)
