"""« S'identifier avec ProConnect », end to end against a local OpenID Connect provider over real HTTP.

The site's allauth talks to tests/accompagnement/local_proconnect.py (discovery, JWKS, token, userinfo as a
signed JWT) exactly as it would to ProConnect; the agent's sign-in at the provider is a real POST to its
authorization page. The refusals are in test_proconnect_refusals.py.
"""

import json

import pytest
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.http import HttpRequest
from django.urls import reverse

from accompagnement.models import User
from accompagnement.proconnect.services import ID_TOKEN_SESSION_KEY
from tests.accompagnement import local_proconnect
from tests.accompagnement.factories import UserFactory
from tests.accompagnement.local_proconnect import path_and_query, query

pytestmark = pytest.mark.django_db


@pytest.fixture
def proconnect(settings):
    yield from local_proconnect.running(settings)


def start_login(client, **data):
    """The button: a POST to our login URL, answered by a redirect to the provider's authorization page."""
    response = client.post(reverse("proconnect_login"), data)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def sign_in(client, proconnect, sub, **data):
    """The whole round trip: our redirect, the agent's sign-in at the provider, the callback."""
    callback = proconnect.authorize(start_login(client, **data), sub)
    return client.get(path_and_query(callback))


def signed_in_user(client):
    return client.session.get("_auth_user_id")


def session_records(client, user):
    request = HttpRequest()
    request.session = client.session
    return get_authentication_records(request, user)


# --- The button --------------------------------------------------------------------------------------------


def test_login_page_shows_proconnect_button_when_configured(client, proconnect):
    response = client.get(reverse("account_login"))
    html = response.content.decode()
    assert f'action="{reverse("proconnect_login")}"' in html
    assert "S’identifier avec" in html
    assert '<span class="fr-connect__brand">ProConnect</span>' in html
    assert "Qu’est-ce que ProConnect ?" in html


def test_login_page_has_no_proconnect_button_when_not_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert "ProConnect" not in response.content.decode()
    assert client.post(reverse("proconnect_login")).status_code == 404


def test_login_url_on_get_shows_a_page_and_does_not_redirect(client, proconnect):
    response = client.get(reverse("proconnect_login"))
    assert response.status_code == 200
    assert "Connexion avec ProConnect" in response.content.decode()
    assert proconnect.token_requests == 0


def test_redirect_sends_state_and_nonce_of_48_characters(client, proconnect):
    params = query(start_login(client))
    assert len(params["state"]) >= 32
    assert len(params["nonce"]) >= 32
    assert params["state"] != params["nonce"]
    assert params["client_id"] == local_proconnect.CLIENT_ID
    assert params["redirect_uri"] == "http://testserver/compte/proconnect/connexion/retour/"
    assert params["response_type"] == "code"
    assert set(params["scope"].split()) == {"openid", "email", "given_name", "usual_name", "uid"}
    assert json.loads(params["claims"]) == {"id_token": {"acr": None}}
    # ProConnect refuses parameters it does not know: no PKCE, nothing taken from the request.
    assert set(params) == {"client_id", "redirect_uri", "scope", "response_type", "state", "nonce", "claims"}


def test_redirect_ignores_scope_and_parameters_from_the_request(client, proconnect):
    response = client.post(
        f"{reverse('proconnect_login')}?scope=phone&auth_params=prompt%3Dnone&process=connect"
    )
    params = query(response["Location"])
    assert "prompt" not in params
    assert "phone" not in params["scope"]


def test_each_redirect_gets_its_own_state_and_nonce(client, proconnect):
    first, second = query(start_login(client)), query(start_login(client))
    assert first["state"] != second["state"]
    assert first["nonce"] != second["nonce"]


# --- Signing in ----------------------------------------------------------------------------------------


def test_proconnect_signs_in_the_member_with_the_same_email(client, proconnect):
    member = UserFactory(email="camille.agent@finances.gouv.fr")
    proconnect.add_agent("agent-1", email="camille.agent@finances.gouv.fr")

    response = sign_in(client, proconnect, "agent-1")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_user(client) == str(member.pk)
    account = SocialAccount.objects.get(provider="proconnect")
    assert (account.user, account.uid) == (member, "agent-1")
    assert account.extra_data["userinfo"]["email"] == "camille.agent@finances.gouv.fr"
    assert client.session[ID_TOKEN_SESSION_KEY].count(".") == 2
    assert User.objects.count() == 1
    # The member still has their password: ProConnect is one more way in, not a replacement.
    member.refresh_from_db()
    assert member.has_usable_password()


def test_proconnect_follows_next(client, proconnect):
    UserFactory(email="camille.agent@finances.gouv.fr")
    proconnect.add_agent("agent-1", email="camille.agent@finances.gouv.fr")

    response = sign_in(client, proconnect, "agent-1", next=reverse("accompagnement:reseau"))

    assert response["Location"] == reverse("accompagnement:reseau")


def test_proconnect_matches_the_address_whatever_its_case(client, proconnect):
    member = UserFactory(email="camille.agent@finances.gouv.fr")
    proconnect.add_agent("agent-1", email="Camille.Agent@Finances.gouv.fr")

    sign_in(client, proconnect, "agent-1")

    assert signed_in_user(client) == str(member.pk)


