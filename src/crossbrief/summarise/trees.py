"""Gradient-boosted trees evaluated with numpy, from LightGBM's text model format.

LightGBM trains the sentence selector (learn.py), but importing it at run time costs about a
second (it pulls in scikit-learn) and building a Booster from the model string another second
or more: most of a cold `crossbrief brief`. A trained ensemble is only arrays of split features,
thresholds and children, so predicting needs nothing but numpy. tests/test_trees.py checks that
this gives LightGBM's own predictions.

Supported: numerical splits (LightGBM's default), missing-value handling for "None", "Zero" and
"NaN" missing types, binary (sigmoid) and regression / ranking objectives. Categorical splits and
linear trees raise ValueError.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_ZERO = float(np.float32(1e-35))  # LightGBM's kZeroThreshold, a float32 constant
_DEFAULT_LEFT = 2
_MISSING_ZERO, _MISSING_NAN = 1, 2
_BLOCK = 512  # rows per step of TreeEnsemble.predict


@dataclass
class _Tree:
    feature: np.ndarray  # per internal node
    threshold: np.ndarray
    default_left: np.ndarray  # bool
    missing: np.ndarray  # 0 none, 1 zero, 2 NaN
    left: np.ndarray  # child: >= 0 internal node, < 0 leaf ~index
    right: np.ndarray
    leaf_value: np.ndarray
    shrinkage: float = 1.0  # already folded into leaf values by LightGBM; kept for the record


class TreeEnsemble:
    """predict(X) for a LightGBM model given as the text of `Booster.model_to_string()`."""

    def __init__(
        self, trees: list[_Tree], sigmoid: float | None, num_features: int, feature_names: list[str] | None = None
    ):
        self.trees = trees
        self.sigmoid = sigmoid
        self.num_features = num_features
        self.feature_names = feature_names or []  # as recorded in the model, if it names them
        self._pack()

    def _pack(self) -> None:
        # All trees in one set of arrays, so that one numpy step advances every (row, tree) pair
        # by a level: ~20 array operations per prediction instead of ~20 per tree (400 trees).
        # Internal nodes get global indices >= 0; a child that is a leaf is coded ~(global leaf).
        names = ("feature", "threshold", "default_left", "missing", "left", "right", "leaf")
        parts: dict[str, list[np.ndarray]] = {k: [] for k in names}
        roots = []
        node_offset = leaf_offset = 0
        for t in self.trees:
            roots.append(node_offset if len(t.feature) else ~leaf_offset)
            parts["feature"].append(t.feature)
            parts["threshold"].append(t.threshold)
            parts["default_left"].append(t.default_left)
            parts["missing"].append(t.missing)
            for side, children in (("left", t.left), ("right", t.right)):
                parts[side].append(np.where(children >= 0, children + node_offset, ~(leaf_offset + ~children)))
            parts["leaf"].append(t.leaf_value)
            node_offset += len(t.feature)
            leaf_offset += len(t.leaf_value)

        def cat(name: str, dtype) -> np.ndarray:
            return np.concatenate(parts[name]).astype(dtype) if parts[name] else np.zeros(0, dtype)

        self._feature = cat("feature", np.int64)
        self._threshold = cat("threshold", np.float64)
        self._default_left = cat("default_left", bool)
        self._missing = cat("missing", np.int64)
        self._left = cat("left", np.int64)
        self._right = cat("right", np.int64)
        self._leaf = cat("leaf", np.float64)
        self._roots = np.array(roots, dtype=np.int64)

    @classmethod
    def from_lightgbm(cls, model: str) -> TreeEnsemble:
        header, _, body = model.partition("\nTree=")
        fields = dict(line.split("=", 1) for line in header.splitlines() if "=" in line)
        if int(fields.get("num_class", "1")) != 1:
            raise ValueError("only single-output models are supported")
        objective = fields.get("objective", "")
        sigmoid = None
        if objective.startswith("binary"):
            parts = dict(p.split(":", 1) for p in objective.split()[1:] if ":" in p)
            sigmoid = float(parts.get("sigmoid", 1.0))
        blocks = ("Tree=" + body).split("\nTree=") if body.strip() else []
        trees = [cls._tree(block) for block in blocks if block.strip()]
        num_features = int(fields.get("max_feature_idx", "-1")) + 1
        return cls(trees, sigmoid, num_features, fields.get("feature_names", "").split())

    @staticmethod
    def _tree(block: str) -> _Tree:
        block = block.split("end of trees")[0]
        f = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
        if int(f.get("num_cat", "0")) or int(f.get("is_linear", "0")):
            raise ValueError("categorical splits and linear trees are not supported")

        def ints(name: str) -> np.ndarray:
            return np.array(f[name].split(), dtype=np.int64) if f.get(name, "").strip() else np.zeros(0, np.int64)

        def floats(name: str) -> np.ndarray:
            return np.array(f[name].split(), dtype=np.float64) if f.get(name, "").strip() else np.zeros(0)

        decision = ints("decision_type")
        tree = _Tree(
            feature=ints("split_feature"),
            threshold=floats("threshold"),
            default_left=(decision & _DEFAULT_LEFT).astype(bool),
            missing=(decision >> 2) & 3,
            left=ints("left_child"),
            right=ints("right_child"),
            leaf_value=floats("leaf_value"),
            shrinkage=float(f.get("shrinkage", "1")),
        )
        # Trees share one set of arrays at prediction time, so a bad child index would not fail
        # but silently continue in another tree: check the structure here.
        leaves = len(tree.leaf_value)
        internal = len(tree.feature)
        if leaves == 0 or internal != leaves - 1 or not (
            len(tree.threshold) == len(decision) == len(tree.left) == len(tree.right) == internal
        ):
            raise ValueError(f"malformed tree ({leaves} leaves, {internal} splits)")
        children = np.concatenate([tree.left, tree.right])
        if children.size and (children.min() < -leaves or children.max() >= internal):
            raise ValueError("malformed tree: a child index is out of range")
        return tree

    def _raw(self, X: np.ndarray) -> np.ndarray:
        n, n_trees = X.shape[0], len(self._roots)
        if n_trees == 0:
            return np.zeros(n)
        node = np.tile(self._roots, n)  # row-major: (row, tree) pairs
        row = np.repeat(np.arange(n), n_trees)
        active = np.flatnonzero(node >= 0)
        while active.size:
            idx = node[active]
            x = X[row[active], self._feature[idx]]
            missing = self._missing[idx]
            nan = np.isnan(x)
            # Outside the NaN missing type, LightGBM reads NaN as zero; it also reads values within
            # kZeroThreshold of zero as zero.
            x = np.where(nan & (missing != _MISSING_NAN), 0.0, x)
            x = np.where(np.abs(x) <= _ZERO, 0.0, x)
            go_left = x <= self._threshold[idx]
            is_missing = ((missing == _MISSING_NAN) & nan) | ((missing == _MISSING_ZERO) & (x == 0.0))
            go_left = np.where(is_missing, self._default_left[idx], go_left)
            node[active] = np.where(go_left, self._left[idx], self._right[idx])
            active = active[node[active] >= 0]
        return self._leaf[~node].reshape(n, n_trees).sum(axis=1)

    def predict(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or (self.num_features and X.shape[1] < self.num_features):
            raise ValueError(f"expected a 2-D array with {self.num_features} feature columns")
        # (rows x trees) pairs are walked together; blocks of rows keep that working set small.
        blocks = [self._raw(X[k : k + _BLOCK]) for k in range(0, len(X), _BLOCK)]
        raw = np.concatenate(blocks) if len(X) else np.zeros(0)
        if self.sigmoid is not None:
            return 1.0 / (1.0 + np.exp(-self.sigmoid * raw))
        return raw
