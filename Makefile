# Two commands set everything up on a fresh machine:
#   make site   build the documentation site in every language (build/site/)
#   make test   run the whole test suite (lint, unit, training, site in a real browser)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SITE_OUT ?= build/site
# An index of CPU-only torch wheels, for machines where pip would otherwise pick a CUDA build (optional)
TORCH_INDEX ?=

.PHONY: site test lint serve bench extract status check clean

# The virtual environment: torch is pinned exactly first, so nothing later can pull a CUDA build.
$(VENV)/.stamp: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(PY) -m pip install --quiet -e '.[docs,test]'
	touch $@

# KaTeX comes from npm at a locked version and is copied into each site at build time (no CDN).
node_modules/.stamp: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

# The test browser: Debian's Chromium and CJK fonts, installed with apt where missing.
.PHONY: browser
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		echo "Installing chromium and fonts-noto-cjk with apt"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null; \
	fi

site: $(VENV)/.stamp node_modules/.stamp
	$(PY) -m tools build --out $(SITE_OUT)

test: $(VENV)/.stamp node_modules/.stamp browser
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n 2 --dist loadgroup

lint: $(VENV)/.stamp
	$(VENV)/bin/ruff check .

serve: $(VENV)/.stamp node_modules/.stamp
	$(PY) -m tools serve

bench: $(VENV)/.stamp
	$(PY) benchmarks/ppo_throughput.py

extract status check: $(VENV)/.stamp
	$(PY) -m tools $@

clean:
	rm -rf build site/generated .pytest_cache .ruff_cache test-artifacts
