"""The participant lists' grouping (ateliers.livret.services.annexe) and the pages that use it."""

import contextlib
import csv
import io
import subprocess
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from accompagnement.enums import OrganisationKind
from accompagnement.models import Organisation
from ateliers.enums import FormatNom, RegroupementEtablissements
from ateliers.livret.services import annexe as annexe_services
from ateliers.livret.services.annexe import Personne, Rubrique, format_nom, grouper, reglage_for
from ateliers.models import Rapporteur, ReglageAnnexe, RubriqueAnnexe
from fabrique.core import demo
from tests.accompagnement.factories import OrganisationFactory, UserFactory
from tests.ateliers.factories import AtelierFactory, InscriptionFactory

pytestmark = pytest.mark.django_db


def ministere(name, **kwargs):
    return OrganisationFactory(kind=OrganisationKind.MINISTERE, name=name, **kwargs)


def inscrire(atelier, organisation, first_name="Marie", last_name="Curie"):
    user = UserFactory(first_name=first_name, last_name=last_name)
    return InscriptionFactory(atelier=atelier, organisation=organisation, user=user)


def intitules(rubriques):
    return [rubrique.intitule for rubrique in rubriques]


@pytest.mark.parametrize(
    ("first_name", "last_name", "style", "expected"),
    [
        ("Marie", "d'Artagnan", FormatNom.PRENOM_NOM, "Marie d'ARTAGNAN"),
        ("Marie", "d’Artagnan", FormatNom.PRENOM_NOM, "Marie d’ARTAGNAN"),
        ("Jean", "de La Fontaine", FormatNom.PRENOM_NOM, "Jean de LA FONTAINE"),
        ("Anne", "du Bellay", FormatNom.PRENOM_NOM, "Anne du BELLAY"),
        ("Paul", "Lefèvre-Martin", FormatNom.PRENOM_NOM, "Paul LEFÈVRE-MARTIN"),
        ("Paul", "Lefèvre-Martin", FormatNom.NOM_PRENOM, "LEFÈVRE-MARTIN Paul"),
        ("Jean", "de La Fontaine", FormatNom.NOM_PRENOM, "de LA FONTAINE Jean"),
        ("Jean-Luc", "  Éloi  ", FormatNom.PRENOM_NOM, "Jean-Luc ÉLOI"),
        ("", "Seul", FormatNom.PRENOM_NOM, "SEUL"),
    ],
)
def test_format_nom_keeps_particles_and_capitalises_the_surname(first_name, last_name, style, expected):
    assert format_nom(first_name, last_name, style) == expected


def test_format_nom_default_is_prenom_nom():
    assert format_nom("Marie", "Curie") == "Marie CURIE"


def test_reglage_for_prefers_the_booklet_then_the_network_then_the_default(django_assert_num_queries):
    atelier, other = AtelierFactory(), AtelierFactory()
    with django_assert_num_queries(1):
        default = reglage_for(atelier)
    assert default.pk is None
    assert default.format_nom == FormatNom.PRENOM_NOM
    network = ReglageAnnexe.objects.create(atelier=None, format_nom=FormatNom.NOM_PRENOM)
    own = ReglageAnnexe.objects.create(atelier=atelier, regrouper_pfrh=False)
    with django_assert_num_queries(1):
        assert reglage_for(atelier) == own
    with django_assert_num_queries(1):
        assert reglage_for(other) == network
    with django_assert_num_queries(1):
        assert reglage_for(None) == network


def test_grouper_uses_short_labels_services_and_the_name_format():
    atelier = AtelierFactory()
    armees = ministere("Ministère des Armées", libelle_court="Armées")
    sg = OrganisationFactory(name="Secrétariat général", parent=armees)
    bureau = OrganisationFactory(name="Bureau des parcours", parent=sg)
    first = inscrire(atelier, sg, "Marie", "d'Artagnan")
    second = inscrire(atelier, armees, "Jean", "de La Fontaine")
    third = inscrire(atelier, bureau, "Anne", "du Bellay")

    rubriques = grouper([first, second, third], atelier)

    assert rubriques == [
        Rubrique(
            intitule="Armées",
            rang=5,
            personnes=[
                Personne(first, "Marie d'ARTAGNAN", "Secrétariat général", armees),
                Personne(second, "Jean de LA FONTAINE", "", armees),
                Personne(third, "Anne du BELLAY", "Bureau des parcours", armees),
            ],
        )
    ]
    ReglageAnnexe.objects.create(atelier=None, format_nom=FormatNom.NOM_PRENOM)
    names = [p.nom_affiche for p in grouper([first, second, third], atelier)[0].personnes]
    assert names == ["d'ARTAGNAN Marie", "de LA FONTAINE Jean", "du BELLAY Anne"]


