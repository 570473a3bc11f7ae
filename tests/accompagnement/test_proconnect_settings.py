"""ProConnect's production settings, read from the environment as fabrique/settings/base.py does."""

import json

import pytest

from tests.manage_command import PRODUCTION
from tests.manage_command import run_manage as run_manage_with

INTEGRATION = {
    "PROCONNECT_DISCOVERY_URL": "https://fca.integ01.dev-agentconnect.fr/api/v2/.well-known/openid-configuration",
    "PROCONNECT_CLIENT_ID": "identifiant-du-fs",
    "PROCONNECT_CLIENT_SECRET": "secret-du-fs",
}
SHOW = (
    "import json; from django.conf import settings as s;"
    "print(json.dumps([s.SOCIALACCOUNT_PROVIDERS, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']]))"
)


def run_manage(*args, env):
    return run_manage_with(*args, env=env, drop={*INTEGRATION, "DEBUG"}, drop_prefixes=("PROCONNECT_",))


def test_proconnect_is_off_without_its_variables():
    result = run_manage("shell", "-v", "0", "-c", SHOW, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    providers, form_action = json.loads(result.stdout)
    assert providers == {}
    assert form_action == ["'self'"]


def test_proconnect_integration_settings():
    result = run_manage("shell", "-v", "0", "-c", SHOW, env={**PRODUCTION, **INTEGRATION})
    assert result.returncode == 0, result.stderr
    providers, form_action = json.loads(result.stdout)
    app = providers["proconnect"]["APPS"][0]
    assert (app["provider_id"], app["client_id"], app["secret"]) == (
        "proconnect",
        "identifiant-du-fs",
        "secret-du-fs",
    )
    assert app["settings"] == {
        "server_url": INTEGRATION["PROCONNECT_DISCOVERY_URL"],
        "issuer": "https://fca.integ01.dev-agentconnect.fr/api/v2",
        "scope": ["openid", "email", "given_name", "usual_name", "uid"],
        "acr_values": [],
        "mfa_acr_values": ["eidas1-mfa", "eidas2", "eidas3"],
    }
    # The button's form is redirected to ProConnect: the CSP's form-action allows its origin.
    assert form_action == ["'self'", "https://fca.integ01.dev-agentconnect.fr"]


def test_proconnect_levels_from_the_environment():
    env = {
        **PRODUCTION,
        **INTEGRATION,
        "PROCONNECT_ACR_VALUES": "eidas2,eidas3",
        "PROCONNECT_MFA_ACR_VALUES": "eidas3",
    }
    result = run_manage("shell", "-v", "0", "-c", SHOW, env=env)
    settings = json.loads(result.stdout)[0]["proconnect"]["APPS"][0]["settings"]
    assert (settings["acr_values"], settings["mfa_acr_values"]) == (["eidas2", "eidas3"], ["eidas3"])


def test_check_deploy_passes_with_proconnect_configured():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, **INTEGRATION})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(INTEGRATION))
def test_partial_proconnect_configuration_is_refused(missing):
    env = {**PRODUCTION, **{k: v for k, v in INTEGRATION.items() if k != missing}}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "vont ensemble" in result.stderr


def test_proconnect_over_plain_http_is_refused_in_production():
    env = {**PRODUCTION, **INTEGRATION, "PROCONNECT_DISCOVERY_URL": "http://proconnect.example/api/v2"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "PROCONNECT_DISCOVERY_URL" in result.stderr.splitlines()[-1]
