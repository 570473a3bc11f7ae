"""The participants import (ateliers.imports) as staff use it: ministries' files, the preview, all or
nothing."""

import codecs
import datetime as dt
import io
from pathlib import Path
from urllib.parse import urlparse

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accompagnement.enums import OrganisationKind, Role
from accompagnement.models import Adhesion, Organisation, User
from ateliers.enums import InscriptionStatus
from ateliers.imports import InscriptionImportResource, UnreadableFileError, column_of, read_csv
from ateliers.models import Inscription
from tests.accompagnement.factories import OrganisationFactory, UserFactory
from tests.ateliers.factories import AtelierFactory, member_of

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "data" / "participants_atelier.csv"
HEADERS = ["atelier", "email", "prenom", "nom", "ministere", "direction", "consentement"]
K = OrganisationKind
# (slug, kind, name, acronym, short label, [(direction, acronym)]): the network as the demo seeds it.
NETWORK = [
    (
        "minarm",
        K.MINISTERE,
        "Ministère des Armées",
        "MINARM",
        "Armées",
        [
            ("Secrétariat général", "SG"),
            ("Direction des ressources humaines du ministère des Armées", "DRH-MD"),
            ("Agence de reconversion de la Défense", "Défense Mobilité"),
        ],
    ),
    (
        "mj",
        K.MINISTERE,
        "Ministère de la Justice",
        "MJ",
        "Justice",
        [("Secrétariat général", "SG"), ("Direction de l'administration pénitentiaire", "DAP")],
    ),
    (
        "miom",
        K.MINISTERE,
        "Ministère de l'Intérieur et des Outre-mer",
        "MIOM",
        "Intérieur et Outre-mer",
        [
            ("Secrétariat général", "SG"),
            ("Direction des ressources et des compétences de la police nationale", "DRCPN"),
        ],
    ),
    (
        "mef",
        K.MINISTERE,
        "Ministères économiques et financiers",
        "MEF",
        "Économie et Finances",
        [("Secrétariat général", "SG"), ("Direction générale des finances publiques", "DGFiP")],
    ),
    ("mc", K.MINISTERE, "Ministère de la Culture", "MC", "Culture", [("Secrétariat général", "SG")]),
    (
        "mte",
        K.MINISTERE,
        "Ministère de la Transition écologique",
        "MTE",
        "Transition écologique",
        [("Secrétariat général", "SG"), ("Direction des ressources humaines", "DRH")],
    ),
    (
        "masa",
        K.MINISTERE,
        "Ministère de l'Agriculture et de la Souveraineté alimentaire",
        "MASA",
        "Agriculture",
        [("Secrétariat général", "SG")],
    ),
    (
        "menj",
        K.MINISTERE,
        "Ministère de l'Éducation nationale",
        "MENJ",
        "Éducation nationale",
        [("Direction générale des ressources humaines", "DGRH")],
    ),
    (
        "mtfp",
        K.MINISTERE,
        "Ministère de la Transformation et de la Fonction publiques",
        "MTFP",
        "Transformation et Fonction publiques",
        [("Direction générale de l'administration et de la fonction publique", "DGAFP")],
    ),
    ("pfrh-hdf", K.PFRH, "Plateforme RH Hauts-de-France", "PFRH HDF", "", []),
    ("pfrh-pdl", K.PFRH, "Plateforme RH Pays de la Loire", "PFRH PDL", "", []),
    ("pfrh-na", K.PFRH, "Plateforme RH Nouvelle-Aquitaine", "PFRH NA", "", []),
    ("louvre", K.ETABLISSEMENT_PUBLIC, "Musée du Louvre", "Louvre", "", []),
]
# Named by the fixture file and absent from the base: staff create them from the preview.
MISSING = [
    ("minarm", "Service du commissariat des armées", "SCA"),
    ("miom", "Direction des libertés publiques et des affaires juridiques", "DLPAJ"),
]


