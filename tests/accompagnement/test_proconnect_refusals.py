"""ProConnect responses the site refuses: each gives a French page and signs nobody in.

The local provider (tests/accompagnement/local_proconnect.py) misbehaves over real HTTP: tokens with a wrong
nonce, issuer, audience or expiry, signed with another key, with HS256 or not at all, a userinfo in plain
JSON; callbacks without state, with another browser's state, or replayed.
"""

from html import unescape

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from accompagnement.models import User
from tests.accompagnement import local_proconnect
from tests.accompagnement.factories import UserFactory
from tests.accompagnement.local_proconnect import expired_claims, path_and_query

pytestmark = pytest.mark.django_db

EMAIL = "camille.agent@finances.gouv.fr"
NOT_VERIFIED = "La réponse de ProConnect n'a pas pu être vérifiée"
NO_CURRENT_LOGIN = "ne correspond à aucune connexion en cours dans ce navigateur"


@pytest.fixture
def proconnect(settings):
    yield from local_proconnect.running(settings)


@pytest.fixture
def member(proconnect):
    proconnect.add_agent("agent-1", email=EMAIL)
    return UserFactory(email=EMAIL)


def callback_url(client, proconnect, sub="agent-1"):
    """The provider's redirect back to the site after the agent signed in (not followed yet)."""
    response = client.post(reverse("proconnect_login"))
    return path_and_query(proconnect.authorize(response["Location"], sub))


def assert_refused(response, text, status=403):
    assert response.status_code == status
    html = unescape(response.content.decode())
    assert "Connexion avec ProConnect refusée" in html
    assert text in html
    assert "Retour à la page de connexion" in html


def assert_nobody_signed_in(client):
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


# --- The ID token ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"nonce": "n" * 48}, id="wrong-nonce"),
        pytest.param({"nonce": None}, id="no-nonce"),
        pytest.param({"iss": "https://faux-proconnect.example.net/api/v2"}, id="wrong-issuer"),
        pytest.param({"aud": "un-autre-service"}, id="other-audience"),
        pytest.param({"aud": [local_proconnect.CLIENT_ID, "un-autre-service"]}, id="shared-audience-no-azp"),
        pytest.param(expired_claims(), id="expired"),
        pytest.param({"sub": "quelqu-un-d-autre"}, id="sub-differs-from-userinfo"),
    ],
)
def test_id_token_with_wrong_claims_is_refused(client, proconnect, member, claims):
    proconnect.misbehave(id_token_claims=claims)

    response = client.get(callback_url(client, proconnect))

    assert_refused(response, NOT_VERIFIED)
    assert_nobody_signed_in(client)


@pytest.mark.parametrize("signature", ["none", "other-key", "hs256"])
def test_id_token_not_signed_by_the_provider_is_refused(client, proconnect, member, signature):
    proconnect.misbehave(id_token_signature=signature)

    response = client.get(callback_url(client, proconnect))

    assert_refused(response, NOT_VERIFIED)
    assert_nobody_signed_in(client)


def test_acr_below_the_required_level_is_refused(client, proconnect, member, settings):
    settings.SOCIALACCOUNT_PROVIDERS = proconnect.socialaccount_providers(acr_values=["eidas2", "eidas3"])

    response = client.get(callback_url(client, proconnect))

    assert_refused(response, "n'a pas le niveau de sécurité demandé")
    assert_nobody_signed_in(client)


# --- The userinfo ----------------------------------------------------------------------------------------


def test_userinfo_in_plain_json_is_refused(client, proconnect, member):
    proconnect.misbehave(userinfo="json")

    response = client.get(callback_url(client, proconnect))

    assert_refused(response, NOT_VERIFIED)
    assert_nobody_signed_in(client)


@pytest.mark.parametrize("signature", ["none", "other-key"])
def test_userinfo_not_signed_by_the_provider_is_refused(client, proconnect, member, signature):
    proconnect.misbehave(userinfo_signature=signature)

    response = client.get(callback_url(client, proconnect))

    assert_refused(response, NOT_VERIFIED)
    assert_nobody_signed_in(client)


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"aud": "un-autre-service"}, id="other-audience"),
        pytest.param({"iss": "https://faux-proconnect.example.net/api/v2"}, id="wrong-issuer"),
        pytest.param(expired_claims(), id="expired"),
    ],
)
def test_userinfo_with_wrong_claims_is_refused(client, proconnect, member, claims):
    proconnect.misbehave(userinfo_claims=claims)

    response = client.get(callback_url(client, proconnect))

    assert_refused(response, NOT_VERIFIED)
    assert_nobody_signed_in(client)