def test_invited_member_without_password_signs_in_and_address_is_verified(client, proconnect):
    invited = UserFactory(email="nouvelle@culture.gouv.fr", password=None, verified=False)
    invited.set_unusable_password()
    invited.save()
    proconnect.add_agent("agent-2", email="nouvelle@culture.gouv.fr")

    sign_in(client, proconnect, "agent-2")

    assert signed_in_user(client) == str(invited.pk)
    assert EmailAddress.objects.get(user=invited).verified


def test_known_identity_signs_in_by_its_sub_even_after_an_address_change(client, proconnect):
    member = UserFactory(email="camille.agent@finances.gouv.fr")
    proconnect.add_agent("agent-1", email="camille.agent@finances.gouv.fr")
    sign_in(client, proconnect, "agent-1")
    client.logout()
    proconnect.add_agent("agent-1", email="camille.agent@economie.gouv.fr")

    sign_in(client, proconnect, "agent-1")

    assert signed_in_user(client) == str(member.pk)
    assert SocialAccount.objects.get().extra_data["userinfo"]["email"] == "camille.agent@economie.gouv.fr"


def test_signed_in_member_signing_in_as_another_agent_becomes_that_member(client, proconnect):
    first, second = UserFactory(), UserFactory()
    proconnect.add_agent("agent-2", email=second.email)
    client.force_login(first)

    sign_in(client, proconnect, "agent-2")

    assert signed_in_user(client) == str(second.pk)


# --- The second factor ---------------------------------------------------------------------------------


def test_staff_login_at_a_multi_factor_level_counts_as_second_factor(client, proconnect, staff):
    proconnect.add_agent("agent-dgafp", email=staff.email, acr="eidas2")

    response = sign_in(client, proconnect, "agent-dgafp")

    assert response["Location"] == reverse("home")
    assert signed_in_user(client) == str(staff.pk)
    records = session_records(client, staff)
    assert {"method": "mfa", "type": "proconnect", "acr": "eidas2"}.items() <= records[-1].items()
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_login_at_a_single_factor_level_is_asked_the_totp_code(client, proconnect, staff):
    proconnect.add_agent("agent-dgafp", email=staff.email, acr="eidas1")

    response = sign_in(client, proconnect, "agent-dgafp")

    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user(client) is None


def test_member_login_records_no_second_factor_at_a_single_factor_level(client, proconnect):
    member = UserFactory()
    proconnect.add_agent("agent-1", email=member.email, acr="eidas1")

    sign_in(client, proconnect, "agent-1")

    assert signed_in_user(client) == str(member.pk)
    assert [record["method"] for record in session_records(client, member)] == ["socialaccount"]


def test_required_acr_values_are_asked_as_essential_claims(client, proconnect, settings):
    settings.SOCIALACCOUNT_PROVIDERS = proconnect.socialaccount_providers(acr_values=["eidas2", "eidas3"])

    params = query(start_login(client))

    assert json.loads(params["claims"]) == {
        "id_token": {"acr": {"essential": True, "values": ["eidas2", "eidas3"]}}
    }


# --- Logging out ---------------------------------------------------------------------------------------


def test_logout_goes_on_to_end_the_proconnect_session(client, proconnect):
    member = UserFactory()
    proconnect.add_agent("agent-1", email=member.email)
    sign_in(client, proconnect, "agent-1")
    id_token = client.session[ID_TOKEN_SESSION_KEY]

    response = client.post(reverse("account_logout"))

    assert response["Location"] == reverse("proconnect_end_session")
    assert signed_in_user(client) is None
    page = client.get(response["Location"])
    end_session_url = page.context["end_session_url"]
    assert end_session_url.startswith(f"{proconnect.url}/oauth2/end_session?")
    params = query(end_session_url)
    assert params["id_token_hint"] == id_token
    assert len(params["state"]) >= 32
    assert params["post_logout_redirect_uri"] == "http://testserver/compte/proconnect/deconnexion/"
    assert f'<meta http-equiv="refresh" content="0; url={end_session_url.replace("&", "&amp;")}">' in (
        page.content.decode()
    )
    # ProConnect ends its session and sends the browser back with the state.
    back = f"{params['post_logout_redirect_uri']}?state={params['state']}"
    assert client.get(path_and_query(back))["Location"] == reverse("account_login")


def test_the_admins_logout_also_ends_the_proconnect_session(client, proconnect):
    staff = UserFactory(is_staff=True)
    proconnect.add_agent("agent-2", email=staff.email, acr="eidas2")  # multi-factor: the admin opens
    sign_in(client, proconnect, "agent-2")
    assert client.get("/admin/").status_code == 200

    response = client.post("/admin/logout/")

    assert response.status_code == 307  # the same POST, to the site's logout
    assert response["Location"] == reverse("account_logout")
    assert client.post(response["Location"])["Location"] == reverse("proconnect_end_session")
    assert signed_in_user(client) is None


def test_logout_without_proconnect_goes_to_the_login_page(client):
    client.force_login(UserFactory())

    response = client.post(reverse("account_logout"))

    assert response["Location"] == reverse("account_login")


def test_end_session_page_without_a_pending_logout_goes_to_the_login_page(client):
    assert client.get(reverse("proconnect_end_session"))["Location"] == reverse("account_login")


def test_return_from_logout_with_an_unknown_state_goes_to_the_login_page(client):
    response = client.get(reverse("proconnect_logged_out"), {"state": "état-inconnu"})

    assert response["Location"] == reverse("account_login")
