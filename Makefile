# cellmeet — `make run` to try it, `make test` to test it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Development defaults; production sets its own environment (see docs/deployment.md).
export DJANGO_DEBUG ?= 1

.PHONY: install run serve load test lint format messages check clean bench-pdf bench bench-screen bench-archive mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the declared dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

CATALOGUES := locale/vi/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.mo

$(CATALOGUES): %.mo: %.po | $(STAMP)
	$(BIN)/python manage.py compilemessages --locale vi --locale en --ignore '.venv' --verbosity 0

FONTS := var/fonts/NotoSerif-Italic.ttf

# Static instances of the document typeface, cut once from the PyPI font package.
$(FONTS): | $(STAMP)
	$(BIN)/python manage.py prepare_fonts

run: install $(CATALOGUES) $(FONTS)
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "cellmeet: http://$(HOST):$(PORT)/   (Ctrl-C to stop)"
	@echo "Demo logins, password demo12345:"
	@echo "  district        Vị Xuyên district staff until 30/06/2025, province staff (Tuyên Quang) since"
	@echo "  vixuyen         staff of Đảng bộ xã Vị Xuyên, formed 01/07/2025"
	@echo "  thanhthuy       staff of the Thanh Thủy commune committee"
	@echo "  thanhson.bithu  secretary of Chi bộ thôn Thanh Sơn"
	@echo "  thanhson.thuky  member of Thanh Sơn who takes minutes"
	@echo "  namieu.bithu    secretary of Chi bộ thôn Nà Miều"
	@echo "  admin           superuser (Django admin at /admin/)"
	@echo ""
	HOST=$(HOST) PORT=$(PORT) scripts/run.sh

# Production configuration: gunicorn, DEBUG off, whitenoise, persistent connections.
# Uses DATABASE_URL (SQLite by default); set the production variables of docs/deployment.md.
serve: install $(CATALOGUES) $(FONTS)
	HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

# One test process per core (pytest-xdist; each has its own test database), with line
# coverage and its floor ([tool.coverage.report] in pyproject.toml; docs/testing.md).
TEST_WORKERS ?= auto
test: install $(CATALOGUES) $(FONTS)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal --cov --cov-report=term $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the Vietnamese catalogue after changing UI strings.
# Source strings are Vietnamese: the vi catalogue maps them to themselves, and the
# en catalogue needs a translator for every new string (the i18n tests fail until then).
messages: install
	$(BIN)/python manage.py makemessages --locale vi --locale en --no-location --no-obsolete \
		--ignore '.venv/*' --ignore 'tests/*' --ignore 'staticfiles/*' --ignore 'scripts/*'
	$(BIN)/python scripts/fill_source_catalogue.py locale/vi/LC_MESSAGES/django.po
	$(BIN)/python manage.py compilemessages --locale vi --locale en --ignore '.venv' --verbosity 0

# Document timings on the demo data (SQLite unless DATABASE_URL is set).
bench-pdf: install $(FONTS)
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/python scripts/bench_pdf.py

# Key pages at district and province scale on a fresh PostgreSQL database (see docs/performance.md).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cellmeet_bench
# The meeting screen: first-load weight and the sync of 100 queued operations.
bench-screen: install $(CATALOGUES)
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/python scripts/bench_screen.py

bench: install $(CATALOGUES) $(FONTS)
	$(BIN)/python scripts/fresh_database.py "$(BENCH_DATABASE_URL)"
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-only DJANGO_ALLOWED_HOSTS=testserver \
	DJANGO_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 CELLMEET_BASE_URL=https://cellmeet.example.vn DJANGO_CONN_MAX_AGE=60 \
	DJANGO_STATIC_ROOT=var/bench/static DATABASE_URL="$(BENCH_DATABASE_URL)" DJANGO_LOG_LEVEL=WARNING \
		sh -c '$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && $(BIN)/python scripts/bench.py'

# The year-end archive with 1 and 2 job workers, on a PostgreSQL database of its own
# (created, and the demo loaded into it, the first time).
ARCHIVE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cellmeet_archive
bench-archive: install $(CATALOGUES) $(FONTS)
	$(BIN)/python scripts/fresh_database.py --if-missing "$(ARCHIVE_DATABASE_URL)"
	DATABASE_URL="$(ARCHIVE_DATABASE_URL)" $(BIN)/python manage.py migrate --verbosity 0
	DATABASE_URL="$(ARCHIVE_DATABASE_URL)" $(BIN)/python scripts/bench_archive.py

# Mutation testing of the rule modules against their tests (docs/testing.md): every
# mutant must be killed; the equivalent ones are named there.
mutation: install $(CATALOGUES)
	rm -rf mutants
	DJANGO_DEBUG=1 $(BIN)/mutmut run
	DJANGO_DEBUG=1 $(BIN)/python scripts/mutation_report.py

# 50 secretaries and 5 district staff for 60 s against `make serve` on PostgreSQL.
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cellmeet_load
load: install $(CATALOGUES) $(FONTS)
	$(BIN)/python -m pip install --quiet -e '.[dev,load]'
	DATABASE_URL="$(LOAD_DATABASE_URL)" $(BIN)/python scripts/load_test.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
