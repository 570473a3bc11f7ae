"""The DGAFP staff's two roles (accompagnement.roles): seeded by a migration, and the one staff predicate of
the site's pages (`is_staff` and the « animer le réseau » permission)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accompagnement import permissions, roles
from accompagnement.models import User
from ateliers import permissions as ateliers_permissions
from fabrique.core import demo
from immersions import permissions as immersions_permissions
from tests.accompagnement.factories import UserFactory
from tests.ateliers.factories import AtelierFactory

pytestmark = pytest.mark.django_db


def granted(name):
    group = Group.objects.get(name=name)
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_roles_seeded_by_the_migration_as_the_table_says():
    seeded = {name: granted(name) for name in [roles.ANIMATEUR, roles.ADMINISTRATEUR]}
    roles.sync_roles()
    assert seeded == {name: granted(name) for name in seeded}
    assert {roles.ANIMER_RESEAU, "ateliers.add_livret", "accompagnement.change_user"} <= seeded[
        roles.ANIMATEUR
    ]
    assert roles.GERER_COMPTES_PERSONNEL not in seeded[roles.ANIMATEUR]
    assert (
        not {"auth.change_group", "accompagnement.delete_user", "dsfr.change_dsfrconfig"}
        & seeded[roles.ANIMATEUR]
    )


def test_roles_administrator_holds_every_animator_permission_and_the_staff_accounts():
    animateur, administrateur = granted(roles.ANIMATEUR), granted(roles.ADMINISTRATEUR)
    assert animateur < administrateur
    assert {roles.GERER_COMPTES_PERSONNEL, "auth.change_group", "mfa.delete_authenticator"} <= administrateur


def test_roles_sync_makes_the_groups_again_after_a_flush():
    Group.objects.filter(name__in=[roles.ANIMATEUR, roles.ADMINISTRATEUR]).delete()
    groups = roles.sync_roles()
    assert groups[roles.ANIMATEUR].permissions.filter(codename="animer_reseau").exists()
    assert UserFactory(is_staff=True).has_perm(roles.ANIMER_RESEAU)


@pytest.mark.parametrize(
    ("kwargs", "staff"),
    [
        ({"is_staff": True}, True),  # an animator
        ({"is_staff": True, "staff_role": roles.ADMINISTRATEUR}, True),
        ({"is_staff": True, "is_superuser": True, "staff_role": False}, True),
        ({"is_staff": True, "staff_role": False}, False),  # is_staff alone: the admin's door, no staff page
        ({}, False),
    ],
)
def test_staff_predicate_needs_the_role(kwargs, staff):
    user = UserFactory(**kwargs)
    assert permissions.is_staff(user) is staff
    assert ateliers_permissions.can_manage(user) is staff
    assert immersions_permissions.can_view_indicators(user) is staff
    assert permissions.can_manage_members(user) is staff


def test_staff_without_role_gets_no_staff_page(client):
    atelier = AtelierFactory()
    client.force_login(UserFactory(is_staff=True, staff_role=False))
    assert client.get(reverse("ateliers:emargement", args=[atelier.pk])).status_code == 403
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.context["app_list"] == []


def test_staff_accounts_are_an_administrators():
    animateur = UserFactory(is_staff=True)
    administrateur = UserFactory(is_staff=True, staff_role=roles.ADMINISTRATEUR)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    member = UserFactory()
    assert [permissions.can_change_account(animateur, account) for account in [member, animateur]] == [
        True,
        True,
    ]
    assert not permissions.can_change_account(animateur, administrateur)
    assert permissions.can_change_account(administrateur, animateur)
    assert not permissions.can_change_account(administrateur, superuser)
    assert permissions.can_change_account(superuser, administrateur)


def test_demo_staff_accounts_hold_the_two_roles():
    demo.load(*(demo.path("accompagnement", name) for name in ["organisations.yaml", "membres.yaml"]))
    administrateur = User.objects.get(email="admin@dgafp.gouv.fr")
    animateur = User.objects.get(email="animation@dgafp.gouv.fr")
    assert [list(u.groups.values_list("name", flat=True)) for u in [administrateur, animateur]] == [
        [roles.ADMINISTRATEUR],
        [roles.ANIMATEUR],
    ]
    assert not User.objects.filter(is_superuser=True).exists()
    assert permissions.can_manage_staff_accounts(administrateur)
    assert permissions.is_staff(animateur)
    assert not permissions.can_manage_staff_accounts(animateur)