def test_grouper_sorts_people_by_surname_then_first_name_accents_ignored():
    atelier = AtelierFactory()
    justice = ministere("Ministère de la Justice")
    rows = [
        inscrire(atelier, justice, "Zoé", "Émery"),
        inscrire(atelier, justice, "Adèle", "Emery"),
        inscrire(atelier, justice, "Luc", "Dupont"),
        inscrire(atelier, justice, "Ève", "fabre"),
    ]
    names = [p.nom_affiche for p in grouper(rows, atelier)[0].personnes]
    assert names == ["Luc DUPONT", "Adèle EMERY", "Zoé ÉMERY", "Ève FABRE"]


def test_grouper_orders_ministries_in_the_protocol_order_then_unranked_alphabetically():
    atelier = AtelierFactory()
    roots = [
        ministere("Ministère de la Transformation et de la Fonction publiques"),
        ministere("Ministère de l'Agriculture et de la Souveraineté alimentaire"),
        ministere("Ministère de la Culture"),
        ministere("Ministère des Armées"),
        ministere("Ministère de l'Intérieur et des Outre-mer"),
        ministere("Ministère de l'Europe et des Affaires étrangères"),
        ministere("Ministère de la Justice"),
        ministere("Ministère de l'Économie, des Finances et de la Souveraineté industrielle"),
        ministere("Services du Premier ministre"),
        OrganisationFactory(kind=OrganisationKind.ADMINISTRATION_ETRANGERE, name="Zollverwaltung"),
        OrganisationFactory(kind=OrganisationKind.PARTENAIRE_PRIVE, name="Association Égalité"),
    ]
    rows = [inscrire(atelier, root) for root in roots]

    assert intitules(grouper(rows, atelier)) == [
        "Services du Premier ministre",
        "Ministère de l'Europe et des Affaires étrangères",
        "Ministère de l'Intérieur et des Outre-mer",
        "Ministère de la Justice",
        "Ministère des Armées",
        "Ministère de l'Économie, des Finances et de la Souveraineté industrielle",
        "Ministère de l'Agriculture et de la Souveraineté alimentaire",
        "Ministère de la Culture",
        "Ministère de la Transformation et de la Fonction publiques",
        "Association Égalité",
        "Zollverwaltung",
    ]


def test_grouper_rang_protocolaire_overrides_the_protocol_order():
    atelier = AtelierFactory()
    interieur = ministere("Ministère de l'Intérieur", libelle_court="Intérieur")
    fonction_publique = ministere("Ministère de la Fonction publique", libelle_court="Fonction publique")
    rows = [inscrire(atelier, interieur), inscrire(atelier, fonction_publique)]
    assert intitules(grouper(rows, atelier)) == ["Intérieur", "Fonction publique"]

    fonction_publique.rang_protocolaire = 1
    fonction_publique.save()
    rubriques = grouper(rows, atelier)
    assert intitules(rubriques) == ["Fonction publique", "Intérieur"]
    assert [r.rang for r in rubriques] == [1, 3]


def test_grouper_booklet_headings_override_labels_and_ranks():
    atelier, other = AtelierFactory(), AtelierFactory()
    armees = ministere("Ministère des Armées", libelle_court="Armées")
    justice = ministere("Ministère de la Justice", libelle_court="Justice")
    reglage = ReglageAnnexe.objects.create(atelier=atelier)
    RubriqueAnnexe.objects.create(reglage=reglage, organisation=armees, intitule="Défense", rang=40)
    RubriqueAnnexe.objects.create(reglage=reglage, organisation=justice, intitule="", rang=None)
    rows = [inscrire(atelier, armees), inscrire(atelier, justice)]

    assert intitules(grouper(rows, atelier)) == ["Justice", "Défense"]
    # Another booklet keeps the network's headings.
    assert intitules(grouper(rows, other)) == ["Justice", "Armées"]


