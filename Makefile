# Amtstermin's commands. `make run` and `make test` set everything up themselves; the others
# use the existing .venv and install nothing (a fast inner loop).

VENV_BIN := .venv/bin
PYTHON := $(VENV_BIN)/python
RUFF := $(VENV_BIN)/ruff
PYTEST := $(VENV_BIN)/pytest
# settings.py refuses to start without SECRET_KEY; checks and message tools need one, never a
# real one. `make run` makes its own in .secret_key.
MANAGE_ENV := SECRET_KEY=$${SECRET_KEY:-dev-only-not-secret}
MANAGE := $(MANAGE_ENV) $(PYTHON) manage.py
PYTEST_ARGS ?=

.PHONY: run test check lint fix messages bench

## run: the demo town on http://127.0.0.1:8000 (prints the demo logins); another port with
## `make run PORT=8200`
PORT ?= 8000
run:
	PORT=$(PORT) bash scripts/run.sh

## test: everything CI runs, installs included; extra pytest arguments via PYTEST_ARGS="-k x"
test:
	bash scripts/test.sh $(PYTEST_ARGS)

## check: lint, migrations, translations, import contracts, mypy and pytest on the current
## database, no installs
check: lint
	$(MANAGE) makemigrations --check --dry-run
	$(PYTHON) scripts/check_translations.py
	$(VENV_BIN)/lint-imports --no-cache
	$(MANAGE_ENV) $(VENV_BIN)/mypy
	$(PYTEST) -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(RUFF)
	$(RUFF) format --check .
	$(RUFF) check .

## fix: apply ruff's fixes, then format
fix: $(RUFF)
	$(RUFF) check --fix .
	$(RUFF) format .

## messages: update the .po files from the source, then compile them
# Run inside amtstermin/ so only the package's strings are collected (not tests/, node_modules/);
# scripts/check_translations.py does the same.
# One catalogue per language in settings.LANGUAGES (Leichte Sprache's locale is de_X-ls).
messages: $(RUFF)
	cd amtstermin && SECRET_KEY=$${SECRET_KEY:-dev-only-not-secret} ../$(PYTHON) ../manage.py \
		makemessages $(foreach locale,$(shell $(PYTHON) scripts/check_translations.py --locales),\
		-l $(locale)) --no-obsolete --add-location=file --ignore=static/vendor
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules

## bench: the benchmarks in bench/ (set DATABASE_URL to measure PostgreSQL)
# PYTHONPATH: a script in bench/ imports the amtstermin package from the repository root.
bench: $(RUFF)
	@set -e; found=; for script in bench/[!_]*.py; do \
		[ -f "$$script" ] || continue; found=1; echo "==> $$script"; \
		SECRET_KEY=$${SECRET_KEY:-dev-only-not-secret} PYTHONPATH=. $(PYTHON) "$$script"; \
	done; [ -n "$$found" ] || { echo "No benchmarks in bench/." >&2; exit 1; }

# Every target but run and test expects the development virtualenv.
$(RUFF):
	@echo "No development virtualenv yet: run 'make test' or 'bash scripts/setup.sh --dev' once." >&2
	@exit 1
