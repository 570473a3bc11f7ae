"""The embedded default: SQLite, tasks run in-process, files and emails on local disk. No server needed."""

import os
from pathlib import Path

_root = Path(__file__).resolve().parent.parent.parent
os.environ.setdefault("SECRET_KEY", "dev-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_root / 'db.sqlite3'}")
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
os.environ.setdefault("EMAIL_URL", "consolemail://")

from fabrique.settings.base import *  # noqa: E402, F403

DEBUG = env.bool("DEBUG", default=True)  # noqa: F405
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Serve static files straight from the apps (no collectstatic needed outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# No proxy in front of the development server: trust no X-Forwarded-For.
TRUSTED_PROXIES = []
TRUSTED_PROXY_COUNT = 0
# The demo data (known passwords) may be loaded here, never in production.
DEMO_DATA_ALLOWED = True
