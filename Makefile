# Rollemodel Match: `make run` to start the app, `make test` to run the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The web server, the scheduler (outbox and reminders) and, unless SMTP_HOST points at a
# real server, a local SMTP sink that prints every mail (verification links included).
# Mailed links follow the port the app runs on (PORT=5015 make run), unless BASE_URL is set.
run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) demo seed --if-empty
	@pids=""; \
	export BASE_URL="$${BASE_URL:-http://$(HOST):$(PORT)}"; \
	echo "Links in mail lead to $$BASE_URL."; \
	if [ -z "$$SMTP_HOST" ]; then \
	  echo "Mail goes to a local SMTP sink on 127.0.0.1:8025 and is printed here."; \
	  $(BIN)/python -m aiosmtpd -n -u -l 127.0.0.1:8025 & pids="$$pids $$!"; \
	fi; \
	$(FLASK) scheduler run & pids="$$pids $$!"; \
	trap 'kill $$pids 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium (Playwright's own download is not used).
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	else echo "The browser tests need Chromium: sudo apt-get install chromium"; exit 1; fi

test: $(VENV)/.installed $(CHROMIUM)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
