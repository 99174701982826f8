# The two commands a newcomer needs: `make run` and `make test`.
# Both create the virtual environment in .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CATALOGS := $(wildcard translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
# The OpenID Connect provider the sign-in tests run (npm's oidc-provider, as locked).
OIDC_PROVIDER := tests/oidc_provider/node_modules/.package-lock.json

.PHONY: run test lint typecheck format bench translations update-catalogs constraints dist \
	system-packages clean

# Local use: plain HTTP on the loopback interface. Production runs `svarfrist serve` behind TLS.
run: $(INSTALLED) translations
	$(BIN)/svarfrist config check
	$(BIN)/svarfrist db upgrade
	$(BIN)/svarfrist demo --if-empty
	SVARFRIST_PLAIN_HTTP=1 $(BIN)/svarfrist serve --host 127.0.0.1 --port 5000 --proxies 0

test: $(INSTALLED) translations system-packages $(OIDC_PROVIDER)
	$(BIN)/pytest -n auto

$(OIDC_PROVIDER): tests/oidc_provider/package.json tests/oidc_provider/package-lock.json
	npm ci --prefix tests/oidc_provider --no-audit --no-fund

lint: $(INSTALLED) typecheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Settings in pyproject.toml ([tool.mypy]): rules/ and channels/, strictly.
typecheck: $(INSTALLED)
	$(BIN)/mypy

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(INSTALLED) translations
	$(BIN)/python bench/promises.py

translations: $(COMPILED)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(INSTALLED)
	$(BIN)/pybabel compile --statistics -i $< -o $@

# For developers after changing UI text: re-extract and merge into every catalog.
update-catalogs: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l --no-location --sort-output \
		--project svarfrist --copyright-holder "Svarfrist contributors" \
		-o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --width 100

# Every version from constraints.txt. Builds run without isolation, so nothing is downloaded
# for them: the build backend (setuptools, wheel) and Babel, which compiles the catalogs,
# are installed first.
$(INSTALLED): setup.cfg setup.py pyproject.toml constraints.txt | system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c constraints.txt pip setuptools wheel Babel
	$(BIN)/pip install --quiet --no-build-isolation -c constraints.txt -e '.[test]'
	touch $@

# After a deliberate change of dependencies and a passing `make test`: pin what .venv holds.
constraints: $(INSTALLED)
	{ echo "# The versions the suite last passed with, pip, setuptools and wheel included: \`make\` and CI"; \
	  echo "# install with -c constraints.txt. \`make constraints\` writes this file from .venv."; \
	  $(BIN)/pip freeze --all --exclude svarfrist; } > constraints.txt

# The sdist, and the wheel built from it, in dist/ (see "Installing from a wheel" in the README).
dist: $(INSTALLED)
	rm -rf dist
	$(BIN)/python -c 'from setuptools import build_meta as b; b.build_sdist("dist")'
	$(BIN)/pip wheel --quiet --no-build-isolation --no-deps --wheel-dir dist dist/*.tar.gz

# Debian packages the project needs, installed only when missing: venv for Python,
# Chromium for the browser tests (Playwright drives Debian's build; it cannot download one),
# Dovecot for the e-mail tests (a private IMAP server on loopback; its system service is not used),
# Pango for WeasyPrint (the report's PDF) and poppler-utils to check that PDF in the tests,
# Node.js and npm for the OpenID Connect provider of the sign-in tests.
system-packages:
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || $(call apt_install,python3-venv python3-pip)
	@test -x /usr/bin/chromium || $(call apt_install,chromium)
	@test -x /usr/sbin/dovecot || $(call apt_install,dovecot-imapd)
	@test -x /usr/bin/pdftoppm || $(call apt_install,poppler-utils)
	@command -v npm >/dev/null || $(call apt_install,nodejs npm)
	@$(PYTHON) -c 'import ctypes.util as u, sys; sys.exit(not u.find_library("pango-1.0"))' \
		|| $(call apt_install,libpango-1.0-0 libpangoft2-1.0-0)

define apt_install
	{ if [ "$$(id -u)" = 0 ]; then SUDO=; \
	  elif sudo -n true 2>/dev/null; then SUDO=sudo; \
	  else echo "Missing Debian packages. Install them with: sudo apt-get install $(1)"; exit 1; fi; \
	  echo "Installing Debian packages: $(1)"; \
	  $$SUDO apt-get install -y -q $(1) || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q $(1); }; }
endef

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache build dist
	find translations -name '*.mo' -delete