def test_grouper_puts_every_pfrh_under_one_heading():
    atelier = AtelierFactory()
    rows = [
        inscrire(
            atelier, OrganisationFactory(kind=OrganisationKind.PFRH, name="PFRH Bretagne"), "A", "Bréhat"
        ),
        inscrire(
            atelier, OrganisationFactory(kind=OrganisationKind.PFRH, name="PFRH Occitanie"), "B", "Albi"
        ),
        inscrire(atelier, ministere("Ministère de la Culture", libelle_court="Culture")),
    ]
    rubriques = grouper(rows, atelier)
    assert intitules(rubriques) == ["Culture", "Plateformes régionales d'appui interministériel à la GRH"]
    assert rubriques[1].rang == 90
    assert [(p.nom_affiche, p.precision) for p in rubriques[1].personnes] == [
        ("B ALBI", "PFRH Occitanie"),
        ("A BRÉHAT", "PFRH Bretagne"),
    ]

    ReglageAnnexe.objects.create(atelier=None, regrouper_pfrh=False)
    assert intitules(grouper(rows, atelier)) == ["Culture", "PFRH Bretagne", "PFRH Occitanie"]


def test_grouper_public_bodies_under_one_heading_under_their_tutelle_or_their_own():
    atelier = AtelierFactory()
    travail = ministere("Ministère du Travail et de l'Emploi", libelle_court="Travail")
    france_travail = OrganisationFactory(
        kind=OrganisationKind.ETABLISSEMENT_PUBLIC, name="France Travail", tutelle=travail
    )
    agence = OrganisationFactory(kind=OrganisationKind.ETABLISSEMENT_PUBLIC, name="Agence sans tutelle")
    direction = OrganisationFactory(name="Direction régionale", parent=france_travail)
    rows = [
        inscrire(atelier, travail, "Paul", "Anis"),
        inscrire(atelier, direction, "Léa", "Bon"),
        inscrire(atelier, agence, "Max", "Cyr"),
    ]
    reglage = ReglageAnnexe.objects.create(
        atelier=None, intitule_etablissements="Opérateurs", rang_etablissements=2
    )

    rubriques = grouper(rows, atelier)
    assert intitules(rubriques) == ["Opérateurs", "Travail"]
    assert [p.precision for p in rubriques[0].personnes] == [
        "France Travail, Direction régionale",
        "Agence sans tutelle",
    ]

    reglage.etablissements = RegroupementEtablissements.TUTELLE
    reglage.save()
    rubriques = grouper(rows, atelier)
    # The body without tutelle stays under the common heading.
    assert intitules(rubriques) == ["Opérateurs", "Travail"]
    assert [p.nom_affiche for p in rubriques[0].personnes] == ["Max CYR"]
    assert [(p.nom_affiche, p.precision) for p in rubriques[1].personnes] == [
        ("Paul ANIS", ""),
        ("Léa BON", "France Travail, Direction régionale"),
    ]
    assert [p.organisation for p in rubriques[1].personnes] == [travail, france_travail]

    reglage.etablissements = RegroupementEtablissements.PROPRE
    reglage.save()
    assert intitules(grouper(rows, atelier)) == ["Travail", "Agence sans tutelle", "France Travail"]


def test_grouper_tutelle_heading_follows_the_booklet_override_of_the_ministry():
    atelier = AtelierFactory()
    travail = ministere("Ministère du Travail", libelle_court="Travail")
    body = OrganisationFactory(
        kind=OrganisationKind.ETABLISSEMENT_PUBLIC, name="France Travail", tutelle=travail
    )
    reglage = ReglageAnnexe.objects.create(atelier=atelier, etablissements=RegroupementEtablissements.TUTELLE)
    RubriqueAnnexe.objects.create(reglage=reglage, organisation=travail, intitule="Travail et emploi", rang=3)
    rubriques = grouper([inscrire(atelier, body)], atelier)
    assert [(r.intitule, r.rang) for r in rubriques] == [("Travail et emploi", 3)]


def test_grouper_empty_list_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert grouper([], AtelierFactory.build()) == []


