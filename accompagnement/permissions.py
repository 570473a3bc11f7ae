"""Who sees and changes what in the network. Every view and the admin go through these functions.

- Every logged-in member reads the directory and the whole catalogue (active organisations only).
- A lead (tête de réseau or représentant) manages the schemes of the organisations they belong to, and
  those of the directions and services under them.
- DGAFP staff manage everything: `is_staff` with the « animer le réseau » permission, which the groups
  « Animateur DGAFP » and « Administrateur » carry (accompagnement.roles). `is_staff` alone opens the admin's
  door, not the staff's pages.
- Staff accounts, passwords and rights are an administrator's (GERER_COMPTES_PERSONNEL); a superuser's
  account, a superuser's only.
"""

from django.db.models import Q

from accompagnement.enums import Role
from accompagnement.models import Adhesion, Dispositif, Organisation
from accompagnement.roles import ANIMER_RESEAU, GERER_COMPTES_PERSONNEL

LEAD_ROLES = [Role.TETE_DE_RESEAU, Role.REPRESENTANT]


def is_staff(user):
    """DGAFP staff who run the network: the one predicate of the staff's pages and actions on the site
    (ateliers and immersions ask it too). Django caches the permissions on the user for the request."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and user.has_perm(ANIMER_RESEAU))


def can_manage_staff_accounts(user):
    """Administrators (and superusers): other staff accounts, every password set in the admin, rights."""
    return bool(
        user.is_authenticated and user.is_active and user.is_staff and user.has_perm(GERER_COMPTES_PERSONNEL)
    )


def can_change_account(user, account):
    """Whether `user` (who may change accounts at all) may change `account`: a member's, their own, or,
    for an administrator, another staff member's; a superuser's stays with superusers."""
    if account.is_superuser and not user.is_superuser:
        return False
    if account.is_staff and account.pk != user.pk:
        return can_manage_staff_accounts(user)
    return True


def accounts_changeable_by(user, queryset):
    """The accounts of `queryset` that `user` may change (`can_change_account`), for bulk actions."""
    if not user.is_superuser:
        queryset = queryset.filter(is_superuser=False)
    if not can_manage_staff_accounts(user):
        queryset = queryset.filter(Q(is_staff=False) | Q(pk=user.pk))
    return queryset


def organisations_visible_to(user):
    if not user.is_authenticated:
        return Organisation.objects.none()
    if is_staff(user):
        return Organisation.objects.all()
    return Organisation.objects.actives()


def dispositifs_visible_to(user):
    if not user.is_authenticated:
        return Dispositif.objects.none()
    if is_staff(user):
        return Dispositif.objects.all()
    return Dispositif.objects.filter(organisation__active=True)


def managed_organisation_ids(user):
    """Ids of the organisations whose schemes `user` may create and edit (their own and the ones below)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if getattr(user, "_managed_organisation_ids", None) is None:
        own = Adhesion.objects.actives().filter(user=user, role__in=LEAD_ROLES, organisation__active=True)
        user._managed_organisation_ids = set(
            Organisation.objects.actives()
            .filter(Q(adhesions__in=own) | Q(parent__adhesions__in=own))
            .values_list("pk", flat=True)
        )
    return user._managed_organisation_ids


def organisations_managed_by(user):
    if is_staff(user):
        return Organisation.objects.actives()
    return Organisation.objects.filter(pk__in=managed_organisation_ids(user))


def dispositifs_editable_by(user):
    if is_staff(user):
        return Dispositif.objects.all()
    return Dispositif.objects.filter(organisation_id__in=managed_organisation_ids(user))


def can_propose_dispositif(user):
    return is_staff(user) or bool(managed_organisation_ids(user))


def can_propose_for(user, organisation):
    """Whether `user` may propose a scheme for `organisation` (its page shows the button)."""
    return is_staff(user) or organisation.pk in managed_organisation_ids(user)


def can_edit_dispositif(user, dispositif):
    return is_staff(user) or dispositif.organisation_id in managed_organisation_ids(user)


def adopting_organisations(user, dispositif):
    """The organisations `user` may adopt `dispositif` for: managed, not its owner, not adopted yet."""
    if not dispositif.is_model:
        return Organisation.objects.none()
    return (
        organisations_managed_by(user)
        .exclude(pk=dispositif.organisation_id)
        .exclude(dispositifs__model_of=dispositif)
    )


def can_adopt_dispositif(user, dispositif):
    return dispositif.is_model and adopting_organisations(user, dispositif).exists()


def can_manage_members(user):
    return is_staff(user)
