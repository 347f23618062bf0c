# Kommunal-Campus: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install messages translations lint format bench bench-pdf bench-bulk worker clean

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

# German (and English) catalogues are compiled from locale/*/LC_MESSAGES/django.po at set-up.
messages: install
	@command -v msgfmt >/dev/null || { echo "Installing gettext (msgfmt)…"; apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v0

## Bring the platform up with demo content on http://127.0.0.1:8000 (SQLite, Celery eager).
run: messages
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) seed_demo
	$(MANAGE) runserver $(HOST):$(PORT)

## Run the whole test suite (browser tests skip when chromium is absent).
test: messages
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/pytest $(PYTEST_ARGS)

## Refresh the German catalogues after changing strings: the project one (locale/, covering lms
## and templates/) and one per app (<app>/locale/), so parallel work on apps does not collide.
translations: install
	$(MANAGE) makemessages -l de --no-location --ignore=.venv --ignore=node_modules \
		--ignore=courses --ignore=certificates --ignore=cdo_network --ignore=tests --ignore=bench
	for app in courses certificates cdo_network; do \
		if [ -d $$app/locale ]; then (cd $$app && ../$(BIN)/python ../manage.py makemessages -l de --no-location); fi; \
	done

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=lms.settings.test $(MANAGE) makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Certificate PDF benchmark (bench/pdf.py): ReportLab render, render + PAdES signature, and
## WeasyPrint as the reference. Installs the `bench` extra (pins in pyproject.toml, shared
## dependencies held to requirements.lock) and Debian's pango/harfbuzz-subset that it needs.
bench-pdf: install
	@{ ldconfig -p | grep -q libpangoft2-1.0 && ldconfig -p | grep -q libharfbuzz-subset; } || { \
		echo "Installing pango for WeasyPrint…"; apt-get update -qq && \
		apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; }
	$(BIN)/python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['bench']))" > $(VENV)/bench-requirements.txt
	$(BIN)/pip install --quiet -r $(VENV)/bench-requirements.txt -c requirements.lock
	$(BIN)/python bench/pdf.py $(BENCH_ARGS)

## Bulk issuance benchmark (bench/bulk_issue.py): COUNT certificates (default 10000) issued,
## rendered, signed, stored and mailed by two Celery workers on PostgreSQL and Redis
## (BENCH_DATABASE_URL, BENCH_BROKER_URL; the benchmark database is dropped and re-created).
COUNT ?= 10000
bench-bulk: install
	$(BIN)/pip install --quiet "$$($(BIN)/python -c "import tomllib; print(next(d for d in tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['bench'] if d.startswith('psutil')))")"
	$(BIN)/python bench/bulk_issue.py --count $(COUNT) $(BENCH_ARGS)

worker: install
	$(BIN)/celery -A lms worker --beat --loglevel=info --concurrency=2

clean:
	rm -rf $(VENV) staticfiles node_modules