@pytest.mark.parametrize("count", [1, 60])
def test_grouper_queries_are_fixed_whatever_the_number_of_people(count, django_assert_num_queries):
    atelier = AtelierFactory()
    travail = ministere("Ministère du Travail", libelle_court="Travail")
    reglage = ReglageAnnexe.objects.create(atelier=atelier, etablissements=RegroupementEtablissements.TUTELLE)
    RubriqueAnnexe.objects.create(reglage=reglage, organisation=travail, intitule="Travail et emploi", rang=3)
    organisations = [
        travail,
        OrganisationFactory(name="Direction générale du travail", parent=travail),
        OrganisationFactory(
            kind=OrganisationKind.ETABLISSEMENT_PUBLIC, name="France Travail", tutelle=travail
        ),
        OrganisationFactory(kind=OrganisationKind.PFRH, name="PFRH Bretagne"),
        ministere("Ministère des Armées"),
    ]
    ids = [inscrire(atelier, organisations[n % 5], last_name=f"Nom {n}").pk for n in range(count)]
    rows = list(atelier.inscriptions.filter(pk__in=ids).select_related("user"))
    with django_assert_num_queries(4):
        rubriques = grouper(rows, atelier)
    assert sum(len(r.personnes) for r in rubriques) == count


def test_demo_network_has_short_labels_tutelles_and_its_settings_row():
    network = [demo.path("accompagnement", name) for name in ("organisations.yaml", "membres.yaml")]
    demo.load(*network, demo.path("ateliers", "ateliers.yaml"))
    demo.load(demo.path("ateliers", "ateliers.yaml"))
    assert ReglageAnnexe.objects.filter(atelier__isnull=True).count() == 1
    atelier = AtelierFactory()
    rows = [
        inscrire(atelier, Organisation.objects.get(slug=slug), last_name=slug)
        for slug in ["mc", "minarm", "mj", "louvre", "cnrs", "pfrh-hdf", "pfrh-na", "spm", "miom", "mtfp"]
    ]
    assert intitules(grouper(rows, atelier)) == [
        "Services du Premier ministre",
        "Intérieur et Outre-mer",
        "Justice",
        "Armées",
        "Culture",
        "Transformation et Fonction publiques",
        "Établissements publics",
        "Plateformes régionales d'appui interministériel à la GRH",
    ]
    reglage = reglage_for(None)
    reglage.etablissements = RegroupementEtablissements.TUTELLE
    reglage.save()
    rubriques = grouper(rows, atelier)
    culture = next(r for r in rubriques if r.intitule == "Culture")
    assert [p.precision for p in culture.personnes] == ["Musée du Louvre", ""]


# --- The pages that list participants -------------------------------------------------------------


def _annexe_url(atelier):
    return reverse("ateliers:livret_annexe", args=[atelier.pk])


@pytest.fixture
def atelier_liste():
    """A held workshop: the Armed Forces (a direction), Justice, two PFRH, a public body under the Labour
    ministry; every one consents. Headings by default: Justice (4), Armées (5), Travail (9), then the
    public bodies (80) and the PFRH (90)."""
    atelier = AtelierFactory(tenu=True)
    armees = ministere("Ministère des Armées", libelle_court="Armées")
    justice = ministere("Ministère de la Justice", libelle_court="Justice")
    travail = ministere("Ministère du Travail", libelle_court="Travail")
    body = OrganisationFactory(
        kind=OrganisationKind.ETABLISSEMENT_PUBLIC, name="France Travail", tutelle=travail
    )
    people = [
        (OrganisationFactory(name="Secrétariat général", parent=armees), "Marie", "d'Artagnan"),
        (justice, "Jean", "de La Fontaine"),
        (OrganisationFactory(kind=OrganisationKind.PFRH, name="PFRH Bretagne"), "Anne", "du Bellay"),
        (OrganisationFactory(kind=OrganisationKind.PFRH, name="PFRH Occitanie"), "Paul", "Lefèvre-Martin"),
        (body, "Léa", "Bon"),
        (travail, "Max", "Cyr"),
    ]
    for organisation, first_name, last_name in people:
        InscriptionFactory(
            atelier=atelier,
            organisation=organisation,
            consent_annuaire=True,
            user=UserFactory(first_name=first_name, last_name=last_name),
        )
    ReglageAnnexe.objects.create(atelier=None)
    return atelier


