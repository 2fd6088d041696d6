# Two commands for a fresh machine: `make run` (install, demo database, serve) and `make test`.
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the service uses (WeasyPrint's Pango), and its tests (Chromium, Redis for the queue).
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b
TEST_DEBS := $(RUN_DEBS) chromium redis-server
# LibreOffice checks that merged DOCX files open outside python-docx (installed without its recommends).
OFFICE_DEBS := libreoffice-writer-nogui

.PHONY: run test lint

$(BIN)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Installs the missing ones of a list of Debian packages (apt-get, through sudo when not root).
define install_debs
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(2) $$missing; \
	fi
endef

run: $(BIN)/.installed
	$(call install_debs,$(RUN_DEBS))
	$(BIN)/flask --app docgen init-db
	$(BIN)/flask --app docgen seed-demo
	@echo "docgen: http://$(HOST):$(PORT)/"
	$(BIN)/waitress-serve --listen=$(HOST):$(PORT) --call docgen:create_app

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(BIN)/.installed lint
	$(call install_debs,$(TEST_DEBS))
	$(call install_debs,$(OFFICE_DEBS),--no-install-recommends)
	$(BIN)/pytest -q
