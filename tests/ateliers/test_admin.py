import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ateliers.enums import AtelierStatus, InscriptionStatus, Presence, SequenceKind
from ateliers.models import AtelierTransition, Inscription, Sequence
from tests.ateliers.factories import AtelierFactory, InscriptionFactory, IntervenantFactory

pytestmark = pytest.mark.django_db


def _form_data(atelier, **changes):
    """The workshop change form as the admin posts it (split date/time widgets, empty inlines)."""
    local = {name: timezone.localtime(getattr(atelier, name)) for name in ("starts_at", "ends_at")}
    data = {
        "programme": atelier.programme_id,
        "number": atelier.number,
        "title": atelier.title,
        "theme": atelier.theme,
        "description": atelier.description,
        "starts_at_0": local["starts_at"].strftime("%d/%m/%Y"),
        "starts_at_1": local["starts_at"].strftime("%H:%M:%S"),
        "ends_at_0": local["ends_at"].strftime("%d/%m/%Y"),
        "ends_at_1": local["ends_at"].strftime("%H:%M:%S"),
        "place": atelier.place,
        "video_link": "",
        "capacity": atelier.capacity,
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
        "status": atelier.status,
        "cancellation_reason": "",
        "sequences-TOTAL_FORMS": 0,
        "sequences-INITIAL_FORMS": 0,
        "transitions-TOTAL_FORMS": 0,
        "transitions-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_admin_lists_render(admin_client):
    InscriptionFactory()
    for model in ("programme", "atelier", "intervenant", "inscription", "relance"):
        assert admin_client.get(reverse(f"admin:ateliers_{model}_changelist")).status_code == 200


def test_admin_change_form_renders_with_inlines(admin_client):
    atelier = AtelierFactory()
    content = admin_client.get(reverse("admin:ateliers_atelier_change", args=[atelier.pk])).content.decode()
    assert "sequences-TOTAL_FORMS" in content
    assert "historique des statuts" in content.lower()


def test_admin_sequence_inline_saves_its_two_speakers(admin_client):
    atelier = AtelierFactory()
    first, second = IntervenantFactory(last_name="Arnaud"), IntervenantFactory(last_name="Bernard")
    IntervenantFactory(last_name="Carpentier")  # not chosen
    url = reverse("admin:ateliers_atelier_change", args=[atelier.pk])
    data = _form_data(
        atelier,
        **{
            "sequences-TOTAL_FORMS": 1,
            "sequences-0-id": "",
            "sequences-0-atelier": atelier.pk,
            "sequences-0-order": 2,
            "sequences-0-kind": SequenceKind.DEBAT,
            "sequences-0-starts_at": "10:30",
            "sequences-0-title": "Débat : accompagner les mobilités choisies",
            "sequences-0-description": "Questions de la salle.",
            "sequences-0-intervenants": [first.pk, second.pk],
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    sequence = Sequence.objects.get(atelier=atelier)
    assert (sequence.kind, sequence.order, sequence.title) == (
        SequenceKind.DEBAT,
        2,
        "Débat : accompagner les mobilités choisies",
    )
    assert sequence.starts_at == dt.time(10, 30)
    assert set(sequence.intervenants.all()) == {first, second}
    # And the form shows them back, selected.
    content = admin_client.get(url).content.decode()
    for speaker in (first, second):
        assert f'<option value="{speaker.pk}" selected>' in content


def test_admin_status_change_goes_through_transition_with_log(admin_client, staff):
    atelier = AtelierFactory(brouillon=True)
    url = reverse("admin:ateliers_atelier_change", args=[atelier.pk])
    response = admin_client.post(url, _form_data(atelier, status=AtelierStatus.INSCRIPTIONS_OUVERTES))
    assert response.status_code == 302
    atelier.refresh_from_db()
    assert atelier.status == AtelierStatus.INSCRIPTIONS_OUVERTES
    assert AtelierTransition.objects.get(atelier=atelier).by == staff


def test_admin_status_outside_map_is_an_error_on_the_field(admin_client):
    atelier = AtelierFactory(brouillon=True)
    url = reverse("admin:ateliers_atelier_change", args=[atelier.pk])
    response = admin_client.post(url, _form_data(atelier, status=AtelierStatus.TENU))
    assert response.status_code == 200
    assert "statuts possibles" in response.content.decode()
    atelier.refresh_from_db()
    assert atelier.status == AtelierStatus.BROUILLON


def test_admin_cancel_without_reason_is_refused(admin_client):
    atelier = AtelierFactory()
    url = reverse("admin:ateliers_atelier_change", args=[atelier.pk])
    response = admin_client.post(url, _form_data(atelier, status=AtelierStatus.ANNULE))
    assert "Indiquez le motif" in response.content.decode()


def test_admin_lowering_capacity_warns_and_drops_nobody(admin_client):
    atelier = AtelierFactory(capacity=5)
    InscriptionFactory.create_batch(3, atelier=atelier)
    url = reverse("admin:ateliers_atelier_change", args=[atelier.pk])
    response = admin_client.post(url, _form_data(atelier, capacity=2), follow=True)
    assert "personne n&#x27;a été désinscrit" in response.content.decode()
    atelier.refresh_from_db()
    assert atelier.capacity == 2
    assert Inscription.objects.confirmees().filter(atelier=atelier).count() == 3


def test_admin_actions_promote_and_mark_present(admin_client):
    atelier = AtelierFactory(capacity=2)
    confirmed = InscriptionFactory(atelier=atelier)
    waiting = InscriptionFactory(atelier=atelier, status=InscriptionStatus.LISTE_ATTENTE)
    url = reverse("admin:ateliers_inscription_changelist")
    admin_client.post(url, {"action": "promote", "_selected_action": [waiting.pk]})
    admin_client.post(url, {"action": "mark_present", "_selected_action": [confirmed.pk, waiting.pk]})
    waiting.refresh_from_db()
    confirmed.refresh_from_db()
    assert waiting.status == InscriptionStatus.INSCRIT
    assert (confirmed.presence, waiting.presence) == (Presence.PRESENT, Presence.PRESENT)
