import datetime

import factory
from django.utils import timezone

from immersions.enums import Categorie, EchangeStatus, ImmersionKind, ImmersionStatus
from immersions.models import EchangeTalent, FonctionCritique, Immersion
from tests.accompagnement.factories import OrganisationFactory


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


class MobiliteFactory(factory.django.DjangoModelFactory):
    """What an immersion and an agreement share (immersions.models.Mobilite): a category A agent leaving one
    ministry for another."""

    class Meta:
        abstract = True

    agent_categorie = Categorie.A
    origin = factory.SubFactory(OrganisationFactory, ministere=True)
    host = factory.SubFactory(OrganisationFactory, ministere=True)


class ImmersionFactory(MobiliteFactory):
    class Meta:
        model = Immersion

    agent_name = factory.Sequence(lambda n: f"AGENT{n} Camille")
    agent_email = factory.Sequence(lambda n: f"agent.immersion{n}@exemple.gouv.fr")
    agent_grade = "Attaché d'administration"
    tutor_name = "TUTEUR Paul"
    tutor_email = factory.Sequence(lambda n: f"tuteur{n}@exemple.gouv.fr")
    kind = ImmersionKind.DECOUVERTE_METIER
    objectives = "Découvrir le métier de conseiller mobilité-carrière."
    start_date = factory.LazyFunction(lambda: in_days(20))
    end_date = factory.LazyFunction(lambda: in_days(24))
    status = ImmersionStatus.BROUILLON


class FonctionCritiqueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FonctionCritique

    service = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Fonction critique {n}")


class EchangeFactory(MobiliteFactory):
    class Meta:
        model = EchangeTalent

    agent_name = factory.Sequence(lambda n: f"ECHANGE{n} Louise")
    agent_email = factory.Sequence(lambda n: f"agent.echange{n}@exemple.gouv.fr")
    agent_grade = "Ingénieur des travaux publics de l'État"
    origin_service = factory.SubFactory(OrganisationFactory, parent=factory.SelfAttribute("..origin"))
    mission = "Piloter un projet de transformation RH."
    start_date = factory.LazyFunction(lambda: in_days(30))
    end_date = factory.LazyFunction(lambda: in_days(210))
    planned_return_date = factory.LazyFunction(lambda: in_days(211))
    status = EchangeStatus.BROUILLON