@pytest.fixture
def network(db):
    """{slug: Organisation}: the ministries, their directions (« minarm-sg »…), the PFRH and a body."""
    organisations = {}
    for slug, kind, name, acronym, short, directions in NETWORK:
        root = OrganisationFactory(kind=kind, name=name, acronym=acronym, slug=slug, libelle_court=short)
        organisations[slug] = root
        for direction, direction_acronym in directions:
            direction_slug = slugify(f"{acronym}-{direction_acronym}")
            organisations[direction_slug] = OrganisationFactory(
                name=direction, acronym=direction_acronym, slug=direction_slug, parent=root
            )
    organisations["louvre"].tutelle = organisations["mc"]
    organisations["louvre"].save()
    return organisations


@pytest.fixture
def admin_client(client, staff):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    return client


def _dataset(*rows, headers=HEADERS):
    return tablib.Dataset(*rows, headers=headers)


def _import(dataset, user, *, dry_run=False, **kwargs):
    return InscriptionImportResource().import_data(dataset, dry_run=dry_run, user=user, **kwargs)


def _upload(admin_client, content, *, name="participants.csv", file_format="0", atelier=None):
    data = {"import_file": SimpleUploadedFile(name, content), "format": file_format}
    if atelier is not None:
        data["atelier"] = atelier.pk
    return admin_client.post(reverse("admin:ateliers_inscription_import"), data)


def _confirm(admin_client, response):
    return admin_client.post(
        reverse("admin:ateliers_inscription_process_import"), response.context["confirm_form"].initial
    )


# --- files as ministries send them ---


def test_read_csv_windows_1252_semicolons_real_bytes():
    content = FIXTURE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # really Windows-1252, as French Excel saves « CSV (point-virgule) »
    dataset = read_csv(content)
    assert dataset.headers[0].startswith("Liste des participants")  # the title line, found later
    assert list(dataset[0]) == [
        "Civilité",
        "Prénom",
        "NOM",
        "Ministère",
        "Direction / service",
        "Fonction",
        "Courriel",
        "Accord pour figurer au livret",
    ]
    names = {row[2] for row in dataset}
    assert {"Lœuillet", "Noël", "d'Harcourt"} <= names
    assert "Direction de l’administration pénitentiaire" in {row[4] for row in dataset}
    assert len(dataset) == 41  # the header line and 40 participants


@pytest.mark.parametrize(
    ("encoded", "separator"),
    [
        (lambda text: text.encode("utf-8"), ","),
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), ";"),
        (lambda text: text.encode("cp1252"), ";"),
        (lambda text: text.encode("utf-16"), "\t"),
    ],
)
def test_read_csv_encodings_and_separators(encoded, separator):
    text = separator.join(["Courriel", "Prénom", "Nom"]) + "\r\n"
    text += separator.join(["a.b@culture.gouv.fr", "Françoise", "Lœuillet"]) + "\r\n"
    dataset = read_csv(encoded(text))
    assert dataset.headers == ["Courriel", "Prénom", "Nom"]
    assert list(dataset[0]) == ["a.b@culture.gouv.fr", "Françoise", "Lœuillet"]


def test_read_csv_undecodable_bytes_is_a_clear_error():
    with pytest.raises(UnreadableFileError, match="ni en UTF-8 ni en Windows-1252"):
        read_csv(b"email;nom\r\n\x81\x8d@x.fr;\x90\r\n")


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Ministère", "ministere"),
        ("MINISTERE OU ORGANISME", "ministere"),
        ("Ministère / organisme", "ministere"),
        ("Direction / service", "direction"),
        ("Direction ou service", "direction"),
        ("Structure", "direction"),
        ("organisation", "direction"),
        ("Courriel", "email"),
        ("Adresse électronique", "email"),
        ("E-mail", "email"),
        ("Prénom", "prenom"),
        ("NOM", "nom"),
        ("Nom de famille", "nom"),
        ("Accord pour figurer au livret", "consentement"),
        ("Accepte de figurer au livret", "consentement"),
        (" N° atelier ", "atelier"),
        ("Fonction", None),
        ("Téléphone", None),
    ],
)
def test_column_of_header_variants(header, column):
    assert column_of(header) == column


