"""The DGAFP staff's admin: fixed query counts, counts per organisation, permissions, the charter, and who
may change which account (an animator members' accounts, an administrator staff accounts, passwords and
rights; tests/fabrique/test_admin_permissions.py walks every admin page for every role)."""

import pytest
import tablib
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accompagnement import roles
from accompagnement.models import Charte, Dispositif, User
from accompagnement.resources import MemberResource
from tests.accompagnement.factories import (
    PASSWORD,
    AdhesionFactory,
    CharteFactory,
    DispositifFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "PrisePossession-2024!"


@pytest.fixture
def administrateur(db):
    """A DGAFP administrator: the « Administrateur » group, not a superuser."""
    return UserFactory(is_staff=True, staff_role=roles.ADMINISTRATEUR, email="administration@dgafp.gouv.fr")


@pytest.fixture
def colleague(db):
    """Another DGAFP animator."""
    return UserFactory(is_staff=True, email="collegue@dgafp.gouv.fr")


def build(size):
    for index in range(size):
        ministry = OrganisationFactory(ministere=True)
        direction = OrganisationFactory(parent=ministry)
        AdhesionFactory(organisation=direction)
        DispositifFactory(organisation=direction, title=f"Dispositif {index}")
        CharteFactory(published_at=None)  # a draft: the version in force, and so the login, stay the same


@pytest.mark.parametrize(
    ("model", "queries"),
    [
        ("organisation", 9),
        ("dispositif", 10),
        ("user", 8),
        ("adhesion", 8),
        ("charte", 8),
        ("acceptationcharte", 11),
    ],
)
def test_admin_changelists_query_count_does_not_grow(
    client, staff, django_assert_num_queries, model, queries
):
    url = reverse(f"admin:accompagnement_{model}_changelist")
    client.force_login(staff)
    rows = []
    for size in [1, 49]:  # 1 row, then 50 rows
        build(size)
        client.get(url)
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200
        rows.append(len(response.context["cl"].result_list))
    assert rows[0] < rows[1], rows  # the second page really shows more rows


def test_admin_organisation_list_shows_member_and_scheme_counts(client, staff):
    ministry = OrganisationFactory(ministere=True, name="Ministère compté")
    AdhesionFactory(organisation=ministry)
    AdhesionFactory(organisation=ministry)
    DispositifFactory(organisation=ministry)
    client.force_login(staff)
    response = client.get(reverse("admin:accompagnement_organisation_changelist"), {"q": "compté"})
    row = response.context["cl"].result_list[0]
    assert (row._member_count, row._dispositif_count) == (2, 1)


def _autocomplete(
    client, term, model_name="dispositif", field_name="organisation", app_label="accompagnement"
):
    return client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": app_label, "model_name": model_name, "field_name": field_name},
    )


def test_admin_organisation_autocomplete(client, staff):
    OrganisationFactory(name="Voies navigables de France", acronym="VNF")
    client.force_login(staff)
    response = _autocomplete(client, "VNF")
    assert [r["text"] for r in response.json()["results"]] == ["Voies navigables de France (VNF)"]


def test_admin_organisation_autocomplete_names_the_ministry(client, staff):
    armees = OrganisationFactory(ministere=True, name="Ministère des Armées")
    justice = OrganisationFactory(ministere=True, name="Ministère de la Justice")
    OrganisationFactory(name="Secrétariat général", parent=armees)
    OrganisationFactory(
        name="Bureau des carrières", parent=OrganisationFactory(name="Secrétariat général", parent=justice)
    )
    client.force_login(staff)
    texts = [r["text"] for r in _autocomplete(client, "Secrétariat général").json()["results"]]
    assert sorted(texts) == [
        "Bureau des carrières — Ministère de la Justice",
        "Secrétariat général — Ministère de la Justice",
        "Secrétariat général — Ministère des Armées",
    ]
    # A word of the ministry's name narrows the choice.
    texts = [r["text"] for r in _autocomplete(client, "Secrétariat Armées").json()["results"]]
    assert texts == ["Secrétariat général — Ministère des Armées"]


