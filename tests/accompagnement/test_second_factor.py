"""Staff work behind a second factor: enrolment at the first visit, a code at each login, every page.

These tests log in through the real forms (password, then the TOTP code) with a plain Django client, not
the suite's `client` fixture, whose force_login stands for a completed login.
"""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accompagnement import second_factor
from tests.accompagnement.factories import PASSWORD, UserFactory
from tests.second_factor import totp_code

ENROL = "/compte/2fa/totp/activate/"
CONFIRM = "/compte/2fa/reauthenticate/"
REAUTHENTICATE = "/compte/reauthenticate/"


def log_in_with_password(user):
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    return client, response


def open_enrolment(client):
    """allauth asks for the password again before adding an authenticator (a recent proof of identity)."""
    response = client.get(ENROL)
    assert response["Location"] == f"{REAUTHENTICATE}?next=%2Fcompte%2F2fa%2Ftotp%2Factivate%2F"
    client.post(response["Location"], {"password": PASSWORD})
    return client.get(ENROL)


def enrol(client):
    """Read the secret the enrolment page shows (as an authenticator app would) and confirm a code."""
    page = open_enrolment(client).content.decode()
    secret = re.search(r"id=\"authenticator_secret\"[^>]*>([A-Z2-7]+)<", page).group(1)
    return client.post(ENROL, {"code": totp_code(secret)})


@pytest.fixture
def new_staff(db):
    """A staff account that has not enrolled a TOTP authenticator yet."""
    return UserFactory(is_staff=True, totp=False)


def test_staff_without_authenticator_is_sent_to_enrolment_from_the_admin(new_staff):
    client, _ = log_in_with_password(new_staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == ENROL
    page = client.get(ENROL, follow=True).content.decode()  # the password again, then enrolment
    assert "protégez-le par une double authentification" in page
    assert client.session[second_factor.NEXT_SESSION_KEY] == "/admin/"


@pytest.mark.django_db(transaction=True)  # allauth records the enrolment when its transaction commits
def test_enrolment_shows_recovery_codes_once_then_opens_the_admin():
    new_staff = UserFactory(is_staff=True, totp=False)
    client, _ = log_in_with_password(new_staff)
    client.get("/admin/")
    response = enrol(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes_page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    codes = re.findall(r"\b\d{8}\b", codes_page)
    assert len(set(codes)) == 10
    assert 'href="/admin/"' in codes_page  # « Continuer » to the page the staff member asked for
    again = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert not set(codes) & set(re.findall(r"\b\d{8}\b", again))
    assert client.get("/admin/").status_code == 200  # enrolment was this session's second factor
    assert Authenticator.objects.filter(user=new_staff, type=Authenticator.Type.TOTP).count() == 1


def test_enrolment_refuses_a_wrong_code(new_staff):
    client, _ = log_in_with_password(new_staff)
    client.get("/admin/")
    open_enrolment(client)
    response = client.post(ENROL, {"code": "000000"})
    assert response.status_code == 200
    assert "Code incorrect" in response.content.decode()
    assert not Authenticator.objects.filter(user=new_staff).exists()
    assert client.get("/admin/")["Location"] == ENROL


def test_staff_login_asks_the_code_after_the_password(staff):
    client, response = log_in_with_password(staff)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert "Code incorrect" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    right = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_also_passes_the_login(staff):
    code = RecoveryCodes.activate(staff).generate_codes()[0]
    client, _ = log_in_with_password(staff)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.get("/admin/").status_code == 200


def test_session_without_the_second_factor_confirms_a_code_then_goes_on(staff):
    client = Client()
    client.force_login(staff)  # a session opened without the code (plain Django login)
    response = client.get("/admin/accompagnement/organisation/?q=x")
    assert response.status_code == 302
    assert response["Location"] == f"{CONFIRM}?next=%2Fadmin%2Faccompagnement%2Forganisation%2F%3Fq%3Dx"
    confirmed = client.post(response["Location"], {"code": totp_code()})
    assert confirmed["Location"] == "/admin/accompagnement/organisation/?q=x"
    assert client.get("/admin/accompagnement/organisation/").status_code == 200


def test_members_are_not_asked_for_a_second_factor(lead):
    client, response = log_in_with_password(lead)
    assert response.status_code == 302
    assert response["Location"] != reverse("mfa_authenticate")
    assert client.get("/").status_code == 200


def test_staff_cannot_remove_their_authenticator(staff, client):
    client.force_login(staff)
    totp = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)
    client.post(reverse("mfa_deactivate_totp"), {})
    assert Authenticator.objects.filter(pk=totp.pk).exists()


def sample_paths(resolver=None, prefix="/"):
    """One concrete path per URL pattern of the project (parameters filled with sample values)."""
    resolver = resolver or get_resolver()
    samples = {
        "int": "1",
        "slug": "exemple",
        "str": "exemple",
        "uuid": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
    }
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: samples.get(m.group(1) or "str", "exemple"), route)
        route = route.lstrip("^").rstrip("$").replace("\\Z", "")
        if isinstance(pattern, URLResolver):
            yield from sample_paths(pattern, prefix + route)
        elif isinstance(pattern, URLPattern) and not re.search(r"[()\[\]?*+\\]", route):
            yield prefix + route


OPEN_PREFIXES = ("/compte/", "/static/", "/accessibilite", "/mentions-legales", "/donnees-personnelles")


def test_every_page_but_the_account_pages_asks_staff_for_the_second_factor(staff):
    """MFA on every staff page: the admin's and the site's, GET and POST, whatever the view."""
    client = Client()
    client.force_login(staff)
    paths = sorted(set(sample_paths()))
    open_paths = {
        reverse(name)
        for name in (
            "footer-accessibility-status",
            "footer-legal-notice",
            "footer-personal-data",
            "footer-cookie-management",
            "footer-sitemap",
        )
    }
    guarded = [p for p in paths if not p.startswith(OPEN_PREFIXES) and p not in open_paths]
    assert len(guarded) > 150  # the admin's pages and the site's
    for path in guarded:
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, path
            assert response["Location"].startswith(CONFIRM), path


def test_the_code_page_offers_no_password_alternative(staff):
    """A password alone is no second factor: offering it would send the staff member straight back."""
    client = Client()
    client.force_login(staff)
    page = client.get(CONFIRM, follow=True).content.decode()
    assert "Double authentification" in page
    assert reverse("account_reauthenticate") not in page


def test_staff_see_their_second_factor_in_the_header_without_a_remove_button(staff, client):
    client.force_login(staff)
    home = client.get("/").content.decode()
    assert f'href="{reverse("mfa_index")}"' in home
    page = client.get(reverse("mfa_index")).content.decode()
    assert "gardent obligatoirement leur double authentification" in page
    assert reverse("mfa_deactivate_totp") not in page
