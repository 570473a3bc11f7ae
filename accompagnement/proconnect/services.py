"""What a ProConnect login does on our side: find the member, count a multi-factor level as the second factor,
keep the ID token for the logout, and build the logout's redirect to ProConnect."""

import hmac
import logging

import requests
from allauth.account.internal.flows.login import record_authentication
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.utils import build_absolute_uri
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.http import urlencode

from accompagnement.models import User
from accompagnement.proconnect import PROVIDER_ID
from accompagnement.proconnect.oidc import ProConnectOAuth2Adapter
from accompagnement.services import complete_invitation

logger = logging.getLogger(__name__)

ID_TOKEN_SESSION_KEY = "proconnect_id_token"  # noqa: S105 - a session key, not a secret
END_SESSION_SESSION_KEY = "proconnect_end_session_url"
LOGOUT_STATE_SESSION_KEY = "proconnect_logout_state"
LOGOUT_STATE_LENGTH = 48


class UnknownMemberError(Exception):
    """No account has this address: the network is closed, ProConnect creates none."""

    def __init__(self, email):
        super().__init__(email)
        self.email = email


class InactiveMemberError(Exception):
    """The account was closed by the DGAFP."""


def is_proconnect(sociallogin):
    return sociallogin is not None and sociallogin.account.provider == PROVIDER_ID


def link_member(sociallogin):
    """The member a ProConnect identity signs in as.

    An identity seen before (its `sub`) signs in as the member it was linked to. A new one links to the
    account whose address is the one ProConnect vouches for (an invited member who never chose a password
    included: their address is verified by the same token). Raises UnknownMemberError or InactiveMemberError.
    """
    if not sociallogin.is_existing:
        email = next((address.email for address in sociallogin.email_addresses if address.verified), "")
        user = User.objects.filter(email__iexact=email).first() if email else None
        if user is None:
            raise UnknownMemberError(email)
        if not user.is_active:
            raise InactiveMemberError
        with transaction.atomic():
            sociallogin.user = user
            sociallogin.account.user = user
            sociallogin.account.save()
            complete_invitation(user)
        logger.info("identité ProConnect reliée au compte %s", user.pk)
    elif not sociallogin.user.is_active:
        raise InactiveMemberError
    return sociallogin.user


def second_factor_acr(login):
    """The acr of a login through ProConnect when it is one of the multi-factor levels (mfa_acr_values)."""
    sociallogin = (login.signal_kwargs or {}).get("sociallogin")
    if not is_proconnect(sociallogin):
        return None
    acr = (sociallogin.account.extra_data.get("id_token") or {}).get("acr")
    return acr if acr and acr in sociallogin.provider.mfa_acr_values else None


def record_second_factor(request, user, acr):
    """allauth's record of a second factor for this session (what the staff pages ask for)."""
    record_authentication(request, user, "mfa", type="proconnect", acr=acr)


def has_proconnect_session(request):
    return bool(request.session.get(ID_TOKEN_SESSION_KEY))


def remember_id_token(request, sociallogin):
    """Keep the ID token of a ProConnect login in the session: ProConnect's logout needs it."""
    if is_proconnect(sociallogin) and sociallogin.state.get("id_token"):
        request.session[ID_TOKEN_SESSION_KEY] = sociallogin.state["id_token"]


def end_session(request):
    """ProConnect's end_session_endpoint for this session (the ID token as hint, a state, our
    post_logout_redirect_uri), as (url, state); None when the session did not come from ProConnect, or when
    ProConnect cannot be reached (our own logout still happens). Read before the logout empties the
    session."""
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if not id_token:
        return None
    try:
        endpoint = ProConnectOAuth2Adapter(request).openid_config["end_session_endpoint"]
    except (SocialApp.DoesNotExist, requests.RequestException, OAuth2Error, KeyError) as exc:
        logger.warning("déconnexion ProConnect impossible, seule la session locale est close : %s", exc)
        return None
    state = get_random_string(LOGOUT_STATE_LENGTH)
    params = {
        "id_token_hint": id_token,
        "state": state,
        "post_logout_redirect_uri": build_absolute_uri(request, reverse("proconnect_logged_out")),
    }
    return f"{endpoint}?{urlencode(params)}", state


def remember_end_session(request, pending):
    """In the new, anonymous session: where to send the browser to end its ProConnect session, and the state
    ProConnect will bring back."""
    if pending:
        request.session[END_SESSION_SESSION_KEY], request.session[LOGOUT_STATE_SESSION_KEY] = pending


def pop_end_session_url(request):
    return request.session.pop(END_SESSION_SESSION_KEY, None)


def is_logout_state(request, state):
    """Whether `state` is the one this browser sent with its logout (used once)."""
    expected = request.session.pop(LOGOUT_STATE_SESSION_KEY, None)
    return bool(expected) and hmac.compare_digest(state.encode(), expected.encode())
