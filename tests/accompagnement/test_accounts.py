import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse

from tests.accompagnement.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_with_email_and_password(client, lead):
    response = client.post(reverse("account_login"), {"login": lead.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get("/").status_code == 200


def test_wrong_password_gives_clear_message(client, lead):
    response = client.post(reverse("account_login"), {"login": lead.email, "password": "pas-le-bon"})
    assert response.status_code == 200
    assert "L’adresse électronique ou le mot de passe est incorrect" in response.content.decode()


def test_repeated_failures_are_throttled(client, lead):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": lead.email, "password": "pas-le-bon"})
    response = client.post(reverse("account_login"), {"login": lead.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives" in response.content.decode() or response.status_code == 429


def test_unverified_email_cannot_log_in_and_gets_a_verification_email(client):
    user = UserFactory(verified=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert user.email in mail.outbox[0].to


def test_public_signup_is_closed_with_a_clear_page(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "Les inscriptions sont fermées" in response.content.decode()
    response = client.post(
        reverse("account_signup"),
        {"email": "x@example.org", "password1": "Az3!" * 4, "password2": "Az3!" * 4},
    )
    assert not UserFactory._meta.model.objects.filter(email="x@example.org").exists()


def test_password_reset_sends_a_link_that_sets_a_new_password(client, lead):
    client.post(reverse("account_reset_password"), {"email": lead.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/compte/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    new_password = "un-nouveau-mot-de-passe-solide"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.check_password(new_password)


def test_logout_ends_the_session(client, lead):
    client.force_login(lead)
    client.post(reverse("account_logout"))
    assert client.get("/").status_code == 302


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post("/admin/login/", {"username": "x@example.org", "password": "y"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_throttling_behind_the_proxy_counts_each_client_not_the_proxy(client, lead, settings):
    """Behind the reverse proxy every request has its address: one attacker must not lock out everyone."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(12):
        client.post(
            reverse("account_login"),
            {"login": f"inconnu{n}@example.org", "password": "pas-le-bon"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n % 2}",
            **proxy,
        )
    response = client.post(
        reverse("account_login"),
        {"login": lead.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(lead.pk)


def test_email_verification_link_verifies_and_logs_in(client):
    user = UserFactory(verified=False)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_admin_refuses_non_staff_member(client, lead):
    client.force_login(lead)
    assert client.get("/admin/").status_code in (302, 403)
    assert client.get("/admin/login/").status_code == 403


def test_admin_open_to_staff(client, staff):
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_deactivated_member_cannot_log_in(client, lead):
    lead.is_active = False
    lead.save()
    client.post(reverse("account_login"), {"login": lead.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert not Session.objects.filter().exists() or client.get("/").status_code == 302
