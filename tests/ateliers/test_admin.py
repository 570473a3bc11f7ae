import datetime as dt
import io

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accompagnement.enums import Role
from accompagnement.models import Adhesion, User
from ateliers.enums import AtelierStatus, InscriptionStatus, Presence, SequenceKind
from ateliers.models import AtelierTransition, Inscription, Sequence
from ateliers.resources import InscriptionImportResource
from tests.accompagnement.factories import OrganisationFactory
from tests.ateliers.factories import AtelierFactory, InscriptionFactory, IntervenantFactory, member_of

pytestmark = pytest.mark.django_db

HEADERS = ["atelier", "email", "prenom", "nom", "organisation", "consentement"]


def _dataset(*rows):
    return tablib.Dataset(*rows, headers=HEADERS)


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


@pytest.fixture
def admin_client(client, staff):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    return client


def test_admin_lists_render(admin_client):
    InscriptionFactory()
    for model in ("programme", "atelier", "intervenant", "inscription", "rappel"):
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


def test_import_preview_then_confirm_registers_and_creates_accounts(
    admin_client, django_capture_on_commit_callbacks, mailoutbox
):
    atelier = AtelierFactory(capacity=1)
    louvre = OrganisationFactory(name="Musée du Louvre", acronym="Louvre", slug="louvre")
    known = member_of(louvre)
    csv = (
        ",".join(HEADERS)
        + f"\n{atelier.pk},{known.email},,,louvre,oui"
        + f"\n{atelier.pk},nouvelle.personne@louvre.fr,Léa,Roux,Louvre,non\n"
    )
    upload = SimpleUploadedFile("participants.csv", csv.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:ateliers_inscription_import"), {"import_file": upload, "format": "0"}
        )
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert not Inscription.objects.exists()  # the preview writes nothing
    assert not User.objects.filter(email="nouvelle.personne@louvre.fr").exists()
    assert mailoutbox == []  # and sends nothing
    confirm = response.context["confirm_form"]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:ateliers_inscription_process_import"), confirm.initial)
    assert response.status_code == 302
    inscriptions = {i.user.email: i for i in Inscription.objects.select_related("user")}
    assert inscriptions[known.email].status == InscriptionStatus.INSCRIT
    newcomer = inscriptions["nouvelle.personne@louvre.fr"]
    assert newcomer.status == InscriptionStatus.LISTE_ATTENTE  # same capacity rules as the site
    assert newcomer.consent_annuaire is False
    assert newcomer.organisation == louvre
    created = User.objects.get(email="nouvelle.personne@louvre.fr")
    assert not created.has_usable_password()
    # A member of the organisation named on the row, invited to set a password once the import committed.
    assert list(created.adhesions.values_list("organisation", "role", "active")) == [
        (louvre.pk, Role.REPRESENTANT, True)
    ]
    invitations = [m for m in mailoutbox if "invitation" in m.subject]
    assert [m.to for m in invitations] == [["nouvelle.personne@louvre.fr"]]
    assert "Musée du Louvre" in invitations[0].body


def test_import_with_one_bad_row_shows_row_errors_and_writes_nothing(staff):
    atelier = AtelierFactory()
    OrganisationFactory(slug="cnrs", acronym="CNRS")
    dataset = _dataset(
        [atelier.pk, "a.b@cnrs.fr", "Anne", "Bois", "cnrs", "oui"],
        [atelier.pk, "pas-une-adresse", "Luc", "Roy", "inconnue", "peut-être"],
        [999999, "c.d@cnrs.fr", "Carl", "Dupont", "cnrs", "oui"],
    )
    # As on the admin's confirmation step: no rollback flag given, the resource still rolls back.
    result = InscriptionImportResource().import_data(dataset, dry_run=False, user=staff)
    assert result.has_validation_errors()
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(invalid) == {2, 3}
    assert set(invalid[2]) == {"email", "organisation", "consentement"}
    assert "introuvable" in str(invalid[3]["atelier"])
    assert not Inscription.objects.exists()
    assert not User.objects.filter(email="a.b@cnrs.fr").exists()


