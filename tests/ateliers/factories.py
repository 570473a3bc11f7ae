import datetime as dt
import zoneinfo

import factory
from django.utils import timezone

from ateliers.enums import AtelierStatus, InscriptionStatus, SequenceKind
from ateliers.models import Atelier, Inscription, Intervenant, Programme, Sequence
from tests.accompagnement.factories import AdhesionFactory, OrganisationFactory, UserFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["year"]

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.LazyAttribute(lambda o: f"Programme {o.year}")
    themes = "Formaliser une offre d'accompagnement personnalisé\nOrganiser les immersions"


class AtelierFactory(factory.django.DjangoModelFactory):
    """An upcoming workshop with open registrations (traits: `brouillon`, `tenu`, `annule`, `closes`,
    `lancement`: the launch workshop held on 13 April 2023, the booklet tests' reference)."""

    class Meta:
        model = Atelier

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Atelier de test {n}")
    theme = "Structurer une offre d'accompagnement personnalisé"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=6))
    place = "DGAFP, Paris"
    capacity = 50
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=5))
    registration_closes_at = factory.LazyAttribute(lambda o: o.starts_at - dt.timedelta(days=2))
    status = AtelierStatus.INSCRIPTIONS_OUVERTES

    class Params:
        brouillon = factory.Trait(status=AtelierStatus.BROUILLON)
        closes = factory.Trait(status=AtelierStatus.INSCRIPTIONS_CLOSES)
        annule = factory.Trait(status=AtelierStatus.ANNULE, cancellation_reason="Grève des transports")
        tenu = factory.Trait(
            status=AtelierStatus.TENU,
            starts_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30)),
            registration_opens_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=60)),
        )
        lancement = factory.Trait(
            programme=factory.SubFactory(
                ProgrammeFactory, year=2023, title="Programme 2023 de la Fabrique de l'accompagnement RH"
            ),
            title="Structurer une offre d'accompagnement personnalisé",
            theme="Formaliser une offre d'accompagnement personnalisé",
            starts_at=dt.datetime(2023, 4, 13, 9, 30, tzinfo=PARIS),
            ends_at=dt.datetime(2023, 4, 13, 16, 30, tzinfo=PARIS),
            place="Paris, 139 rue de Bercy",
            registration_opens_at=None,
            registration_closes_at=None,
            status=AtelierStatus.TENU,
        )


class IntervenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervenant

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = "Directeur des ressources humaines"
    organisation = factory.SubFactory(OrganisationFactory)


class SequenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sequence

    atelier = factory.SubFactory(AtelierFactory)
    order = factory.Sequence(lambda n: n)
    kind = SequenceKind.OUVERTURE
    title = "Ouverture"


class InscriptionFactory(factory.django.DjangoModelFactory):
    """A confirmed registration of a member of their organisation."""

    class Meta:
        model = Inscription

    atelier = factory.SubFactory(AtelierFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.LazyAttribute(lambda o: AdhesionFactory(organisation=o.organisation).user)
    status = InscriptionStatus.INSCRIT
    registered_by = factory.SelfAttribute("user")


def member_of(organisation, **kwargs):
    """A new active member of `organisation`."""
    return AdhesionFactory(organisation=organisation, **kwargs).user


def register_people(atelier, people):
    """Register each (organisation, first name, last name) of `people` in `atelier`, every one consenting to
    appear in the booklet's list of participants."""
    return [
        InscriptionFactory(
            atelier=atelier,
            organisation=organisation,
            consent_annuaire=True,
            user=UserFactory(first_name=first_name, last_name=last_name),
        )
        for organisation, first_name, last_name in people
    ]


__all__ = ["UserFactory", "member_of"]
