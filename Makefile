# Two commands for a fresh machine: `make run` (install, demo database, serve) and `make test`.
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the service and its browser tests use (WeasyPrint's Pango, headless Chromium).
DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b chromium

.PHONY: run test lint system

$(BIN)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

system:
	@missing=$$(for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

run: $(BIN)/.installed system
	$(BIN)/flask --app docgen init-db
	$(BIN)/flask --app docgen seed-demo
	@echo "docgen: http://$(HOST):$(PORT)/"
	$(BIN)/waitress-serve --listen=$(HOST):$(PORT) --call docgen:create_app

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(BIN)/.installed system lint
	$(BIN)/pytest -q
