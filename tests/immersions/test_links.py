import datetime
import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from immersions.enums import EchangeStatus, ImmersionStatus, LinkPurpose
from immersions.models import UsedLink
from immersions.services import echanges as echange_services
from immersions.services import immersions as services
from tests.immersions.factories import EchangeFactory

pytestmark = pytest.mark.django_db
S = ImmersionStatus


def path_of(link):
    return re.sub(r"^https?://[^/]+", "", link)


def test_tutor_accepts_through_the_link_once(client, accepted_by_origin):
    url = path_of(services.tutor_link(accepted_by_origin))
    page = client.get(url)
    assert page.status_code == 200
    assert accepted_by_origin.agent_name in page.content.decode()
    response = client.post(url, {"decision": "accepter", "reason": ""})
    assert response.status_code == 200
    assert "Vous avez accepté" in response.content.decode()
    accepted_by_origin.refresh_from_db()
    assert accepted_by_origin.status == S.ACCEPTEE_ACCUEIL
    log = accepted_by_origin.transitions.last()
    assert log.by is None
    assert accepted_by_origin.tutor_name in log.actor_label
    # Reused: a clear page, nothing more recorded.
    again = client.post(url, {"decision": "refuser", "reason": "Finalement non."})
    assert again.status_code == 410
    assert "déjà été utilisé" in again.content.decode() or "attend plus" in again.content.decode()
    assert accepted_by_origin.transitions.count() == 3


def test_tutor_refusal_needs_a_reason_and_keeps_the_link(client, accepted_by_origin):
    url = path_of(services.tutor_link(accepted_by_origin))
    response = client.post(url, {"decision": "refuser", "reason": ""})
    assert response.status_code == 400
    assert "Indiquez le motif du refus" in response.content.decode()
    assert not UsedLink.objects.exists()
    client.post(url, {"decision": "refuser", "reason": "Pas de tuteur disponible."})
    accepted_by_origin.refresh_from_db()
    assert accepted_by_origin.status == S.REFUSEE


def test_expired_tutor_link_shows_a_clear_page_and_does_nothing(client, accepted_by_origin, settings):
    url = path_of(services.tutor_link(accepted_by_origin))
    settings.IMMERSION_LINK_MAX_AGE_DAYS = -1  # every link is now older than the maximum age
    for response in (client.get(url), client.post(url, {"decision": "accepter"})):
        assert response.status_code == 410
        assert "Ce lien a expiré" in response.content.decode()
    accepted_by_origin.refresh_from_db()
    assert accepted_by_origin.status == S.ACCEPTEE_ORIGINE


def test_tampered_or_foreign_purpose_link_is_refused(client, accepted_by_origin):
    token = path_of(services.tutor_link(accepted_by_origin)).rstrip("/").rsplit("/", 1)[1]
    tampered = reverse("immersions:lien", args=[LinkPurpose.TUTEUR_ACCUEIL, token[:-2] + "xx"])
    assert client.get(tampered).status_code == 410
    # A token signed for the agent's agreement cannot act as a tutor's decision (different salt).
    other = reverse("immersions:lien", args=[LinkPurpose.AGENT_ACCORD, token])
    assert client.post(other).status_code == 410
    unknown = reverse("immersions:lien", args=["autre-usage", token])
    assert client.get(unknown).status_code == 404
    accepted_by_origin.refresh_from_db()
    assert accepted_by_origin.status == S.ACCEPTEE_ORIGINE


def test_link_of_an_immersion_no_longer_waiting_is_refused(client, accepted_by_origin, origin_lead):
    url = path_of(services.tutor_link(accepted_by_origin))
    services.transition_immersion(accepted_by_origin, S.ANNULEE, by=origin_lead, reason="Agent muté.")
    response = client.post(url, {"decision": "accepter"})
    assert response.status_code == 410
    assert "attend plus" in response.content.decode()


def test_link_uses_a_single_purpose_salt(accepted_by_origin):
    token = path_of(services.tutor_link(accepted_by_origin)).rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(signing.BadSignature):
        signing.TimestampSigner().unsign_object(token)
    payload = signing.TimestampSigner(salt="immersions.lien.tuteur_accueil").unsign_object(
        token, max_age=datetime.timedelta(days=1)
    )
    assert payload["o"] == accepted_by_origin.pk


def test_agent_agrees_through_the_emailed_link(  # noqa: PLR0917 - pytest injects fixtures by name
    client, origin, origin_service, host, origin_lead, host_lead, django_capture_on_commit_callbacks
):
    echange = EchangeFactory(
        origin=origin, origin_service=origin_service, host=host, status="validee_origine"
    )
    with django_capture_on_commit_callbacks(execute=True):
        echange_services.transition_echange(echange, EchangeStatus.VALIDEE_ACCUEIL, by=host_lead)
    message = next(m for m in mail.outbox if echange.agent_email in m.to)
    url = path_of(re.search(r"https?://\S+/immersions/lien/agent_accord/\S+", message.body).group(0))
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
    echange.refresh_from_db()
    assert echange.agent_agreed_at is not None
    assert echange.agent_name in echange.agent_agreed_label
    assert client.post(url).status_code == 410


def test_origin_resends_a_fresh_link_to_the_tutor(
    client, accepted_by_origin, origin_lead, host_lead, django_capture_on_commit_callbacks
):
    client.force_login(host_lead)
    assert client.post(f"/immersions/{accepted_by_origin.pk}/lien-tuteur/").status_code == 403
    client.force_login(origin_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/immersions/{accepted_by_origin.pk}/lien-tuteur/", follow=True)
    assert "Un nouveau lien a été envoyé" in response.content.decode()
    message = mail.outbox[-1]
    assert message.to == [accepted_by_origin.tutor_email]
    url = path_of(re.search(r"https?://\S+/immersions/lien/tuteur_accueil/\S+", message.body).group(0))
    client.logout()
    assert client.post(url, {"decision": "accepter"}).status_code == 200
    accepted_by_origin.refresh_from_db()
    assert accepted_by_origin.status == S.ACCEPTEE_ACCUEIL