def _personnaliser(atelier):
    """This booklet: Justice first under a longer label, public bodies under their tutelle, NOM Prénom."""
    reglage = ReglageAnnexe.objects.create(
        atelier=atelier, etablissements=RegroupementEtablissements.TUTELLE, format_nom=FormatNom.NOM_PRENOM
    )
    justice = Organisation.objects.get(name="Ministère de la Justice")
    RubriqueAnnexe.objects.create(
        reglage=reglage, organisation=justice, intitule="Ministère de la Justice", rang=1
    )
    return reglage


EXPECTED_HEADINGS = [
    "Ministère de la Justice",
    "Armées",
    "Travail",
    "Plateformes régionales d'appui interministériel à la GRH",
]
EXPECTED_NAMES = [
    "de LA FONTAINE Jean",
    "d'ARTAGNAN Marie",
    "BON Léa",
    "CYR Max",
    "du BELLAY Anne",
    "LEFÈVRE-MARTIN Paul",
]


def _in_order(text, needles):
    positions = [text.index(needle) for needle in needles]
    return positions == sorted(positions)


def test_participants_page_uses_the_booklets_headings_order_and_name_format(client, lead, atelier_liste):
    _personnaliser(atelier_liste)
    client.force_login(lead)
    response = client.get(reverse("ateliers:participants", args=[atelier_liste.pk]))
    rubriques = response.context["rubriques"]
    assert intitules(rubriques) == EXPECTED_HEADINGS
    assert [p.nom_affiche for r in rubriques for p in r.personnes] == EXPECTED_NAMES
    content = response.content.decode()
    assert _in_order(content, [escape(heading) for heading in EXPECTED_HEADINGS])
    assert "BON Léa — France Travail" in content
    assert "d&#x27;ARTAGNAN Marie — Secrétariat général" in content


def test_emargement_page_uses_the_same_headings_order_and_names(client, staff, atelier_liste):
    _personnaliser(atelier_liste)
    client.force_login(staff)
    response = client.get(reverse("ateliers:emargement", args=[atelier_liste.pk]))
    assert [r.intitule for r, _rows in response.context["rubriques"]] == EXPECTED_HEADINGS
    content = response.content.decode()
    assert _in_order(content, [escape(name) for name in EXPECTED_NAMES])


def test_emargement_pdf_uses_the_same_headings_order_and_names(client, staff, atelier_liste, tmp_path):
    _personnaliser(atelier_liste)
    client.force_login(staff)
    response = client.get(reverse("ateliers:emargement_pdf", args=[atelier_liste.pk]))
    path = tmp_path / "emargement.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    text = text.replace("’", "'")
    assert _in_order(text, ["Ministère de la Justice", "Armées", "Travail", "Plateformes régionales"])
    assert _in_order(text, EXPECTED_NAMES)


