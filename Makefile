# Every target installs what it needs into .venv first, so a fresh clone needs only python3.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DOCS ?= samples
PYTEST_ARGS ?=

.PHONY: install test lint fmt demo worker bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# The suite, then the style gate (ruff + mypy): both must pass.
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory lint

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy lexflow workflows activities bench tests worker.py starter.py

fmt: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

demo: $(STAMP)
	$(PY) starter.py $(DOCS) --wait

worker: $(STAMP)
	$(PY) worker.py

clean:
	rm -rf $(VENV) .lexflow .pytest_cache .mypy_cache .ruff_cache
