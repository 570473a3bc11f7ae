"""Fetching ProConnect's documents and verifying its signed tokens (ID token, userinfo).

Every check fails closed with a `ProConnectError` whose message is shown to the agent, in French; the
technical reason goes to the log.
"""

import json
import logging

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# ProConnect signs with the algorithm chosen when the service is registered: RS256 or ES256 (asymmetric,
# published in its JWKS). HS256 (signed with the client secret) is not accepted here, nor "none".
SIGNING_ALGORITHMS = ("RS256", "ES256")
# Clock difference tolerated between ProConnect and us on exp/iat/nbf, in seconds.
LEEWAY = 30

INVALID_RESPONSE = _(
    "La réponse de ProConnect n'a pas pu être vérifiée : la connexion est refusée. Recommencez ; si le "
    "problème persiste, signalez-le à l'équipe d'animation."
)


class ProConnectError(OAuth2Error):
    """A ProConnect response that is refused. allauth's callback view turns an OAuth2Error into its error
    page (our adapter's `on_authentication_error`), so no session is opened."""

    def __init__(self, reason, message=INVALID_RESPONSE):
        super().__init__(reason)
        self.reason = reason
        self.message = message


def fetch_json(url):
    """GET a JSON document (discovery, JWKS) with allauth's HTTP session (its timeout)."""
    with get_adapter().get_requests_session() as session:
        response = session.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
    try:
        return response.json()
    except ValueError as exc:
        raise ProConnectError(f"{url} n'a pas répondu en JSON") from exc


def fetch_keys(jwks_uri):
    """The provider's public keys, as PyJWT keys (unusable entries, e.g. encryption keys, are skipped)."""
    try:
        return jwt.PyJWKSet.from_dict(fetch_json(jwks_uri)).keys
    except (jwt.PyJWTError, KeyError, TypeError) as exc:
        raise ProConnectError(f"JWKS illisible : {exc}") from exc


def _signing_key(keys, header):
    kid = header.get("kid")
    candidates = [
        key
        for key in keys
        if (kid is None or key.key_id == kid)
        and key.public_key_use in (None, "sig")
        and key.algorithm_name == header["alg"]
    ]
    # Without a kid the key must be unambiguous.
    if len(candidates) != 1:
        raise ProConnectError(f"aucune clé de signature unique pour kid={kid!r} alg={header['alg']!r}")
    return candidates[0]


def verify(token, *, keys, issuer, audience, required=("iss", "aud", "sub")):
    """Verify a signed JWT from ProConnect and return its claims.

    The signature is checked with one of the provider's keys and an allowed algorithm (never the one the
    token asks for if it is not in SIGNING_ALGORITHMS: "none" and HS256 are refused); then iss, aud and the
    dates (exp, nbf, iat when present) and the presence of `required` claims. A token addressed to several
    audiences must name us as its authorised party (azp), as OpenID Connect Core 3.1.3.7 asks.
    """
    if not isinstance(token, str) or not token:
        raise ProConnectError("jeton absent")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise ProConnectError(f"jeton illisible : {exc}") from exc
    if header.get("alg") not in SIGNING_ALGORITHMS:
        raise ProConnectError(f"algorithme de signature refusé : {header.get('alg')!r}")
    key = _signing_key(keys, header)
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[header["alg"]],
            audience=audience,
            issuer=issuer,
            leeway=LEEWAY,
            options={"require": list(required), "verify_iat": True},
        )
    except jwt.PyJWTError as exc:
        raise ProConnectError(f"jeton refusé : {exc}") from exc
    audiences = claims["aud"] if isinstance(claims.get("aud"), list) else [claims.get("aud")]
    if len(audiences) > 1 and claims.get("azp") != audience:
        raise ProConnectError("jeton destiné à plusieurs services sans azp à notre nom")
    return claims


def claims_request(acr_values):
    """The `claims` parameter of the authorization request: the acr in the ID token, required among
    `acr_values` when given (ProConnect's way to demand a level, e.g. multi-factor)."""
    acr = {"essential": True, "values": list(acr_values)} if acr_values else None
    return json.dumps({"id_token": {"acr": acr}}, separators=(",", ":"))