def test_export_uses_the_headings_as_ministry_column_in_their_order(client, staff, atelier_liste):
    _personnaliser(atelier_liste)
    client.force_login(staff)
    response = client.get(reverse("ateliers:export", args=[atelier_liste.pk, "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["Ministère ou organisme"], row["Nom dans les listes"]) for row in rows] == [
        ("Ministère de la Justice", "de LA FONTAINE Jean"),
        ("Armées", "d'ARTAGNAN Marie"),
        ("Travail", "BON Léa"),
        ("Travail", "CYR Max"),
        ("Plateformes régionales d'appui interministériel à la GRH", "du BELLAY Anne"),
        ("Plateformes régionales d'appui interministériel à la GRH", "LEFÈVRE-MARTIN Paul"),
    ]
    assert [row["Nom"] for row in rows][:2] == ["de LA FONTAINE", "d'ARTAGNAN"]
    assert [row["Organisation"] for row in rows][1:4] == [
        "Secrétariat général",
        "France Travail",
        "Ministère du Travail",
    ]


@pytest.mark.parametrize(("count", "expected"), [(1, 15), (60, 15)])
def test_livret_annexe_page_query_count_is_fixed(client, staff, count, expected):
    atelier = AtelierFactory(tenu=True)
    ReglageAnnexe.objects.create(atelier=atelier)  # customised: the form and its headings are shown too
    travail = ministere("Ministère du Travail")
    organisations = [
        travail,
        OrganisationFactory(name="Direction générale du travail", parent=travail),
        OrganisationFactory(
            kind=OrganisationKind.ETABLISSEMENT_PUBLIC, name="France Travail", tutelle=travail
        ),
        OrganisationFactory(kind=OrganisationKind.PFRH, name="PFRH Bretagne"),
        ministere("Ministère des Armées"),
    ]
    for n in range(count):
        InscriptionFactory(atelier=atelier, organisation=organisations[n % 5], consent_annuaire=True)
    client.force_login(staff)
    client.get(_annexe_url(atelier))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(_annexe_url(atelier))
    assert response.status_code == 200
    assert len(captured.captured_queries) == expected


def test_livret_annexe_staff_customises_edits_and_returns_to_the_network(client, staff, atelier_liste):
    client.force_login(staff)
    url = _annexe_url(atelier_liste)
    content = client.get(url).content.decode()
    assert "Ce livret suit les réglages du réseau." in content
    assert "Personnaliser pour ce livret" in content

    response = client.post(url, {"action": "personnaliser"})
    assert response.status_code == 302
    reglage = ReglageAnnexe.objects.get(atelier=atelier_liste)
    # One heading per ministry or body present, copied from the network (labels and ranks).
    assert sorted((r.organisation.name, r.intitule, r.rang) for r in reglage.rubriques.all()) == [
        ("France Travail", "France Travail", None),
        ("Ministère de la Justice", "Justice", 4),
        ("Ministère des Armées", "Armées", 5),
        ("Ministère du Travail", "Travail", 9),
        ("PFRH Bretagne", "PFRH Bretagne", None),
        ("PFRH Occitanie", "PFRH Occitanie", None),
    ]
    response = client.get(url)
    forms = {f.organisation.name: f for f in response.context["forms_rubriques"]}
    armees = forms["Ministère des Armées"]
    data = {"action": "enregistrer", **_form_data(response.context["form"])}
    for f in forms.values():
        data[f["intitule"].html_name] = f["intitule"].value()
        data[f["rang"].html_name] = "" if f["rang"].value() is None else f["rang"].value()
    data[armees["intitule"].html_name] = "Ministère des Armées"
    data[armees["rang"].html_name] = "1"
    data["format_nom"] = FormatNom.NOM_PRENOM
    data["regrouper_pfrh"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    rubriques = client.get(url).context["rubriques"]
    assert intitules(rubriques)[:3] == ["Ministère des Armées", "Justice", "Travail"]
    assert "PFRH Bretagne" in intitules(rubriques)
    assert rubriques[0].personnes[0].nom_affiche == "d'ARTAGNAN Marie"

    confirm = client.get(url, {"revenir": "1"}).content.decode()
    assert "Revenir aux réglages du réseau ?" in confirm
    assert ReglageAnnexe.objects.filter(atelier=atelier_liste).exists()  # asking deletes nothing
    assert client.post(url, {"action": "revenir"}).status_code == 302
    assert not ReglageAnnexe.objects.filter(atelier=atelier_liste).exists()
    assert not RubriqueAnnexe.objects.filter(reglage__atelier=atelier_liste).exists()
    assert intitules(client.get(url).context["rubriques"])[0] == "Justice"


def _form_data(form):
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif value is not None:
            data[field.html_name] = value
    return data


def test_livret_annexe_refuses_a_bad_rank_and_saves_nothing(client, staff, atelier_liste):
    client.force_login(staff)
    url = _annexe_url(atelier_liste)
    client.post(url, {"action": "personnaliser"})
    response = client.get(url)
    data = {"action": "enregistrer", **_form_data(response.context["form"])}
    first = response.context["forms_rubriques"][0]
    data[first["intitule"].html_name] = "Nouveau"
    data[first["rang"].html_name] = "-3"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Les rubriques n'ont pas été enregistrées" in response.content.decode()
    assert not RubriqueAnnexe.objects.filter(intitule="Nouveau").exists()


def test_livret_annexe_personnaliser_again_adds_organisations_registered_since(staff, atelier_liste):
    reglage = annexe_services.personnaliser(atelier_liste, by=staff)
    RubriqueAnnexe.objects.filter(reglage=reglage, organisation__name="Ministère des Armées").update(
        intitule="Défense"
    )
    culture = ministere("Ministère de la Culture")
    InscriptionFactory(atelier=atelier_liste, organisation=culture)
    assert annexe_services.personnaliser(atelier_liste, by=staff) == reglage
    assert reglage.rubriques.count() == 7
    assert reglage.rubriques.get(organisation__name="Ministère des Armées").intitule == "Défense"
    assert reglage.rubriques.get(organisation=culture).rang == 13


@pytest.mark.django_db(transaction=True)
def test_livret_annexe_personnaliser_double_click_creates_one_setting(
    postgresql, staff, atelier_liste, monkeypatch
):
    # Both clicks meet inside `personnaliser` if nothing orders them; with the lock, the second waits
    # for the first to commit and the meeting times out.
    barrier = threading.Barrier(2, timeout=2)
    listed = annexe_services.racines_presentes

    def meet_then_list(atelier):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return listed(atelier)

    monkeypatch.setattr(annexe_services, "racines_presentes", meet_then_list)
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(staff)
    statuses, errors = [], []

    def click(client):
        try:
            statuses.append(client.post(_annexe_url(atelier_liste), {"action": "personnaliser"}).status_code)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert statuses == [302, 302]
    reglage = ReglageAnnexe.objects.get(atelier=atelier_liste)
    assert reglage.rubriques.count() == 6


def test_livret_annexe_services_refuse_non_staff(lead, atelier_liste):
    with pytest.raises(PermissionDenied):
        annexe_services.personnaliser(atelier_liste, by=lead)
    with pytest.raises(PermissionDenied):
        annexe_services.revenir_au_reseau(atelier_liste, by=lead)


def test_livret_annexe_read_only_for_rapporteurs_404_for_others(client, staff, lead, atelier_liste):
    url = _annexe_url(atelier_liste)
    rapporteur = UserFactory()
    Rapporteur.objects.create(atelier=atelier_liste, user=rapporteur, named_by=staff)
    client.force_login(rapporteur)
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Personnaliser pour ce livret" not in content
    assert "Justice" in content
    assert client.post(url, {"action": "personnaliser"}).status_code == 404
    assert not ReglageAnnexe.objects.filter(atelier=atelier_liste).exists()
    client.force_login(lead)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "personnaliser"}).status_code == 404


# --- The network's defaults in the admin ----------------------------------------------------------


def test_admin_reglage_annexe_network_row_is_edited_without_headings(client, staff):
    reglage = ReglageAnnexe.objects.create(atelier=None)
    client.force_login(staff)
    url = reverse("admin:ateliers_reglageannexe_change", args=[reglage.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"] == []
    response = client.post(
        url,
        {
            "format_nom": FormatNom.NOM_PRENOM,
            "regrouper_pfrh": "on",
            "intitule_pfrh": "Plateformes régionales",
            "rang_pfrh": 70,
            "etablissements": RegroupementEtablissements.TUTELLE,
            "intitule_etablissements": "Opérateurs",
            "rang_etablissements": 60,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    reglage.refresh_from_db()
    assert (reglage.format_nom, reglage.etablissements, reglage.rang_pfrh) == (
        FormatNom.NOM_PRENOM,
        RegroupementEtablissements.TUTELLE,
        70,
    )


def test_admin_reglage_annexe_booklet_row_lists_its_headings(client, staff, atelier_liste):
    reglage = _personnaliser(atelier_liste)
    client.force_login(staff)
    response = client.get(reverse("admin:ateliers_reglageannexe_change", args=[reglage.pk]))
    assert response.status_code == 200
    assert "Ministère de la Justice" in response.content.decode()
    changelist = client.get(reverse("admin:ateliers_reglageannexe_changelist"))
    assert [str(row) for row in changelist.context["cl"].result_list] == [
        "Réglages du réseau",
        str(atelier_liste),
    ]


@pytest.mark.parametrize("count", [1, 30])
def test_admin_reglage_annexe_changelist_query_count_is_fixed(client, staff, count):
    ReglageAnnexe.objects.create(atelier=None)
    for _index in range(count):
        reglage = ReglageAnnexe.objects.create(atelier=AtelierFactory())
        RubriqueAnnexe.objects.create(reglage=reglage, organisation=ministere(f"Ministère {_index}-{count}"))
    client.force_login(staff)
    url = reverse("admin:ateliers_reglageannexe_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(captured.captured_queries) == 8


def test_admin_reglage_annexe_closed_to_leads(client, lead):
    client.force_login(lead)
    assert client.get(reverse("admin:ateliers_reglageannexe_changelist")).status_code == 302
