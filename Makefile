# Fabrique de l'accompagnement RH: the two README commands and the quality gate.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install run demo test test-fast quality format migrations bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs exactly the versions of the lock file (requirements/dev.txt includes the production set).
install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.txt

# Embedded default: SQLite, tasks in-process, files and emails on local disk. Prints the demo accounts.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Fabrique démarre sur http://127.0.0.1:$(PORT)/ (Ctrl+C pour arrêter)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The whole suite. Uses DATABASE_URL / REDIS_URL when set; otherwise a PostgreSQL or Redis answering on
# 127.0.0.1 (the development machines run both) is used; failing that, SQLite and no worker tests.
LOCAL_PG := postgres://postgres@127.0.0.1:5432/fabrique
LOCAL_REDIS := redis://127.0.0.1:6379/0
test: install
	@db="$${DATABASE_URL:-}"; redis="$${REDIS_URL:-}"; \
	if [ -z "$$db" ] && command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then db=$(LOCAL_PG); fi; \
	if [ -z "$$redis" ] && command -v redis-cli >/dev/null 2>&1 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then redis=$(LOCAL_REDIS); fi; \
	echo "Tests sur $${db:-SQLite}, broker $${redis:-aucun (tests worker ignorés)}"; \
	DATABASE_URL="$$db" REDIS_URL="$$redis" $(BIN)/python -m pytest $(PYTEST_ARGS)

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=fabrique.settings.base SECRET_KEY=quality-check-$$(date +%s)-not-a-real-secret-0123456789abcdefghij \
	  ALLOWED_HOSTS=fabrique.example.gouv.fr DATABASE_URL=sqlite:///:memory: \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/livret.py

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
