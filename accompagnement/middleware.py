"""What a signed-in account must do before using the site: staff pass a second factor, members accept the
charter in force (a new version asks again).

Placed after AuthenticationMiddleware, the second factor first. The charter costs one query per
authenticated request (the version in force); the member's acceptance is remembered in their session once
checked. The second factor costs nothing for members and nothing for staff once the session has passed it.
"""

from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accompagnement import second_factor
from accompagnement.models import Charte
from accompagnement.services import SESSION_CHARTE_KEY, has_accepted

# Pages reachable before accepting: the account pages (login, logout, password), the legal pages.
OPEN_URL_NAMES = [
    "footer-accessibility-status",
    "footer-legal-notice",
    "footer-personal-data",
    "footer-cookie-management",
    "footer-sitemap",
]


def account_pages_prefix():
    """allauth's pages (/compte/: login, logout, password, the second factor's own pages, ProConnect)."""
    return reverse("account_login").rsplit("/", 2)[0] + "/"


class StaffSecondFactorMiddleware:
    """A staff account uses no page but the account pages until this session has passed a second factor:
    without a TOTP authenticator yet, it is walked through enrolment (then its recovery codes, shown once);
    with one, it confirms a code. The admin and every staff page are behind it, whatever the view does."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def open_prefixes(self):
        return (
            account_pages_prefix(),
            settings.STATIC_URL,
            *(reverse(name) for name in OPEN_URL_NAMES),
        )

    def __call__(self, request):
        user = request.user
        if (
            second_factor.needs_second_factor(user)
            and not request.path.startswith(self.open_prefixes)
            and not second_factor.session_passed(request)
        ):
            return self.ask_second_factor(request)
        return self.get_response(request)

    def ask_second_factor(self, request):
        next_url = request.get_full_path() if request.method == "GET" else reverse("home")
        if second_factor.has_totp(request.user):
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_url})}")
        request.session[second_factor.NEXT_SESSION_KEY] = next_url
        messages.info(
            request,
            _(
                "Votre compte donne accès à l'administration du réseau : protégez-le par une double "
                "authentification avant de continuer. Ajoutez-le à une application d'authentification "
                "(FreeOTP, Aegis, Google Authenticator…), puis saisissez le code qu'elle affiche."
            ),
        )
        return redirect("mfa_activate_totp")


class CharteAcceptanceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def open_prefixes(self):
        return (
            reverse("accompagnement:charte"),
            reverse("accompagnement:invitation", kwargs={"uidb64": "x", "token": "x"}).split("x/")[0],
            account_pages_prefix(),
            settings.STATIC_URL,
            *(reverse(name) for name in OPEN_URL_NAMES),
        )

    def __call__(self, request):
        if self.must_accept(request):
            url = reverse("accompagnement:charte")
            if request.method == "GET":
                url = f"{url}?{urlencode({'next': request.get_full_path()})}"
            return redirect(url)
        return self.get_response(request)

    def must_accept(self, request):
        user = request.user
        if not user.is_authenticated or request.path.startswith(self.open_prefixes):
            return False
        if user.is_staff and request.path.startswith(reverse("admin:index")):
            return False
        current = Charte.objects.publiees().order_by("-version").values_list("pk", "version").first()
        if current is None:
            return False
        charte_id, version = current
        if request.session.get(SESSION_CHARTE_KEY) == version:
            return False
        if has_accepted(user, charte_id):
            request.session[SESSION_CHARTE_KEY] = version
            return False
        return True
