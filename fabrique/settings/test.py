"""Test settings: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set (CI sets them), else SQLite.

With REQUIRE_SERVICES=1 a missing PostgreSQL or Redis fails the run (see tests/conftest.py), never skips.
"""

import os
from pathlib import Path

_root = Path(__file__).resolve().parent.parent.parent
os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{_root / 'test.sqlite3'}"
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("EMAIL_URL", "smtp://localhost:25")

from fabrique.settings.base import *  # noqa: E402, F403

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", "/tmp/fabrique-test-media"))  # noqa: S108
# Tests call tasks in-process unless they start a real worker (tests/conftest.py: celery_worker).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "fabrique-test")
# The test client connects from 127.0.0.1: no proxy is trusted unless a test plays one (settings fixture).
TRUSTED_PROXIES = []
# Rate limits are tested explicitly; the cache is per process so tests do not share counters.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Serve static files straight from the apps (no collectstatic needed outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests load the demo data to check it.
DEMO_DATA_ALLOWED = True
