# The two commands a new user needs: `make up` and `make test`. Everything else is set-up they call.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: up test check format install browser bench faults clean

# uv is bootstrapped into .tools with the Python already on the machine, so nothing but python3 and make is assumed.
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

# Bytecode is compiled here, not left to the first import: where PYTHONDONTWRITEBYTECODE is set
# (the machines this was built on set it) no import writes a .pyc, and every process would compile
# its imports again, several seconds of CPU for each service start and each test's subprocess.
$(VENV)/.synced: $(UV) uv.lock pyproject.toml $(wildcard libs/*/pyproject.toml services/*/pyproject.toml cli/pyproject.toml)
	UV_PYTHON=$(PYTHON) $(UV) sync --frozen --all-packages --compile-bytecode
	@touch $@

# The workspace's own sources are installed editable: compiled on every run (only changed files
# are), so a process loads them instead of compiling them again.
install: $(VENV)/.synced
	@$(BIN)/python -m compileall -q -j 0 libs services cli >/dev/null

## Start the whole system: nats-server, PostgreSQL, every service and the gateway.
up: install
	$(BIN)/appgen up $(ARGS)

## Lint, format check and strict type check.
check: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Headless Chromium from Debian's packages for the browser tests (skipped with a reason when it cannot be installed).
browser:
	@bash scripts/ensure-chromium.sh

## Every check, then every test against real servers.
test: check browser
	@# pytest exits 5 when it ran no test: for us that is a failure, never a pass.
	@$(BIN)/pytest $(ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest ran no test" >&2; exit 1; fi; exit $$status

## Benchmarks (not part of make test): `make bench ARGS=pipeline` runs one; no ARGS runs them all.
bench: install
	$(BIN)/python -m bench $(ARGS)

## The fault campaign (not part of make test, which runs its short version): processes killed,
## NATS and PostgreSQL taken away, every stage restarted, under 50 generations; exits 1 on any loss.
faults: install
	$(BIN)/python -m bench faults $(ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache
