"""Who may download the booklet and the attendance certificate, and the staff admin's buttons."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.urls import reverse

from ateliers.enums import InscriptionStatus, Presence
from ateliers.livret.services import versions
from ateliers.models import Inscription, Intervenant, Livret
from fabrique.core.enums import DocumentStatus
from tests.accompagnement.factories import UserFactory
from tests.ateliers.conftest import log_in
from tests.ateliers.factories import AtelierFactory, InscriptionFactory, SequenceFactory
from tests.ateliers.livret_factories import make_booklet_atelier

pytestmark = pytest.mark.django_db

FILENAME = "livret-restitution-2023-04-13-structurer-une-offre-daccompagnement-personnalise.pdf"


@pytest.fixture
def atelier(db):
    return make_booklet_atelier(participants=10, organisations=2)


@pytest.fixture
def published(atelier, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        livret = versions.request_version(atelier, by=staff)
    livret.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        versions.publish(livret, by=staff)
    livret.refresh_from_db()
    return livret


def livret_url(atelier):
    return reverse("ateliers:livret_pdf", args=[atelier.pk])


def participant(atelier, **filters):
    return (
        Inscription.objects.filter(atelier=atelier, status=InscriptionStatus.INSCRIT, **filters).first().user
    )


def assert_pdf(response, filename=FILENAME):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_livret_download_for_participants_and_staff(client, published, staff):
    atelier = published.atelier
    assert_pdf(log_in(client, participant(atelier)).get(livret_url(atelier)))
    # Absent participants were invited too: they get the booklet.
    assert_pdf(log_in(client, participant(atelier, presence=Presence.ABSENT)).get(livret_url(atelier)))
    assert_pdf(log_in(client, staff).get(livret_url(atelier)))


def test_livret_download_for_the_workshops_speakers_only(client, published):
    atelier = published.atelier
    speaker, other_speaker = UserFactory(), UserFactory()  # accounts without any membership
    Intervenant.objects.create(first_name="Invitée", last_name="Oratrice", user=speaker).sequences.add(
        atelier.sequences.first()
    )
    elsewhere = SequenceFactory(atelier=AtelierFactory(tenu=True))
    Intervenant.objects.create(first_name="Autre", last_name="Orateur", user=other_speaker).sequences.add(
        elsewhere
    )
    assert_pdf(log_in(client, speaker).get(livret_url(atelier)))
    client.logout()
    assert log_in(client, other_speaker).get(livret_url(atelier)).status_code == 404


def test_livret_download_anonymous_goes_to_login(client, published):
    response = client.get(livret_url(published.atelier))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_livret_download_refused_to_everyone_else(client, published, lead):
    atelier = published.atelier
    waiting = InscriptionFactory(atelier=atelier, status=InscriptionStatus.LISTE_ATTENTE).user
    cancelled = InscriptionFactory(atelier=atelier, status=InscriptionStatus.ANNULE).user
    for user in (lead, waiting, cancelled, UserFactory()):
        client.logout()
        assert log_in(client, user).get(livret_url(atelier)).status_code == 404, user


def test_livret_download_for_every_member_once_spread(client, published, lead, staff):
    outsider = UserFactory()  # an account without any membership (an outside speaker, say)
    published = versions.spread(published, by=staff)
    assert_pdf(log_in(client, lead).get(livret_url(published.atelier)))
    client.logout()
    assert log_in(client, outsider).get(livret_url(published.atelier)).status_code == 404


def test_livret_download_404_before_publication(client, atelier, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        versions.request_version(atelier, by=staff)
    assert Livret.objects.get(atelier=atelier).status == DocumentStatus.PRET
    assert log_in(client, participant(atelier)).get(livret_url(atelier)).status_code == 404
    client.logout()
    assert log_in(client, staff).get(livret_url(atelier)).status_code == 404


def test_livret_file_is_not_served_from_a_media_url(client, published, staff):
    log_in(client, staff)
    assert client.get(settings.MEDIA_URL + published.file.name).status_code == 404
    assert client.get("/media/" + published.file.name).status_code == 404


def test_attestation_download_for_present_participant_only(client, published, lead):
    atelier = published.atelier
    present = (
        Inscription.objects.filter(atelier=atelier, presence=Presence.PRESENT).select_related("user").first()
    )
    url = reverse("ateliers:attestation_pdf", args=[atelier.pk])
    response = log_in(client, present.user).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="attestation-participation-2023-04-13-'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    for user in (participant(atelier, presence=Presence.ABSENT), lead):
        client.logout()
        assert log_in(client, user).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.fixture
def admin_client_dgafp(client, staff):
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    return log_in(client, staff)


def test_livret_admin_buttons_generate_preview_publish_spread(
    admin_client_dgafp, atelier, django_capture_on_commit_callbacks
):
    client = admin_client_dgafp
    page = client.get(reverse("admin:ateliers_atelierlivret_change", args=[atelier.pk]))
    assert page.status_code == 200
    assert "Générer une nouvelle version" in page.content.decode()
    html = client.get(reverse("admin:ateliers_livret_apercu_html", args=[atelier.pk]))
    assert html.status_code == 200
    assert "Livret de restitution" in html.content.decode()
    # Shown in a browser: fonts from the static URLs, never file:// or the renderer's private media: URLs.
    assert "file://" not in html.content.decode()
    assert "media:" not in html.content.decode()
    pdf = client.get(reverse("admin:ateliers_livret_apercu_pdf", args=[atelier.pk]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert not Livret.objects.exists()  # a preview keeps nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:ateliers_livret_generer", args=[atelier.pk]))
    assert response.status_code == 302
    livret = Livret.objects.get(atelier=atelier)
    assert livret.status == DocumentStatus.PRET
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:ateliers_livret_publier", args=[livret.pk]))
    client.post(reverse("admin:ateliers_livret_diffuser", args=[livret.pk]))
    livret.refresh_from_db()
    assert livret.published
    assert livret.diffuse_reseau
    staff_file = client.get(reverse("admin:ateliers_livret_fichier", args=[livret.pk]))
    assert staff_file.status_code == 200
    assert b"".join(staff_file.streaming_content).startswith(b"%PDF")  # consumed: the file closes
    for name in (
        "ateliers_livret_changelist",
        "ateliers_sequencelivret_changelist",
        "ateliers_atelierlivret_changelist",
    ):
        assert client.get(reverse(f"admin:{name}")).status_code == 200
    sequence = atelier.sequences.first()
    assert client.get(reverse("admin:ateliers_sequencelivret_change", args=[sequence.pk])).status_code == 200


def test_livret_admin_refused_to_members(client, atelier, lead):
    log_in(client, lead)
    response = client.post(reverse("admin:ateliers_livret_generer", args=[atelier.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not Livret.objects.exists()


def test_livret_admin_sequence_capture_sanitises_and_records_author(admin_client_dgafp, atelier, staff):
    sequence = atelier.sequences.get(kind="ouverture")
    url = reverse("admin:ateliers_sequencelivret_change", args=[sequence.pk])
    page = admin_client_dgafp.get(url)
    form = page.context["adminform"].form
    assert form is not None
    data = {
        "contenu-TOTAL_FORMS": "1",
        "contenu-INITIAL_FORMS": "1",
        "contenu-MIN_NUM_FORMS": "0",
        "contenu-MAX_NUM_FORMS": "1",
        "contenu-0-id": str(sequence.contenu.pk),
        "contenu-0-sequence": str(sequence.pk),
        "contenu-0-texte": '<p>Discours <img src="file:///etc/passwd">d\'ouverture</p>',
        "contenu-0-points_cles": "",
        "contenu-0-revision_ouverte": str(sequence.contenu.revision),
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
        "_continue": "1",
    }
    response = admin_client_dgafp.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    sequence.contenu.refresh_from_db()
    assert sequence.contenu.texte == "<p>Discours d'ouverture</p>"
    assert sequence.contenu.updated_by == staff


def test_livret_download_links_follow_the_same_rights(published, lead, rf):
    atelier = published.atelier
    template = Template("{% load livret %}{% livret_downloads atelier %}")

    def links(user):
        request = rf.get("/")
        request.user = user
        return template.render(Context({"request": request, "atelier": atelier}))

    present = participant(atelier, presence=Presence.PRESENT)
    html = links(present)
    assert reverse("ateliers:livret_pdf", args=[atelier.pk]) in html
    assert reverse("ateliers:attestation_pdf", args=[atelier.pk]) in html
    absent = links(participant(atelier, presence=Presence.ABSENT))
    assert reverse("ateliers:livret_pdf", args=[atelier.pk]) in absent
    assert "attestation" not in absent
    assert links(lead).strip() == ""
    assert links(AnonymousUser()).strip() == ""


def test_home_and_mes_inscriptions_link_the_published_booklet_to_its_participants(client, published):
    user = participant(published.atelier)
    log_in(client, user)
    url = livret_url(published.atelier)
    home = client.get("/").content.decode()
    assert "Livrets de restitution de mes ateliers" in home
    assert url in home
    assert url in client.get(reverse("ateliers:mes_inscriptions")).content.decode()


def test_home_offers_no_booklet_to_who_did_not_attend(client, published):
    outsider = UserFactory()
    log_in(client, outsider)
    assert livret_url(published.atelier) not in client.get("/").content.decode()


def test_mes_inscriptions_offers_no_booklet_before_publication(client, atelier):
    user = participant(atelier)
    log_in(client, user)
    assert livret_url(atelier) not in client.get(reverse("ateliers:mes_inscriptions")).content.decode()
