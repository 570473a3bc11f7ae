"""allauth's OpenID Connect adapter and callback view, with ProConnect's checks: the issuer of the
discovery document, the ID token (signature with the provider's keys, iss, aud, exp, nonce, acr) and the
userinfo, which ProConnect answers as a signed JWT.
"""

import hmac

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accompagnement.proconnect import PROVIDER_ID, tokens
from accompagnement.proconnect.tokens import ProConnectError

USERINFO_NOT_JWT = "userinfo non signé (application/jwt attendu)"


class ProConnectOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect adapter, checking what ProConnect requires of a service provider."""

    # ProConnect expects client_id and client_secret in the token request's body.
    basic_auth = False

    def __init__(self, request, provider_id=PROVIDER_ID):
        super().__init__(request, provider_id)
        # The state stashed at the redirect, set by the callback view once it has checked the `state`.
        self.state = None
        self._config = None

    @property
    def openid_config(self):
        """The discovery document, whose issuer must be the one configured (OpenID Connect Discovery 4.3)."""
        if self._config is None:
            provider = self.get_provider()
            config = tokens.fetch_json(provider.server_url)
            if config.get("issuer") != provider.issuer:
                raise ProConnectError(f"issuer de la découverte inattendu : {config.get('issuer')!r}")
            self._config = config
        return self._config

    def get_callback_url(self, request, app):
        return build_absolute_uri(request, reverse("proconnect_callback"), self.redirect_uri_protocol)

    def complete_login(self, request, app, token, **kwargs):
        """Verify the ID token (signature, iss, aud, exp, nonce, acr) and the signed userinfo, then build the
        social login. The raw ID token is kept in the state: the login keeps it in the session for logout."""
        if self.state is None:
            raise ProConnectError("état de connexion absent")
        provider = self.get_provider()
        raw_id_token = kwargs["response"].get("id_token")
        keys = tokens.fetch_keys(self.openid_config["jwks_uri"])
        id_token = tokens.verify(
            raw_id_token,
            keys=keys,
            issuer=provider.issuer,
            audience=app.client_id,
            required=("iss", "aud", "sub", "exp", "iat", "nonce"),
        )
        expected_nonce = self.state.get("nonce")
        if not expected_nonce or not hmac.compare_digest(
            str(id_token["nonce"]).encode(), expected_nonce.encode()
        ):
            raise ProConnectError("nonce différent de celui envoyé")
        if provider.required_acr_values and id_token.get("acr") not in provider.required_acr_values:
            raise ProConnectError(
                f"niveau acr {id_token.get('acr')!r} hors de {provider.required_acr_values}",
                _(
                    "Votre connexion ProConnect n'a pas le niveau de sécurité demandé par ce service "
                    "(double authentification). Reconnectez-vous avec ProConnect en suivant ses étapes."
                ),
            )
        userinfo = self._fetch_signed_user_info(token.token, keys=keys, provider=provider, app=app)
        if userinfo["sub"] != id_token["sub"]:
            raise ProConnectError("sub du userinfo différent de celui du jeton d'identité")
        if not userinfo.get("email"):
            raise ProConnectError(
                "userinfo sans email",
                _(
                    "ProConnect n'a pas transmis votre adresse électronique : la Fabrique ne peut pas "
                    "retrouver votre compte."
                ),
            )
        self.state["id_token"] = raw_id_token
        return provider.sociallogin_from_response(request, {"id_token": id_token, "userinfo": userinfo})

    def _fetch_signed_user_info(self, access_token, *, keys, provider, app):
        """ProConnect answers the userinfo as a JWT (application/jwt) signed with its keys: plain JSON, even
        well-formed, is refused, since nothing would prove it comes from ProConnect unaltered."""
        with get_adapter().get_requests_session() as session:
            response = session.get(
                self.profile_url,
                headers={"Authorization": f"Bearer {access_token}", "Accept": "application/jwt"},
            )
            response.raise_for_status()
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/jwt":
            raise ProConnectError(f"{USERINFO_NOT_JWT}, reçu {content_type!r}")
        return tokens.verify(response.text.strip(), keys=keys, issuer=provider.issuer, audience=app.client_id)


class ProConnectCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        # allauth checks the `state` (in this browser's session, for this provider, unexpired) and consumes
        # it; the adapter needs what was stashed with it (the nonce) to check the ID token.
        state, response = super()._get_state(request, provider)
        self.adapter.state = state
        return state, response
