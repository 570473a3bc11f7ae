"""Builders for the participant lists' tests (the grouping under headings, the « Annexe » page, the
admin's settings): ministries and bodies, registrations, and a held workshop with one person under each kind
of heading."""

from django.urls import reverse

from accompagnement.enums import OrganisationKind
from accompagnement.models import Organisation
from ateliers.enums import FormatNom, RegroupementEtablissements
from ateliers.models import ReglageAnnexe, RubriqueAnnexe
from tests.accompagnement.factories import OrganisationFactory, UserFactory
from tests.ateliers.factories import AtelierFactory, InscriptionFactory, register_people


def ministere(name, **kwargs):
    return OrganisationFactory(kind=OrganisationKind.MINISTERE, name=name, **kwargs)


def etablissement(name, **kwargs):
    """A public body (« établissement public »), under the `tutelle` given if any."""
    return OrganisationFactory(kind=OrganisationKind.ETABLISSEMENT_PUBLIC, name=name, **kwargs)


def pfrh(name):
    return OrganisationFactory(kind=OrganisationKind.PFRH, name=name)


def one_of_each_kind(travail):
    """A ministry, its direction, a public body under it, a PFRH and another ministry: one organisation
    for each way the lists head people."""
    return [
        travail,
        OrganisationFactory(name="Direction générale du travail", parent=travail),
        etablissement("France Travail", tutelle=travail),
        pfrh("PFRH Bretagne"),
        ministere("Ministère des Armées"),
    ]


def inscrire(atelier, organisation, first_name="Marie", last_name="Curie"):
    user = UserFactory(first_name=first_name, last_name=last_name)
    return InscriptionFactory(atelier=atelier, organisation=organisation, user=user)


def intitules(rubriques):
    return [rubrique.intitule for rubrique in rubriques]


def annexe_url(atelier):
    return reverse("ateliers:livret_annexe", args=[atelier.pk])


def make_atelier_liste():
    """A held workshop: the Armed Forces (a direction), Justice, two PFRH, a public body under the Labour
    ministry; every one consents. Headings by default: Justice (4), Armées (5), Travail (9), then the
    public bodies (80) and the PFRH (90)."""
    atelier = AtelierFactory(tenu=True)
    armees = ministere("Ministère des Armées", libelle_court="Armées")
    justice = ministere("Ministère de la Justice", libelle_court="Justice")
    travail = ministere("Ministère du Travail", libelle_court="Travail")
    register_people(
        atelier,
        [
            (OrganisationFactory(name="Secrétariat général", parent=armees), "Marie", "d'Artagnan"),
            (justice, "Jean", "de La Fontaine"),
            (pfrh("PFRH Bretagne"), "Anne", "du Bellay"),
            (pfrh("PFRH Occitanie"), "Paul", "Lefèvre-Martin"),
            (etablissement("France Travail", tutelle=travail), "Léa", "Bon"),
            (travail, "Max", "Cyr"),
        ],
    )
    ReglageAnnexe.objects.create(atelier=None)
    return atelier


def personnaliser_justice(atelier):
    """This booklet: Justice first under a longer label, public bodies under their tutelle, NOM Prénom."""
    reglage = ReglageAnnexe.objects.create(
        atelier=atelier, etablissements=RegroupementEtablissements.TUTELLE, format_nom=FormatNom.NOM_PRENOM
    )
    justice = Organisation.objects.get(name="Ministère de la Justice")
    RubriqueAnnexe.objects.create(
        reglage=reglage, organisation=justice, intitule="Ministère de la Justice", rang=1
    )
    return reglage