@pytest.mark.parametrize("count", [1, 20])
def test_admin_organisation_autocomplete_query_count_is_fixed(
    client, staff, django_assert_num_queries, count
):
    for index in range(count):
        ministry = OrganisationFactory(ministere=True, name=f"Ministère {index}")
        OrganisationFactory(name="Bureau", parent=OrganisationFactory(name="Direction", parent=ministry))
    client.force_login(staff)
    _autocomplete(client, "Bureau")
    # The session, the user, the animator's permissions (their own, their groups'), the count for the
    # pagination, one page of results with their parents.
    with django_assert_num_queries(6):
        response = _autocomplete(client, "Bureau")
    assert len(response.json()["results"]) == count


def test_admin_tutelle_autocomplete_offers_ministries_only(client, staff):
    OrganisationFactory(ministere=True, name="Ministère du Travail")
    OrganisationFactory(name="Travail direction", parent=OrganisationFactory(ministere=True, name="Autre"))
    OrganisationFactory(kind="etablissement_public", name="France Travail")
    client.force_login(staff)
    response = _autocomplete(client, "Travail", model_name="organisation", field_name="tutelle")
    assert [r["text"] for r in response.json()["results"]] == ["Ministère du Travail"]


def test_admin_organisation_list_names_the_ministry_and_edits_the_rank(client, staff):
    armees = OrganisationFactory(ministere=True, name="Ministère des Armées", libelle_court="Armées")
    OrganisationFactory(name="Secrétariat général", parent=armees)
    client.force_login(staff)
    url = reverse("admin:accompagnement_organisation_changelist")
    response = client.get(url, {"q": "Armées"})
    content = response.content.decode()
    assert "Secrétariat général — Ministère des Armées" in content
    formset = response.context["cl"].formset
    assert formset.forms[0].instance == armees
    data = {
        "form-TOTAL_FORMS": len(formset.forms),
        "form-INITIAL_FORMS": len(formset.forms),
        "_save": "Enregistrer",
    }
    for index, form in enumerate(formset.forms):
        data[f"form-{index}-id"] = form.instance.pk
        data[f"form-{index}-rang_protocolaire"] = 2 if form.instance == armees else ""
    assert client.post(url + "?q=Arm%C3%A9es", data).status_code == 302
    armees.refresh_from_db()
    assert armees.rang_protocolaire == 2


