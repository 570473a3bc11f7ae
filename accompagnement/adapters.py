"""django-allauth adapter: accounts are created or invited by DGAFP staff, never by public sign-up."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accompagnement import second_factor
from accompagnement.proconnect import services as proconnect
from accompagnement.proconnect import views as proconnect_views
from fabrique.core.clientip import client_ip

# allauth's TOTP step at login, and ours, which lets a multi-factor ProConnect login through.
MFA_STAGE = "allauth.mfa.stages.AuthenticateStage"
PROCONNECT_MFA_STAGE = "accompagnement.proconnect.stages.AuthenticateStage"


class AccountAdapter(DefaultAccountAdapter):
    # allauth's wording, in the site's words (« adresse électronique », as the field's label says).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("L’adresse électronique ou le mot de passe est incorrect."),
    }

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        """The address allauth's rate limits count: X-Forwarded-For only through our trusted proxies."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Adresse du client inconnue.")
        return ip

    # --- ProConnect (accompagnement/proconnect, README « ProConnect ») --------------------------------
    def get_login_stages(self):
        return [PROCONNECT_MFA_STAGE if stage == MFA_STAGE else stage for stage in super().get_login_stages()]

    def post_login(self, request, user, **kwargs):
        proconnect.remember_id_token(request, (kwargs.get("signal_kwargs") or {}).get("sociallogin"))
        return super().post_login(request, user, **kwargs)

    def get_logout_redirect_url(self, request):
        """After a ProConnect login, our logout goes on to end the ProConnect session too."""
        if proconnect.has_proconnect_session(request):
            return reverse("proconnect_end_session")
        return super().get_logout_redirect_url(request)

    def logout(self, request):
        pending = proconnect.end_session(request)  # read before the session is emptied
        super().logout(request)
        proconnect.remember_end_session(request, pending)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """ProConnect logins: the network is closed, an identity signs in as an existing member or not at all."""

    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        try:
            proconnect.link_member(sociallogin)
        except proconnect.UnknownMemberError as refusal:
            raise ImmediateHttpResponse(
                proconnect_views.unknown_member_response(request, refusal.email)
            ) from refusal
        except proconnect.InactiveMemberError as refusal:
            message = _(
                "Votre compte de la Fabrique a été désactivé. Pour le rouvrir, écrivez à l'équipe "
                "d'animation de la DGAFP."
            )
            raise ImmediateHttpResponse(proconnect_views.error_response(request, message)) from refusal

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        if error == AuthError.CANCELLED:
            return  # allauth's "connexion annulée" page
        raise ImmediateHttpResponse(
            proconnect_views.authentication_error_response(request, error, exception, extra_context)
        )


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator):
        return second_factor.may_remove(authenticator)
