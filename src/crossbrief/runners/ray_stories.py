"""`crossbrief stories --engine ray`: the per-article work of `stories` on Ray Data.

`ray_signer(address)` is a `Signer` (see `runners.stories`): given a batch of articles as read, it
sends them to Ray Data as rows, where a pool of actors (`SignActor`, each loading the static
encoder and the MinHash permutations once) cleans them, gives them their ids and computes their
signatures with `stories.signature.sign`, the very function the in-process path calls. The
signatures come back as plain columns and are rebuilt on the driver, equal to the in-process ones
bit for bit (float32 vectors and uint64 MinHash values as raw little-endian bytes, TF-IDF terms as
a JSON list of pairs, so their order is kept), in input order (each row carries its position).
The grouping itself stays on the driver, in input order, as in-process: each decision depends on
everything before it (see docs/ray.md for how it could be split by time window instead).

With no address, Ray is started on this machine, bound to 127.0.0.1 only, with no dashboard and
no usage statistics; with one, the signer connects to that cluster (`auto`, `HOST:6379`, or
`ray://HOST:10001` for Ray Client, which Ray deprecates and which needs `ray[client]`). Ray starts
(or connects) on the first batch, once; `close()` stops or leaves it.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
import math
import os
import re
import sys
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from crossbrief.errors import UsageError
from crossbrief.model import Article, Problem
from crossbrief.runners.stories import Signer
from crossbrief.settings import STATIC_MODEL_ENV
from crossbrief.stories.signature import Signature, term_columns
from crossbrief.version import __version__

SOURCE_ROOT = Path(__file__).resolve().parents[2]  # the folder crossbrief is imported from

MISSING_RAY = "--engine ray needs the [ray] extra: pip install 'crossbrief[ray]'"
CONNECT_TIMEOUT = 5.0  # seconds to reach a cluster's head before giving up
ROWS_PER_CALL = 250  # articles per actor call (encoded in one batch there)
# Each call of the signer is one Ray Data run, which starts its own actors (each loading the models):
# about 3-4 s on 2 loaded cores whatever the batch. A caller that can send bigger batches should
# (RaySigner.preferred_batch); run_stories sends BATCH (2,000) at a time.
PREFERRED_BATCH = 20_000
# Ray reads this when it is imported: with it off, the node's address is the loopback one, so a
# local Ray listens on 127.0.0.1 alone (on Linux it would otherwise take the machine's address).
_LOOPBACK_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"
_ERROR_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception): \S")

# What an Article carries when it is read (before cleaning): all the actors need to rebuild it.
ARTICLE_FIELDS = ("source", "raw_text", "title", "url", "date", "author", "outlet", "keywords", "meta",
                  "id", "canonical_url", "text")
# Every field of Signature, and how it travels (checked against the dataclass when a signer starts,
# so a field added to Signature cannot be dropped on the way without notice).
SIGNATURE_FIELDS = ("id", "key", "vector", "terms", "rare", "names", "numbers", "day", "outlet", "title",
                    "lead", "shingles", "minhash", "columns")
NO_DAY = -1  # `day` is a proleptic ordinal (>= 1) or None


# -- rows: articles out, signatures and problems back ----------------------------------------------
def article_row(position: int, article: Article) -> dict[str, Any]:
    """One input row: the article's position in the batch, and its fields as read (JSON)."""
    fields = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    return {"position": position, "article": json.dumps(fields, ensure_ascii=False)}


def row_article(text: str) -> Article:
    return Article(**json.loads(text))


def _column(values: list, dtype: Any = object) -> np.ndarray:
    out = np.empty(len(values), dtype=dtype)
    out[:] = values
    return out


