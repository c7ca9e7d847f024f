# vm-tui: `make demo` opens the inbox against the embedded demo server; `make test` runs every check.
# Both install what is missing first (system packages, .venv, the project) and are quick after.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp


.DEFAULT_GOAL := help
.PHONY: help demo test check lint format bench system-deps clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

system-deps: ## Install ffmpeg and the ALSA headers if missing (apt-get)
	@./scripts/system-deps.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@./scripts/system-deps.sh
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

demo: system-deps $(STAMP) ## Open the inbox against the embedded demo server
	$(BIN)/vm-tui --demo

test: system-deps $(STAMP) check ## Run ruff, mypy and the test suite
	$(BIN)/python -m pytest -q

check: $(STAMP) ## ruff (format + lint) and mypy
	$(BIN)/ruff format --check vm_tui tests bench
	$(BIN)/ruff check vm_tui tests bench
	$(BIN)/mypy vm_tui bench

format: $(STAMP) ## Format and fix what ruff can
	$(BIN)/ruff format vm_tui tests bench
	$(BIN)/ruff check --fix vm_tui tests bench

bench: system-deps $(STAMP) ## Print the performance figures
	$(BIN)/python -m bench

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