def test_import_organisation_and_direction_columns_together_are_refused(staff, network):
    atelier = AtelierFactory()
    result = _import(
        _dataset(
            [atelier.pk, "a@b.fr", "A", "B", "Justice", "SG", "SG"],
            headers=["atelier", "email", "prenom", "nom", "ministere", "direction", "organisation"],
        ),
        staff,
        dry_run=True,
    )
    assert "Deux colonnes désignent « direction »" in str(result.base_errors[0].error)


# --- the fixture file, end to end through the admin ---


def test_import_fixture_resolves_secretariat_general_by_ministry_column(admin_client, network):
    for ministry, name, acronym in MISSING:
        OrganisationFactory(name=name, acronym=acronym, parent=network[ministry])
    atelier = AtelierFactory(capacity=60)
    response = _upload(admin_client, FIXTURE.read_bytes(), atelier=atelier)
    result = response.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors(), result.refused
    assert not Inscription.objects.exists()  # the preview writes nothing
    response = _confirm(admin_client, response)
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
    response = _upload(admin_client, FIXTURE.read_bytes(), atelier=atelier)
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
    response = _upload(admin_client, FIXTURE.read_bytes(), atelier=atelier)
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
        K.DIRECTION,
        network["minarm"],
        "minarm-service-du-commissariat-des-armees",
    )
    assert not Inscription.objects.exists()  # creating a direction imports nobody
    response = admin_client.get(created.url, follow=True)
    assert "créée sous « Ministère de l&#x27;Intérieur et des Outre-mer »" in response.content.decode()
    result = response.context["result"]
    assert not result.has_validation_errors(), result.refused
    assert _confirm(admin_client, response).status_code == 302
    assert Inscription.objects.filter(atelier=atelier).count() == 40
    vasseur = Inscription.objects.get(user__email="claire.vasseur@intradef.gouv.fr")
    assert vasseur.organisation == commissariat
    assert Adhesion.objects.get(user=vasseur.user).organisation == commissariat


