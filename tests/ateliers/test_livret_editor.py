"""The booklet's front-end editor: staff and the rapporteurs they name write a séquence's summary."""

import pytest
from django.urls import reverse

from accompagnement.models import Charte
from accompagnement.services import accept_charte
from ateliers.models import ContenuSequence, Rapporteur
from tests.accompagnement.factories import UserFactory
from tests.ateliers.livret_factories import make_booklet_atelier

pytestmark = pytest.mark.django_db


def log_in(client, user):
    charte = Charte.objects.publiees().order_by("-version").first()
    if charte is not None:
        accept_charte(user, charte)
    client.force_login(user)
    return client


@pytest.fixture
def atelier(db):
    return make_booklet_atelier(participants=4, organisations=2)


@pytest.fixture
def rapporteur(atelier, staff):
    user = UserFactory()
    Rapporteur.objects.create(atelier=atelier, user=user, named_by=staff)
    return user


def urls(atelier):
    sequence = atelier.sequences.get(kind="debat")
    return (
        reverse("ateliers:livret_contenu", args=[atelier.pk]),
        reverse("ateliers:livret_sequence", args=[atelier.pk, sequence.pk]),
        sequence,
    )


def test_livret_editor_rapporteur_writes_a_summary(client, atelier, rapporteur):
    contenu_url, sequence_url, sequence = urls(atelier)
    log_in(client, rapporteur)
    page = client.get(contenu_url)
    assert page.status_code == 200
    assert sequence_url in page.content.decode()
    assert client.get(sequence_url).status_code == 200
    response = client.post(
        sequence_url,
        {
            "texte": '<p onclick="x()">Un échange <a href="file:///etc/passwd">riche</a>.</p><script>1</script>',
            "points_cles": "<ul><li>Former les encadrants</li></ul>",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == contenu_url
    contenu = ContenuSequence.objects.get(sequence=sequence)
    assert contenu.texte == "<p>Un échange riche.</p>"
    assert contenu.points_cles == "<ul><li>Former les encadrants</li></ul>"
    assert contenu.updated_by == rapporteur


def test_livret_editor_shows_errors_next_to_the_field(client, atelier, rapporteur):
    _contenu_url, sequence_url, sequence = urls(atelier)
    before = ContenuSequence.objects.get(sequence=sequence).texte
    log_in(client, rapporteur)
    response = client.post(sequence_url, {"texte": "<ul><li>x" * 10 + "</li></ul>" * 10, "points_cles": ""})
    assert response.status_code == 200
    assert "imbriquées trop profondément" in response.content.decode()
    assert ContenuSequence.objects.get(sequence=sequence).texte == before


def test_livret_editor_refused_to_others(client, atelier, lead, rapporteur):
    contenu_url, sequence_url, _sequence = urls(atelier)
    participant = atelier.inscriptions.first().user
    for user in (lead, participant):
        client.logout()
        log_in(client, user)
        assert client.get(contenu_url).status_code == 404
        assert client.post(sequence_url, {"texte": "<p>non</p>", "points_cles": ""}).status_code == 404
    client.logout()
    response = client.get(contenu_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # A rapporteur of another workshop cannot write this one's booklet either.
    other = make_booklet_atelier(participants=1, organisations=1, prefix="Autre ministère")
    log_in(client, rapporteur)
    assert client.get(reverse("ateliers:livret_contenu", args=[other.pk])).status_code == 404


def test_livret_editor_open_to_staff(client, atelier, staff):
    contenu_url, sequence_url, _sequence = urls(atelier)
    log_in(client, staff)
    assert client.get(contenu_url).status_code == 200
    assert client.post(sequence_url, {"texte": "<p>Par l'équipe.</p>", "points_cles": ""}).status_code == 302
