"""A ministry's real file imported through the admin: the preview lists the rows to settle, staff create the
missing directions from it, and nothing is written before the confirmation."""

from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accompagnement.enums import OrganisationKind
from accompagnement.models import Adhesion, Organisation, User
from ateliers.models import Inscription
from tests.accompagnement.factories import OrganisationFactory, UserFactory
from tests.ateliers.factories import AtelierFactory
from tests.ateliers.participants_import import FIXTURE, MISSING, confirm_import, upload_file

pytestmark = pytest.mark.django_db


def test_import_fixture_resolves_secretariat_general_by_ministry_column(admin_client, network):
    for ministry, name, acronym in MISSING:
        OrganisationFactory(name=name, acronym=acronym, parent=network[ministry])
    atelier = AtelierFactory(capacity=60)
    response = upload_file(admin_client, FIXTURE.read_bytes(), atelier=atelier)
    result = response.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors(), result.refused
    assert not Inscription.objects.exists()  # the preview writes nothing
    response = confirm_import(admin_client, response)
    assert response.status_code == 302
    message = "Import terminé : 40 inscrit(s), 0 en liste d&#x27;attente, 0 déjà inscrit(s)."
    assert message in admin_client.get(response.url).content.decode()
    inscriptions = {
        i.user.email: i for i in Inscription.objects.filter(atelier=atelier).select_related("user")
    }
    assert len(inscriptions) == 40
    sg = {email: i.organisation.slug for email, i in inscriptions.items() if i.organisation.acronym == "SG"}
    assert len(sg) == 20
    assert sg["helene.marchand@intradef.gouv.fr"] == "minarm-sg"
    assert sg["thierry.loeuillet@intradef.gouv.fr"] == "minarm-sg"  # « ARMEES » / « S.G. »
    assert sg["gaelle.fournier@intradef.gouv.fr"] == "minarm-sg"  # « Min. des Armées »
    assert sg["francois.dupre@justice.gouv.fr"] == "mj-sg"
    assert sg["aurelie.morin@interieur.gouv.fr"] == "miom-sg"  # « Min. Intérieur »
    assert sg["jerome.picard@interieur.gouv.fr"] == "miom-sg"  # « Secrétariat général (SG) »
    assert sg["maelle.carpentier@finances.gouv.fr"] == "mef-sg"
    assert sg["camille.rey@agriculture.gouv.fr"] == "masa-sg"
    slugs = {email: i.organisation.slug for email, i in inscriptions.items()}
    assert slugs["sandrine.perrot@intradef.gouv.fr"] == "minarm-drh-md"  # « Armées » / « DRH »
    assert slugs["mathieu.colin@developpement-durable.gouv.fr"] == "mte-drh"  # the other « DRH »
    assert slugs["emilie.caron@justice.gouv.fr"] == "mj-dap"  # a typographic apostrophe
    assert slugs["anne.roche@education.gouv.fr"] == "menj-dgrh"
    assert slugs["eric.bonnet@education.gouv.fr"] == "menj-dgrh"
    assert slugs["francoise.dharcourt@louvre.fr"] == "louvre"  # a body under the Culture's tutelle
    assert slugs["martine.lucas@hauts-de-france.gouv.fr"] == "pfrh-hdf"
    assert slugs["yannick.le-roux@pays-de-la-loire.gouv.fr"] == "pfrh-pdl"  # « PFRH » / « Pays de la Loire »
    assert slugs["chantal.guillot@nouvelle-aquitaine.gouv.fr"] == "pfrh-na"
    assert slugs["vincent.garnier@finances.gouv.fr"] == "mtfp-dgafp"
    # Consent: « oui », « x », « 1 » give it; « non » and an empty cell do not (never presumed).
    consent = {email: i.consent_annuaire for email, i in inscriptions.items()}
    assert consent["loic.le-gall@intradef.gouv.fr"] is True
    assert consent["francois.dupre@justice.gouv.fr"] is True
    assert consent["gaelle.fournier@intradef.gouv.fr"] is False
    assert consent["claire.vasseur@intradef.gouv.fr"] is False
    assert User.objects.get(email="thierry.loeuillet@intradef.gouv.fr").last_name == "Lœuillet"


