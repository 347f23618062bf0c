# Kommunal-Campus: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install peers messages translations lint sbom cluster-test format bench bench-pdf bench-bulk bench-extra bench-services bench-floor bench-exam bench-hr bench-hr-sync bench-scim bench-notifications bench-search bench-login bench-cluster image chart-check worker clean

$(VENV)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

# German (and English) catalogues are compiled from locale/*/LC_MESSAGES/django.po at set-up.
## GNU gettext's msgfmt when installed, else polib (no system package needed).
messages: install
	@if command -v msgfmt >/dev/null; then \
		$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules --ignore=.peers -v0; \
	else $(MANAGE) catalogues_compile -v0; fi

## Bring the platform up with demo content on http://127.0.0.1:8000 (SQLite, Celery eager).
## Links in mails, QR codes and share links follow HOST and PORT (`make run PORT=8811`) unless
## SITE_URL is set.
## With Node.js present, Stadt Köln's demo directory (an OpenID Provider, lms/demo/idp.py) runs
## beside it on IDP_PORT for trying single sign-on; it stops with the server.
SITE_URL ?= http://$(HOST):$(PORT)
IDP_PORT ?= $(shell echo $$(($(PORT) + 1)))
run: messages
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) collectstatic --noinput -v0
	SITE_URL=$(SITE_URL) $(MANAGE) seed_demo
	@if command -v node >/dev/null && [ ! -d node_modules/oidc-provider ]; then \
		echo "Installing the npm packages (the demo IdP)…"; npm ci --no-audit --no-fund --silent || true; fi
	SITE_URL=$(SITE_URL) $(MANAGE) demo_idp --port $(IDP_PORT) & trap 'kill $$! 2>/dev/null' EXIT INT TERM; SITE_URL=$(SITE_URL) $(MANAGE) runserver $(HOST):$(PORT)

## The ralph learning record store the xAPI tests forward statements to (its own virtualenv).
.peers/ralph/.installed: tests/peers/ralph-requirements.txt
	$(PYTHON) -m venv .peers/ralph
	.peers/ralph/bin/pip install --quiet -r tests/peers/ralph-requirements.txt
	touch $@

.peers/seaweedfs/.installed: tests/peers/seaweedfs-requirements.txt
	$(PYTHON) -m venv .peers/seaweedfs
	.peers/seaweedfs/bin/pip install --quiet -r tests/peers/seaweedfs-requirements.txt
	touch $@

peers: .peers/ralph/.installed .peers/seaweedfs/.installed

## Run the whole test suite (browser tests skip when chromium is absent; SAML needs xmlsec1).
test: messages peers
	@command -v xmlsec1 >/dev/null || echo "Hinweis: xmlsec1 fehlt, die SAML-Tests werden übersprungen (Debian: apt-get install xmlsec1; CI installiert es)."
	@command -v chromium >/dev/null || echo "Hinweis: chromium fehlt, die Browser-Tests werden übersprungen (Debian: apt-get install chromium; CI installiert es)."
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/pytest $(PYTEST_ARGS)

## Two app servers and two workers behind HAProxy with PostgreSQL, Redis and a SeaweedFS
## bucket, one app server killed mid-run (tests/cluster/run.py; needs haproxy and openssl).
cluster-test: messages peers
	$(BIN)/python tests/cluster/run.py

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

## The SBOM (CycloneDX 1.6, JSON) of the production packages in requirements.lock.
sbom: install
	$(BIN)/cyclonedx-py requirements requirements.lock --pyproject pyproject.toml --of JSON \
		--output-reproducible --validate -o sbom.cdx.json 2>/dev/null
	@echo "sbom.cdx.json written"

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Certificate PDF benchmark (bench/pdf.py): ReportLab render, render + PAdES signature, and
## WeasyPrint as the reference. Installs the `bench` extra (pins in pyproject.toml, shared
## dependencies held to requirements-dev.lock) and Debian's pango/harfbuzz-subset that it needs.
bench-pdf: bench-extra
	@{ ldconfig -p | grep -q libpangoft2-1.0 && ldconfig -p | grep -q libharfbuzz-subset; } || { \
		echo "Installing pango for WeasyPrint…"; apt-get update -qq && \
		apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; }
	$(BIN)/python bench/pdf.py $(BENCH_ARGS)

## The `bench` extra (pins in pyproject.toml, shared dependencies held to requirements-dev.lock).
bench-extra: install
	$(BIN)/python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['bench']))" > $(VENV)/bench-requirements.txt
	$(BIN)/pip install --quiet -r $(VENV)/bench-requirements.txt -c requirements-dev.lock

## The HTTP benchmarks need PostgreSQL and Redis on 127.0.0.1 (started here when installed
## but not running); each creates its own database and drops it afterwards.
bench-services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
		command -v pg_ctlcluster >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }; \
		pg_ctlcluster 15 main start; sleep 2; }
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || { \
		command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }; \
		redis-server --daemonize yes --bind 127.0.0.1 --save '' --appendonly no; sleep 1; }