def test_import_with_errors_invites_nobody(staff, django_capture_on_commit_callbacks, mailoutbox):
    atelier = AtelierFactory()
    OrganisationFactory(slug="cnrs", acronym="CNRS")
    dataset = _dataset(
        [atelier.pk, "a.b@cnrs.fr", "Anne", "Bois", "cnrs", "oui"],
        [atelier.pk, "c.d@cnrs.fr", "Carl", "Dupont", "inconnue", "oui"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = InscriptionImportResource().import_data(dataset, dry_run=False, user=staff)
    assert result.has_validation_errors()
    assert not Adhesion.objects.filter(user__email="a.b@cnrs.fr").exists()
    assert mailoutbox == []


def test_import_ambiguous_acronym_asks_for_identifier(staff):
    atelier = AtelierFactory()
    OrganisationFactory(acronym="SG", parent=OrganisationFactory())
    OrganisationFactory(acronym="SG", parent=OrganisationFactory())
    result = InscriptionImportResource().import_data(
        _dataset([atelier.pk, "x@y.fr", "X", "Y", "SG", "oui"]), dry_run=True, user=staff
    )
    assert "plusieurs organisations" in str(result.invalid_rows[0].error_dict["organisation"])


def test_import_into_cancelled_workshop_is_refused(staff):
    atelier = AtelierFactory(annule=True)
    OrganisationFactory(slug="ign")
    result = InscriptionImportResource().import_data(
        _dataset([atelier.pk, "x@ign.fr", "X", "Y", "ign", "oui"]), dry_run=True, user=staff
    )
    assert "annulé" in str(result.invalid_rows[0].error_dict["atelier"])


def test_import_past_workshop_sends_no_email(staff, django_capture_on_commit_callbacks, mailoutbox):
    atelier = AtelierFactory(tenu=True, starts_at=timezone.now() - dt.timedelta(days=3))
    vnf = OrganisationFactory(slug="vnf")
    with django_capture_on_commit_callbacks(execute=True):
        result = InscriptionImportResource().import_data(
            _dataset([atelier.pk, "x@vnf.fr", "X", "Y", "vnf", "oui"]), dry_run=False, user=staff
        )
    assert not result.has_validation_errors()
    assert Inscription.objects.get().atelier == atelier
    assert Adhesion.objects.get(user__email="x@vnf.fr").organisation == vnf
    assert mailoutbox == []


def test_import_xlsx_through_admin(admin_client):
    atelier = AtelierFactory()
    OrganisationFactory(slug="ign", acronym="IGN")
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    workbook.active.append([atelier.pk, "h.vincent@ign.fr", "Hélène", "Vincent", "IGN", "oui"])
    content = io.BytesIO()
    workbook.save(content)
    upload = SimpleUploadedFile("participants.xlsx", content.getvalue())
    response = admin_client.post(
        reverse("admin:ateliers_inscription_import"), {"import_file": upload, "format": "1"}
    )
    assert not response.context["result"].has_validation_errors()
    admin_client.post(
        reverse("admin:ateliers_inscription_process_import"), response.context["confirm_form"].initial
    )
    assert Inscription.objects.get().user.get_full_name() == "Hélène Vincent"


def test_import_duplicate_person_and_missing_column_are_reported(staff):
    atelier = AtelierFactory()
    OrganisationFactory(slug="vnf")
    row = [atelier.pk, "x@vnf.fr", "X", "Y", "vnf", "oui"]
    result = InscriptionImportResource().import_data(_dataset(row, row), dry_run=True, user=staff)
    assert "double" in str(result.invalid_rows[0].error_dict["email"])
    result = InscriptionImportResource().import_data(
        tablib.Dataset(["x@vnf.fr"], headers=["email"]), dry_run=True, user=staff
    )
    assert result.has_errors()
    assert "Colonnes manquantes" in str(result.base_errors[0].error)
