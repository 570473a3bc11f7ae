"""Demo data: about 60 immersions and 10 Talent Exchange agreements across statuses and ministries, one
service at its cap, one critical function with a derogation. Idempotent: keyed on the agent's email."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accompagnement.enums import OrganisationKind
from accompagnement.models import Organisation, User
from immersions.enums import (
    BilanOutcome,
    Categorie,
    Deroulement,
    EchangeStatus,
    ImmersionKind,
    ImmersionStatus,
)
from immersions.models import (
    Bilan,
    Derogation,
    EchangeTalent,
    EchangeTransition,
    FonctionCritique,
    Immersion,
    ImmersionTransition,
)

IS, ES = ImmersionStatus, EchangeStatus
DAY = datetime.timedelta(days=1)

IMMERSION_PATH = [
    IS.BROUILLON,
    IS.SOUMISE,
    IS.ACCEPTEE_ORIGINE,
    IS.ACCEPTEE_ACCUEIL,
    IS.EN_COURS,
    IS.TERMINEE,
    IS.BILAN_FAIT,
]
ECHANGE_PATH = [
    ES.BROUILLON,
    ES.SOUMISE,
    ES.VALIDEE_ORIGINE,
    ES.VALIDEE_ACCUEIL,
    ES.SIGNEE,
    ES.EN_COURS,
    ES.RETOUR_PREPARE,
    ES.TERMINEE,
]
# The mix of statuses of the 60 immersions (more finished ones: the indicators need a history).
IMMERSION_STATUSES = [
    IS.BILAN_FAIT,
    IS.TERMINEE,
    IS.BILAN_FAIT,
    IS.EN_COURS,
    IS.ACCEPTEE_ACCUEIL,
    IS.ACCEPTEE_ORIGINE,
    IS.SOUMISE,
    IS.BILAN_FAIT,
    IS.BROUILLON,
    IS.REFUSEE,
    IS.BILAN_FAIT,
    IS.ANNULEE,
]
FIRST_NAMES = ["Camille", "Karim", "Sophie", "Lucas", "Aïcha", "Pierre", "Inès", "Marc", "Léa", "Yann"]
LAST_NAMES = ["Moreau", "Garcia", "Petit", "Nguyen", "Roux", "Fontaine", "Diallo", "Bernard", "Lambert"]
GRADES = {
    "A": "Attaché d'administration de l'État",
    "B": "Secrétaire administratif de classe normale",
    "C": "Adjoint administratif principal",
}
OBJECTIVES = {
    ImmersionKind.DECOUVERTE_METIER: "Découvrir le quotidien d'un poste avant une candidature.",
    ImmersionKind.PREPARATION_MOBILITE: "Vérifier que le projet de mobilité répond aux missions du service.",
    ImmersionKind.PROJET_RECONVERSION: "Confronter un projet de reconversion au terrain.",
    ImmersionKind.IMMERSION_APPRENANTE: "Observer l'offre d'accompagnement d'un autre ministère.",
    ImmersionKind.PARCOURS_INTEGRATION: "Comprendre l'environnement interministériel dès la prise de poste.",
}


def _org(slug):
    return Organisation.objects.filter(slug=slug).select_related("parent").first()


def _lead_of(organisation):
    root = organisation.parent or organisation
    return (
        User.objects.filter(adhesions__active=True)
        .filter(adhesions__organisation__in=[root, *root.children.all()])
        .order_by("pk")
        .first()
    )


def _label(user):
    return user.display_name if user else "Équipe d'animation DGAFP"


def _immersion_dates(status, n, today):
    length = 3 + n % 12
    if status in (IS.TERMINEE, IS.BILAN_FAIT):
        start = today - (40 + n * 17) * DAY
    elif status == IS.EN_COURS:
        start = today - (1 + n % 3) * DAY
    else:
        start = today + (15 + n * 2) * DAY
    return start, start + (length - 1) * DAY


def _path_to(path, status):
    if status in path:
        return path[: path.index(status) + 1]
    # refused after the first decision, cancelled once accepted by the origin
    cut = 2 if status in (IS.REFUSEE, ES.REFUSEE) else 3
    return [*path[:cut], status]


def seed_immersions(ministries, hosts, staff, today):
    kinds = list(ImmersionKind)
    created = 0
    for n in range(60):
        status = IMMERSION_STATUSES[n % len(IMMERSION_STATUSES)]
        origin_service = ministries[n % len(ministries)]
        host_service = hosts[(n * 7 + 3) % len(hosts)]
        if (host_service.parent or host_service) == (origin_service.parent or origin_service):
            host_service = hosts[(n * 7 + 4) % len(hosts)]
        start, end = _immersion_dates(status, n, today)
        categorie = list(Categorie)[n % 3]
        first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[n % len(LAST_NAMES)]
        kind = kinds[n % len(kinds)]
        immersion, is_new = Immersion.objects.update_or_create(
            agent_email=f"agent.immersion{n:02d}@demo.fabrique-rh.gouv.fr",
            defaults={
                "agent_name": f"{last.upper()} {first}",
                "agent_grade": GRADES[categorie.value],
                "agent_categorie": categorie,
                "origin": origin_service.parent or origin_service,
                "origin_service": origin_service if origin_service.parent else None,
                "manager_name": "DUPONT Martine",
                "manager_email": f"manager{n % 5}@demo.fabrique-rh.gouv.fr",
                "host": host_service.parent or host_service,
                "host_service": host_service if host_service.parent else None,
                "tutor_name": f"{LAST_NAMES[(n + 3) % len(LAST_NAMES)].upper()} {FIRST_NAMES[(n + 5) % 10]}",
                "tutor_email": f"tuteur{n:02d}@demo.fabrique-rh.gouv.fr",
                "kind": kind,
                "objectives": OBJECTIVES[kind],
                "start_date": start,
                "end_date": end,
                "confidential": kind == ImmersionKind.PROJET_RECONVERSION and n % 2 == 0,
                "status": status,
            },
        )
        if not is_new:
            continue
        created += 1
        origin_lead = _lead_of(immersion.origin)
        host_lead = _lead_of(immersion.host)
        immersion.created_by = origin_lead
        immersion.save(update_fields=["created_by"])
        previous = ""
        for step in _path_to(IMMERSION_PATH, status):
            if step in (IS.ACCEPTEE_ACCUEIL, IS.REFUSEE) and previous == IS.ACCEPTEE_ORIGINE:
                by = host_lead
            elif step in (IS.EN_COURS, IS.TERMINEE):
                by = None
            else:
                by = origin_lead
            ImmersionTransition.objects.create(
                immersion=immersion,
                from_status=previous,
                to_status=step,
                by=by,
                actor_label="Automatique (calendrier)" if by is None and step != IS.BROUILLON else _label(by),
                reason="Le service ne peut pas libérer l'agent à ces dates."
                if step in (IS.REFUSEE, IS.ANNULEE)
                else "",
            )
            previous = step
        if status == IS.BILAN_FAIT:
            Bilan.objects.get_or_create(
                immersion=immersion,
                defaults={
                    "deroulement": list(Deroulement)[n % 3 if n % 3 != 2 else 0],
                    "learned": "Les missions, les outils et l'organisation du service d'accueil.",
                    "host_feedback": "Agent curieux et impliqué ; échanges utiles pour l'équipe.",
                    "outcome": list(BilanOutcome)[n % 3],
                    "next_steps": "Entretien de carrière avec le conseiller mobilité.",
                    "recorded_by": origin_lead or staff,
                },
            )
    return created


def _echange_rows(today):
    """(key, origin service slug, host slug, status, start, end, options) of the 10 agreements."""
    return [
        ("01", "mef-dgfip", "cnrs", ES.EN_COURS, today - 120 * DAY, today + 240 * DAY, {}),
        ("02", "mef-dgfip", "ign", ES.EN_COURS, today - 30 * DAY, today + 50 * DAY, {}),
        ("03", "mef-dgfip", "vnf", ES.SOUMISE, today + 20 * DAY, today + 200 * DAY, {}),
        (
            "04",
            "mj-dap",
            "miom-sg",
            ES.VALIDEE_ORIGINE,
            today + 45 * DAY,
            today + 410 * DAY,
            {"critical": True},
        ),
        ("05", "miom-drcpn", "mte-drh", ES.VALIDEE_ACCUEIL, today + 60 * DAY, today + 240 * DAY, {}),
        ("06", "mte-sg", "spf-bosa", ES.SIGNEE, today + 30 * DAY, today + 395 * DAY, {"reinvoice": True}),
        ("07", "masa-sg", "louvre", ES.RETOUR_PREPARE, today - 300 * DAY, today + 40 * DAY, {}),
        ("08", "ms-drh", "partenaire-rh", ES.TERMINEE, today - 500 * DAY, today - 135 * DAY, {}),
        ("09", "menj-dgrh", "mc-sg", ES.BROUILLON, today + 90 * DAY, today + 270 * DAY, {}),
        ("10", "mc-sg", "mef-sg", ES.ANNULEE, today + 10 * DAY, today + 100 * DAY, {}),
    ]


def seed_echanges(staff, today):
    capped = _org("mef-dgfip")
    if capped is not None:
        capped.cliquet = 2
        capped.save(update_fields=["cliquet"])
    dap = _org("mj-dap")
    function = None
    if dap is not None:
        function, _created = FonctionCritique.objects.get_or_create(
            service=dap,
            title="Chef de la cellule de crise pénitentiaire",
            defaults={"description": "Astreinte permanente ; aucun intérim possible sans préparation."},
        )
        FonctionCritique.objects.get_or_create(
            service=dap, title="Responsable de la paie des personnels de surveillance"
        )
    created = 0
    for n, (key, origin_slug, host_slug, status, start, end, options) in enumerate(_echange_rows(today)):
        service, host = _org(origin_slug), _org(host_slug)
        if service is None or host is None:
            continue
        categorie = list(Categorie)[n % 3]
        echange, is_new = EchangeTalent.objects.update_or_create(
            agent_email=f"agent.echange{key}@demo.fabrique-rh.gouv.fr",
            defaults={
                "agent_name": f"{LAST_NAMES[(n + 4) % 9].upper()} {FIRST_NAMES[(n + 2) % 10]}",
                "agent_grade": GRADES[categorie.value],
                "agent_categorie": categorie,
                "origin": service.parent or service,
                "origin_service": service,
                "host": host.parent or host,
                "host_service": host if host.parent else None,
                "mission": "Renforcer l'équipe d'accueil sur un projet de transformation RH et rapporter "
                "l'expérience au service d'origine.",
                "start_date": start,
                "end_date": end,
                "planned_return_date": end + DAY,
                "fonction_critique": function if options.get("critical") else None,
                "reinvoicing_amount": Decimal("12000.00") if options.get("reinvoice") else None,
                "running_costs_details": "Déplacements entre Bruxelles et Paris remboursés par l'accueil."
                if options.get("reinvoice")
                else "",
                "status": status,
            },
        )
        if not is_new:
            continue
        created += 1
        origin_lead, host_lead = _lead_of(service), _lead_of(host)
        previous = ""
        for step in _path_to(ECHANGE_PATH, status):
            by = host_lead if step == ES.VALIDEE_ACCUEIL else origin_lead
            if step in (ES.SIGNEE, ES.EN_COURS, ES.TERMINEE):
                by = None
            EchangeTransition.objects.create(
                echange=echange,
                from_status=previous,
                to_status=step,
                by=by,
                actor_label=_label(by) if by else "Automatique",
                reason="L'agent a renoncé à son projet." if step == ES.ANNULEE else "",
            )
            previous = step
        path = _path_to(ECHANGE_PATH, status)
        now = timezone.now()
        if ES.SIGNEE in path or status == ES.VALIDEE_ACCUEIL:
            echange.origin_agreed_at, echange.origin_agreed_by = now, origin_lead
            if ES.SIGNEE in path:
                echange.agent_agreed_at, echange.agent_agreed_label = now, echange.agent_name
                echange.host_agreed_at, echange.host_agreed_by = now, host_lead
        if status in (ES.RETOUR_PREPARE, ES.TERMINEE):
            echange.return_interview_date = end - 20 * DAY
            echange.return_position = "Chargé de mission transformation RH, service d'origine"
        echange.save()
        if options.get("critical") and function is not None:
            Derogation.objects.get_or_create(
                echange=echange,
                defaults={
                    "fonction": function,
                    "granted_by": origin_lead or staff,
                    "reason": "Intérim assuré par l'adjoint, formé pendant les trois mois précédents.",
                },
            )
    return created


def seed():
    """Create the demo immersions and agreements (once); returns a one-line summary."""
    today = timezone.localdate()
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    services = list(
        Organisation.objects.filter(parent__kind=OrganisationKind.MINISTERE)
        .select_related("parent")
        .order_by("parent__name", "name")
    )
    others = list(
        Organisation.objects.racines()
        .exclude(kind=OrganisationKind.MINISTERE)
        .select_related("parent")
        .order_by("name")
    )
    if not services:
        return "Immersions : aucune organisation, rien à créer."
    seed_immersions(services, services + others, staff, today)
    seed_echanges(staff, today)
    capped = _org("mef-dgfip")
    return (
        f"Immersions : {Immersion.objects.count()} périodes d'immersion, "
        f"{EchangeTalent.objects.count()} conventions d'échange de talents"
        + (f" ; service au plafond : {capped} (cliquet {capped.cliquet})" if capped else "")
        + f" ; {Derogation.objects.count()} fonction(s) critique(s) avec dérogation."
    )
