"""Every admin URL and action × four roles: a participant (a member with a registration), a lead (tête de
réseau), an animator (« Animateur DGAFP ») and an administrator (« Administrateur », not a superuser).

What each role may do is declared below, page by page; the test walks `admin.site` (every ModelAdmin's
URLs from `get_urls()`, every action from `get_actions()`, the site's own pages), requests each one with
real objects made by the factories, and compares. A URL, an action or a model missing from the
declaration fails the test: a new admin page comes with its rights. Every request runs in a savepoint
rolled back afterwards, so a deletion or an action leaves the next request the same objects.
"""

from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from dsfr.models import DsfrConfig

from accompagnement import roles
from accompagnement.enums import Role
from accompagnement.models import AcceptationCharte, Adhesion
from ateliers.enums import SequenceKind
from ateliers.livret.models import AtelierLivret, SequenceLivret
from ateliers.models import GroupeTravail, Livret, Question, ReglageAnnexe
from ateliers.models import Relance as RappelAtelier
from fabrique.core.enums import DocumentStatus
from immersions.enums import DocumentKind, RelanceKind
from immersions.models import Derogation, Document
from immersions.models import Relance as RelanceImmersion
from tests.accompagnement.factories import (
    AdhesionFactory,
    CharteFactory,
    DispositifFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.ateliers.factories import AtelierFactory
from tests.ateliers.livret_factories import make_booklet_atelier
from tests.immersions.factories import EchangeFactory, FonctionCritiqueFactory, ImmersionFactory

pytestmark = pytest.mark.django_db

PARTICIPANT, LEAD, ANIMATEUR, ADMINISTRATEUR = "participant", "tête de réseau", "animateur", "administrateur"
ROLES = [PARTICIPANT, LEAD, ANIMATEUR, ADMINISTRATEUR]
NOBODY = frozenset()
STAFF = frozenset({ANIMATEUR, ADMINISTRATEUR})
ADMIN = frozenset({ADMINISTRATEUR})


def rights(view=STAFF, add=STAFF, change=STAFF, delete=ADMIN):
    """Who may see, add, change and delete a model's rows in the admin."""
    return {"view": view, "add": add, "change": change, "delete": delete}


ADMIN_ONLY = rights(view=ADMIN, add=ADMIN, change=ADMIN, delete=ADMIN)
FOLLOW_UP = rights(add=ADMIN)  # rows that the site's workflow creates: staff follow them, change some fields
RECORD = rights(add=NOBODY, change=ADMIN)  # what was granted, rendered or sent: staff read it

# Per registered model. NOBODY where the ModelAdmin itself closes a door (a booklet version is immutable,
# a registration comes from the site or the import...), superusers included.
MODELS = {
    "accompagnement.user": rights(),  # a member's account; another staff account: TARGETS below
    "accompagnement.organisation": rights(),
    "accompagnement.adhesion": rights(),
    "accompagnement.dispositif": rights(),
    "accompagnement.charte": rights(add=ADMIN, change=ADMIN),
    "accompagnement.acceptationcharte": rights(add=NOBODY, change=NOBODY),
    "ateliers.programme": rights(),
    "ateliers.atelier": rights(),
    "ateliers.intervenant": rights(),
    "ateliers.inscription": rights(add=NOBODY),
    "ateliers.relance": rights(add=NOBODY, change=ADMIN),
    "ateliers.reglageannexe": rights(delete=STAFF),
    "ateliers.sequencelivret": rights(add=NOBODY, delete=NOBODY),
    "ateliers.question": rights(add=NOBODY, delete=STAFF),
    "ateliers.groupetravail": rights(add=NOBODY, delete=STAFF),
    "ateliers.atelierlivret": rights(add=NOBODY, delete=NOBODY),
    "ateliers.livret": rights(add=NOBODY, change=NOBODY, delete=NOBODY),
    "immersions.immersion": FOLLOW_UP,
    "immersions.echangetalent": FOLLOW_UP,
    "immersions.fonctioncritique": rights(),
    "immersions.derogation": RECORD,
    "immersions.document": RECORD,
    "immersions.relance": RECORD,
    # Rights, site settings, and the rows that let whoever edits them into an account.
    "auth.group": ADMIN_ONLY,
    "dsfr.dsfrconfig": ADMIN_ONLY,
    "account.emailaddress": ADMIN_ONLY,
    "mfa.authenticator": ADMIN_ONLY,
    "socialaccount.socialapp": ADMIN_ONLY,
    "socialaccount.socialaccount": ADMIN_ONLY,
    "socialaccount.socialtoken": ADMIN_ONLY,
}
# Object pages requested with more than one row: {model: {target: rights overriding the model's}}.
TARGETS = {"accompagnement.user": {"membre": {}, "personnel": {"change": ADMIN}}}

# Custom URLs of the ModelAdmins (get_urls): method(s), who, and the object of their argument, if any.


@dataclass(frozen=True)
class Custom:
    methods: tuple
    allowed: frozenset
    arg: str = ""  # "target": the model's row of each TARGETS entry; else a name of the world's


CUSTOM = {
    "accompagnement_user_invite": Custom(("GET", "POST"), STAFF),
    "accompagnement_user_import": Custom(("GET",), STAFF),
    "accompagnement_user_process_import": Custom(("POST",), STAFF),
    "accompagnement_user_export": Custom(("GET", "POST"), STAFF),
    # Django's password page sets a password without the current one: any account's, administrators only.
    "auth_user_password_change": Custom(("GET", "POST"), ADMIN, "target"),
    "ateliers_inscription_import": Custom(("GET",), STAFF),
    "ateliers_inscription_process_import": Custom(("POST",), STAFF),
    "ateliers_inscription_import_preview": Custom(("GET",), STAFF),
    "ateliers_inscription_create_direction": Custom(("POST",), STAFF),
    "ateliers_livret_generer": Custom(("POST",), STAFF, "atelier"),
    "ateliers_livret_apercu_html": Custom(("GET",), STAFF, "atelier"),
    "ateliers_livret_apercu_pdf": Custom(("GET",), STAFF, "atelier"),
    "ateliers_livret_publier": Custom(("POST",), STAFF, "livret"),
    "ateliers_livret_diffuser": Custom(("POST",), STAFF, "livret"),
    "ateliers_livret_fichier": Custom(("GET",), STAFF, "livret"),
}

# Actions of the changelists (get_actions), POSTed on one row; `delete_selected` follows the model's delete.
ACTIONS = {
    "accompagnement.user": {
        "deactivate": STAFF,
        "reactivate": STAFF,
        "resend_invitation": STAFF,
        "export_admin_action": STAFF,
    },
    "ateliers.inscription": {"promote": STAFF, "mark_present": STAFF, "mark_absent": STAFF, "cancel": STAFF},
    "ateliers.atelierlivret": {
        "action_generer": STAFF,
        "action_apercu_html": STAFF,
        "action_apercu_pdf": STAFF,
    },
    "ateliers.livret": {"action_publier": STAFF, "action_diffuser": STAFF},
    "account.emailaddress": {"make_verified": ADMIN},
}

# The admin site's own pages. The login page is everyone's and logging out would end the test's session:
# neither is requested.
SITE = {
    "index": STAFF,
    "password_change": STAFF,  # one's own password, the current one asked
    "password_change_done": STAFF,
    "autocomplete": STAFF,
    "jsi18n": STAFF,
    "view_on_site": STAFF,
}
NOT_REQUESTED = {"login", "logout"}
APP_LIST = {
    "accompagnement": STAFF,
    "ateliers": STAFF,
    "immersions": STAFF,
    "auth": ADMIN,
    "dsfr": ADMIN,
    "account": ADMIN,
    "mfa": ADMIN,
    "socialaccount": ADMIN,
}

STANDARD = {"changelist", "add", "change", "delete", "history"}
ALLOWED, REFUSED = "permis", "refusé"


def build_world():
    """One row of every registered model (two accounts: a member's and another staff member's), and the
    objects the custom URLs name."""
    dgafp = OrganisationFactory(name="Direction générale de l'administration et de la fonction publique")
    direction = OrganisationFactory(parent=OrganisationFactory(ministere=True))
    atelier = make_booklet_atelier(participants=2, organisations=1)
    inscription = atelier.inscriptions.select_related("user").first()
    member = inscription.user
    colleague = AdhesionFactory(organisation=dgafp, role=Role.ANIMATEUR_DGAFP, user__is_staff=True).user
    livret = Livret.objects.create(atelier=atelier, version=1, status=DocumentStatus.PRET)
    livret.file.save("livret-v1.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    fonction = FonctionCritiqueFactory()
    immersion = ImmersionFactory()
    echange = EchangeFactory(fonction_critique=fonction)
    app = SocialApp.objects.create(
        provider="openid_connect", provider_id="proconnect-test", name="ProConnect"
    )
    identity = SocialAccount.objects.create(user=colleague, provider="proconnect-test", uid="agent-colleague")
    objects = {
        "accompagnement.user": {"membre": member, "personnel": colleague},
        "accompagnement.organisation": direction,
        "accompagnement.adhesion": Adhesion.objects.get(user=member),
        "accompagnement.dispositif": DispositifFactory(organisation=direction),
        "accompagnement.charte": CharteFactory(published_at=None),
        "accompagnement.acceptationcharte": AcceptationCharte.objects.filter(user=member).first(),
        "ateliers.programme": atelier.programme,
        # A workshop without booklet versions: a version is never deleted, nor the workshop that has one.
        "ateliers.atelier": AtelierFactory(brouillon=True),
        "ateliers.intervenant": atelier.sequences.first().intervenants.first(),
        "ateliers.inscription": inscription,
        "ateliers.relance": RappelAtelier.objects.create(inscription=inscription),
        "ateliers.reglageannexe": ReglageAnnexe.objects.create(atelier=atelier),
        "ateliers.sequencelivret": SequenceLivret.objects.filter(atelier=atelier).first(),
        "ateliers.question": Question.objects.filter(sequence__atelier=atelier).first(),
        "ateliers.groupetravail": GroupeTravail.objects.filter(sequence__atelier=atelier).first(),
        "ateliers.atelierlivret": AtelierLivret.objects.get(pk=atelier.pk),
        "ateliers.livret": livret,
        "immersions.immersion": immersion,
        "immersions.echangetalent": echange,
        "immersions.fonctioncritique": fonction,
        "immersions.derogation": Derogation.objects.create(
            echange=echange, fonction=fonction, granted_by=member, reason="Continuité du service assurée."
        ),
        "immersions.document": Document.objects.create(kind=DocumentKind.SYNTHESE, immersion=immersion),
        "immersions.relance": RelanceImmersion.objects.create(kind=RelanceKind.BILAN_DU, immersion=immersion),
        "auth.group": Group.objects.get(name=roles.ANIMATEUR),
        "dsfr.dsfrconfig": DsfrConfig.objects.first(),
        "account.emailaddress": EmailAddress.objects.get(user=colleague),
        "mfa.authenticator": Authenticator.objects.filter(user=colleague).first(),
        "socialaccount.socialapp": app,
        "socialaccount.socialaccount": identity,
        "socialaccount.socialtoken": SocialToken.objects.create(app=app, account=identity, token="jeton"),
    }
    assert atelier.sequences.filter(kind=SequenceKind.DEBAT).exists()
    return {"objects": objects, "atelier": atelier, "livret": livret, "organisation": direction}


def role_user(role, world):
    if role == PARTICIPANT:
        return world["objects"]["accompagnement.user"]["membre"]  # registered to the workshop
    if role == LEAD:
        return AdhesionFactory(organisation=world["organisation"], role=Role.TETE_DE_RESEAU).user
    staff_role = roles.ANIMATEUR if role == ANIMATEUR else roles.ADMINISTRATEUR
    return AdhesionFactory(role=Role.ANIMATEUR_DGAFP, user__is_staff=True, user__staff_role=staff_role).user


def targets(label, objects):
    """[(target name, row, rights)] of a model's object pages."""
    row = objects[label]
    if label in TARGETS:
        return [(name, row[name], {**MODELS[label], **TARGETS[label][name]}) for name in TARGETS[label]]
    return [("", row, MODELS[label])]


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    allowed: frozenset
    name: str
    data: dict | None = None
    action: bool = False


PASSWORDS = {"password1": "Motdepasse-pris-2026", "password2": "Motdepasse-pris-2026"}


def object_requests(label, info, names, objects):
    """The pages of each target row: change form, history, deletion, and the custom URLs about it."""
    for target, row, rights_ in targets(label, objects):
        name, args = f"{label} {target}".strip(), [row.pk]
        seen = rights_["view"] | rights_["change"]
        yield Request("GET", reverse(f"admin:{info}_change", args=args), seen, f"{name} fiche")
        yield Request(
            "POST", reverse(f"admin:{info}_change", args=args), rights_["change"], f"{name} fiche", {}
        )
        yield Request("GET", reverse(f"admin:{info}_history", args=args), seen, f"{name} historique")
        delete = reverse(f"admin:{info}_delete", args=args)
        yield Request("GET", delete, rights_["delete"], f"{name} suppression")
        yield Request("POST", delete, rights_["delete"], f"{name} suppression", {"post": "yes"})
        for url_name, custom in CUSTOM.items():
            if custom.arg == "target" and url_name in names:
                url = reverse(f"admin:{url_name}", args=args)
                for method in custom.methods:
                    yield Request(method, url, custom.allowed, f"{name} {url_name}", PASSWORDS)


def requests_of(model_admin, world, superuser_request):
    """Every request of one ModelAdmin; a URL or an action missing from the declarations fails."""
    opts = model_admin.model._meta
    label, info = opts.label_lower, f"{opts.app_label}_{opts.model_name}"
    assert label in MODELS, f"{label} : droits non déclarés (MODELS)"
    objects, model_rights = world["objects"], MODELS[label]
    names = [pattern.name for pattern in model_admin.get_urls() if pattern.name]
    for name in names:
        standard = name.removeprefix(f"{info}_") in STANDARD and name.startswith(f"{info}_")
        assert standard or name in CUSTOM, f"admin:{name} : droits non déclarés (CUSTOM)"
    changelist, add = reverse(f"admin:{info}_changelist"), reverse(f"admin:{info}_add")
    yield Request("GET", changelist, model_rights["view"], f"{label} liste")
    yield Request("GET", add, model_rights["add"], f"{label} ajout")
    yield Request("POST", add, model_rights["add"], f"{label} ajout", {})
    yield from object_requests(label, info, names, objects)
    for url_name in names:
        custom = CUSTOM.get(url_name)
        if custom is not None and custom.arg != "target":
            url = reverse(f"admin:{url_name}", args=[world[custom.arg].pk] if custom.arg else [])
            for method in custom.methods:
                yield Request(method, url, custom.allowed, url_name, {})
    declared = ACTIONS.get(label, {})
    for action in model_admin.get_actions(superuser_request):
        if action == "delete_selected":
            allowed = model_rights["delete"]
        else:
            assert action in declared, f"{label}, action {action} : droits non déclarés (ACTIONS)"
            allowed = declared[action]
        data = {"action": action, "_selected_action": [targets(label, objects)[0][1].pk]}
        yield Request("POST", changelist, allowed, f"{label} action {action}", data, action=True)


def site_requests(world):
    organisation = world["organisation"]
    content_type = ContentType.objects.get_for_model(organisation)
    autocomplete = "?app_label=accompagnement&model_name=dispositif&field_name=organisation&term="
    urls = {
        "index": reverse("admin:index"),
        "password_change": reverse("admin:password_change"),
        "password_change_done": reverse("admin:password_change_done"),
        "jsi18n": reverse("admin:jsi18n"),
        "view_on_site": reverse("admin:view_on_site", args=[content_type.pk, organisation.pk]),
        "autocomplete": reverse("admin:autocomplete") + autocomplete,
    }
    for name, url in urls.items():
        yield Request("GET", url, SITE[name], name)
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        assert app_label in APP_LIST, f"application {app_label} : droits non déclarés (APP_LIST)"
        yield Request("GET", reverse("admin:app_list", args=[app_label]), APP_LIST[app_label], app_label)


def test_every_admin_url_is_declared():
    """The site's own URLs: a new one (a custom AdminSite view) needs its line in SITE."""
    names = {pattern.name for pattern in admin.site.get_urls() if getattr(pattern, "name", None)}
    assert names - NOT_REQUESTED - {"app_list"} == set(SITE)


def outcome(response, *, action=False):
    """ALLOWED or REFUSED, and what answered: a 403, a 404, the admin's login page (not staff), the admin's
    index with a warning (« … does not exist »: a row the user may not see) or, for an action, the changelist
    shown again without running it, is a refusal."""
    answer = f"{response.status_code} {response.get('Location', '')}".strip()
    said = list(get_messages(response.wsgi_request))  # this request's only: `attempt` drops the others
    if response.status_code in (403, 404):
        return REFUSED, answer
    if response.status_code == 302:
        assert "/2fa/" not in response.url, f"second facteur demandé : {response.url}"
        assert not response.url.startswith(reverse("account_login")), f"session perdue : {response.url}"
        if response.url.startswith(reverse("admin:login")):
            return REFUSED, answer
        if response.url == reverse("admin:index") and any(m.level == messages.WARNING for m in said):
            return REFUSED, answer
    assert response.status_code in (200, 302), answer
    if action:
        with translation.override("fr"):
            no_action = translation.gettext("No action selected.")
        if any(str(message) == no_action for message in said):
            return REFUSED, answer
        if response.context is not None and "cl" in response.context:
            return REFUSED, answer  # no action offered at all: the changelist again
    return ALLOWED, answer


def attempt(client, request):
    """The request's outcome; whatever it wrote is rolled back, the session included (setting a password
    in the admin gives the session a new key, whose row the rollback removes: the old one is put back)."""
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.cookies.pop("messages", None)  # no message left unread by the previous request
    with transaction.atomic():
        if request.method == "POST":
            response = client.post(request.url, request.data)
        else:
            response = client.get(request.url)
        if response.streaming:
            b"".join(response.streaming_content)  # read to the end, which closes a download's file
        result = outcome(response, action=request.action)
        transaction.set_rollback(True)
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    return result


@pytest.mark.parametrize("role", ROLES)
def test_admin_permission_matrix(client, role):
    world = build_world()
    superuser_request = RequestFactory().get("/admin/")
    superuser_request.user = UserFactory(is_staff=True, is_superuser=True)  # every action offered
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert set(MODELS) == registered, "MODELS déclare exactement les modèles inscrits dans l'administration"
    requests = list(site_requests(world))
    for model_admin in admin.site._registry.values():
        requests += list(requests_of(model_admin, world, superuser_request))
    client.force_login(role_user(role, world))
    unexpected = {"succès inattendus": [], "refus inattendus": []}
    for request in requests:
        got, answer = attempt(client, request)
        if got != (ALLOWED if role in request.allowed else REFUSED):
            kind = "succès inattendus" if got == ALLOWED else "refus inattendus"
            unexpected[kind].append(f"{request.method} {request.url} ({request.name}) : {answer}")
    assert len(requests) > 250
    report = "\n".join(f"{kind} :\n  " + "\n  ".join(lines) for kind, lines in unexpected.items() if lines)
    assert not report, f"rôle {role}\n{report}"
