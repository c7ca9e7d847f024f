# vm-tui: `make demo` opens the inbox against the embedded demo server; `make test` runs every check.
# Both install what is missing first (system packages, .venv, the project) and are quick after.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# What the helper scripts need to know: the interpreter and the virtualenv made from it.
ENV    := PYTHON='$(PYTHON)' VENV='$(VENV)'


.DEFAULT_GOAL := help
.PHONY: help demo test test-slow check format bench system-deps venv install test-pythons clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

system-deps: ## Install the system packages that are missing (apt-get): venv, headers, gcc, ffmpeg...
	@$(ENV) ./scripts/system-deps.sh

venv: system-deps ## Make sure .venv exists with a working pip (a half-made one is rebuilt)
	@$(ENV) ./scripts/venv.sh

# Order-only on venv: a rebuilt .venv has no stamp, a healthy one is not reinstalled for nothing.
$(STAMP): pyproject.toml | venv
	@$(BIN)/python -m pip install -q --upgrade pip && $(BIN)/python -m pip install -q -e '.[dev]' || \
	  { rm -f $(VENV)/.venv-ok; \
	    echo "make: installing vm-tui into $(VENV) failed (see pip's error above); fix that (network? package index?) and run make again" >&2; \
	    exit 1; }
	@touch $@

install: $(STAMP) ## Make .venv and install the project into it (editable, with the dev tools)

demo: $(STAMP) ## Open the inbox against the embedded demo server
	$(BIN)/vm-tui --demo

# pytest keeps the test modules it rewrites for its asserts only where bytecode may be written:
# with PYTHONDONTWRITEBYTECODE set, every worker rewrote all of them on every run (~15 s of CPU).
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest

test: $(STAMP) check ## Run ruff, mypy and the test suite
	$(PYTEST) -q

test-slow: $(STAMP) ## The long tests left out of make test (the soak)
	$(PYTEST) -q -m slow

test-pythons: ## Run the suite under each Python 3.11, 3.12, 3.13 found here (.venv-3.X each)
	@./scripts/test-pythons.sh

check: $(STAMP) ## ruff (format + lint) and mypy
	$(BIN)/ruff format --check vm_tui tests bench
	$(BIN)/ruff check vm_tui tests bench
	$(BIN)/mypy vm_tui bench

format: $(STAMP) ## Format and fix what ruff can
	$(BIN)/ruff format vm_tui tests bench
	$(BIN)/ruff check --fix vm_tui tests bench

bench: $(STAMP) ## Print the performance figures
	$(BIN)/python -m bench

clean: ## Remove the virtualenvs and caches
	rm -rf $(VENV) .venv-3.* .pytest_cache .mypy_cache .ruff_cache
	find vm_tui tests bench -name __pycache__ -type d -prune -exec rm -rf {} +
