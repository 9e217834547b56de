# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
PORT   ?= 5000
export PORTAL_PUBLIC_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test install translations bench extract-messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d portal/translations 2>&1 | grep -v '^compiling' || true
	@test -f portal/translations/kk/LC_MESSAGES/messages.mo

run: install
	$(FLASK) migrate
	$(FLASK) demo-data
	@echo "Starting the portal on $(PORTAL_PUBLIC_URL)/ (Ctrl+C stops it)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) bench/sign_results.py
	$(PY) bench/eds.py
	$(PY) bench/verify_hostile.py

# Refresh the message catalogs after changing translatable strings.
extract-messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o portal/translations/messages.pot --no-location --omit-header .
	$(VENV)/bin/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching
	sed -i '0,/^#, fuzzy$$/{/^#, fuzzy$$/d}' portal/translations/*/LC_MESSAGES/messages.po

clean:
	rm -rf $(VENV) instance
