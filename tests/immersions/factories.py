import datetime

import factory
from django.utils import timezone

from immersions.enums import Categorie, EchangeStatus, ImmersionKind, ImmersionStatus
from immersions.models import EchangeTalent, FonctionCritique, Immersion
from tests.accompagnement.factories import OrganisationFactory


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


class ImmersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Immersion

    agent_name = factory.Sequence(lambda n: f"AGENT{n} Camille")
    agent_email = factory.Sequence(lambda n: f"agent.immersion{n}@exemple.gouv.fr")
    agent_grade = "Attaché d'administration"
    agent_categorie = Categorie.A
    origin = factory.SubFactory(OrganisationFactory, ministere=True)
    host = factory.SubFactory(OrganisationFactory, ministere=True)
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


class EchangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EchangeTalent

    agent_name = factory.Sequence(lambda n: f"ECHANGE{n} Louise")
    agent_email = factory.Sequence(lambda n: f"agent.echange{n}@exemple.gouv.fr")
    agent_grade = "Ingénieur des travaux publics de l'État"
    agent_categorie = Categorie.A
    origin = factory.SubFactory(OrganisationFactory, ministere=True)
    origin_service = factory.SubFactory(OrganisationFactory, parent=factory.SelfAttribute("..origin"))
    host = factory.SubFactory(OrganisationFactory, ministere=True)
    mission = "Piloter un projet de transformation RH."
    start_date = factory.LazyFunction(lambda: in_days(30))
    end_date = factory.LazyFunction(lambda: in_days(210))
    planned_return_date = factory.LazyFunction(lambda: in_days(211))
    status = EchangeStatus.BROUILLON
