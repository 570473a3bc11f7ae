"""The ProConnect provider: allauth's OpenID Connect provider with ProConnect's state, nonce and claims.

Its app comes from settings (`SOCIALACCOUNT_PROVIDERS["proconnect"]`, built from PROCONNECT_* variables in
fabrique/settings/base.py): client_id, secret, and in `settings` the discovery URL (server_url), the issuer,
the scopes, the acr levels required (acr_values) and those that count as a second factor (mfa_acr_values).
"""

from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base.constants import AuthProcess
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    OpenIDConnectProviderAccount,
)
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.http import urlencode

from accompagnement.proconnect import PROVIDER_ID, tokens
from accompagnement.proconnect.oidc import ProConnectOAuth2Adapter

# ProConnect requires at least 32 characters for both (allauth's state id has 16).
STATE_LENGTH = 48
NONCE_LENGTH = 48
WELL_KNOWN = "/.well-known/openid-configuration"
# ProConnect's scopes (one per claim): the address is what finds the member's account.
DEFAULT_SCOPE = ["openid", "email", "given_name", "usual_name", "uid"]


class ProConnectAccount(OpenIDConnectProviderAccount):
    def to_str(self):
        return (self.get_user_data() or {}).get("email") or super().to_str()


class ProConnectProvider(OpenIDConnectProvider):
    id = PROVIDER_ID
    name = "ProConnect"
    account_class = ProConnectAccount
    oauth2_adapter_class = ProConnectOAuth2Adapter
    # Only the browser flow: no signing in by posting a token to an API.
    supports_token_authentication = False

    def __init__(self, request, app=None):
        super().__init__(request, app=app)
        self.name = "ProConnect"

    # --- Configuration --------------------------------------------------------------------------------
    @property
    def issuer(self):
        """ProConnect's issuer is its discovery URL without the well-known suffix (…/api/v2)."""
        return self.app.settings.get("issuer") or self.app.settings["server_url"].removesuffix(WELL_KNOWN)

    @property
    def required_acr_values(self):
        return list(self.app.settings.get("acr_values") or [])

    @property
    def mfa_acr_values(self):
        return list(self.app.settings.get("mfa_acr_values") or [])

    def get_default_scope(self):
        return list(DEFAULT_SCOPE)

    # --- The redirect to ProConnect -------------------------------------------------------------------
    def get_login_url(self, request, **kwargs):
        url = reverse("proconnect_login")
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("proconnect_callback")

    def get_redirect_from_request_kwargs(self, request):
        # Always a login (never "connect" an identity to the signed-in account), with our scopes and
        # parameters only: ProConnect refuses any parameter it does not know.
        kwargs = super().get_redirect_from_request_kwargs(request)
        kwargs.update(process=AuthProcess.LOGIN, scope=self.get_scope(), auth_params={})
        return kwargs

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = get_random_string(NONCE_LENGTH)
        kwargs["auth_params"] = {
            **(kwargs.get("auth_params") or {}),
            "nonce": nonce,
            "claims": tokens.claims_request(self.required_acr_values),
        }
        # The nonce is stashed with the state (in this browser's session) for the callback to compare.
        return super().redirect(request, process, next_url, data, nonce=nonce, **kwargs)

    def stash_redirect_state(self, request, process, next_url=None, data=None, state_id=None, **kwargs):
        state_id = state_id or get_random_string(STATE_LENGTH)
        return super().stash_redirect_state(request, process, next_url, data, state_id=state_id, **kwargs)

    def get_pkce_params(self):
        # ProConnect documents no PKCE and refuses unknown parameters.
        return {}

    # --- What the verified tokens say -----------------------------------------------------------------
    def extract_uid(self, data):
        return str(data["id_token"]["sub"])

    def extract_common_fields(self, data):
        userinfo = data["userinfo"]
        return {
            "email": userinfo.get("email"),
            "first_name": userinfo.get("given_name"),
            "last_name": userinfo.get("usual_name"),
        }

    def extract_email_addresses(self, data):
        # ProConnect's identity providers vouch for the agent's address.
        email = data["userinfo"].get("email")
        return [EmailAddress(email=email, verified=True, primary=True)] if email else []

    def verify_token(self, request, token):
        raise get_adapter().validation_error("invalid_token")


provider_classes = [ProConnectProvider]
