"""ProConnect's pages: the button's target, the callback, the return from logout, and the refusals.

/compte/proconnect/connexion/          POST: stash state and nonce in the session, redirect to ProConnect
/compte/proconnect/connexion/retour/   ProConnect's redirect_uri: state, code, ID token, userinfo, login
/compte/proconnect/fin-de-session/     after our logout: on to ProConnect's end_session_endpoint
/compte/proconnect/deconnexion/        ProConnect's post_logout_redirect_uri: back to the login page
"""

import logging

import requests
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base.constants import AuthError
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2LoginView
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from accompagnement.proconnect import services, tokens
from accompagnement.proconnect.oidc import ProConnectCallbackView, ProConnectOAuth2Adapter
from accompagnement.proconnect.tokens import ProConnectError

logger = logging.getLogger(__name__)


def error_response(request, message, status=403):
    """A refusal: a French page saying what happened and what to do; nobody is signed in."""
    context = {"message": message, "contact_email": settings.NETWORK_CONTACT_EMAIL}
    return render(request, "accompagnement/proconnect/erreur.html", context, status=status)


def unknown_member_response(request, email):
    context = {"email": email, "contact_email": settings.NETWORK_CONTACT_EMAIL}
    return render(request, "accompagnement/proconnect/compte_inconnu.html", context, status=403)


STATE_REFUSED = _(
    "Cette réponse de ProConnect ne correspond à aucune connexion en cours dans ce navigateur : le lien a "
    "expiré, a déjà servi ou vient d'un autre navigateur. Recommencez la connexion depuis la page de "
    "connexion de la Fabrique."
)
PROVIDER_ERROR = _("ProConnect a interrompu la connexion. Recommencez depuis la page de connexion.")
UNREACHABLE = _("ProConnect ne répond pas pour le moment. Réessayez dans quelques minutes.")


def authentication_error_response(request, error=None, exception=None, extra_context=None):
    """allauth's authentication errors, as one of our pages (called by the social account adapter)."""
    extra_context = extra_context or {}
    if isinstance(exception, ProConnectError):
        message, reason = exception.message, exception.reason
    elif isinstance(exception, requests.RequestException) and not isinstance(exception, requests.HTTPError):
        message, reason = UNREACHABLE, exception
    elif exception is not None:
        message, reason = tokens.INVALID_RESPONSE, exception
    elif "state" not in extra_context:
        message, reason = STATE_REFUSED, "state absent, inconnu de cette session, expiré ou déjà utilisé"
    else:
        message, reason = PROVIDER_ERROR, f"erreur du fournisseur {request.GET.get('error', error)!r}"
    logger.warning("connexion ProConnect refusée : %s", reason)
    return error_response(request, message, status=503 if message == UNREACHABLE else 403)


@login_not_required
def login(request):
    """POST (the button): redirect to ProConnect. GET shows a page with the button (no login on GET)."""
    try:
        return OAuth2LoginView.adapter_view(ProConnectOAuth2Adapter(request))(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc
    except (requests.RequestException, OAuth2Error) as exc:
        return authentication_error_response(request, AuthError.UNKNOWN, exc)


@login_not_required
def callback(request):
    try:
        return ProConnectCallbackView.adapter_view(ProConnectOAuth2Adapter(request))(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc


@login_not_required
def end_session(request):
    """After our logout, on to ProConnect's end_session_endpoint, by a page of ours rather than a redirect:
    ProConnect sends the browser on to the agent's identity provider, whose address no form-action of our
    Content-Security-Policy can list, and browsers apply form-action to every redirect after the logout
    form. The page moves on at once (an instant meta refresh) and offers a link."""
    url = services.pop_end_session_url(request)
    if not url:
        return redirect("account_login")
    return render(request, "accompagnement/proconnect/fin_de_session.html", {"end_session_url": url})


@login_not_required
def logged_out(request):
    """ProConnect sends the browser back here once its session is over (ours ended before)."""
    if not services.is_logout_state(request, request.GET.get("state", "")):
        logger.warning("retour de déconnexion ProConnect avec un state inconnu")
    return redirect("account_login")
