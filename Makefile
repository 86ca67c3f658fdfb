# wid_events: `make run` serves the site with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
PYTEST_ARGS ?= -n 2

.PHONY: run test venv dev-deps lint format bench clean translations compile-translations

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

dev-deps: $(VENV)/.installed-dev

run: venv compile-translations
	$(FLASK) db upgrade
	$(FLASK) demo load
	@# A job worker beside the web server (badge batches, mail, the PDF agenda); stopped with it
	@# (SIGTERM: it finishes the running job within its grace, 30 s, or queues it again).
	@# Niced: during a rush the web requests come first, and the queued mail follows.
	nice -n 10 $(FLASK) jobs worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: dev-deps compile-translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Translations (EN source; FR/NL/DE in wid_events/translations). The .mo files are committed
# and recompiled on every run/test, so a fresh checkout serves translated pages.
BABEL := $(BIN)/pybabel
TRANSLATIONS := wid_events/translations

translations: venv
	$(BABEL) extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --no-location --sort-output --project wid_events -o $(TRANSLATIONS)/messages.pot .
	for lang in fr nl de; do $(BABEL) update --no-fuzzy-matching --ignore-obsolete -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang; done
	$(BABEL) compile -d $(TRANSLATIONS) --statistics

compile-translations: venv
	$(BABEL) --quiet compile -d $(TRANSLATIONS)

bench: dev-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
