# Two commands do all set-up: `make run` (the app) and `make test` (the whole suite).
# Both create .venv and install the project into it first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint samples clean postgres proxy audit lock

# setuptools: a venv made by Python 3.11 carries 65.5, which has known vulnerabilities (78.1.1 fixes the last).
# constraints.txt holds every package at the version the suite last passed with (`make lock` remakes it).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip 'setuptools>=78.1.1'
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test,ray]'
	touch $(STAMP)

# The newest versions pyproject.toml allows, installed into a throw-away venv and written to constraints.txt. Run
# `make test` on them before committing the file.
lock:
	venv=$$(mktemp -d) && $(PYTHON) -m venv $$venv && \
	$$venv/bin/python -m pip install --quiet --upgrade pip 'setuptools>=78.1.1' && \
	$$venv/bin/python -m pip install --quiet '.[test,ray]' && \
	(sed -n '/^#/p' constraints.txt; $$venv/bin/python -m pip freeze --exclude formcheck | sort -f) \
		> constraints.txt.new && mv constraints.txt.new constraints.txt; \
	status=$$?; rm -rf $$venv; exit $$status

# The lite and heavy pose models (--model lite|heavy), which the wheel would download at run time and cannot
# offline: copied from the npm package @mediapipe/pose, pinned and checked by SHA-256 (pose/models.py). Without npm
# or network it prints one line and goes on (the full model needs neither); the next `make` tries again.
MODELS := $(VENV)/.pose-models
$(MODELS): $(STAMP) pose/models.py
	$(PY) -m pose.models install && touch $(MODELS) || true

# Listens on this machine only (also set in .streamlit/config.toml); for a clinic network put the TLS reverse proxy
# of the README in front rather than ADDRESS=0.0.0.0.
ADDRESS ?= 127.0.0.1
run: $(STAMP) $(MODELS)
	$(VENV)/bin/streamlit run app.py --server.address $(ADDRESS)

# ruff, then the import contracts in pyproject.toml ([tool.importlinter]): which layer may import which.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# tests/store start a throw-away PostgreSQL server of their own; this puts Debian's server binaries on a clean
# machine (apt-get needs root, as on CI; elsewhere install the `postgresql` package yourself).
postgres:
	command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql)

# tests/browser/test_https_proxy.py runs the README's nginx config for real; this puts Debian's nginx on a clean
# machine (root and apt-get, as on CI; elsewhere install the `nginx` package yourself).
proxy:
	command -v nginx >/dev/null || test -x /usr/sbin/nginx || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx)

# Everything but the browser tests runs on every core (a module's tests stay in one process, so its fixtures are
# built once); the browser tests then run alone, as they measure frame rates. Both runs always run; either failing
# fails the target.
TEST_JOBS ?= auto
test: lint postgres proxy $(MODELS)
	status=0; \
	$(PY) -m pytest -n $(TEST_JOBS) --dist loadfile -m "not browser" || status=1; \
	$(PY) -m pytest -m browser || status=1; \
	exit $$status
	$(PY) .ci/audit.py

# Known vulnerabilities in the installed packages (pip-audit, which needs network access to PyPI). A finding fails,
# unless .ci/audit-ignore.toml accepts it with its reason; without network it says "NOT DONE" and passes
# (FORMCHECK_AUDIT_REQUIRED=1 makes that fail too).
audit: $(STAMP)
	$(PY) .ci/audit.py

samples: $(STAMP)
	$(PY) -m synth render-samples sample_videos

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
