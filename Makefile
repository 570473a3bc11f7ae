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

# The whole suite. Uses PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set (see README).
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
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