def test_userinfo_without_email_is_refused(client, proconnect, member):
    proconnect.misbehave(userinfo_claims={"email": None})

    response = client.get(callback_url(client, proconnect))

    assert_refused(response, "n'a pas transmis votre adresse électronique")
    assert_nobody_signed_in(client)


# --- The state -----------------------------------------------------------------------------------------


def test_callback_without_state_is_refused(client, proconnect, member):
    url = callback_url(client, proconnect)
    code = url.split("code=")[1].split("&")[0]

    response = client.get(f"{reverse('proconnect_callback')}?code={code}")

    assert_refused(response, NO_CURRENT_LOGIN)
    assert_nobody_signed_in(client)
    assert proconnect.token_requests == 0


def test_callback_with_another_browsers_state_is_refused(client, proconnect, member):
    url = callback_url(client, proconnect)
    other_browser = Client()

    response = other_browser.get(url)

    assert_refused(response, NO_CURRENT_LOGIN)
    assert "_auth_user_id" not in other_browser.session
    assert proconnect.token_requests == 0


def test_replayed_callback_is_refused(client, proconnect, member):
    url = callback_url(client, proconnect)
    assert client.get(url).status_code == 302
    client.logout()

    response = client.get(url)

    assert_refused(response, NO_CURRENT_LOGIN)
    assert "_auth_user_id" not in client.session
    assert proconnect.token_requests == 1


def test_callback_after_the_state_expired_is_refused(client, proconnect, member, monkeypatch):
    url = callback_url(client, proconnect)
    monkeypatch.setattr("allauth.socialaccount.internal.statekit.STATE_TTL", -1)

    response = client.get(url)

    assert_refused(response, NO_CURRENT_LOGIN)
    assert_nobody_signed_in(client)


def test_provider_error_in_the_callback_is_refused(client, proconnect, member):
    response = client.post(reverse("proconnect_login"))
    state = local_proconnect.query(response["Location"])["state"]

    response = client.get(f"{reverse('proconnect_callback')}?error=server_error&state={state}")

    assert_refused(response, "ProConnect a interrompu la connexion")
    assert_nobody_signed_in(client)


def test_cancelled_sign_in_says_so(client, proconnect, member):
    response = client.post(reverse("proconnect_login"))
    state = local_proconnect.query(response["Location"])["state"]

    response = client.get(f"{reverse('proconnect_callback')}?error=access_denied&state={state}", follow=True)

    assert "Connexion annulée" in response.content.decode()
    assert "_auth_user_id" not in client.session


# --- Who may sign in -------------------------------------------------------------------------------------


def test_unknown_email_gets_no_account_and_a_page_saying_whom_to_ask(client, proconnect, settings):
    settings.NETWORK_CONTACT_EMAIL = "animation-fabrique@dgafp.gouv.fr"
    proconnect.add_agent("agent-9", email="inconnu@interieur.gouv.fr")

    response = client.get(callback_url(client, proconnect, sub="agent-9"))

    assert response.status_code == 403
    html = response.content.decode()
    assert "Aucun compte de la Fabrique à cette adresse" in html
    assert "inconnu@interieur.gouv.fr" in html
    assert "équipe d'animation de la DGAFP" in html
    assert 'href="mailto:animation-fabrique@dgafp.gouv.fr"' in html
    assert not User.objects.exists()
    assert_nobody_signed_in(client)


def test_inactive_member_is_refused(client, proconnect, member):
    member.is_active = False
    member.save()

    response = client.get(callback_url(client, proconnect))

    assert_refused(response, "Votre compte de la Fabrique a été désactivé")
    assert_nobody_signed_in(client)


def test_inactive_member_with_a_linked_identity_is_refused(client, proconnect, member):
    assert client.get(callback_url(client, proconnect)).status_code == 302
    client.logout()
    User.objects.filter(pk=member.pk).update(is_active=False)

    response = client.get(callback_url(client, proconnect))

    assert_refused(response, "Votre compte de la Fabrique a été désactivé")
    assert "_auth_user_id" not in client.session


# --- The provider itself ---------------------------------------------------------------------------------


def test_unreachable_provider_gives_a_page(client, proconnect, member):
    proconnect.stop()

    response = client.post(reverse("proconnect_login"))

    assert_refused(response, "ProConnect ne répond pas pour le moment", status=503)


def test_discovery_naming_another_issuer_is_refused(client, proconnect, member, settings):
    settings.SOCIALACCOUNT_PROVIDERS = proconnect.socialaccount_providers(
        issuer="https://auth.agentconnect.gouv.fr/api/v2"
    )

    response = client.post(reverse("proconnect_login"))

    assert_refused(response, NOT_VERIFIED)
    assert "state" not in response.get("Location", "")