def test_admin_dispositif_edit_records_staff_as_editor(client, staff):
    dispositif = DispositifFactory()
    client.force_login(staff)
    url = reverse("admin:accompagnement_dispositif_change", args=[dispositif.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "organisation": dispositif.organisation_id,
            "title": "Titre revu",
            "kind": dispositif.kind,
            "maturity": dispositif.maturity,
            "needs": ["mobilite", "reconversion"],
            "publics": ["categorie_a"],
            "summary": "Résumé.",
            "links": "https://www.fonction-publique.gouv.fr/",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    dispositif.refresh_from_db()
    assert dispositif.updated_by == staff
    assert dispositif.needs == ["mobilite", "reconversion"]


def test_admin_dispositif_bad_link_is_refused(client, staff):
    dispositif = DispositifFactory()
    client.force_login(staff)
    response = client.post(
        reverse("admin:accompagnement_dispositif_change", args=[dispositif.pk]),
        {
            "organisation": dispositif.organisation_id,
            "title": "x",
            "kind": dispositif.kind,
            "maturity": dispositif.maturity,
            "summary": "x",
            "links": "pas-un-lien",
        },
    )
    assert response.status_code == 200
    assert "links" in response.context["adminform"].form.errors


def test_admin_closed_to_leads(client, lead):
    client.force_login(lead)
    for model in ["dispositif", "organisation", "user", "charte"]:
        assert client.get(reverse(f"admin:accompagnement_{model}_changelist")).status_code == 302


def test_admin_new_charter_version_then_members_asked_again(client, administrateur, lead):
    client.force_login(administrateur)
    response = client.post(
        reverse("admin:accompagnement_charte_add"),
        {
            "version": 2,
            "title": "Charte 2025",
            "text": "Texte révisé.",
            "published_at_0": "01/01/2025",
            "published_at_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Charte.objects.current().version == 2
    client.force_login(lead)
    assert client.get(reverse("accompagnement:dispositif_list")).status_code == 302


def test_admin_accepted_charter_version_is_read_only(client, staff, lead):
    client.force_login(staff)
    charte = Charte.objects.current()
    response = client.get(reverse("admin:accompagnement_charte_change", args=[charte.pk]))
    assert "text" not in response.context["adminform"].form.fields


def test_admin_draft_charter_stays_editable(client, administrateur):
    draft = CharteFactory(published_at=None)
    client.force_login(administrateur)
    response = client.get(reverse("admin:accompagnement_charte_change", args=[draft.pk]))
    assert "text" in response.context["adminform"].form.fields


def test_admin_dispositif_delete_needs_django_permission(client, staff):
    dispositif = DispositifFactory()
    client.force_login(staff)
    response = client.post(
        reverse("admin:accompagnement_dispositif_delete", args=[dispositif.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Dispositif.objects.filter(pk=dispositif.pk).exists()


def test_admin_object_urls_closed_to_leads(client, lead):
    dispositif = DispositifFactory()
    client.force_login(lead)
    for url in [
        reverse("admin:accompagnement_dispositif_change", args=[dispositif.pk]),
        reverse("admin:accompagnement_organisation_change", args=[dispositif.organisation_id]),
        reverse("admin:accompagnement_user_change", args=[lead.pk]),
    ]:
        assert client.get(url).status_code == 302
        assert client.post(url, {"title": "Piraté"}).status_code == 302
    dispositif.refresh_from_db()
    assert dispositif.title != "Piraté"


def test_admin_new_charter_version_starts_from_the_text_in_force(client, administrateur):
    client.force_login(administrateur)
    form = client.get(reverse("admin:accompagnement_charte_add")).context["adminform"].form
    current = Charte.objects.current()
    assert form.initial["version"] == current.version + 1
    assert form.initial["text"] == current.text


def _user_change_data(response):
    """The change form's own values, as the browser would post them back (inlines left untouched)."""
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"is_active": "on", "date_joined_0": "01/01/2024", "date_joined_1": "00:00:00"})
    for formset in response.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return data


def test_admin_staff_cannot_change_superuser_password(client, staff):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "PrisePossession-2024!", "password2": "PrisePossession-2024!"})
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)


def test_admin_staff_cannot_edit_superuser_account(client, staff):
    superuser = UserFactory(is_staff=True, is_superuser=True, email="chef@fonction-publique.gouv.fr")
    client.force_login(staff)
    url = reverse("admin:accompagnement_user_change", args=[superuser.pk])
    response = client.get(url)
    assert "email" not in response.context["adminform"].form.fields
    client.post(url, {"email": "pirate@example.org", "first_name": "x", "last_name": "y"})
    superuser.refresh_from_db()
    assert superuser.email == "chef@fonction-publique.gouv.fr"


def test_admin_staff_cannot_deactivate_superuser(client, staff):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.post(
        reverse("admin:accompagnement_user_changelist"),
        {"action": "deactivate", "_selected_action": [superuser.pk]},
    )
    superuser.refresh_from_db()
    assert superuser.is_active


def test_admin_staff_privilege_fields_are_read_only(client, staff):
    member = AdhesionFactory().user
    client.force_login(staff)
    response = client.get(reverse("admin:accompagnement_user_change", args=[member.pk]))
    fields = response.context["adminform"].form.fields
    assert "first_name" in fields
    assert not {"is_staff", "is_superuser", "groups", "user_permissions"} & set(fields)


def test_admin_staff_cannot_promote_themselves(client, staff):
    group = Group.objects.create(name="Tout-puissants")
    client.force_login(staff)
    url = reverse("admin:accompagnement_user_change", args=[staff.pk])
    data = _user_change_data(client.get(url))
    data.update(
        {
            "first_name": "Renommé",
            "is_superuser": "on",
            "groups": [group.pk],
            "user_permissions": list(Permission.objects.values_list("pk", flat=True)[:5]),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    staff.refresh_from_db()
    assert staff.first_name == "Renommé"  # the form was saved, only the privileges were ignored
    assert not staff.is_superuser
    assert list(staff.groups.values_list("name", flat=True)) == [roles.ANIMATEUR]
    assert not staff.user_permissions.exists()


def test_admin_superuser_can_grant_staff(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    member = AdhesionFactory().user
    client.force_login(superuser)
    url = reverse("admin:accompagnement_user_change", args=[member.pk])
    response = client.get(url)
    assert "is_staff" in response.context["adminform"].form.fields
    data = _user_change_data(response)
    data["is_staff"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.is_staff


def test_admin_animator_reads_the_charter_but_does_not_publish_one(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:accompagnement_charte_changelist")).status_code == 200
    response = client.post(
        reverse("admin:accompagnement_charte_add"), {"version": 9, "title": "x", "text": "y"}
    )
    assert response.status_code == 403
    assert not Charte.objects.filter(version=9).exists()


def test_admin_staff_cannot_set_another_staff_members_password(client, staff, colleague):
    client.force_login(staff)
    url = reverse("admin:auth_user_password_change", args=[colleague.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 403
    colleague.refresh_from_db()
    assert colleague.check_password(PASSWORD)
    assert not colleague.check_password(NEW_PASSWORD)


def test_admin_animator_cannot_set_a_members_password_either(client, staff):
    member = AdhesionFactory().user
    client.force_login(staff)
    url = reverse("admin:auth_user_password_change", args=[member.pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_admin_administrator_sets_a_staff_members_password(client, administrateur, colleague):
    client.force_login(administrateur)
    url = reverse("admin:auth_user_password_change", args=[colleague.pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.check_password(NEW_PASSWORD)


def test_admin_administrator_cannot_set_a_superusers_password(client, administrateur):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(administrateur)
    url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password(PASSWORD)


def test_admin_animator_sees_another_staff_account_read_only(client, staff, colleague):
    client.force_login(staff)
    url = reverse("admin:accompagnement_user_change", args=[colleague.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields) == {"password"}  # declared, shown nowhere
    assert "/password/" not in response.content.decode()  # no button to a page that would answer 403
    response = client.post(url, {"email": "pirate@example.org", "first_name": "x", "last_name": "y"})
    assert response.status_code == 403
    colleague.refresh_from_db()
    assert colleague.email == "collegue@dgafp.gouv.fr"


def test_admin_animator_changes_a_members_account(client, staff):
    member = AdhesionFactory(user__first_name="Avant").user
    client.force_login(staff)
    url = reverse("admin:accompagnement_user_change", args=[member.pk])
    data = _user_change_data(client.get(url))
    data["first_name"] = "Après"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.first_name == "Après"


def test_admin_animator_deactivates_members_not_staff(client, staff, colleague):
    member = AdhesionFactory().user
    client.force_login(staff)
    client.post(
        reverse("admin:accompagnement_user_changelist"),
        {"action": "deactivate", "_selected_action": [member.pk, colleague.pk]},
    )
    member.refresh_from_db()
    colleague.refresh_from_db()
    assert (member.is_active, colleague.is_active) == (False, True)


def test_admin_administrator_deactivates_a_staff_account(client, administrateur, colleague):
    client.force_login(administrateur)
    client.post(
        reverse("admin:accompagnement_user_changelist"),
        {"action": "deactivate", "_selected_action": [colleague.pk]},
    )
    colleague.refresh_from_db()
    assert not colleague.is_active


def test_admin_administrator_grants_a_role_but_not_superuser(client, administrateur):
    member = AdhesionFactory().user
    client.force_login(administrateur)
    url = reverse("admin:accompagnement_user_change", args=[member.pk])
    response = client.get(url)
    fields = response.context["adminform"].form.fields
    assert {"is_staff", "groups", "user_permissions"} <= set(fields)
    assert "is_superuser" not in fields
    data = _user_change_data(response)
    data.update(
        {"is_staff": "on", "is_superuser": "on", "groups": [Group.objects.get(name=roles.ANIMATEUR).pk]}
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.is_staff
    assert not member.is_superuser
    assert member.has_perm(roles.ANIMER_RESEAU)


def test_admin_accounts_are_not_deleted_in_bulk(client, administrateur):
    member = AdhesionFactory().user
    client.force_login(administrateur)
    client.post(
        reverse("admin:accompagnement_user_changelist"),
        {"action": "delete_selected", "_selected_action": [member.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=member.pk).exists()


def test_admin_superusers_email_addresses_stay_with_superusers(client, administrateur):
    """Whoever could change a superuser's address would receive its password reset."""
    superuser = UserFactory(is_staff=True, is_superuser=True)
    address = EmailAddress.objects.get(user=superuser)
    client.force_login(administrateur)
    url = reverse("admin:account_emailaddress_change", args=[address.pk])
    response = client.post(url, {"user": superuser.pk, "email": "pirate@example.org", "verified": "on"})
    assert response.status_code == 302
    assert response.url == reverse("admin:index")  # « this address does not exist » for them
    response = client.post(
        reverse("admin:account_emailaddress_add"),
        {"user": superuser.pk, "email": "pirate@example.org", "verified": "on", "primary": "on"},
    )
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert list(EmailAddress.objects.filter(user=superuser).values_list("email", flat=True)) == [
        address.email
    ]


def test_admin_member_import_refuses_another_staff_members_row_to_an_animator(staff, colleague):
    headers = ["email", "prenom", "nom", "organisation", "role", "fonction"]
    organisation = OrganisationFactory(slug="mj-sg")
    row = [colleague.email, "Pris", "Parlimport", organisation.slug, "", ""]
    result = MemberResource().import_data(tablib.Dataset(row, headers=headers), dry_run=False, user=staff)
    assert "Compte protégé" in result.invalid_rows[0].error_dict["email"][0]
    colleague.refresh_from_db()
    assert colleague.last_name != "Parlimport"


def test_admin_animator_cannot_redirect_a_members_password_reset_by_changing_their_address(client, staff):
    member = AdhesionFactory(user__email="agent@culture.gouv.fr").user
    client.force_login(staff)
    url = reverse("admin:accompagnement_user_change", args=[member.pk])
    response = client.get(url)
    assert "email" not in response.context["adminform"].form.fields
    data = _user_change_data(response)
    data.update({"email": "pirate@example.org", "first_name": "Changé"})
    assert client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert (member.email, member.first_name) == ("agent@culture.gouv.fr", "Changé")


def test_admin_administrator_corrects_a_members_address(client, administrateur):
    member = AdhesionFactory(user__email="agnet@culture.gouv.fr").user
    client.force_login(administrateur)
    url = reverse("admin:accompagnement_user_change", args=[member.pk])
    data = _user_change_data(client.get(url))
    data["email"] = "agent@culture.gouv.fr"
    assert client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.email == "agent@culture.gouv.fr"


def test_admin_animator_cannot_change_another_staff_members_memberships(client, staff, colleague):
    adhesion = AdhesionFactory(user=colleague, role="animateur_dgafp")
    client.force_login(staff)
    url = reverse("admin:accompagnement_adhesion_change", args=[adhesion.pk])
    data = {"user": colleague.pk, "organisation": adhesion.organisation_id, "role": "tete_de_reseau"}
    assert client.post(url, data).status_code == 403
    delete_url = reverse("admin:accompagnement_adhesion_delete", args=[adhesion.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    adhesion.refresh_from_db()
    assert adhesion.role == "animateur_dgafp"


def test_admin_animator_cannot_add_or_move_a_membership_onto_a_staff_account(client, staff, colleague):
    member_adhesion = AdhesionFactory()
    client.force_login(staff)
    add = client.post(
        reverse("admin:accompagnement_adhesion_add"),
        {"user": colleague.pk, "organisation": member_adhesion.organisation_id, "role": "tete_de_reseau"},
    )
    assert add.status_code == 200  # the form again, the account refused as a choice
    assert not colleague.adhesions.exists()
    url = reverse("admin:accompagnement_adhesion_change", args=[member_adhesion.pk])
    moved = client.post(
        url, {"user": colleague.pk, "organisation": member_adhesion.organisation_id, "role": "tete_de_reseau"}
    )
    assert moved.status_code == 200
    member_adhesion.refresh_from_db()
    assert member_adhesion.user_id != colleague.pk
