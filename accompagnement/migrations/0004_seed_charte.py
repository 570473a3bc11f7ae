"""Seed the charter in force: version 1, written from the principles adopted at the April 2023 launch."""

import datetime

from django.db import migrations
from zoneinfo import ZoneInfo

CHARTE_TEXT = """La Fabrique de l'accompagnement RH est le réseau interministériel des têtes de réseau de l'accompagnement des agents. Créée par la stratégie interministérielle 2022-2024 d'accompagnement des mobilités et des évolutions professionnelles, elle est animée par la direction générale de l'administration et de la fonction publique (DGAFP). En rejoignant la Fabrique, chaque membre s'engage à faire vivre les principes suivants.

1. Un cycle de travail régulier
- Le réseau se réunit lors d'un cycle de trois à quatre ateliers par an, inscrits dans un programme annuel construit autour de thèmes prioritaires.
- Les membres y participent régulièrement, eux-mêmes ou leur représentant, pour constituer une communauté de travail durable.

2. Des participants identifiés
- Les participants sont les têtes de réseau de l'accompagnement RH pré-identifiées dans les ministères, dans certains établissements publics et dans les plateformes régionales d'appui interministériel à la GRH (PFRH), ou leurs représentants.

3. Des méthodes fondées sur les pairs
- Co-développement entre pairs, capitalisation des expériences, interventions de personnalités extérieures, mutualisation et entraide.
- Chacun partage ce que fait son organisation, ses réussites comme ses difficultés, et décrit ses dispositifs dans le catalogue commun.

4. Apprendre en immersion
- Des immersions apprenantes dans des structures d'accueil et des travaux complémentaires entre deux ateliers prolongent les échanges.

5. Respecter la diversité du réseau
- La diversité des ministères, des publics et des niveaux de maturité est prise en compte : aucun dispositif n'est un modèle imposé.

6. Produire et diffuser
- Un livrable opérationnel, le livret de restitution, est produit après chaque atelier afin que les travaux puissent être repris et diffusés ; une restitution plus large peut suivre.

7. Confiance et confidentialité
- Les échanges en atelier restent entre participants : on ne cite une personne ou une situation individuelle qu'avec son accord.
- Les coordonnées de l'annuaire du réseau servent uniquement au travail du réseau ; les projets individuels des agents (mobilité, reconversion) ne sont jamais divulgués."""


def seed_charte(apps, schema_editor):
    Charte = apps.get_model("accompagnement", "Charte")
    Charte.objects.get_or_create(
        version=1,
        defaults={
            "title": "Charte de la Fabrique de l'accompagnement RH",
            "text": CHARTE_TEXT,
            # Adopted at the launch workshop (6 April 2023): it is the charter in force for every booklet since.
            "published_at": datetime.datetime(2023, 4, 6, 9, 0, tzinfo=ZoneInfo("Europe/Paris")),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("accompagnement", "0003_charte_dispositif")]

    operations = [migrations.RunPython(seed_charte, migrations.RunPython.noop)]
