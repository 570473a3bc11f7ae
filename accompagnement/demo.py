"""Demo data of the network: its organisations and the demo accounts. Idempotent (update_or_create)."""

from allauth.account.models import EmailAddress
from django.utils.text import slugify

from accompagnement.enums import Besoin, DispositifKind, Maturite, OrganisationKind, Public, Role
from accompagnement.models import AcceptationCharte, Adhesion, Charte, Dispositif, Organisation, User

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

# How the ministries head the participant lists (the booklet's annex): a short label where it reads better
# than the full name. Their order is left to the government's protocol order built into
# ateliers.services.annexe (staff change it with `rang_protocolaire` in the admin).
LIBELLES_COURTS = {
    "mj": "Justice",
    "miom": "Intérieur et Outre-mer",
    "mef": "Économie et Finances",
    "masa": "Agriculture",
    "mte": "Transition écologique",
    "minarm": "Armées",
    "menj": "Éducation nationale",
    "mc": "Culture",
    "mtfp": "Transformation et Fonction publiques",
}
# Public bodies and their supervising ministry (the CNRS's, Research, is not in the demo network: it shows
# how a body without tutelle stays under the public bodies' common heading).
TUTELLES = {"vnf": "mte", "ign": "mte", "louvre": "mc"}

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
        slug = organisation_slug(acronym)
        root, _ = Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": kind,
                "name": name,
                "acronym": acronym,
                "libelle_court": LIBELLES_COURTS.get(slug, ""),
            },
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


def seed_tutelles():
    for slug, tutelle in TUTELLES.items():
        Organisation.objects.filter(slug=slug).update(tutelle=Organisation.objects.get(slug=tutelle))


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


def seed_members():
    """The rest of the network: leads and representatives who accepted the charter in force."""
    charte = Charte.objects.current()
    for email, first, last, slug, role, function in MEMBERS:
        user = seed_account(email, first, last, organisation_slug=slug, role=role, function=function)
        if charte is not None:
            AcceptationCharte.objects.get_or_create(user=user, charte=charte)


def seed_dispositifs():
    """The catalogue: schemes inspired by what the network's members presented (idempotent by title)."""
    authors = {}
    # Later rows win: a tête de réseau over a représentant over an animator (who writes the DGAFP's own).
    for adhesion in Adhesion.objects.select_related("organisation", "user").order_by("role", "-pk"):
        authors[adhesion.organisation.slug] = adhesion.user
    created = {}
    for row in DISPOSITIFS:
        organisation = Organisation.objects.get(slug=row["organisation"])
        author = authors.get(row["organisation"]) or authors.get(getattr(organisation.parent, "slug", None))
        fields = {key: value for key, value in row.items() if key not in ("organisation", "model_of")}
        fields["model_of"] = created.get(row.get("model_of"))
        dispositif, _ = Dispositif.objects.update_or_create(
            organisation=organisation,
            title=row["title"],
            defaults={**fields, "created_by": author, "updated_by": author},
        )
        created[row["title"]] = dispositif
    return created


def seed():
    """Create or refresh the network's organisations, members and schemes; returns the summary lines."""
    seed_organisations()
    seed_tutelles()
    lines = []
    for email, first, last, slug, role, function, is_staff in ACCOUNTS:
        user = seed_account(
            email, first, last, organisation_slug=slug, role=role, function=function, is_staff=is_staff
        )
        lines.append(
            f"{user.email:<34} {DEMO_PASSWORD}   {role.label}{' (administration)' if is_staff else ''}"
        )
    seed_members()
    seed_dispositifs()
    return lines


def summary():
    """One line on the network's size, printed by load_demo."""
    return (
        f"Réseau : {Organisation.objects.count()} organisations, "
        f"{Adhesion.objects.actives().count()} membres actifs, {Dispositif.objects.count()} dispositifs."
    )