def result_columns(
    positions: Sequence[int], signed: Sequence[Signature | Problem], model: str
) -> dict[str, np.ndarray]:
    """The columns of signed rows: each a Signature's fields, or a Problem's (the others empty)."""
    cols: dict[str, list] = {name: [] for name in (
        "position", "ok", "id", "key", "vector", "terms", "rare", "names", "numbers", "day", "outlet", "title",
        "lead", "shingles", "minhash", "columns", "problem", "model")}
    for position, item in zip(positions, signed):
        cols["position"].append(int(position))
        cols["model"].append(model)
        if isinstance(item, Problem):
            cols["ok"].append(False)
            cols["problem"].append(json.dumps(dataclasses.asdict(item), ensure_ascii=False))
            for name in ("id", "key", "terms", "rare", "names", "numbers", "outlet", "title", "lead"):
                cols[name].append("")
            cols["vector"].append(b"")
            cols["minhash"].append(b"")
            cols["columns"].append(b"")
            cols["day"].append(NO_DAY)
            cols["shingles"].append(0)
            continue
        cols["ok"].append(True)
        cols["problem"].append("")
        cols["id"].append(item.id)
        cols["key"].append(item.key)
        cols["vector"].append(np.asarray(item.vector, dtype="<f4").tobytes())
        cols["minhash"].append(np.asarray(item.minhash, dtype="<u8").tobytes())
        columns = item.columns if item.columns is not None else term_columns(item.terms)[0]
        cols["columns"].append(np.asarray(columns, dtype="<i8").tobytes())
        cols["terms"].append(json.dumps(list(item.terms.items()), ensure_ascii=False))
        cols["rare"].append(json.dumps(list(item.rare), ensure_ascii=False))
        cols["names"].append(json.dumps(sorted(item.names), ensure_ascii=False))
        cols["numbers"].append(json.dumps(sorted(item.numbers), ensure_ascii=False))
        cols["day"].append(NO_DAY if item.day is None else int(item.day))
        cols["outlet"].append(item.outlet)
        cols["title"].append(item.title)
        cols["lead"].append(item.lead)
        cols["shingles"].append(int(item.shingles))
    typed = {"position": np.int64, "day": np.int64, "shingles": np.int64, "ok": np.bool_}
    return {name: np.asarray(values, dtype=typed[name]) if name in typed else _column(values)
            for name, values in cols.items()}


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def row_result(row: dict[str, Any]) -> Signature | Problem:
    """The Signature (or Problem) of one result row, as `sign` made it on the worker."""
    if not bool(row["ok"]):
        return Problem(**json.loads(_text(row["problem"])))
    day = int(row["day"])
    return Signature(
        id=_text(row["id"]),
        key=_text(row["key"]),
        vector=np.frombuffer(bytes(row["vector"]), dtype="<f4").astype(np.float32),
        terms={term: float(weight) for term, weight in json.loads(_text(row["terms"]))},
        rare=tuple(json.loads(_text(row["rare"]))),
        names=frozenset(json.loads(_text(row["names"]))),
        numbers=frozenset(json.loads(_text(row["numbers"]))),
        day=None if day == NO_DAY else day,
        outlet=_text(row["outlet"]),
        title=_text(row["title"]),
        lead=_text(row["lead"]),
        shingles=int(row["shingles"]),
        minhash=np.frombuffer(bytes(row["minhash"]), dtype="<u8").astype(np.uint64),
        columns=np.frombuffer(bytes(row["columns"]), dtype="<i8").astype(np.int64),
    )


def check_signature_fields() -> None:
    """Signature's fields are the ones the rows carry (a new field must be carried too)."""
    fields = tuple(f.name for f in dataclasses.fields(Signature))
    if set(fields) != set(SIGNATURE_FIELDS):
        raise RuntimeError(f"ray_stories carries Signature fields {SIGNATURE_FIELDS}, the dataclass has {fields}")


# -- the actors ---------------------------------------------------------------------------------
class SignActor:
    """A Ray Data actor: loads the static encoder and the Shingler once, then signs batches of rows."""

    def __init__(self, version: str) -> None:
        if __version__ != version:
            raise RuntimeError(
                f"crossbrief {__version__} on this Ray worker, {version} on the driver: "
                "install the same crossbrief on every node"
            )
        from crossbrief.resources.encoders import get_static_encoder
        from crossbrief.stories.copies import Shingler

        self.encoder = get_static_encoder()
        self.shingler = Shingler()
        self.model = self.encoder.fingerprint

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from crossbrief.stories.signature import sign

        articles = [row_article(_text(a)) for a in batch["article"]]
        return result_columns([int(p) for p in batch["position"]], sign(articles, self.encoder, self.shingler),
                              self.model)


# -- the signer -----------------------------------------------------------------------------------
def _first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]


def _cause(err: BaseException) -> str:
    """The innermost `SomeError: message` line of a Ray error's text (a remote traceback)."""
    found = [line.strip() for line in str(err).splitlines() if _ERROR_LINE.match(line.strip())]
    return found[-1] if found else _first_line(err)


