"""The participant lists' grouping (ateliers.livret.services.annexe): names written in the chosen format,
people under their ministry's heading in the protocol order, PFRH and public bodies, the booklet's own
headings, a fixed number of queries."""

import pytest

from accompagnement.enums import OrganisationKind
from accompagnement.models import Organisation
from ateliers.enums import FormatNom, RegroupementEtablissements
from ateliers.livret.services.annexe import Personne, Rubrique, format_nom, grouper, reglage_for
from ateliers.models import ReglageAnnexe, RubriqueAnnexe
from fabrique.core import demo
from tests.accompagnement.factories import OrganisationFactory
from tests.ateliers.annexe_factories import (
    etablissement,
    inscrire,
    intitules,
    ministere,
    one_of_each_kind,
    pfrh,
)
from tests.ateliers.factories import AtelierFactory

pytestmark = pytest.mark.django_db


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
        inscrire(atelier, pfrh("PFRH Bretagne"), "A", "Bréhat"),
        inscrire(atelier, pfrh("PFRH Occitanie"), "B", "Albi"),
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
    france_travail = etablissement("France Travail", tutelle=travail)
    agence = etablissement("Agence sans tutelle")
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
    body = etablissement("France Travail", tutelle=travail)
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
    organisations = one_of_each_kind(travail)
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