R = Role
# The rest of the network, about 45 people with the four accounts above.
# (email, first name, last name, organisation slug, role, function)
MEMBERS = [
    (
        "dap.accompagnement@justice.gouv.fr",
        "Sophie",
        "Garnier",
        "mj-dap",
        R.TETE_DE_RESEAU,
        "Cheffe du pôle parcours professionnels",
    ),
    (
        "dsj.mobilite@justice.gouv.fr",
        "Karim",
        "Haddad",
        "mj-dsj",
        R.REPRESENTANT,
        "Conseiller mobilité des greffes",
    ),
    (
        "drcpn.carrieres@interieur.gouv.fr",
        "Élodie",
        "Marchand",
        "miom-drcpn",
        R.TETE_DE_RESEAU,
        "Responsable de la mission reconversion des policiers",
    ),
    (
        "sg.mobilite@interieur.gouv.fr",
        "Paul",
        "Roussel",
        "miom-sg",
        R.REPRESENTANT,
        "Conseiller en évolution professionnelle",
    ),
    (
        "dsaf.rh@pm.gouv.fr",
        "Camille",
        "Fournier",
        "spm-dsaf",
        R.TETE_DE_RESEAU,
        "Responsable de l'accompagnement individuel",
    ),
    (
        "sg.parcours@finances.gouv.fr",
        "Antoine",
        "Girard",
        "mef-sg",
        R.TETE_DE_RESEAU,
        "Chef du bureau des parcours professionnels",
    ),
    (
        "dgfip.accompagnement@dgfip.finances.gouv.fr",
        "Hélène",
        "Bonnet",
        "mef-dgfip",
        R.TETE_DE_RESEAU,
        "Responsable du réseau des conseillers mobilité-carrière",
    ),
    (
        "dgfip.conseil@dgfip.finances.gouv.fr",
        "Mathieu",
        "Lambert",
        "mef-dgfip",
        R.REPRESENTANT,
        "Conseiller mobilité-carrière, Hauts-de-France",
    ),
    (
        "dgddi.rh@douane.finances.gouv.fr",
        "Laure",
        "Fontaine",
        "mef-dgddi",
        R.TETE_DE_RESEAU,
        "Cheffe du bureau de la gestion prévisionnelle",
    ),
    (
        "sg.accompagnement@agriculture.gouv.fr",
        "Olivier",
        "Chevalier",
        "masa-sg",
        R.TETE_DE_RESEAU,
        "Délégué à la mobilité et aux carrières",
    ),
    (
        "sg.rh@agriculture.gouv.fr",
        "Inès",
        "Robin",
        "masa-sg",
        R.REPRESENTANT,
        "Chargée de mission accompagnement collectif",
    ),
    (
        "sg.parcours@developpement-durable.gouv.fr",
        "François",
        "Morel",
        "mte-sg",
        R.TETE_DE_RESEAU,
        "Chef de la mission parcours et compétences",
    ),
    (
        "drh.mobilite@developpement-durable.gouv.fr",
        "Aurélie",
        "Masson",
        "mte-drh",
        R.REPRESENTANT,
        "Responsable du centre de valorisation des ressources humaines",
    ),
    (
        "drh.accompagnement@sg.social.gouv.fr",
        "Nicolas",
        "Henry",
        "ms-drh",
        R.TETE_DE_RESEAU,
        "Chef du département accompagnement des parcours",
    ),
    (
        "drh.conseil@sg.social.gouv.fr",
        "Céline",
        "Perrin",
        "ms-drh",
        R.REPRESENTANT,
        "Conseillère mobilité-carrière",
    ),
    (
        "drhmd.parcours@intradef.gouv.fr",
        "Colonel Marc",
        "Lemoine",
        "minarm-drh-md",
        R.TETE_DE_RESEAU,
        "Sous-directeur des parcours professionnels civils",
    ),
    (
        "drhmd.civils@intradef.gouv.fr",
        "Anne",
        "Gauthier",
        "minarm-drh-md",
        R.REPRESENTANT,
        "Cheffe du bureau de l'intégration des cadres civils",
    ),
    (
        "defense-mobilite@intradef.gouv.fr",
        "Stéphane",
        "Mercier",
        "minarm-defense-mobilite",
        R.TETE_DE_RESEAU,
        "Directeur adjoint de l'agence de reconversion de la Défense",
    ),
    (
        "defense-mobilite.conjoints@intradef.gouv.fr",
        "Valérie",
        "Blanc",
        "minarm-defense-mobilite",
        R.REPRESENTANT,
        "Responsable de l'accompagnement des conjoints",
    ),
    (
        "dgrh.accompagnement@education.gouv.fr",
        "Julien",
        "Guerin",
        "menj-dgrh",
        R.TETE_DE_RESEAU,
        "Chef du service de l'accompagnement des personnels",
    ),
    (
        "dgrh.secondes-carrieres@education.gouv.fr",
        "Sandrine",
        "Faure",
        "menj-dgrh",
        R.REPRESENTANT,
        "Responsable de la mission secondes carrières",
    ),
    (
        "sg.mobilite@culture.gouv.fr",
        "Pierre",
        "André",
        "mc-sg",
        R.TETE_DE_RESEAU,
        "Chef du bureau de l'accompagnement des agents",
    ),
    (
        "dgafp.animation@finances.gouv.fr",
        "Mehdi",
        "Rahmani",
        "mtfp-dgafp",
        R.ANIMATEUR_DGAFP,
        "Chargé de mission animation du réseau",
    ),
    (
        "dgafp.siamep@finances.gouv.fr",
        "Isabelle",
        "Leroy",
        "mtfp-dgafp",
        R.ANIMATEUR_DGAFP,
        "Responsable de la stratégie interministérielle d'accompagnement (SIAMEP)",
    ),
    (
        "pfrh.hdf@hauts-de-france.gouv.fr",
        "Christophe",
        "Dumont",
        "pfrh-hdf",
        R.TETE_DE_RESEAU,
        "Directeur de la plateforme RH",
    ),
    (
        "pfrh.hdf.conseil@hauts-de-france.gouv.fr",
        "Émilie",
        "Caron",
        "pfrh-hdf",
        R.REPRESENTANT,
        "Conseillère mobilité-carrière interministérielle",
    ),
    (
        "pfrh.pdl@pays-de-la-loire.gouv.fr",
        "Vincent",
        "Renaud",
        "pfrh-pdl",
        R.TETE_DE_RESEAU,
        "Directeur de la plateforme RH",
    ),
    (
        "pfrh.pdl.conseil@pays-de-la-loire.gouv.fr",
        "Marion",
        "Picard",
        "pfrh-pdl",
        R.REPRESENTANT,
        "Conseillère en évolution professionnelle",
    ),
    (
        "pfrh.na@nouvelle-aquitaine.gouv.fr",
        "Laurent",
        "Roux",
        "pfrh-na",
        R.TETE_DE_RESEAU,
        "Directeur de la plateforme RH",
    ),
    (
        "pfrh.na.conseil@nouvelle-aquitaine.gouv.fr",
        "Nathalie",
        "Brun",
        "pfrh-na",
        R.REPRESENTANT,
        "Chargée de l'animation des réseaux d'entraide",
    ),
    (
        "drh.parcours@cnrs.fr",
        "Guillaume",
        "Fabre",
        "cnrs",
        R.TETE_DE_RESEAU,
        "Responsable du service d'accompagnement des parcours",
    ),
    ("drh.mobilite@cnrs.fr", "Agnès", "Barbier", "cnrs", R.REPRESENTANT, "Conseillère carrière"),
    (
        "drh.accompagnement@vnf.fr",
        "Sébastien",
        "Arnaud",
        "vnf",
        R.TETE_DE_RESEAU,
        "Responsable du développement des compétences",
    ),
    (
        "drh.carrieres@ign.fr",
        "Caroline",
        "Giraud",
        "ign",
        R.TETE_DE_RESEAU,
        "Responsable de la mission mobilité et carrières",
    ),
    (
        "rh.parcours@louvre.fr",
        "Damien",
        "Rolland",
        "louvre",
        R.TETE_DE_RESEAU,
        "Chef du service du développement professionnel",
    ),
    (
        "talent.exchange@bosa.fgov.be",
        "Pieter",
        "Janssens",
        "spf-bosa",
        R.REPRESENTANT,
        "Responsable du programme Talent Exchange",
    ),
    (
        "drh@partenaire-rh.example.fr",
        "Sylvie",
        "Dupuis",
        "partenaire-rh",
        R.REPRESENTANT,
        "Directrice des ressources humaines",
    ),
    (
        "sg.conseil@justice.gouv.fr",
        "Yasmine",
        "Cherif",
        "mj-sg",
        R.REPRESENTANT,
        "Conseillère mobilité-carrière",
    ),
    (
        "drh.parcours@developpement-durable.gouv.fr",
        "Thierry",
        "Vidal",
        "mte-drh",
        R.TETE_DE_RESEAU,
        "Chef du bureau des parcours professionnels",
    ),
    (
        "sg.integration@finances.gouv.fr",
        "Chloé",
        "Lucas",
        "mef-sg",
        R.REPRESENTANT,
        "Chargée du parcours d'intégration des nouveaux arrivants",
    ),
    (
        "drcpn.accompagnement@interieur.gouv.fr",
        "Bruno",
        "Colin",
        "miom-drcpn",
        R.REPRESENTANT,
        "Psychologue du travail, cellule d'accompagnement",
    ),
]