def check_reachable(address: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """UsageError unless something listens at `address` (HOST:PORT or ray://HOST:PORT; `auto` is
    left to Ray). Ray itself would retry an unreachable head for minutes."""
    import socket
    from urllib.parse import urlsplit

    if address == "auto":
        return
    parts = urlsplit(address if "://" in address else f"gcs://{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host or port is None:
        raise UsageError(f"--address {address}: expected HOST:PORT, ray://HOST:PORT or auto")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as err:
        raise UsageError(f"cannot reach the Ray cluster at {address}: {err.strerror or err}") from err


def _quiet_ray_data() -> None:
    """No progress bars or per-run notes from Ray Data on the console (its log file keeps them)."""
    import ray.data

    with warnings.catch_warnings():  # Ray 2.60's own DataContext() warns about its deprecated fields
        warnings.simplefilter("ignore", DeprecationWarning)
        context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    context.verbose_stats_logs = False
    for handler in logging.getLogger("ray.data").handlers:
        if handler.name == "console" or not isinstance(handler, logging.FileHandler):
            handler.setLevel(logging.CRITICAL)  # errors reach the caller as exceptions


def _map_batches(dataset: Any, options: dict[str, Any], local: bool) -> Any:
    """`dataset.map_batches(SignActor, **options)`; on this machine, with no actor restarts.

    Ray Data restarts a lost actor by default, which is what a cluster needs (a node can go). On
    one machine an actor only dies of a crash or of running out of memory, which a restart would
    meet again; and with restarts on, Ray logs a warning on the console for every actor of every
    batch (its constructor arguments are in the object store). `max_restarts` goes through Ray's
    generic actor options, deprecated in Ray 2.60; a Ray that no longer takes them restarts."""
    if local:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                return dataset.map_batches(SignActor, max_restarts=0, **options)
        except TypeError:
            pass
    return dataset.map_batches(SignActor, **options)


class RaySigner:
    """Signs batches of articles on Ray Data (see the module docstring). `close()` stops the local
    Ray it started, if any (a cluster it connected to is only disconnected from)."""

    def __init__(self, address: str | None = None, actors: int | None = None, rows_per_call: int = ROWS_PER_CALL):
        if importlib.util.find_spec("ray") is None:
            raise UsageError(MISSING_RAY)
        check_signature_fields()
        self.address = None if address in (None, "", "local") else address
        self.actors = actors
        self.rows_per_call = rows_per_call
        self.model: str | None = None  # the static encoder's fingerprint the workers reported
        self.preferred_batch = PREFERRED_BATCH  # articles per call that keep the per-run start-up small
        self._lock = threading.Lock()
        self._started = False  # this signer called ray.init (and shuts Ray down on close)
        self._ready = False
        self._restore: dict[str, Any] | None = None  # what _loopback changed
        if self.address is None:
            from crossbrief.resources.encoders import static_model_dir

            found = static_model_dir()
            if not (found / "model.safetensors").is_file():  # one clear error before Ray starts
                raise FileNotFoundError(
                    f"static encoder not found at {found}: build it with `make static-encoder` "
                    f"(or point {STATIC_MODEL_ENV} at a distilled model directory)"
                )

    # -- Ray ----------------------------------------------------------------------------------
    def runtime_env(self) -> dict[str, Any]:
        """What the actors' processes need to find the same crossbrief and static model as here.

        On this machine: the resolved static model directory and the directory crossbrief is
        imported from. On a cluster, the nodes have their own install (docs/ray.md): only a static
        model directory set explicitly here (CROSSBRIEF_STATIC_MODEL) is passed on."""
        from crossbrief import settings
        from crossbrief.resources.encoders import static_model_dir

        env: dict[str, str] = {}
        if self.address is None:
            env[STATIC_MODEL_ENV] = str(static_model_dir())
            source = str(SOURCE_ROOT)
            paths = [source] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != source]
            env["PYTHONPATH"] = os.pathsep.join(paths)
        elif settings.current().static_model_dir is not None:
            env[STATIC_MODEL_ENV] = str(settings.current().static_model_dir)
        return {"env_vars": env} if env else {}

    def _import_ray(self) -> Any:
        if self.address is None and "ray" not in sys.modules:
            self._loopback()
        try:
            import ray
            import ray.data  # noqa: F401 - the [data] part of the extra
        except ImportError as err:
            raise UsageError(MISSING_RAY) from err
        return ray

    def _loopback(self) -> None:
        """Make the local Ray use 127.0.0.1 (see _LOOPBACK_ENV): in the environment, read when Ray is
        imported and inherited by the raylet and the workers, and on Ray's module if it is imported
        already. `close()` puts both back."""
        if self._restore is None:
            self._restore = {"env": os.environ.get(_LOOPBACK_ENV)}  # the value before this signer
        os.environ[_LOOPBACK_ENV] = "0"
        if "ray" in sys.modules:
            from ray._private import ray_constants

            ray_constants.ENABLE_RAY_CLUSTER = False

    def _connect(self) -> Any:
        ray = self._import_ray()
        if self._ready:
            return ray
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        if not ray.is_initialized():
            quiet: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.ERROR,
                                     "ignore_reinit_error": True}
            if self.address is None:
                self._loopback()
                ray.init(address="local", num_cpus=os.cpu_count() or 1, include_dashboard=False,
                         _node_ip_address="127.0.0.1", **quiet)
            else:
                check_reachable(self.address)
                try:
                    ray.init(address=self.address, **quiet)
                except Exception as err:  # noqa: BLE001 - ConnectionError, gRPC errors, timeouts...
                    if "ray[client]" in str(err):
                        raise UsageError(
                            f"--address {self.address}: Ray Client needs pip install 'ray[client]' (or run "
                            "crossbrief on a node of the cluster with --address auto)"
                        ) from err
                    hint = ""
                    if os.environ.get("RAY_AUTH_MODE", "").lower() != "token":
                        hint = " (a cluster with token authentication needs RAY_AUTH_MODE=token and its token here)"
                    message = f"cannot reach the Ray cluster at {self.address}: {_first_line(err)}{hint}"
                    raise UsageError(message) from err
            self._started = True
        _quiet_ray_data()
        self._ready = True
        return ray

    def _actors(self, ray: Any, rows: int) -> int:
        if self.actors:
            cpus = self.actors
        else:
            cpus = int(ray.cluster_resources().get("CPU", 1)) or 1
        return max(1, min(cpus, math.ceil(rows / self.rows_per_call)))

    # -- signing --------------------------------------------------------------------------------
    def __call__(self, articles: Sequence[Article]) -> list[Signature | Problem]:
        if not articles:
            return []
        with self._lock:
            ray = self._connect()
            rows = [article_row(i, a) for i, a in enumerate(articles)]
            blocks = max(1, math.ceil(len(rows) / self.rows_per_call))
            options = dict(
                fn_constructor_kwargs={"version": __version__},
                batch_size=self.rows_per_call,
                batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=self._actors(ray, len(rows))),
                num_cpus=1,
                runtime_env=self.runtime_env(),
            )
            dataset = _map_batches(ray.data.from_items(rows, override_num_blocks=blocks), options,
                                   local=self.address is None)
            out: list[Signature | Problem | None] = [None] * len(rows)
            models: set[str] = set()
            try:
                for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
                    names = list(batch)
                    for values in zip(*(batch[name] for name in names)):
                        row = dict(zip(names, values))
                        out[int(row["position"])] = row_result(row)
                        models.add(_text(row["model"]))
            except ray.exceptions.RayActorError as err:
                if not getattr(err, "actor_init_failed", False):
                    raise
                # A node without the static model, or with another crossbrief: the user's to fix.
                raise UsageError(f"a Ray worker could not start: {_cause(err)}") from err
            missing = [i for i, item in enumerate(out) if item is None]
            if missing:
                raise RuntimeError(f"Ray returned no result for {len(missing)} of {len(rows)} articles")
            if self.model is not None:
                models.add(self.model)
            if len(models) > 1:
                raise UsageError(
                    "the Ray workers have different static encoders (fingerprints "
                    + ", ".join(sorted(m[:12] for m in models))
                    + "): build it once (`make static-encoder`) and copy it to every node"
                )
            self.model = next(iter(models), self.model)
            return [item for item in out if item is not None]

    def close(self) -> None:
        """Stop the Ray this signer started or connected to (nothing, if it found Ray running)."""
        with self._lock:
            if self._started:
                import ray

                ray.shutdown()
            self._started = self._ready = False
            if self._restore is not None:
                previous = self._restore["env"]
                if previous is None:
                    os.environ.pop(_LOOPBACK_ENV, None)
                else:
                    os.environ[_LOOPBACK_ENV] = previous
                from ray._private import ray_constants

                # As Ray computes it when imported, from the environment now restored.
                ray_constants.ENABLE_RAY_CLUSTER = ray_constants.env_bool(
                    _LOOPBACK_ENV, not ray_constants.IS_WINDOWS_OR_OSX
                )
                self._restore = None

    def __enter__(self) -> RaySigner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ray_signer(address: str | None = None, actors: int | None = None) -> Signer:
    """A Signer on Ray Data (a RaySigner: close it when done): a local Ray on 127.0.0.1 (no
    address) or the cluster at `address`.

    `actors`: how many SignActors (default: one per CPU of the cluster, fewer for a small batch).
    A missing `ray` package is a UsageError here; an unreachable cluster, on the first batch."""
    return RaySigner(address, actors)
