# Canger: every target sets the project up first (.venv from pyproject.toml), so a fresh clone needs
# nothing but python3 (3.11+) and Node.js (the dashboard's build, synth and the infrastructure tests).
# `make test` also installs Debian's chromium and CJK fonts with apt-get when they are missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 3000
# jsii (the CDK's bridge to Node.js) prints a banner about Node 20 on every synth.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: install run test lint synth bench openapi clean web browser-deps

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# The dashboard (web/): npm ci when the lock file changed, then a Vite build into web/dist when any
# source changed. The local server serves web/dist at /, and the CDK stack deploys it.
WEB_SOURCES := $(wildcard web/src/*) web/index.html web/vite.config.ts web/tsconfig.json web/package.json

web: web/dist/index.html

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build

# The browser tests drive Debian's chromium (Playwright's own browser download does not work here);
# fonts-noto-cjk so Chinese renders. Installed only when missing (needs root, as in CI).
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-noto-cjk; \
	fi

run: install web
	$(BIN)/canger serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# Two pytest workers (pytest-xdist), one per core of the reference machine. `loadfile` keeps each test module
# on one worker, so a module's fixtures (a server, the programme demo) start once. (`loadgroup` would not:
# pytest 9.2 no longer reads the group xdist 3.8 writes into the node id.) `.venv/bin/pytest` alone is serial.
test: lint web browser-deps
	cd web && npm test
	$(BIN)/pytest -n 2 --dist loadfile

synth: install web
	$(BIN)/python -m infra_cdk.check

bench: install web browser-deps
	$(BIN)/python benchmarks/cold_start.py
	$(BIN)/python benchmarks/request_cost.py
	$(BIN)/python benchmarks/stats.py
	$(BIN)/python benchmarks/dashboard.py
	$(BIN)/python benchmarks/open_data.py
	$(BIN)/python benchmarks/local_scale.py
	$(BIN)/python benchmarks/deadlines.py

# The generated contracts: the OpenAPI document the directory serves (and its copy and reference in
# docs/), and the events' JSON Schemas.
openapi: install
	$(BIN)/canger openapi --write
	$(BIN)/canger events --write

clean:
	rm -rf $(VENV) cdk.out .pytest_cache .ruff_cache .artifacts web/node_modules web/dist