def test_import_fixture_unresolved_rows_list_their_ministry_candidates_and_import_nothing(
    admin_client, network
):
    atelier = AtelierFactory(capacity=60)
    response = upload_file(admin_client, FIXTURE.read_bytes(), atelier=atelier)
    result = response.context["result"]
    assert result.has_validation_errors()
    assert "confirm_form" not in response.context
    assert not Inscription.objects.exists()
    assert not User.objects.filter(email="helene.marchand@intradef.gouv.fr").exists()
    groups = {group.direction: group for group in result.unresolved}
    assert set(groups) == {name for _ministry, name, _acronym in MISSING}
    commissariat = groups["Service du commissariat des armées"]
    assert commissariat.rows == [7, 8]
    assert commissariat.ministry == network["minarm"]
    assert commissariat.can_create_direction
    assert commissariat.candidates  # the Armées' own directions that look alike…
    assert {candidate.racine for candidate in commissariat.candidates} == {network["minarm"]}  # …only
    libertes = groups["Direction des libertés publiques et des affaires juridiques"]
    assert {candidate.racine for candidate in libertes.candidates} <= {network["miom"]}
    content = response.content.decode()
    assert "Organisations à préciser" in content
    for candidate in commissariat.candidates:
        assert f"{candidate} — Ministère des Armées" in content  # named with its ministry
    assert (
        "Ministère de la Justice"
        not in content.split("Organisations à préciser")[1].split("Lignes refusées")[0]
    )
    assert (
        "Créer la direction « Service du commissariat des armées » sous « Ministère des Armées »" in content
    )
    assert 'for="direction-nom-1"' in content


def test_import_create_direction_then_preview_again_succeeds(admin_client, network, mailoutbox):
    atelier = AtelierFactory(capacity=60)
    response = upload_file(admin_client, FIXTURE.read_bytes(), atelier=atelier)
    stored = response.context["stored_file"]
    for group in response.context["result"].unresolved:
        created = admin_client.post(
            reverse("admin:ateliers_inscription_create_direction"),
            {**stored, "ministry": group.ministry.pk, "name": group.direction, "acronym": ""},
        )
        assert created.status_code == 302
        assert urlparse(created.url).path == reverse("admin:ateliers_inscription_import_preview")
    commissariat = Organisation.objects.get(name="Service du commissariat des armées")
    assert (commissariat.kind, commissariat.parent, commissariat.slug) == (
        OrganisationKind.DIRECTION,
        network["minarm"],
        "minarm-service-du-commissariat-des-armees",
    )
    assert not Inscription.objects.exists()  # creating a direction imports nobody
    response = admin_client.get(created.url, follow=True)
    assert "créée sous « Ministère de l&#x27;Intérieur et des Outre-mer »" in response.content.decode()
    result = response.context["result"]
    assert not result.has_validation_errors(), result.refused
    assert confirm_import(admin_client, response).status_code == 302
    assert Inscription.objects.filter(atelier=atelier).count() == 40
    vasseur = Inscription.objects.get(user__email="claire.vasseur@intradef.gouv.fr")
    assert vasseur.organisation == commissariat
    assert Adhesion.objects.get(user=vasseur.user).organisation == commissariat


def test_import_create_direction_twice_is_refused_with_a_message(admin_client, network):
    atelier = AtelierFactory()
    response = upload_file(
        admin_client,
        "email;prenom;nom;ministere;direction\r\nx@y.fr;X;Y;Armées;Cellule mobilité\r\n".encode("cp1252"),
        atelier=atelier,
    )
    stored = response.context["stored_file"]
    data = {**stored, "ministry": network["minarm"].pk, "name": "Cellule mobilité", "acronym": "CM"}
    admin_client.post(reverse("admin:ateliers_inscription_create_direction"), data)
    response = admin_client.post(reverse("admin:ateliers_inscription_create_direction"), data, follow=True)
    assert "existe déjà sous « Ministère des Armées »" in response.content.decode()
    assert Organisation.objects.filter(name="Cellule mobilité").count() == 1
    assert Organisation.objects.get(name="Cellule mobilité").slug == "minarm-cm"


def test_import_create_direction_needs_the_right_to_add_organisations(client, network):
    # Staff who may import participants (a group made for it) but not add organisations.
    importer = UserFactory(is_staff=True, staff_role=False)
    importer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_inscription", "add_inscription"])
    )
    client.force_login(importer)
    response = client.post(
        reverse("admin:ateliers_inscription_create_direction"),
        {"ministry": network["minarm"].pk, "name": "Cellule mobilité"},
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="Cellule mobilité").exists()


def test_import_preview_of_an_unknown_stored_file_goes_back_to_the_upload(admin_client):
    url = reverse("admin:ateliers_inscription_import_preview")
    for name in ("../../etc/passwd", "tmpabcdefgh"):
        response = admin_client.get(
            url, {"import_file_name": name, "original_file_name": "x.csv", "format": 0}
        )
        assert response.status_code == 302
        assert response.url == reverse("admin:ateliers_inscription_import")
