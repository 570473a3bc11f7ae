"""Demo data of the workshops: the 2023 programme and its launch workshop (held, about 40 participants),
and two upcoming workshops with open registrations. Idempotent (update_or_create); sends no email.

Runs after `accompagnement.demo.seed()` (organisations and demo accounts must exist).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from accompagnement.demo import seed_account
from accompagnement.enums import Role
from accompagnement.models import Organisation, User
from ateliers.enums import AtelierStatus, InscriptionStatus, Presence, SequenceKind
from ateliers.models import (
    Atelier,
    AtelierTransition,
    Inscription,
    Intervenant,
    Programme,
    ReglageAnnexe,
    Sequence,
)

PARIS = ZoneInfo("Europe/Paris")
S = AtelierStatus

THEMES_2023 = [
    "Formaliser une offre d'accompagnement personnalisé",
    "Organiser le cadre de gestion des périodes d'immersion professionnelle",
    "Développer des dispositifs d'accompagnement collectif et des réseaux d'entraide entre agents",
]

# (first name, last name, organisation slug, role, function)
PARTICIPANTS = [
    ("Isabelle", "Moreau", "mj-dap", Role.REPRESENTANT, "Cheffe du bureau de la mobilité"),
    ("Laurent", "Girard", "mj-dsj", Role.REPRESENTANT, "Conseiller carrière"),
    ("Sandrine", "Roux", "miom-drcpn", Role.REPRESENTANT, "Responsable du pôle accompagnement"),
    ("Karim", "Haddad", "miom-sg", Role.REPRESENTANT, "Conseiller mobilité-carrière"),
    ("Anne", "Fournier", "spm-dsaf", Role.TETE_DE_RESEAU, "Cheffe du bureau des parcours professionnels"),
    ("Philippe", "Mercier", "mef-sg", Role.TETE_DE_RESEAU, "Délégué à l'accompagnement des parcours"),
    ("Céline", "Blanc", "mef-dgfip", Role.REPRESENTANT, "Responsable de la cellule mobilité"),
    ("Vincent", "Guerin", "mef-dgddi", Role.REPRESENTANT, "Conseiller en évolution professionnelle"),
    ("Marie", "Lemaire", "masa-sg", Role.TETE_DE_RESEAU, "Cheffe de la mission accompagnement RH"),
    ("Olivier", "Faure", "mte-sg", Role.TETE_DE_RESEAU, "Chef du département parcours et compétences"),
    ("Sophie", "André", "mte-drh", Role.REPRESENTANT, "Conseillère mobilité-carrière"),
    ("Nicolas", "Chevalier", "ms-drh", Role.TETE_DE_RESEAU, "Responsable de l'accompagnement individuel"),
    ("Émilie", "Garnier", "minarm-drh-md", Role.TETE_DE_RESEAU, "Cheffe du bureau des parcours civils"),
    ("Julien", "Perrin", "minarm-defense-mobilite", Role.REPRESENTANT, "Chargé de mission reconversion"),
    ("Caroline", "Robin", "menj-dgrh", Role.TETE_DE_RESEAU, "Cheffe du service de l'accompagnement RH"),
    ("Stéphane", "Clément", "menj-dgrh", Role.REPRESENTANT, "Conseiller RH de proximité"),
    ("Aurélie", "Morel", "mc-sg", Role.TETE_DE_RESEAU, "Cheffe du bureau de l'accompagnement des agents"),
    ("Frédéric", "Gauthier", "pfrh-hdf", Role.TETE_DE_RESEAU, "Conseiller mobilité interministériel"),
    ("Valérie", "Dumont", "pfrh-pdl", Role.TETE_DE_RESEAU, "Responsable de la plateforme RH"),
    ("Mathieu", "Lopez", "pfrh-na", Role.TETE_DE_RESEAU, "Conseiller carrière interministériel"),
    ("Nathalie", "Fontaine", "cnrs", Role.TETE_DE_RESEAU, "Responsable de la mission mobilité"),
    ("Sébastien", "Rousseau", "vnf", Role.TETE_DE_RESEAU, "Responsable du développement RH"),
    ("Hélène", "Vincent", "ign", Role.TETE_DE_RESEAU, "Cheffe du service parcours professionnels"),
    ("Christophe", "Muller", "louvre", Role.TETE_DE_RESEAU, "Adjoint au directeur des ressources humaines"),
    ("Agnès", "Lefebvre", "mtfp-dgafp", Role.ANIMATEUR_DGAFP, "Chargée de mission mobilité"),
    ("Thierry", "Bonnet", "mj-sg", Role.REPRESENTANT, "Conseiller mobilité-carrière"),
    ("Camille", "Dupuis", "mef-sg", Role.REPRESENTANT, "Chargée de l'accompagnement collectif"),
    ("Pascal", "Lambert", "masa-sg", Role.REPRESENTANT, "Conseiller en évolution professionnelle"),
    ("Audrey", "Fabre", "mte-sg", Role.REPRESENTANT, "Conseillère parcours"),
    ("Guillaume", "Henry", "ms-drh", Role.REPRESENTANT, "Chargé des immersions professionnelles"),
    ("Laure", "Rivière", "miom-sg", Role.REPRESENTANT, "Cheffe de projet « Découvre mon poste »"),
    ("Benoît", "Arnaud", "minarm-drh-md", Role.REPRESENTANT, "Chef de projet tutorat"),
    ("Delphine", "Gaillard", "spm-dsaf", Role.REPRESENTANT, "Conseillère RH"),
    ("Romain", "Brunet", "cnrs", Role.REPRESENTANT, "Chargé de mission parcours"),
    ("Élodie", "Roche", "pfrh-hdf", Role.REPRESENTANT, "Chargée de l'école des managers"),
    ("Yannick", "Picard", "mef-dgfip", Role.REPRESENTANT, "Coordinateur des conseillers carrière"),
    ("Florence", "Meunier", "menj-dgrh", Role.REPRESENTANT, "Chargée de l'accueil des nouveaux arrivants"),
]
# Emails of the launch's participants who did not come / who declined to appear in the booklet.
ABSENT = {
    "karim.haddad@interieur.gouv.fr",
    "audrey.fabre@developpement-durable.gouv.fr",
    "romain.brunet@cnrs.fr",
}
NO_CONSENT = {
    "laurent.girard@justice.gouv.fr",
    "yannick.picard@dgfip.finances.gouv.fr",
    "delphine.gaillard@pm.gouv.fr",
}

DOMAINS = {
    "mj": "justice.gouv.fr",
    "miom": "interieur.gouv.fr",
    "spm": "pm.gouv.fr",
    "mef": "finances.gouv.fr",
    "mef-dgfip": "dgfip.finances.gouv.fr",
    "mef-dgddi": "douane.finances.gouv.fr",
    "masa": "agriculture.gouv.fr",
    "mte": "developpement-durable.gouv.fr",
    "ms": "sante.gouv.fr",
    "minarm": "intradef.gouv.fr",
    "menj": "education.gouv.fr",
    "mc": "culture.gouv.fr",
    "mtfp": "dgafp.gouv.fr",
    "pfrh": "prefecture.gouv.fr",
    "cnrs": "cnrs.fr",
    "vnf": "vnf.fr",
    "ign": "ign.fr",
    "louvre": "louvre.fr",
}

# key: (first name, last name, role, organisation slug or None, organisation label)
INTERVENANTS = {
    "dgafp_dg": (
        "Hélène",
        "Marchand",
        "Directrice générale adjointe de l'administration et de la fonction publique",
        "mtfp-dgafp",
        "",
    ),
    "dgafp_fabrique": (
        "Claire",
        "Dubois",
        "Cheffe de projet de la Fabrique de l'accompagnement RH",
        "mtfp-dgafp",
        "",
    ),
    "dgafp_formation": (
        "Marc",
        "Delaunay",
        "Chef du bureau de la formation et des parcours professionnels",
        "mtfp-dgafp",
        "",
    ),
    "defense_mobilite": (
        "Olivier",
        "Garnier",
        "Directeur de l'Agence de reconversion de la Défense",
        "minarm-defense-mobilite",
        "",
    ),
    "drh_prive": (
        "Sophie",
        "Laurent",
        "Directrice des ressources humaines",
        "partenaire-rh",
        "Groupe industriel partenaire",
    ),
    "bosa": (
        "Pieter",
        "Vermeulen",
        "Conseiller « Talent Exchange »",
        "spf-bosa",
        "",
    ),
}

# (order, kind, time, title, description, speaker keys)
LAUNCH_SEQUENCES = [
    (
        1,
        SequenceKind.OUVERTURE,
        dt.time(9, 30),
        "Ouverture : pourquoi une Fabrique de l'accompagnement RH",
        "Le contexte de la stratégie interministérielle 2022-2024, l'ambition du réseau et ses objectifs.",
        ["dgafp_dg"],
    ),
    (
        2,
        SequenceKind.FEUILLE_DE_ROUTE,
        dt.time(10, 0),
        "Feuille de route : tour de table des ministères",
        (
            "Ce que chaque ministère fait déjà : parcours d'intégration avec immersions, "
            "« Découvre mon poste », visites de terrain, tutorat, stages d'immersion ; "
            "les points d'attention du réseau."
        ),
        ["dgafp_fabrique"],
    ),
    (
        3,
        SequenceKind.DEBAT,
        dt.time(11, 0),
        "Débat : accompagner les transitions professionnelles, regards croisés public-privé",
        "Échange modéré entre une agence de reconversion et la DRH d'une entreprise privée.",
        ["defense_mobilite", "drh_prive", "dgafp_fabrique"],
    ),
    (
        4,
        SequenceKind.COMMUNICATION,
        dt.time(12, 0),
        "Un parcours de formation en ligne en cinq modules pour les conseillers",
        "Présentation d'une ressource mise à la disposition du réseau.",
        ["dgafp_formation"],
    ),
    (
        5,
        SequenceKind.ATELIERS,
        dt.time(14, 0),
        "Ateliers en sous-groupes : mobilité, reconversion, développement de carrière",
        "Par besoin (mobilité, reconversion, développement de carrière) et par public (catégories A, B, C).",
        [],
    ),
    (
        6,
        SequenceKind.CLOTURE,
        dt.time(16, 0),
        "Clôture et prochaines étapes",
        "Les constats des sous-groupes et le programme de l'année.",
        ["dgafp_dg"],
    ),
]


def _at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def participant_email(first_name, last_name, slug):
    domain = DOMAINS.get(slug) or DOMAINS[slug.split("-")[0]]
    local = f"{first_name}.{last_name}".lower()
    for accented, plain in (
        ("é", "e"),
        ("è", "e"),
        ("ë", "e"),
        ("É", "e"),
        ("ç", "c"),
        ("ô", "o"),
        ("'", ""),
    ):
        local = local.replace(accented, plain)
    return f"{local}@{domain}"


def seed_intervenants():
    intervenants = {}
    for key, (first, last, role, slug, label) in INTERVENANTS.items():
        intervenants[key], _ = Intervenant.objects.update_or_create(
            first_name=first,
            last_name=last,
            defaults={
                "role": role,
                "organisation": Organisation.objects.get(slug=slug) if slug else None,
                "organisation_label": label,
                "user": User.objects.filter(email="admin@dgafp.gouv.fr").first()
                if key == "dgafp_fabrique"
                else None,
            },
        )
    return intervenants


def seed_atelier(programme, number, *, history, **fields):
    """Create or refresh one workshop; its status history is written once (it is a log)."""
    atelier, _ = Atelier.objects.update_or_create(programme=programme, number=number, defaults=fields)
    if not atelier.transitions.exists():
        staff = User.objects.filter(email="admin@dgafp.gouv.fr").first()
        previous = S.BROUILLON
        for status, at, reason in history:
            AtelierTransition.objects.create(
                atelier=atelier, from_status=previous, to_status=status, by=staff, at=at, reason=reason
            )
            previous = status
    return atelier


def seed_sequences(atelier, sequences, intervenants):
    for order, kind, time, title, description, speakers in sequences:
        sequence, _ = Sequence.objects.update_or_create(
            atelier=atelier,
            order=order,
            defaults={"kind": kind, "title": title, "starts_at": time, "description": description},
        )
        sequence.intervenants.set([intervenants[key] for key in speakers])


def seed_inscription(atelier, user, organisation, *, presence=Presence.NON_RENSEIGNE, consent=True, at=None):
    Inscription.objects.update_or_create(
        atelier=atelier,
        user=user,
        defaults={
            "organisation": organisation,
            "status": InscriptionStatus.INSCRIT,
            "presence": presence,
            "consent_annuaire": consent,
            "registered_by": user,
            "created_at": at or timezone.now(),
        },
    )


def seed_launch(programme, intervenants):
    day = dt.date(2023, 4, 6)
    launch = seed_atelier(
        programme,
        1,
        title="Atelier de lancement de la Fabrique de l'accompagnement RH",
        theme="Structurer une offre d'accompagnement personnalisé",
        description=(
            "Premier atelier du réseau des têtes de réseau de l'accompagnement RH : se connaître, "
            "partager ce "
            "que fait chaque ministère, fixer la feuille de route de l'année."
        ),
        starts_at=_at(day, 9, 30),
        ends_at=_at(day, 16, 30),
        place="DGAFP, 139 rue de Bercy, 75012 Paris",
        capacity=50,
        registration_opens_at=_at(dt.date(2023, 2, 15), 9),
        registration_closes_at=_at(dt.date(2023, 3, 31), 18),
        status=S.TENU,
        cancellation_reason="",
        history=[
            (S.INSCRIPTIONS_OUVERTES, _at(dt.date(2023, 2, 15), 9), ""),
            (S.INSCRIPTIONS_CLOSES, _at(dt.date(2023, 3, 31), 18), "Date de clôture atteinte."),
            (S.TENU, _at(day, 17), ""),
        ],
    )
    seed_sequences(launch, LAUNCH_SEQUENCES, intervenants)
    registered_at = _at(dt.date(2023, 2, 20), 10)
    for index, (first, last, slug, role, function) in enumerate(PARTICIPANTS):
        email = participant_email(first, last, slug)
        user = seed_account(email, first, last, organisation_slug=slug, role=role, function=function)
        seed_inscription(
            launch,
            user,
            Organisation.objects.get(slug=slug),
            presence=Presence.ABSENT if email in ABSENT else Presence.PRESENT,
            consent=email not in NO_CONSENT,
            at=registered_at + dt.timedelta(hours=index),
        )
    for email, slug in [
        ("participant@culture.gouv.fr", "mc-sg"),
        ("tete.reseau@justice.gouv.fr", "mj-sg"),
        ("tete.reseau@interieur.gouv.fr", "miom-sg"),
    ]:
        seed_inscription(
            launch,
            User.objects.get(email=email),
            Organisation.objects.get(slug=slug),
            presence=Presence.PRESENT,
            at=registered_at,
        )
    return launch


def seed_upcoming(intervenants, today):
    """Two workshops after today, registrations open (dates move with the day the demo is loaded)."""
    first_day, second_day = today + dt.timedelta(days=45), today + dt.timedelta(days=100)
    programme, _ = Programme.objects.update_or_create(
        year=first_day.year,
        defaults={
            "title": f"Programme {first_day.year} de la Fabrique de l'accompagnement RH",
            "themes": "\n".join(
                [
                    "Faire vivre les périodes d'immersion professionnelle",
                    "Préparer le retour des agents en échange de talents",
                    "Outiller les conseillers mobilité-carrière",
                ]
            ),
        },
    )
    opened = timezone.now() - dt.timedelta(days=7)
    common = {
        "status": S.INSCRIPTIONS_OUVERTES,
        "capacity": 50,
        "registration_opens_at": opened,
        "cancellation_reason": "",
    }
    ateliers = [
        seed_atelier(
            programme,
            1,
            title="Organiser les périodes d'immersion professionnelle",
            theme="Le cadre de gestion des immersions : qui demande, qui accepte, quel bilan",
            description="Retours d'expérience de trois ministères et co-développement en sous-groupes.",
            starts_at=_at(first_day, 9, 30),
            ends_at=_at(first_day, 16, 30),
            place="DGAFP, 139 rue de Bercy, 75012 Paris",
            registration_closes_at=_at(first_day - dt.timedelta(days=7), 18),
            history=[(S.INSCRIPTIONS_OUVERTES, opened, "")],
            **common,
        ),
        seed_atelier(
            programme,
            2,
            title="Échanges de talents : préparer le départ et le retour",
            theme="Le modèle belge « Talent Exchange » et les fonctions critiques",
            description="Avec le service public fédéral Stratégie et Appui (Belgique).",
            starts_at=_at(second_day, 9, 30),
            ends_at=_at(second_day, 12, 30),
            place="En visioconférence",
            video_link="https://webconf.numerique.gouv.fr/fabrique-rh-atelier-2",
            registration_closes_at=_at(second_day - dt.timedelta(days=5), 18),
            history=[(S.INSCRIPTIONS_OUVERTES, opened, "")],
            **common,
        ),
    ]
    seed_sequences(
        ateliers[0],
        [
            (
                1,
                SequenceKind.OUVERTURE,
                dt.time(9, 30),
                "Accueil et objectifs de la journée",
                "",
                ["dgafp_fabrique"],
            ),
            (2, SequenceKind.FEUILLE_DE_ROUTE, dt.time(9, 45), "Tour de table des immersions", "", []),
            (3, SequenceKind.ATELIERS, dt.time(14, 0), "Co-développement en sous-groupes", "", []),
            (
                4,
                SequenceKind.CLOTURE,
                dt.time(16, 0),
                "Synthèse et suite du programme",
                "",
                ["dgafp_fabrique"],
            ),
        ],
        intervenants,
    )
    seed_sequences(
        ateliers[1],
        [
            (1, SequenceKind.COMMUNICATION, dt.time(9, 30), "Le Talent Exchange belge", "", ["bosa"]),
            (
                2,
                SequenceKind.DEBAT,
                dt.time(10, 30),
                "Débat : le cliquet et le retour",
                "",
                ["bosa", "dgafp_fabrique"],
            ),
        ],
        intervenants,
    )
    justice = User.objects.get(email="tete.reseau@justice.gouv.fr")
    seed_inscription(ateliers[0], justice, Organisation.objects.get(slug="mj-sg"))
    for first, last, slug, *_rest in PARTICIPANTS[:6]:
        user = User.objects.get(email=participant_email(first, last, slug))
        seed_inscription(ateliers[0], user, Organisation.objects.get(slug=slug))
    return ateliers


def seed_reglage_annexe():
    """The network's settings of the participant lists (the row without a workshop), with the model's
    defaults: all PFRH under one heading, public bodies under one heading, « Prénom NOM ». Kept as staff
    left it when it exists."""
    ReglageAnnexe.objects.get_or_create(atelier=None)


def seed(*, today=None):
    """Create or refresh the workshops' demo data; returns lines summarising it."""
    today = today or timezone.localdate()
    seed_reglage_annexe()
    programme, _ = Programme.objects.update_or_create(
        year=2023,
        defaults={
            "title": "Programme 2023 de la Fabrique de l'accompagnement RH",
            "themes": "\n".join(THEMES_2023),
        },
    )
    intervenants = seed_intervenants()
    launch = seed_launch(programme, intervenants)
    upcoming = seed_upcoming(intervenants, today)
    lines = [
        (
            f"{launch} (tenu le {launch.starts_at:%d/%m/%Y}) : {launch.inscriptions.count()} inscriptions, "
            f"{launch.inscriptions.filter(presence=Presence.PRESENT).count()} présents"
        ),
    ]
    lines.extend(
        f"{atelier} (le {timezone.localtime(atelier.starts_at):%d/%m/%Y}) : inscriptions ouvertes, "
        f"{atelier.inscriptions.count()} inscrits"
        for atelier in upcoming
    )
    return lines
