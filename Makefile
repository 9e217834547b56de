# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
UV     := $(VENV)/bin/uv
# uv installs the exact versions of requirements.lock; `make lock` regenerates the lock.
UV_VERSION := 0.13.9
PORT   ?= 5000
export PORTAL_PUBLIC_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test install translations bench bench-scale extract-messages lock clean

# uv itself is installed once per user, beside the packages' cache, and copied into each clone's .venv
# (without a home folder, into the clone's own .venv-uv).
UV_HOME := $(or $(XDG_CACHE_HOME),$(if $(HOME),$(HOME)/.cache),$(CURDIR)/.venv-uv)/portal-uv-$(UV_VERSION)-$(shell uname -m)
# Python keeps its compiled modules even where the environment says not to write them: otherwise each
# process of `make run` and of the tests compiles the same ~1,100 modules again (2.3 s each here).
unexport PYTHONDONTWRITEBYTECODE

# Built aside and moved into place whole, so that an interrupted install or a second clone installing at the
# same moment never leaves a half-written uv for later clones.
$(UV_HOME)/bin/uv:
	mkdir -p $(dir $(UV_HOME))
	tmp=$$(mktemp -d $(UV_HOME).XXXXXX) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp" && "$$tmp/bin/pip" install --quiet 'uv==$(UV_VERSION)' && "$$tmp/bin/uv" --version && \
	{ mv -T "$$tmp" $(UV_HOME) 2>/dev/null || test -x $(UV_HOME)/bin/uv; }

$(UV): | $(UV_HOME)/bin/uv
	$(PYTHON) -m venv --without-pip $(VENV)
	cp $(UV_HOME)/bin/uv $(UV)

# Every install of a commit gets the same packages: those of requirements.lock, hashes checked.
$(VENV)/.installed: requirements.lock pyproject.toml | $(UV)
	$(UV) pip sync --quiet --python $(PY) --require-hashes requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d portal/translations 2>&1 | grep -v '^compiling' || true
	@test -f portal/translations/kk/LC_MESSAGES/messages.mo

run: install
	$(FLASK) demo-data
	@echo "Starting the portal on $(PORTAL_PUBLIC_URL)/ (Ctrl+C stops it)"
	@# The outbox worker runs beside the portal and ends with it: a background job of this shell ignores
	@# Ctrl+C, so the shell's traps stop it whichever way the portal ends.
	@echo '$(FLASK) run --host 127.0.0.1 --port $(PORT)'; \
	$(FLASK) outbox-worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The suite runs in parallel (pytest-xdist), one worker per core up to four; each worker has its own
# SQLite file, instance folder and PostgreSQL schemas. TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= auto --maxprocesses=4
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS)

test: install
	$(PYTEST) -q

bench: install
	$(PY) bench/sign_results.py
	$(PY) bench/eds.py
	$(PY) bench/verify_hostile.py
	$(PY) bench/backoffice_scale.py
	$(PY) bench/fresh_start.py
	$(PY) bench/worker_memory.py
	$(PY) bench/throughput.py

# The back office at 10,000 and 1,000,000 requests on PostgreSQL: loads the 1M database (about 13 minutes
# on 2 cores, once; reused later), then measures both. `make bench` measures 1M only once it is loaded.
bench-scale: install
	$(PY) bench/backoffice_scale.py --sizes 10000,1000000

# Refresh the message catalogs after changing translatable strings.
extract-messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o portal/translations/messages.pot --no-location --omit-header .
	$(VENV)/bin/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching
	sed -i '0,/^#, fuzzy$$/{/^#, fuzzy$$/d}' portal/translations/*/LC_MESSAGES/messages.po

# Regenerate requirements.lock after changing the dependencies in pyproject.toml (it keeps the
# pinned versions that still fit; `make lock LOCK_FLAGS=--upgrade` moves everything to the newest).
lock: | $(UV)
	$(UV) pip compile --quiet pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command "make lock" $(LOCK_FLAGS) -o requirements.lock

clean:
	rm -rf $(VENV) .venv-uv instance
