"""Who sees which workshop, registration and booklet, and who may do what with them.

Views fetch every object through these querysets, so a workshop in draft or another organisation's
registration answers 404; the predicates are checked again by the services.
"""

from django.db.models import Exists, OuterRef

from accompagnement.models import Adhesion, Organisation, User
from accompagnement.permissions import is_staff
from ateliers.enums import Acteur, AtelierStatus, InscriptionStatus
from ateliers.models import Atelier, Inscription, Intervenant, Rapporteur
from fabrique.core.enums import DocumentStatus


def organisations_of(user):
    """The organisations `user` is an active member of."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(adhesions__user=user, adhesions__active=True).distinct()


def is_member(user):
    return is_staff(user) or Adhesion.objects.actives().filter(user=user).exists()


def ateliers_visible_to(user):
    """Members see every workshop but drafts; staff see them all."""
    if is_staff(user):
        return Atelier.objects.all()
    return Atelier.objects.publies()


def inscriptions_visible_to(user):
    """A member sees their own registrations and those of their organisations; staff see all."""
    if is_staff(user):
        return Inscription.objects.all()
    return Inscription.objects.filter(
        atelier__in=Atelier.objects.publies(), organisation__in=organisations_of(user)
    ) | Inscription.objects.filter(user=user)


def colleagues_of(user):
    """Active accounts sharing an organisation with `user` (who they may register), themselves excluded."""
    return (
        User.objects.filter(
            is_active=True,
            adhesions__active=True,
            adhesions__organisation__in=organisations_of(user),
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("last_name", "first_name")
    )


def shared_organisation(by, user):
    """The organisation through which `by` may register `user` (themselves or a colleague), or None."""
    return (
        Organisation.objects.filter(adhesions__user=user, adhesions__active=True)
        .filter(pk__in=organisations_of(by).values("pk"))
        .order_by("name")
        .first()
    )


def can_register(by, user):
    """A member registers themselves or a colleague of their own organisation; staff register anyone."""
    if not (by.is_authenticated and by.is_active and user.is_active):
        return False
    return is_staff(by) or shared_organisation(by, user) is not None


def can_cancel(by, inscription):
    """The person registered, a colleague of the organisation they registered with, or staff."""
    if is_staff(by) or inscription.user_id == by.pk:
        return True
    return organisations_of(by).filter(pk=inscription.organisation_id).exists()


def inscription_roles(user, inscription):
    """The roles `user` holds on a registration (the workflow's map says what each may do)."""
    if not (user.is_authenticated and user.is_active):
        return set()
    if is_staff(user):
        return {Acteur.ANIMATION}
    if inscription.user_id == user.pk:
        return {Acteur.PARTICIPANT}
    if organisations_of(user).filter(pk=inscription.organisation_id).exists():
        return {Acteur.COLLEGUE}
    return set()


def can_see_participants(user, atelier):
    """The participant list is for members of the network (and staff), never for drafts."""
    if is_staff(user):
        return True
    return atelier.status != AtelierStatus.BROUILLON and is_member(user)


def can_manage(user):
    """Check-in, sign-in sheet, exports, status and capacity, and the booklets (capture, generate,
    preview, publish, spread): DGAFP staff only (`accompagnement.permissions.is_staff`: `is_staff` and the
    « animer le réseau » permission)."""
    return is_staff(user)


# The booklet's buttons in the admin (admin_livret): the staff predicate and the booklet versions' Django
# permission, as every admin page asks.


def can_generate_livret(user):
    """Ask for a new version (Générer)."""
    return can_manage(user) and user.has_perm("ateliers.add_livret")


def can_preview_livret(user):
    """The current content rendered (HTML, PDF) and any ready version's file, published or not."""
    return can_manage(user) and user.has_perm("ateliers.view_livret")


def can_publish_livret(user):
    """Publish a version (participants are told) and spread it to the network."""
    return can_manage(user) and user.has_perm("ateliers.change_livret")


def can_edit_content(user, atelier_id):
    """Staff, and the rapporteurs staff named for this workshop, write its booklet's content."""
    if not (user.is_authenticated and user.is_active):
        return False
    return is_staff(user) or Rapporteur.objects.filter(atelier_id=atelier_id, user=user).exists()


def is_participant(user, atelier_id):
    """A confirmed registration to the workshop (present or not: the booklet is for everyone invited),
    or a speaker with an account on one of its séquences. One query (EXISTS)."""
    registered = Inscription.objects.filter(
        atelier=OuterRef("pk"), user=user, status=InscriptionStatus.INSCRIT
    )
    speaking = Intervenant.objects.filter(sequences__atelier=OuterRef("pk"), user=user)
    return Atelier.objects.filter(pk=atelier_id).filter(Exists(registered) | Exists(speaking)).exists()


def can_download(user, livret):
    """The booklet's published version: staff, the workshop's participants and speakers, every member
    once spread."""
    if not (user.is_authenticated and livret.published and livret.status == DocumentStatus.PRET):
        return False
    if is_staff(user) or is_participant(user, livret.atelier_id):
        return True
    return livret.diffuse_reseau and is_member(user)
