# Canger: every target sets the project up first (.venv from pyproject.toml), so a fresh clone needs
# nothing but python3 (3.11+) and, for synth and the infrastructure tests, Node.js.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 3000
# jsii (the CDK's bridge to Node.js) prints a banner about Node 20 on every synth.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: install run test lint synth bench openapi clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/canger serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest

synth: install
	$(BIN)/python -m infra_cdk.check

bench: install
	$(BIN)/python benchmarks/cold_start.py
	$(BIN)/python benchmarks/request_cost.py
	$(BIN)/python benchmarks/stats.py
	$(BIN)/python benchmarks/local_scale.py

# The generated contracts: the OpenAPI document the directory serves, and the events' JSON Schemas.
openapi: install
	$(BIN)/canger openapi --write
	$(BIN)/canger events --write

clean:
	rm -rf $(VENV) cdk.out .pytest_cache .ruff_cache