K_ = DispositifKind
B = Besoin
P = Public
M = Maturite
A_B_C = [P.CATEGORIE_A, P.CATEGORIE_B, P.CATEGORIE_C]


def dispositif(organisation, title, kind, needs, publics, maturity, summary, **extra):  # noqa: PLR0917 - a table row, read positionally
    return {
        "organisation": organisation,
        "title": title,
        "kind": kind,
        "needs": [str(n) for n in needs],
        "publics": [str(p) for p in publics],
        "maturity": maturity,
        "summary": summary,
        **extra,
    }


DISPOSITIFS = [
    dispositif(
        "mj-sg",
        "Découvre mon poste",
        K_.IMMERSION,
        [B.MOBILITE, B.EVOLUTION_PROFESSIONNELLE],
        [*A_B_C, P.CONTRACTUELS],
        M.DEPLOYE,
        "Un vivier d'agents volontaires présente son métier à des collègues qui l'envisagent : une journée "
        "d'observation au poste, puis un échange sur le quotidien, les compétences et le parcours.",
        description="Les agents volontaires s'inscrivent au vivier en décrivant leur poste. Un agent qui "
        "prépare une mobilité choisit un métier, son conseiller mobilité-carrière organise la journée "
        "avec les deux services. Un court bilan est rempli par les deux agents.\n\nPlus de 120 journées "
        "organisées en 2023, dans les greffes, l'administration pénitentiaire et les services centraux.",
        access="Demande auprès du conseiller mobilité-carrière de sa direction, avec l'accord du supérieur "
        "hiérarchique pour la journée d'absence.",
        contact="mission-parcours@justice.gouv.fr",
        links=["https://www.justice.gouv.fr/"],
        is_model=True,
    ),
    dispositif(
        "mj-dap",
        "Tutorat des nouveaux surveillants en établissement",
        K_.TUTORAT_MENTORAT,
        [B.EVOLUTION_PROFESSIONNELLE],
        [P.CATEGORIE_C, P.NOUVEAUX_ARRIVANTS],
        M.DEPLOYE,
        "Chaque surveillant stagiaire est suivi par un tuteur expérimenté pendant sa première année, avec "
        "des points d'étape formalisés et une formation des tuteurs.",
        access="Automatique à l'affectation en établissement.",
        contact="Bureau de la formation, DAP",
    ),
    dispositif(
        "mj-dsj",
        "Passerelle greffe vers les métiers de l'accueil du justiciable",
        K_.RECONVERSION_PASSERELLE,
        [B.RECONVERSION, B.MOBILITE],
        [P.CATEGORIE_B, P.CATEGORIE_C, P.INAPTITUDE],
        M.PILOTE,
        "Un parcours de quatre mois, avec immersions et formation, pour les agents des greffes qui ne "
        "peuvent plus exercer leurs fonctions et souhaitent rejoindre les services d'accueil.",
        access="Sur proposition du médecin de prévention ou à la demande de l'agent, via son service RH.",
    ),
    dispositif(
        "miom-sg",
        "Accompagnement confidentiel des projets de reconversion",
        K_.ACCOMPAGNEMENT_PERSONNALISE,
        [B.RECONVERSION],
        [*A_B_C, P.CONTRACTUELS],
        M.DEPLOYE,
        "Un conseiller extérieur à la chaîne hiérarchique accompagne l'agent qui explore une reconversion, "
        "sans que son service en soit informé avant qu'il le décide.",
        description="Jusqu'à six entretiens, un bilan de compétences si besoin, et des immersions "
        "organisées discrètement. Rien n'est transmis au service sans l'accord écrit de l'agent.",
        access="Prise de rendez-vous directe, sans passer par le supérieur hiérarchique.",
        contact="reconversion-confidentielle@interieur.gouv.fr",
        is_model=True,
    ),
    dispositif(
        "miom-drcpn",
        "Cellule de reconversion des policiers",
        K_.RECONVERSION_PASSERELLE,
        [B.RECONVERSION, B.MOBILITE],
        [P.CATEGORIE_B, P.CATEGORIE_C, P.INAPTITUDE],
        M.DEPLOYE,
        "Accompagnement des policiers vers d'autres métiers de la fonction publique : bilan, détachement, "
        "immersions dans les administrations d'accueil.",
        access="Demande par la voie hiérarchique ou directement auprès de la cellule.",
    ),
    dispositif(
        "spm-dsaf",
        "Entretiens de carrière à mi-parcours",
        K_.ACCOMPAGNEMENT_PERSONNALISE,
        [B.EVOLUTION_PROFESSIONNELLE],
        A_B_C,
        M.DEPLOYE,
        "Un entretien approfondi proposé à chaque agent après dix ans de carrière pour faire le point sur "
        "ses compétences et ses projets.",
    ),
    dispositif(
        "mef-sg",
        "Parcours d'intégration des nouveaux arrivants",
        K_.PARCOURS_INTEGRATION,
        [B.EVOLUTION_PROFESSIONNELLE],
        [*A_B_C, P.NOUVEAUX_ARRIVANTS],
        M.DEPLOYE,
        "Séminaire d'accueil, visites de services et parrainage pendant les six premiers mois, pour donner "
        "aux nouveaux arrivants la carte des métiers du ministère.",
        is_model=True,
    ),
    dispositif(
        "mef-dgfip",
        "Réseau des conseillers mobilité-carrière",
        K_.ACCOMPAGNEMENT_PERSONNALISE,
        [B.MOBILITE, B.EVOLUTION_PROFESSIONNELLE],
        A_B_C,
        M.DEPLOYE,
        "Un conseiller dans chaque direction départementale accompagne les projets de mobilité et "
        "d'évolution professionnelle des agents des finances publiques.",
        contact="bureau.rh2@dgfip.finances.gouv.fr",
    ),
    dispositif(
        "mef-dgfip",
        "Tutorat dans les directions départementales",
        K_.TUTORAT_MENTORAT,
        [B.EVOLUTION_PROFESSIONNELLE, B.MOBILITE],
        [P.CATEGORIE_B, P.CATEGORIE_C, P.NOUVEAUX_ARRIVANTS],
        M.DEPLOYE,
        "Des tuteurs formés accompagnent les agents qui changent de métier au sein d'une direction "
        "départementale : prise de poste, gestes professionnels, réseau.",
        is_model=True,
    ),
    dispositif(
        "mef-dgddi",
        "Stages d'immersion dans les métiers de la surveillance",
        K_.IMMERSION,
        [B.MOBILITE],
        [P.CATEGORIE_B, P.CATEGORIE_C],
        M.PILOTE,
        "Des stages de une à deux semaines dans une brigade, inclus dans la formation des agents des "
        "opérations commerciales qui envisagent la surveillance.",
    ),
    dispositif(
        "masa-sg",
        "Réseau d'entraide des agents en transition",
        K_.RESEAU_ENTRAIDE,
        [B.MOBILITE, B.RECONVERSION],
        [*A_B_C, P.CONTRACTUELS],
        M.PILOTE,
        "Des groupes de pairs animés chaque mois, en région, pour les agents qui préparent une mobilité ou "
        "une reconversion : partage d'expérience, entraînement aux entretiens.",
    ),
    dispositif(
        "masa-sg",
        "Visites de terrain dans les services déconcentrés",
        K_.IMMERSION,
        [B.MOBILITE, B.EVOLUTION_PROFESSIONNELLE],
        A_B_C,
        M.DEPLOYE,
        "Les agents d'administration centrale passent deux jours dans une direction départementale pour "
        "découvrir les métiers de terrain (contrôle sanitaire, économie agricole).",
    ),
    dispositif(
        "mte-sg",
        "Ateliers collectifs « construire son projet professionnel »",
        K_.FORMATION,
        [B.EVOLUTION_PROFESSIONNELLE, B.MOBILITE],
        A_B_C,
        M.DEPLOYE,
        "Cinq demi-journées en groupe de huit pour clarifier ses compétences, explorer des pistes et bâtir "
        "un plan d'action.",
    ),
    dispositif(
        "mte-drh",
        "Centre de valorisation des ressources humaines",
        K_.ACCOMPAGNEMENT_PERSONNALISE,
        [B.MOBILITE, B.RECONVERSION, B.EVOLUTION_PROFESSIONNELLE],
        [*A_B_C, P.CONTRACTUELS],
        M.DEPLOYE,
        "Bilans professionnels, conseil en mobilité et accompagnement des restructurations pour les agents "
        "des ministères de la transition écologique.",
    ),
    dispositif(
        "mte-drh",
        "Mentorat des femmes cadres",
        K_.TUTORAT_MENTORAT,
        [B.EVOLUTION_PROFESSIONNELLE],
        [P.CATEGORIE_A],
        M.PILOTE,
        "Un binôme mentor-mentorée pendant un an pour préparer l'accès aux postes de direction.",
    ),
    dispositif(
        "ms-drh",
        "Accompagnement des agents en situation d'inaptitude",
        K_.RECONVERSION_PASSERELLE,
        [B.RECONVERSION],
        [*A_B_C, P.INAPTITUDE],
        M.DEPLOYE,
        "Période de préparation au reclassement d'un an, avec immersions et formations, pour les agents "
        "reconnus inaptes à leurs fonctions.",
        access="Sur avis du conseil médical, par le service RH de proximité.",
    ),
    dispositif(
        "ms-drh",
        "Bilan de carrière pour les contractuels",
        K_.ACCOMPAGNEMENT_PERSONNALISE,
        [B.EVOLUTION_PROFESSIONNELLE, B.MOBILITE],
        [P.CONTRACTUELS],
        M.EN_PROJET,
        "Un entretien de carrière et un plan de formation pour les agents contractuels en fin de contrat "
        "ou souhaitant préparer un concours.",
    ),
    dispositif(
        "minarm-drh-md",
        "Parcours d'intégration des jeunes cadres civils avec immersions",
        K_.PARCOURS_INTEGRATION,
        [B.EVOLUTION_PROFESSIONNELLE, B.MOBILITE],
        [P.CATEGORIE_A, P.NOUVEAUX_ARRIVANTS],
        M.DEPLOYE,
        "Pendant leurs deux premières années, les jeunes cadres civils enchaînent immersions en unité, "
        "séminaires et mentorat pour connaître les armées et bâtir leur parcours.",
        description="Trois immersions de deux semaines (une base, un état-major, un service de soutien), "
        "un séminaire de promotion par semestre, un mentor choisi hors de la chaîne hiérarchique.",
        is_model=True,
    ),
    dispositif(
        "minarm-defense-mobilite",
        "Accompagnement vers l'emploi de Défense Mobilité",
        K_.RECONVERSION_PASSERELLE,
        [B.RECONVERSION, B.MOBILITE],
        [P.MILITAIRES, P.CONJOINTS],
        M.DEPLOYE,
        "L'agence de reconversion de la Défense accompagne militaires et conjoints vers un emploi public ou "
        "privé : bilan, formation, périodes d'adaptation en entreprise ou en administration.",
        access="Dès la décision de quitter l'institution, auprès de l'antenne Défense Mobilité "
        "la plus proche.",
        contact="Antennes Défense Mobilité",
        links=["https://www.defense-mobilite.fr/"],
    ),
    dispositif(
        "minarm-defense-mobilite",
        "Accompagnement des conjoints de militaires",
        K_.ACCOMPAGNEMENT_PERSONNALISE,
        [B.MOBILITE],
        [P.CONJOINTS],
        M.DEPLOYE,
        "Aide à la recherche d'emploi des conjoints lors des mutations, y compris vers la fonction publique.",
    ),
    dispositif(
        "menj-dgrh",
        "Secondes carrières des enseignants",
        K_.RECONVERSION_PASSERELLE,
        [B.RECONVERSION, B.MOBILITE],
        [P.CATEGORIE_A],
        M.DEPLOYE,
        "Conseil, détachements et immersions pour les enseignants qui souhaitent exercer un autre métier de "
        "la fonction publique.",
    ),
    dispositif(
        "menj-dgrh",
        "Réseau des conseillers RH de proximité",
        K_.ACCOMPAGNEMENT_PERSONNALISE,
        [B.EVOLUTION_PROFESSIONNELLE, B.MOBILITE],
        A_B_C,
        M.DEPLOYE,
        "Un conseiller RH de proximité par bassin d'éducation, joignable sans passer par la hiérarchie.",
    ),
    dispositif(
        "mc-sg",
        "Immersions dans les établissements culturels",
        K_.IMMERSION,
        [B.MOBILITE],
        [*A_B_C, P.CONTRACTUELS],
        M.PILOTE,
        "Une semaine dans un musée, une bibliothèque ou un service d'archives pour les agents de "
        "l'administration centrale qui envisagent une mobilité.",
    ),
    dispositif(
        "mtfp-dgafp",
        "Talent Exchange : mises à disposition croisées entre administrations",
        K_.IMMERSION,
        [B.MOBILITE, B.EVOLUTION_PROFESSIONNELLE],
        [P.CATEGORIE_A, P.CATEGORIE_B],
        M.PILOTE,
        "Inspiré du programme fédéral belge : un agent travaille quelques mois pour une autre "
        "administration, son salaire restant pris en charge par son employeur, les frais par l'accueil.",
        description="Points d'attention retenus pour le pilote : préparer le retour dès le départ, "
        "inventorier les fonctions critiques de chaque service, et fixer un cliquet du nombre d'agents "
        "d'un même service absents en même temps.",
        access="Candidature de l'agent avec l'accord de son service ; appariement par la DGAFP.",
        contact="fabrique-rh@finances.gouv.fr",
        is_model=True,
    ),
    dispositif(
        "mtfp-dgafp",
        "Parcours de formation en ligne des conseillers mobilité-carrière",
        K_.FORMATION,
        [B.EVOLUTION_PROFESSIONNELLE],
        [P.CATEGORIE_A, P.CATEGORIE_B],
        M.DEPLOYE,
        "Cinq modules en ligne pour les conseillers : posture, entretien, outils, réseau, suivi des agents.",
        links=["https://mentor.gouv.fr/"],
    ),
    dispositif(
        "pfrh-hdf",
        "Club interministériel des conseillers mobilité-carrière",
        K_.RESEAU_ENTRAIDE,
        [B.MOBILITE, B.EVOLUTION_PROFESSIONNELLE],
        A_B_C,
        M.DEPLOYE,
        "Les conseillers des administrations de la région se retrouvent chaque trimestre pour partager les "
        "offres, les cas difficiles et les bonnes pratiques.",
    ),
    dispositif(
        "pfrh-pdl",
        "Bourse régionale aux immersions",
        K_.IMMERSION,
        [B.MOBILITE, B.RECONVERSION],
        [*A_B_C, P.CONTRACTUELS],
        M.PILOTE,
        "Les services de l'État en région publient des offres d'immersion de quelques jours ; la plateforme "
        "organise les conventions.",
        model_of="Découvre mon poste",
    ),
    dispositif(
        "pfrh-na",
        "Codéveloppement entre pairs pour les managers",
        K_.RESEAU_ENTRAIDE,
        [B.EVOLUTION_PROFESSIONNELLE],
        [P.CATEGORIE_A],
        M.DEPLOYE,
        "Des groupes de codéveloppement de six managers de différents ministères, six séances par an.",
    ),
    dispositif(
        "cnrs",
        "Accompagnement des ingénieurs vers d'autres métiers de la recherche",
        K_.ACCOMPAGNEMENT_PERSONNALISE,
        [B.MOBILITE, B.EVOLUTION_PROFESSIONNELLE],
        [P.CATEGORIE_A, P.CONTRACTUELS],
        M.DEPLOYE,
        "Entretiens de carrière et mobilités entre laboratoires pour les ingénieurs et techniciens.",
    ),
    dispositif(
        "vnf",
        "Passerelle vers les métiers de la maintenance fluviale",
        K_.RECONVERSION_PASSERELLE,
        [B.RECONVERSION],
        [P.CATEGORIE_C, P.INAPTITUDE],
        M.EN_PROJET,
        "Un parcours de formation qualifiante pour les agents d'exploitation qui ne peuvent plus tenir leur "
        "poste, vers la maintenance des ouvrages.",
    ),
    dispositif(
        "ign",
        "Découvre mon poste à l'IGN",
        K_.IMMERSION,
        [B.MOBILITE],
        [*A_B_C, P.CONTRACTUELS],
        M.EN_PROJET,
        "Adaptation du vivier d'agents volontaires du ministère de la Justice aux métiers de la géomatique.",
        model_of="Découvre mon poste",
    ),
    dispositif(
        "louvre",
        "Mentorat des agents d'accueil et de surveillance",
        K_.TUTORAT_MENTORAT,
        [B.EVOLUTION_PROFESSIONNELLE],
        [P.CATEGORIE_C, P.NOUVEAUX_ARRIVANTS],
        M.PILOTE,
        "Des agents expérimentés accompagnent les nouveaux agents d'accueil et de surveillance et les "
        "aident à préparer les concours internes.",
    ),
]
