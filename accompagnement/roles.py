"""The DGAFP staff's two roles, as Django groups, and the permissions each carries.

- « Animateur DGAFP » runs the network: the programme, workshops, registrations (and their imports),
  booklets (capture, generate, preview, publish, spread, any version's file), speakers, the follow-up of
  immersions and Talent Exchange agreements, organisations, schemes and members (invite, deactivate,
  reactivate, resend an invitation; never another staff account). It deletes only the parts of a
  workshop's content it writes (séquences, booklet blocks, rapporteurs, list headings).
- « Administrateur » holds every permission of the site's apps: on top of the animator's, the staff's
  accounts, passwords and rights (`is_staff`, groups, permissions), deletions, the charter, the DSFR site
  settings, email addresses and second factors.

A superuser has every right; only a superuser changes a superuser's account or makes one. Site pages ask
`accompagnement.permissions.is_staff` (`is_staff` and ANIMER_RESEAU), the admin asks Django's permissions.

The groups are this table: a migration seeds them (accompagnement 0007); a change of the table comes with a
migration that calls `sync_roles` again (`ensure_roles` makes them again where a database lost them).
README « Rôles du personnel » shows the same table to people.
"""

from django.apps import apps as global_apps
from django.db.models import Q

ANIMATEUR = "Animateur DGAFP"
ADMINISTRATEUR = "Administrateur"

# Custom permissions, declared on accompagnement.User's Meta.
ANIMER_RESEAU = "accompagnement.animer_reseau"
GERER_COMPTES_PERSONNEL = "accompagnement.gerer_comptes_personnel"

VIEW = ("view",)
FOLLOW = ("view", "change")
RUN = ("view", "add", "change")
WRITE = ("view", "add", "change", "delete")

# What an animator may do, per model (Django's default permissions: view, add, change, delete).
ANIMATEUR_MODELS = {
    # The network. Members: `add` invites, `change` edits, deactivates, reactivates, resends the invitation
    # (members only: another staff account needs GERER_COMPTES_PERSONNEL); `view` exports.
    "accompagnement.user": RUN,
    "accompagnement.organisation": RUN,
    "accompagnement.adhesion": RUN,
    "accompagnement.dispositif": RUN,
    "accompagnement.charte": VIEW,
    "accompagnement.acceptationcharte": VIEW,
    # Workshops: the programme, the running order, speakers, registrations (`add`: the participants'
    # import), presence and the waiting list (`change`), reminders sent.
    "ateliers.programme": RUN,
    "ateliers.atelier": RUN,
    "ateliers.ateliertransition": VIEW,
    "ateliers.sequence": WRITE,
    "ateliers.intervenant": RUN,
    "ateliers.inscription": RUN,
    "ateliers.inscriptiontransition": VIEW,
    "ateliers.relance": VIEW,
    # Booklets: the content staff capture, rapporteurs, lists' headings; versions (`add`: generate,
    # `change`: publish and spread, `view`: preview and download any version).
    "ateliers.atelierlivret": FOLLOW,
    "ateliers.sequencelivret": FOLLOW,
    "ateliers.contenusequence": WRITE,
    "ateliers.question": WRITE,
    "ateliers.reponse": WRITE,
    "ateliers.contribution": WRITE,
    "ateliers.groupetravail": WRITE,
    "ateliers.constat": WRITE,
    "ateliers.ressource": WRITE,
    "ateliers.rapporteur": WRITE,
    "ateliers.reglageslivret": RUN,
    "ateliers.reglageannexe": WRITE,
    "ateliers.rubriqueannexe": WRITE,
    "ateliers.livret": RUN,
    "ateliers.livrettransition": VIEW,
    "ateliers.attestation": VIEW,
    "ateliers.lienlivret": VIEW,
    # Immersions and Talent Exchange: the follow-up (statuses move on the site, through the workflow).
    "immersions.immersion": FOLLOW,
    "immersions.bilan": RUN,
    "immersions.immersiontransition": VIEW,
    "immersions.echangetalent": FOLLOW,
    "immersions.echangetransition": VIEW,
    "immersions.fonctioncritique": RUN,
    "immersions.derogation": VIEW,
    "immersions.document": VIEW,
    "immersions.relance": VIEW,
}
ANIMATEUR_EXTRA = [ANIMER_RESEAU]

# An administrator holds every permission of these apps (those installed), the custom ones included.
ADMINISTRATEUR_APPS = [
    "accompagnement",
    "ateliers",
    "immersions",
    "auth",
    "dsfr",
    "account",
    "mfa",
    "socialaccount",
]


def sync_roles(apps=global_apps):
    """Create the two groups if missing and set their permissions to the table's; {name: group}.

    `apps` is a migration's historical registry or the live one (tests after a flush, the demo). A model
    the registry does not know yet (a later migration creates it) is skipped; a permission missing for a
    known model is an error: the permissions must exist (`create_permissions`) before this runs."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {tuple(name.split(".")) for name in ANIMATEUR_EXTRA}
    for label, actions in ANIMATEUR_MODELS.items():
        try:
            apps.get_model(label)
        except LookupError:
            continue  # created by a later migration: the one that changes the table syncs again
        app_label, model = label.split(".")
        wanted |= {(app_label, f"{action}_{model}") for action in actions}
    lookup = Q()
    for app_label, codename in wanted:
        lookup |= Q(content_type__app_label=app_label, codename=codename)
    animateur = list(Permission.objects.filter(lookup).select_related("content_type"))
    if missing := wanted - {(p.content_type.app_label, p.codename) for p in animateur}:
        raise LookupError(f"Permissions introuvables pour le rôle {ANIMATEUR} : {sorted(missing)}")
    groups = {}
    for name, permissions in [
        (ANIMATEUR, animateur),
        (ADMINISTRATEUR, Permission.objects.filter(content_type__app_label__in=ADMINISTRATEUR_APPS)),
    ]:
        groups[name], _ = Group.objects.get_or_create(name=name)
        groups[name].permissions.set(permissions)
    return groups


def ensure_roles():
    """The two groups, {name: group}; made again from the table when the database lost them (a test's
    flush, a demo database emptied by hand). Existing groups are left as they are."""
    Group = global_apps.get_model("auth", "Group")
    groups = {group.name: group for group in Group.objects.filter(name__in=[ANIMATEUR, ADMINISTRATEUR])}
    return groups if len(groups) == 2 else sync_roles()
