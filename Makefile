# famhp-uat — every target installs what it needs and is a no-op when it is already there.
SHELL   := /bin/bash
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.DEFAULT_GOAL := help
.PHONY: help install browser uat test faults stack-up stack-down report lint clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

browser: $(STAMP)  # chromium-driver: the local Selenium Grid (`uat browsers up`) drives Chromium through it
	@{ $(BIN)/python -c "from support.browser import chromium_executable as c; c()" 2>/dev/null && \
	  command -v chromedriver >/dev/null; } || { \
	  echo "installing Debian chromium and chromium-driver (Playwright's own browser download is not available here)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-liberation; }

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMP) browser node_modules/.installed  ## virtual environment, Python packages, Chromium, Allure 3

stack-up: install  ## start the reference stack (Keycloak, Mailpit, portal apps); MAIL=imap for GreenMail
	$(BIN)/uat stack up --mail $(or $(MAIL),mailpit) --profile $(or $(PROFILE),local)

stack-down: $(STAMP)  ## stop the reference stack
	$(BIN)/uat stack down

uat: install  ## the main job: stack (unless a deployment is configured) + whole suite + report
	bash scripts/uat.sh

test: install  ## the tests: unit, stack, Gherkin suite on Mailpit (app features on both skins) and IMAP
	bash scripts/test.sh

faults: install  ## fault-injection tests: mail server, Keycloak restart, HTTP 500, slow network, kill, Ctrl-C, full disk
	$(BIN)/python -m pytest tests/faults -q

report: install  ## build the Allure report from reports/allure-results
	$(BIN)/uat report

lint: $(STAMP)  ## ruff
	$(BIN)/ruff check .

clean:  ## remove reports and runtime state (not the download cache)
	-$(BIN)/uat browsers down
	-$(BIN)/uat stack down
	rm -rf reports/allure-results reports/allure-report reports/junit reports/shards reports/remote test-results .stack
