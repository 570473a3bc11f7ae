"""Demo data of the network: its organisations and the demo accounts. Idempotent (update_or_create)."""

from allauth.account.models import EmailAddress
from django.utils.text import slugify

from accompagnement.enums import OrganisationKind, Role
from accompagnement.models import Adhesion, Organisation, User

DEMO_PASSWORD = "demo-fabrique-2026"  # noqa: S105 - printed to the developer on purpose, demo only

K = OrganisationKind
# (kind, name, acronym, [(direction name, acronym)])
ORGANISATIONS = [
    (
        K.MINISTERE,
        "Ministère de la Justice",
        "MJ",
        [
            ("Secrétariat général", "SG"),
            ("Direction de l'administration pénitentiaire", "DAP"),
            ("Direction des services judiciaires", "DSJ"),
        ],
    ),
    (
        K.MINISTERE,
        "Ministère de l'Intérieur et des Outre-mer",
        "MIOM",
        [
            ("Secrétariat général", "SG"),
            ("Direction des ressources et des compétences de la police nationale", "DRCPN"),
        ],
    ),
    (
        K.MINISTERE,
        "Services du Premier ministre",
        "SPM",
        [("Direction des services administratifs et financiers", "DSAF")],
    ),
    (
        K.MINISTERE,
        "Ministères économiques et financiers",
        "MEF",
        [
            ("Secrétariat général", "SG"),
            ("Direction générale des finances publiques", "DGFiP"),
            ("Direction générale des douanes et droits indirects", "DGDDI"),
        ],
    ),
    (
        K.MINISTERE,
        "Ministère de l'Agriculture et de la Souveraineté alimentaire",
        "MASA",
        [("Secrétariat général", "SG")],
    ),
    (
        K.MINISTERE,
        "Ministère de la Transition écologique",
        "MTE",
        [
            ("Secrétariat général", "SG"),
            ("Direction des ressources humaines", "DRH"),
        ],
    ),
    (K.MINISTERE, "Ministères sociaux", "MS", [("Direction des ressources humaines", "DRH")]),
    (
        K.MINISTERE,
        "Ministère des Armées",
        "MINARM",
        [
            ("Direction des ressources humaines du ministère des Armées", "DRH-MD"),
            ("Agence de reconversion de la Défense", "Défense Mobilité"),
        ],
    ),
    (
        K.MINISTERE,
        "Ministère de l'Éducation nationale",
        "MENJ",
        [("Direction générale des ressources humaines", "DGRH")],
    ),
    (K.MINISTERE, "Ministère de la Culture", "MC", [("Secrétariat général", "SG")]),
    (
        K.MINISTERE,
        "Ministère de la Transformation et de la Fonction publiques",
        "MTFP",
        [
            ("Direction générale de l'administration et de la fonction publique", "DGAFP"),
        ],
    ),
    (K.PFRH, "Plateforme RH Hauts-de-France", "PFRH HDF", []),
    (K.PFRH, "Plateforme RH Pays de la Loire", "PFRH PDL", []),
    (K.PFRH, "Plateforme RH Nouvelle-Aquitaine", "PFRH NA", []),
    (K.ETABLISSEMENT_PUBLIC, "Centre national de la recherche scientifique", "CNRS", []),
    (K.ETABLISSEMENT_PUBLIC, "Voies navigables de France", "VNF", []),
    (K.ETABLISSEMENT_PUBLIC, "Institut national de l'information géographique et forestière", "IGN", []),
    (K.ETABLISSEMENT_PUBLIC, "Musée du Louvre", "Louvre", []),
    (K.ADMINISTRATION_ETRANGERE, "Service public fédéral Stratégie et Appui (Belgique)", "SPF BOSA", []),
    (K.PARTENAIRE_PRIVE, "Entreprise partenaire (direction des ressources humaines)", "Partenaire RH", []),
]

# (email, first name, last name, organisation slug, role, function, is_staff)
ACCOUNTS = [
    (
        "admin@dgafp.gouv.fr",
        "Claire",
        "Dubois",
        "mtfp-dgafp",
        Role.ANIMATEUR_DGAFP,
        "Cheffe de projet de la Fabrique de l'accompagnement RH",
        True,
    ),
    (
        "tete.reseau@justice.gouv.fr",
        "Nadia",
        "Benali",
        "mj-sg",
        Role.TETE_DE_RESEAU,
        "Responsable de la mission accompagnement des parcours",
        False,
    ),
    (
        "tete.reseau@interieur.gouv.fr",
        "Thomas",
        "Lefèvre",
        "miom-sg",
        Role.TETE_DE_RESEAU,
        "Chef du bureau de l'accompagnement des mobilités",
        False,
    ),
    (
        "participant@culture.gouv.fr",
        "Julie",
        "Martin",
        "mc-sg",
        Role.REPRESENTANT,
        "Conseillère mobilité-carrière",
        False,
    ),
]


def organisation_slug(acronym, parent=None):
    return slugify(f"{parent.acronym}-{acronym}" if parent else acronym)[:80]


def seed_organisations():
    for kind, name, acronym, directions in ORGANISATIONS:
        root, _ = Organisation.objects.update_or_create(
            slug=organisation_slug(acronym), defaults={"kind": kind, "name": name, "acronym": acronym}
        )
        for direction_name, direction_acronym in directions:
            Organisation.objects.update_or_create(
                slug=organisation_slug(direction_acronym, root),
                defaults={
                    "kind": K.DIRECTION,
                    "name": direction_name,
                    "acronym": direction_acronym,
                    "parent": root,
                },
            )


def seed_account(email, first_name, last_name, *, organisation_slug, role, function, is_staff=False):
    user, created = User.objects.update_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "is_staff": is_staff,
            "is_superuser": is_staff,
        },
    )
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    Adhesion.objects.update_or_create(
        user=user,
        organisation=Organisation.objects.get(slug=organisation_slug),
        defaults={"role": role, "function": function, "active": True},
    )
    return user


def seed():
    """Create or refresh the network's organisations and the demo accounts; returns the accounts' lines."""
    seed_organisations()
    lines = []
    for email, first, last, slug, role, function, is_staff in ACCOUNTS:
        user = seed_account(
            email, first, last, organisation_slug=slug, role=role, function=function, is_staff=is_staff
        )
        lines.append(
            f"{user.email:<34} {DEMO_PASSWORD}   {role.label}{' (administration)' if is_staff else ''}"
        )
    return lines
