"""Members accept the charter in force before using the site; a new version asks again.

Placed after AuthenticationMiddleware. Costs one query per authenticated request (the version in force);
the member's acceptance is remembered in their session once checked.
"""

from functools import cached_property

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

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


class CharteAcceptanceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def open_prefixes(self):
        return (
            reverse("accompagnement:charte"),
            reverse("accompagnement:invitation", kwargs={"uidb64": "x", "token": "x"}).split("x/")[0],
            reverse("account_login").rsplit("/", 2)[0] + "/",  # allauth's /compte/
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