def test_import_create_direction_twice_is_refused_with_a_message(admin_client, network):
    atelier = AtelierFactory()
    response = _upload(
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


def test_import_create_direction_needs_the_right_to_add_organisations(client, staff, network):
    client.force_login(staff)  # staff, not superuser: no « add organisation » permission
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


# --- matching rows to organisations ---


def test_import_without_ministry_lists_every_secretariat_general_named_with_its_ministry(staff, network):
    atelier = AtelierFactory()
    result = _import(_dataset([atelier.pk, "x@y.fr", "X", "Y", "", "Secrétariat général", "oui"]), staff)
    error = str(result.invalid_rows[0].error_dict["direction"])
    assert "existe dans plusieurs ministères" in error
    assert "colonne « ministère »" in error
    [group] = result.unresolved
    assert len(group.candidates) == 7  # one per ministry that has one
    assert "Secrétariat général (SG) — Ministère des Armées" in {c.nom_complet for c in group.candidates}
    assert not group.can_create_direction  # no ministry named: under which one?


def test_import_direction_of_another_ministry_is_never_hinted(staff, network):
    atelier = AtelierFactory()
    result = _import(_dataset([atelier.pk, "x@y.fr", "X", "Y", "Armées", "DGFiP", "oui"]), staff)
    [group] = result.unresolved
    assert all(candidate.racine == network["minarm"] for candidate in group.candidates)
    assert "Finances" not in str(result.invalid_rows[0].error_dict)
    assert group.ministry == network["minarm"]


@pytest.mark.parametrize(
    ("ministere", "direction", "slug"),
    [
        ("Ministère des Armées", "SECRETARIAT GENERAL", "minarm-sg"),
        ("min. des armees", "s.g.", "minarm-sg"),
        ("MINARM", "minarm-sg", "minarm-sg"),
        ("", "minarm-sg", "minarm-sg"),
        ("Justice", "Direction de l'Administration Pénitentiaire", "mj-dap"),
        ("Ministère de la Transition écologique", "Direction des RH", "mte-drh"),
        ("Éducation nationale", "DG RH", "menj-dgrh"),
        ("Économie et Finances", "DGFIP", "mef-dgfip"),
        ("PFRH", "Hauts-de-France", "pfrh-hdf"),
        ("Plateforme régionale d'appui interministériel à la GRH", "Pays de la Loire", "pfrh-pdl"),
        ("Ministère de la Culture", "", "mc"),
    ],
)
def test_import_accents_case_and_abbreviations(staff, network, ministere, direction, slug):
    atelier = AtelierFactory()
    result = _import(_dataset([atelier.pk, "x@y.fr", "X", "Y", ministere, direction, "oui"]), staff)
    assert not result.has_validation_errors(), result.refused
    assert Inscription.objects.get().organisation.slug == slug


@pytest.mark.parametrize(
    ("cell", "consent"),
    [("oui", True), ("OUI", True), ("x", True), ("Vrai", True), ("1", True), ("non", False), ("", False)],
)
def test_import_consent_column(staff, network, cell, consent):
    atelier = AtelierFactory()
    _import(_dataset([atelier.pk, "x@y.fr", "X", "Y", "Justice", "SG", cell]), staff)
    assert Inscription.objects.get().consent_annuaire is consent


def test_import_without_consent_column_presumes_no_consent(staff, network):
    atelier = AtelierFactory()
    result = _import(_dataset([atelier.pk, "x@y.fr", "X", "Y", "Justice", "SG"], headers=HEADERS[:-1]), staff)
    assert not result.has_validation_errors()
    assert Inscription.objects.get().consent_annuaire is False


def test_import_unclear_consent_is_a_row_error(staff, network):
    atelier = AtelierFactory()
    result = _import(_dataset([atelier.pk, "x@y.fr", "X", "Y", "Justice", "SG", "peut-être"]), staff)
    assert "« peut-être »" in str(result.invalid_rows[0].error_dict["consentement"])
    assert not Inscription.objects.exists()


def test_import_resolution_of_10000_rows_takes_a_fixed_number_of_queries(
    staff, network, django_assert_num_queries
):
    atelier = AtelierFactory()
    known = [member_of(network["mj-sg"]) for _ in range(3)]
    pairs = [
        ("Ministère des Armées", "Secrétariat général"),
        ("Justice", "SG"),
        ("Min. Intérieur", "S.G."),
        ("MEF", "DGFiP"),
        ("PFRH", "Hauts-de-France"),
        ("Ministère de la Culture", "Musée du Louvre"),
    ]
    rows = [
        [atelier.pk, f"agent{n}@ministere.gouv.fr", "Prénom", f"Nom{n}", *pairs[n % len(pairs)], "oui"]
        for n in range(10_000)
    ]
    rows[:3] = [[atelier.pk, user.email, "", "", "Justice", "SG", "non"] for user in known]
    dataset = _dataset(*rows)
    resource = InscriptionImportResource()
    # The organisations, the workshops and the accounts, each loaded once.
    with django_assert_num_queries(3):
        resource.prepare(dataset)
        resource.check_rows(dataset)
    assert resource.file_is_valid
    checked = resource._checked
    assert len(checked) == 10_000
    assert checked[1].user == known[0]
    assert checked[4].organisation == network["mef-dgfip"]
    assert checked[5].organisation == network["pfrh-hdf"]
    assert checked[6].organisation == network["louvre"]
    assert checked[7].organisation == network["minarm-sg"]
    assert checked[8].organisation == network["mj-sg"]
    assert checked[9].organisation == network["miom-sg"]


def test_import_wrong_file_preview_does_not_register_the_valid_rows(
    staff, network, django_assert_num_queries
):
    atelier = AtelierFactory()
    rows = [
        [atelier.pk, f"agent{n}@justice.gouv.fr", "P", f"N{n}", "Justice", "SG", "oui"] for n in range(50)
    ]
    rows.append([atelier.pk, "z@y.fr", "Z", "Y", "Justice", "Direction inconnue", "oui"])
    # The 3 loads and savepoints only: the import's, its first and last steps' and one around each of the
    # 51 rows (opened and closed, 109 statements). No registration is attempted while the file cannot be
    # imported.
    with django_assert_num_queries(112):
        result = _import(_dataset(*rows), staff, dry_run=True)
    assert [row.number for row in result.invalid_rows] == [51]
    assert "non importé" in result.valid_rows()[0].diff[-1]


# --- moved from test_admin.py, on the ministry and direction columns ---


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
        response = _upload(admin_client, csv.encode())
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert not Inscription.objects.exists()  # the preview writes nothing
    assert not User.objects.filter(email="nouvelle.personne@louvre.fr").exists()
    assert mailoutbox == []  # and sends nothing
    assert "Musée du Louvre (Louvre)" in response.content.decode()  # the organisation retained, shown
    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm(admin_client, response)
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
    dataset = _dataset(
        [atelier.pk, "a.b@justice.gouv.fr", "Anne", "Bois", "Justice", "SG", "oui"],
        [atelier.pk, "pas-une-adresse", "Luc", "Roy", "Justice", "inconnue", "peut-être"],
        [999999, "c.d@justice.gouv.fr", "Carl", "Dupont", "Justice", "SG", "oui"],
    )
    # As on the admin's confirmation step: no rollback flag given, the resource still rolls back.
    result = _import(dataset, staff)
    assert result.has_validation_errors()
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(invalid) == {2, 3}
    assert set(invalid[2]) == {"email", "direction", "consentement"}
    assert "introuvable" in str(invalid[3]["atelier"])
    assert not Inscription.objects.exists()
    assert not User.objects.filter(email="a.b@justice.gouv.fr").exists()


def test_import_with_errors_invites_nobody(staff, network, django_capture_on_commit_callbacks, mailoutbox):
    atelier = AtelierFactory()
    dataset = _dataset(
        [atelier.pk, "a.b@justice.gouv.fr", "Anne", "Bois", "Justice", "SG", "oui"],
        [atelier.pk, "c.d@justice.gouv.fr", "Carl", "Dupont", "Justice", "inconnue", "oui"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = _import(dataset, staff)
    assert result.has_validation_errors()
    assert not Adhesion.objects.filter(user__email="a.b@justice.gouv.fr").exists()
    assert mailoutbox == []


def test_import_into_cancelled_workshop_is_refused(staff, network):
    atelier = AtelierFactory(annule=True)
    result = _import(_dataset([atelier.pk, "x@y.fr", "X", "Y", "Justice", "SG", "oui"]), staff, dry_run=True)
    assert "annulé" in str(result.invalid_rows[0].error_dict["atelier"])


def test_import_past_workshop_sends_no_email(staff, network, django_capture_on_commit_callbacks, mailoutbox):
    atelier = AtelierFactory(tenu=True, starts_at=timezone.now() - dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        result = _import(_dataset([atelier.pk, "x@vnf.fr", "X", "Y", "MTE", "DRH", "oui"]), staff)
    assert not result.has_validation_errors()
    assert Inscription.objects.get().atelier == atelier
    assert Adhesion.objects.get(user__email="x@vnf.fr").organisation == network["mte-drh"]
    assert mailoutbox == []


def test_import_xlsx_with_title_line_and_header_variants_through_admin(admin_client, network):
    atelier = AtelierFactory()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Participants — atelier du réseau"])
    sheet.append(
        ["Prénom", "Nom", "Ministère", "Direction / service", "Adresse électronique", "Consentement"]
    )
    sheet.append(
        [
            "Hélène",
            "Vincent",
            "Ministère des Armées",
            "Secrétariat général",
            "h.vincent@intradef.gouv.fr",
            "oui",
        ]
    )
    sheet.append(
        ["Paul", "Henry", "Ministère de la Justice", "Secrétariat général", "p.henry@justice.gouv.fr", None]
    )
    sheet.append([None, None, None, None, None, None])  # spreadsheets end with empty lines
    content = io.BytesIO()
    workbook.save(content)
    response = _upload(
        admin_client, content.getvalue(), name="participants.xlsx", file_format="1", atelier=atelier
    )
    assert not response.context["result"].has_validation_errors(), response.context["result"].refused
    _confirm(admin_client, response)
    inscriptions = {
        i.user.get_full_name(): i for i in Inscription.objects.select_related("user", "organisation")
    }
    assert inscriptions["Hélène Vincent"].organisation == network["minarm-sg"]
    assert inscriptions["Paul Henry"].organisation == network["mj-sg"]
    assert inscriptions["Paul Henry"].consent_annuaire is False


def test_import_duplicate_person_and_missing_column_are_reported(staff, network):
    atelier = AtelierFactory()
    row = [atelier.pk, "x@y.fr", "X", "Y", "Justice", "SG", "oui"]
    result = _import(_dataset(row, row), staff, dry_run=True)
    assert "double" in str(result.invalid_rows[0].error_dict["email"])
    result = _import(tablib.Dataset(["x@y.fr"], headers=["email"]), staff, dry_run=True)
    assert result.has_errors()
    assert "Colonnes manquantes : atelier (ou choisissez l'atelier dans le formulaire d'import), " in str(
        result.base_errors[0].error
    )
    assert "ministere / direction" in str(result.base_errors[0].error)


def test_import_same_newcomer_in_two_workshops_gets_one_account(staff, network):
    first, second = AtelierFactory(), AtelierFactory()
    result = _import(
        _dataset(
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
    result = _import(
        _dataset([atelier.pk, "Chef@dgafp.gouv.fr", "=HYPERLINK(1)", "Pirate", "MTFP", "DGAFP", "oui"]), staff
    )
    assert not result.has_validation_errors()
    superuser.refresh_from_db()
    assert (superuser.first_name, superuser.last_name, superuser.is_superuser) == ("Claire", "Dubois", True)
    assert Inscription.objects.get().user == superuser  # registered, nothing else


def test_import_page_says_what_is_read_and_offers_the_workshop(admin_client):
    atelier, cancelled = AtelierFactory(), AtelierFactory(annule=True)
    response = admin_client.get(reverse("admin:ateliers_inscription_import"))
    content = response.content.decode()
    assert "Windows-1252" in content
    assert "atelier, email, prenom, nom, ministere, direction, consentement</code>" in content
    choices = [value for value, _label in response.context["form"].fields["atelier"].choices]
    assert atelier.pk in [getattr(value, "value", value) for value in choices]
    assert cancelled.pk not in [getattr(value, "value", value) for value in choices]


def test_import_variants_of_a_missing_direction_are_one_row_to_create_named_in_full(staff, network):
    """« SG », « S.G. » and « secretariat general » under a ministry that has none: one missing direction,
    offered as « Secrétariat général » (SG), never as the abbreviation typed on the first row."""
    atelier = AtelierFactory()
    rows = [
        [atelier.pk, f"p{i}@culture.gouv.fr", "P", f"N{i}", "Culture", label, "oui"]
        for i, label in enumerate(["SG", "S.G.", "secretariat  GENERAL"])
    ]
    network["mc-sg"].delete()  # the Culture ministry has no secrétariat général in the base any more
    result = _import(_dataset(*rows), staff)
    [group] = result.unresolved
    assert group.rows == [1, 2, 3]
    assert group.can_create_direction
    assert group.suggested == ("Secrétariat général", "SG")
