# Set-up, demo and tests. Every target installs what it needs first (idempotent).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# The machine keeps a CPU-only torch wheel here; any other torch pulls gigabytes of CUDA.
WHEELS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# torch first, pinned, so nothing that depends on it can choose a CUDA build.
	$(PIP) install --quiet $(WHEELS) -c constraints.txt torch==2.13.0
	$(PIP) install --quiet $(WHEELS) -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/crossbrief brief examples/vell-valley-flood -o brief.html
	$(VENV)/bin/crossbrief brief examples/vell-valley-flood

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/speed.py

clean:
	rm -rf $(VENV) build *.egg-info
