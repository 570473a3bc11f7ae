import pytest

from tests.manage_command import PRODUCTION, run_manage


def test_check_deploy_passes_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_start_refused_naming_missing_variable(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr
    assert "obligatoire" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "nonsense://"),
        ("ALLOWED_HOSTS", ","),
        ("SECRET_KEY", "trop-courte"),
        ("REDIS_URL", "nonsense"),
        ("EMAIL_URL", "bogus"),
        ("CONN_MAX_AGE", "x"),
        ("SECURE_HSTS_SECONDS", "abc"),
        ("TRUSTED_PROXY_COUNT", "un"),
    ],
)
def test_production_start_refused_naming_malformed_variable(name, value):
    result = run_manage("check", env={**PRODUCTION, name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr.splitlines()[-1]


def test_production_settings_are_safe_by_default():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, s.SECURE_HSTS_SECONDS > 0,"
        " s.LANGUAGE_CODE, s.TIME_ZONE,"
        " 'django.contrib.auth.middleware.LoginRequiredMiddleware' in s.MIDDLEWARE,"
        " 'csp.middleware.CSPMiddleware' in s.MIDDLEWARE, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = run_manage(
        "shell", "-v", "0", "-c", code, env={**PRODUCTION, "REDIS_URL": "redis://cache:6379/0"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "DENY",
        "same-origin",
        "True",
        "fr-fr",
        "Europe/Paris",
        "True",
        "True",
        "False",
    ]


def test_ssl_redirect_configurable_behind_proxy():
    code = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER)"
    result = run_manage("shell", "-v", "0", "-c", code, env={**PRODUCTION, "SECURE_SSL_REDIRECT": "false"})
    assert result.stdout.split()[0] == "False"