## Lesson page floor (bench/page_floor.py): gunicorn with 2 workers, wrk against a bare Wagtail
## page, the enrolled learner's lesson page and the mark-done POST. Database bench_floor.
bench-floor: bench-extra messages bench-services
	@command -v wrk >/dev/null || { echo "Installing wrk…"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/page_floor.py $(BENCH_ARGS); status=$$?; \
		psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS bench_floor WITH (FORCE)' >/dev/null; exit $$status

## Exam load (bench/exam_load.py): Locust, N learners start one quiz at the same moment.
## BENCH_ARGS="--users 300 --think-min 5 --think-max 15" for a short run. Database bench_exam.
bench-exam: bench-extra messages bench-services
	$(BIN)/python bench/exam_load.py $(BENCH_ARGS); status=$$?; \
		psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS bench_exam WITH (FORCE)' >/dev/null; exit $$status

## Login storm (bench/login_storm.py): 3,000 learners sign in at once (password, or
## BENCH_ARGS="--oidc" through a local oidc-provider) and open their exam.
bench-login: bench-extra messages bench-services
	$(BIN)/python bench/login_storm.py $(BENCH_ARGS); status=$$?; \
		psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS bench_login WITH (FORCE)' >/dev/null; exit $$status

## HR matrix at city scale (bench/hr_matrix.py): 40,000 employees, 30 required courses, ~1M
## progress rows generated with COPY (about 3 minutes), then the matrix page (first page,
## filtered), an employee record and the full CSV export through the real views with the HR
## user logged in. BENCH_ARGS="--people 5000 --runs 10" for a short run. Database hr_bench.
## Notification centre (bench/notifications.py): 5,000 notifications of one person.
bench-notifications: messages bench-services
	$(BIN)/python bench/notifications.py $(BENCH_ARGS)

## Site search: 300 courses, 6,000 lessons, 2,000 projects, 5,000 directory entries (PostgreSQL).
bench-search: messages bench-services
	$(BIN)/python bench/search.py $(BENCH_ARGS)

bench-hr: messages bench-services
	$(BIN)/python bench/hr_matrix.py $(BENCH_ARGS); status=$$?; \
		psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS hr_bench WITH (FORCE)' >/dev/null; exit $$status

## HR sync (bench/hr_sync.py): a 40,000-employee export with 2 % joiners, 2 % movers and 1 %
## leavers, previewed and applied on PostgreSQL, then the same file again.
bench-hr-sync: messages bench-services
	$(BIN)/python bench/hr_sync.py $(BENCH_ARGS); status=$$?; \
		psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS hr_sync_bench WITH (FORCE)' >/dev/null; exit $$status

## SCIM provisioning benchmark (bench/scim.py): 1,000 people created by a directory (lookup,
## POST, two PATCHes each) against 5,000 existing employees, on PostgreSQL behind gunicorn.
bench-scim: messages bench-services
	$(BIN)/python bench/scim.py $(BENCH_ARGS); status=$$?; \
		psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS scim_bench WITH (FORCE)' >/dev/null; exit $$status

## Bulk issuance benchmark (bench/bulk_issue.py): COUNT certificates (default 10000) issued,
## rendered, signed, stored and mailed by two Celery workers on PostgreSQL and Redis
## (BENCH_DATABASE_URL, BENCH_BROKER_URL; the benchmark database is dropped and re-created).
COUNT ?= 10000
bench-bulk: install
	$(BIN)/pip install --quiet "$$($(BIN)/python -c "import tomllib; print(next(d for d in tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['bench'] if d.startswith('psutil')))")"
	$(BIN)/python bench/bulk_issue.py --count $(COUNT) $(BENCH_ARGS)

## Cluster (bench/cluster.py): the exam load through HAProxy against one and two app servers
## with the same workers, and certificate issuance onto the disk and into S3 (SeaweedFS).
bench-cluster: bench-extra messages bench-services peers
	@command -v haproxy >/dev/null || { echo "bench-cluster needs haproxy (apt-get install haproxy)"; exit 1; }
	$(BIN)/python bench/cluster.py $(BENCH_ARGS)

## Container image (deploy/container): a Debian 12 base from Debian's packages (debootstrap),
## the image (buildah), then deploy/container/verify.sh runs it against PostgreSQL and Redis.
## BUILDAH_ARGS="--storage-driver vfs" where overlay mounts are not allowed (containers, CI).
BUILDAH_ARGS ?=
IMAGE ?= localhost/kommunal-campus:dev
IMAGE_BUILD_ARGS ?= -v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/build-ca.crt:ro --build-arg PIP_CERT=/etc/ssl/certs/build-ca.crt
image:
	@command -v buildah >/dev/null && command -v debootstrap >/dev/null || { echo "make image needs buildah and debootstrap (apt-get install buildah debootstrap)"; exit 1; }
	buildah $(BUILDAH_ARGS) inspect localhost/kommunal-campus-base:bookworm >/dev/null 2>&1 || BUILDAH_ARGS="$(BUILDAH_ARGS)" sh deploy/container/build-base.sh
	buildah $(BUILDAH_ARGS) bud --isolation chroot $(IMAGE_BUILD_ARGS) -f deploy/container/Containerfile -t $(IMAGE) .
	BUILDAH_ARGS="$(BUILDAH_ARGS)" sh deploy/container/verify.sh $(IMAGE)

## The Helm chart (deploy/helm): helm lint --strict, rendered objects against the Kubernetes
## schemas, and what the chart promises (tests/deploy). helm comes with the npm packages.
chart-check: install
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/pytest -q tests/deploy

worker: install
	$(BIN)/celery -A lms worker --beat --loglevel=info --concurrency=2

clean:
	rm -rf $(VENV) staticfiles node_modules
