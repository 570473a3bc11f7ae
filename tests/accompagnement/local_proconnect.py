"""A ProConnect for the tests: a real OpenID Connect provider on 127.0.0.1, reached over real HTTP.

oidc-provider-mock (a Flask app, authlib underneath) is served by werkzeug's `make_server` in a thread.
On top of it, an `after_request` hook makes it answer like ProConnect, whose userinfo is a signed JWT
(`application/jwt`, signed with the provider's own key, published in its JWKS), and misbehave when a test
asks (`provider.misbehave(...)`): ID token claims replaced (issuer, audience, nonce, expiry), tokens signed
with another key, with HS256 or not at all, userinfo as plain JSON. The site under test is configured for
it through SOCIALACCOUNT_PROVIDERS, as fabrique/settings/base.py does from the PROCONNECT_* variables.
"""

import base64
import json
import threading
import time
import warnings
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import flask
import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import WSGIRequestHandler, make_server

with warnings.catch_warnings():
    # authlib, under the mock, announces the deprecation of its own modules when they are imported (its
    # `deprecate` module first installs an "always" filter for them, hence the order).
    import authlib.deprecate  # noqa: F401

    warnings.simplefilter("ignore")
    import oidc_provider_mock

CLIENT_ID = "fabrique-rh-test"
CLIENT_SECRET = "secret-de-test-du-fournisseur-de-service"
MFA_ACR_VALUES = ["eidas1-mfa", "eidas2", "eidas3"]


@dataclass
class Behaviour:
    """How the provider departs from ProConnect's rules in the next responses."""

    id_token_claims: dict = field(default_factory=dict)
    id_token_signature: str = "provider"  # provider | other-key | hs256 | none
    userinfo: str = "jwt"  # jwt | json
    userinfo_claims: dict = field(default_factory=dict)
    userinfo_signature: str = "provider"


class _QuietHandler(WSGIRequestHandler):
    def log(self, *args, **kwargs):
        pass


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class LocalProConnect:
    def __init__(self):
        self.app = oidc_provider_mock.app(require_nonce=True)
        self.app.after_request(self._as_proconnect)
        self.behaviour = Behaviour()
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.token_requests = 0
        self.server = None
        self.thread = None

    # --- Running ---------------------------------------------------------------------------------------
    def start(self):
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=_QuietHandler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.daemon = True
        self.thread.start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.thread.join(5)
            self.server.server_close()
            self.server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def issuer(self):
        return self.url

    @property
    def discovery_url(self):
        return f"{self.url}/.well-known/openid-configuration"

    def socialaccount_providers(self, **app_settings):
        """SOCIALACCOUNT_PROVIDERS for this provider, like fabrique/settings/base.py builds it."""
        return {
            "proconnect": {
                "APPS": [
                    {
                        "provider_id": "proconnect",
                        "name": "ProConnect",
                        "client_id": CLIENT_ID,
                        "secret": CLIENT_SECRET,
                        "settings": {
                            "server_url": self.discovery_url,
                            "issuer": self.issuer,
                            "scope": ["openid", "email", "given_name", "usual_name", "uid"],
                            "acr_values": [],
                            "mfa_acr_values": MFA_ACR_VALUES,
                            **app_settings,
                        },
                    }
                ]
            }
        }

    # --- Agents and their sign-in ----------------------------------------------------------------------
    def add_agent(self, sub, *, email, acr="eidas1", **claims):
        """An agent known to the provider (ProConnect's claims: given_name, usual_name, email, uid)."""
        body = {"email": email, "given_name": "Camille", "usual_name": "Agent", "uid": sub, "acr": acr}
        response = requests.put(f"{self.url}/users/{sub}", json={**body, **claims}, timeout=5)
        response.raise_for_status()

    def authorize(self, authorize_url, sub):
        """The agent signs in at the provider's page: returns the redirect back to the site (code, state)."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def misbehave(self, **changes):
        for name, value in changes.items():
            setattr(self.behaviour, name, value)

    # --- ProConnect's shape and the misbehaviours -----------------------------------------------------
    def _provider_key(self):
        jwk = flask.g.oidc_provider_mock_storage.jwk
        return jwk.get_private_key(), jwk.as_dict()["kid"]

    def _sign(self, claims, signature):
        private_key, kid = self._provider_key()
        if signature == "none":
            return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
        if signature == "hs256":
            return jwt.encode(claims, CLIENT_SECRET, algorithm="HS256", headers={"kid": kid})
        key = self.other_key if signature == "other-key" else private_key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

    def _as_proconnect(self, response):
        path = flask.request.path
        if path == "/oauth2/token" and response.status_code == 200:
            self.token_requests += 1
            data = response.get_json()
            changes = self.behaviour.id_token_claims
            if "id_token" in data and (changes or self.behaviour.id_token_signature != "provider"):
                claims = jwt.decode(data["id_token"], options={"verify_signature": False})
                claims.update(changes)
                data["id_token"] = self._sign(
                    {k: v for k, v in claims.items() if v is not None}, self.behaviour.id_token_signature
                )
                response.set_data(json.dumps(data))
        elif path == "/userinfo" and response.status_code == 200:
            claims = {
                **response.get_json(),
                "iss": self.issuer,
                "aud": CLIENT_ID,
                **self.behaviour.userinfo_claims,
            }
            if self.behaviour.userinfo == "json":
                response.set_data(json.dumps(claims))
            else:
                response.set_data(self._sign(claims, self.behaviour.userinfo_signature))
                response.content_type = "application/jwt"
        return response


def query(url):
    """The query parameters of a URL, one value each."""
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def path_and_query(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def running(settings):
    """A local ProConnect, started and configured as the site's ProConnect; a test module's fixture yields
    from it (`yield from local_proconnect.running(settings)`). Its origin joins the CSP's form-action, as
    the production settings add ProConnect's."""
    # authlib, under the mock, warns of its own deprecations while it answers (in the server's thread):
    # pytest turns warnings into errors, so the provider would answer 500. Reverted after the test.
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"authlib(\.|$)")
    provider = LocalProConnect().start()
    try:
        settings.SOCIALACCOUNT_PROVIDERS = provider.socialaccount_providers()
        directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
        settings.CONTENT_SECURITY_POLICY = {
            **settings.CONTENT_SECURITY_POLICY,
            "DIRECTIVES": {**directives, "form-action": [*directives["form-action"], provider.url]},
        }
        yield provider
    finally:
        provider.stop()


def expired_claims():
    now = int(time.time())
    return {"iat": now - 7200, "exp": now - 3600, "auth_time": now - 7200}
