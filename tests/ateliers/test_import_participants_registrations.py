"""What a confirmed import writes: registrations under the site's capacity rules, accounts created once and
never modified, invitations only when the whole file went in."""

import datetime as dt

import pytest
from django.utils import timezone

from accompagnement.enums import Role
from accompagnement.models import Adhesion, User
from ateliers.enums import InscriptionStatus
from ateliers.models import Inscription
from tests.accompagnement.factories import UserFactory
from tests.ateliers.factories import AtelierFactory, member_of
from tests.ateliers.participants_import import HEADERS, confirm_import, make_dataset, run_import, upload_file

pytestmark = pytest.mark.django_db


def test_import_preview_then_confirm_registers_and_creates_accounts(
    admin_client, network, django_capture_on_commit_callbacks, mailoutbox
):
    atelier = AtelierFactory(capacity=1)
    louvre = network["louvre"]
    known = member_of(louvre)
    csv = (
        ",".join(HEADERS)
        + f"\n{atelier.pk},{known.email},,,louvre,,oui"
        + f"\n{atelier.pk},nouvelle.personne@louvre.fr,Léa,Roux,Ministère de la Culture,Louvre,non\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_file(admin_client, csv.encode())
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert not Inscription.objects.exists()  # the preview writes nothing
    assert not User.objects.filter(email="nouvelle.personne@louvre.fr").exists()
    assert mailoutbox == []  # and sends nothing
    assert "Musée du Louvre (Louvre)" in response.content.decode()  # the organisation retained, shown
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm_import(admin_client, response)
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


def test_import_with_one_bad_row_shows_row_errors_and_writes_nothing(staff, network):
    atelier = AtelierFactory()
    dataset = make_dataset(
        [atelier.pk, "a.b@justice.gouv.fr", "Anne", "Bois", "Justice", "SG", "oui"],
        [atelier.pk, "pas-une-adresse", "Luc", "Roy", "Justice", "inconnue", "peut-être"],
        [999999, "c.d@justice.gouv.fr", "Carl", "Dupont", "Justice", "SG", "oui"],
    )
    # As on the admin's confirmation step: no rollback flag given, the resource still rolls back.
    result = run_import(dataset, staff)
    assert result.has_validation_errors()
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(invalid) == {2, 3}
    assert set(invalid[2]) == {"email", "direction", "consentement"}
    assert "introuvable" in str(invalid[3]["atelier"])
    assert not Inscription.objects.exists()
    assert not User.objects.filter(email="a.b@justice.gouv.fr").exists()


def test_import_with_errors_invites_nobody(staff, network, django_capture_on_commit_callbacks, mailoutbox):
    atelier = AtelierFactory()
    dataset = make_dataset(
        [atelier.pk, "a.b@justice.gouv.fr", "Anne", "Bois", "Justice", "SG", "oui"],
        [atelier.pk, "c.d@justice.gouv.fr", "Carl", "Dupont", "Justice", "inconnue", "oui"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(dataset, staff)
    assert result.has_validation_errors()
    assert not Adhesion.objects.filter(user__email="a.b@justice.gouv.fr").exists()
    assert mailoutbox == []


def test_import_into_cancelled_workshop_is_refused(staff, network):
    atelier = AtelierFactory(annule=True)
    result = run_import(
        make_dataset([atelier.pk, "x@y.fr", "X", "Y", "Justice", "SG", "oui"]), staff, dry_run=True
    )
    assert "annulé" in str(result.invalid_rows[0].error_dict["atelier"])


def test_import_past_workshop_sends_no_email(staff, network, django_capture_on_commit_callbacks, mailoutbox):
    atelier = AtelierFactory(tenu=True, starts_at=timezone.now() - dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(make_dataset([atelier.pk, "x@vnf.fr", "X", "Y", "MTE", "DRH", "oui"]), staff)
    assert not result.has_validation_errors()
    assert Inscription.objects.get().atelier == atelier
    assert Adhesion.objects.get(user__email="x@vnf.fr").organisation == network["mte-drh"]
    assert mailoutbox == []


def test_import_same_newcomer_in_two_workshops_gets_one_account(staff, network):
    first, second = AtelierFactory(), AtelierFactory()
    result = run_import(
        make_dataset(
            [first.pk, "x@y.fr", "X", "Y", "Justice", "SG", "oui"],
            [second.pk, "X@Y.fr", "X", "Y", "Justice", "SG", "oui"],
        ),
        staff,
    )
    assert not result.has_validation_errors(), result.refused
    assert set(Inscription.objects.values_list("atelier", flat=True)) == {first.pk, second.pk}
    assert User.objects.filter(email="x@y.fr").count() == 1


def test_import_never_modifies_an_existing_account(staff, network):
    atelier = AtelierFactory()
    superuser = UserFactory(
        email="chef@dgafp.gouv.fr", first_name="Claire", last_name="Dubois", is_superuser=True
    )
    result = run_import(
        make_dataset([atelier.pk, "Chef@dgafp.gouv.fr", "=HYPERLINK(1)", "Pirate", "MTFP", "DGAFP", "oui"]),
        staff,
    )
    assert not result.has_validation_errors()
    superuser.refresh_from_db()
    assert (superuser.first_name, superuser.last_name, superuser.is_superuser) == ("Claire", "Dubois", True)
    assert Inscription.objects.get().user == superuser  # registered, nothing else
