"""Run `manage.py` in a subprocess with a chosen environment: settings read at startup (production's
variables, ProConnect's) are tested the way the server reads them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A production environment that passes the settings' checks (nothing here connects to anything).
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "fabrique.settings.base",
    "SECRET_KEY": "a-long-random-production-secret-for-the-check-0123456789abcdef",
    "ALLOWED_HOSTS": "fabrique.example.gouv.fr",
    "DATABASE_URL": "postgres://fabrique@db.example:5432/fabrique",
}


def run_manage(*args, env, drop=(), drop_prefixes=()):
    """`manage.py *args` with this process's environment minus the variables the tests set (and `drop`,
    and those starting with `drop_prefixes`), plus `env`."""
    ignored = {*PRODUCTION, *drop, "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {
        k: v for k, v in os.environ.items() if k not in ignored and not k.startswith(tuple(drop_prefixes))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )
