import re
from datetime import timedelta
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse

from accompagnement import services
from accompagnement.enums import Role
from accompagnement.models import Adhesion, User
from tests.accompagnement.factories import AdhesionFactory, OrganisationFactory
from tests.second_factor import SecondFactorClient

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un-mot-de-passe-tout-neuf"


def invite(organisation, staff, email="nouvelle.tete@culture.gouv.fr"):
    return services.invite_member(
        email=email,
        first_name="Léa",
        last_name="Durand",
        organisation=organisation,
        role=Role.TETE_DE_RESEAU,
        function="Cheffe de bureau",
        by=staff,
    )


def invitation_path(message):
    url = re.search(r"https?://\S+/invitation/\S+/\S+/", message.body).group(0)
    return "/" + url.split("/", 3)[3]


def test_invitation_creates_member_without_password_and_emails_after_commit(
    organisation, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        user = invite(organisation, staff)
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert not user.has_usable_password()
    assert Adhesion.objects.get(user=user).organisation == organisation
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle.tete@culture.gouv.fr"]
    assert organisation.name in message.body
    assert "expire dans 7 jours" in message.body


def test_invitation_refuses_an_existing_email(organisation, staff, lead):
    with pytest.raises(services.ServiceError):
        invite(organisation, staff, email=lead.email.upper())


def test_invitation_link_sets_password_logs_in_and_asks_for_the_charter(
    client, organisation, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(organisation, staff)
    response = client.get(invitation_path(mail.outbox[0]))
    assert response.status_code == 302  # the token moves to the session, out of the address bar
    form_url = response["Location"]
    assert "definir-mot-de-passe" in form_url
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accompagnement:charte")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/").status_code == 302  # the charter comes first


def test_invitation_link_works_only_once(client, organisation, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(organisation, staff)
    path = invitation_path(mail.outbox[0])
    form_url = client.get(path)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    other = SecondFactorClient()
    response = other.get(path, follow=True)
    assert "Ce lien n'est plus valable" in response.content.decode()


def test_invitation_link_expires(client, organisation, staff, settings, django_capture_on_commit_callbacks):
    settings.INVITATION_LINK_DAYS = 2
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(organisation, staff)
    path = invitation_path(mail.outbox[0])
    later = services.invitation_token_generator._now() + timedelta(days=2, hours=1)
    with mock.patch.object(services.InvitationTokenGenerator, "_now", return_value=later):
        response = client.get(path, follow=True)
    assert "Ce lien n'est plus valable" in response.content.decode()
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert services.invitation_token_generator.check_token(user, token)  # still valid before


def test_invitation_password_errors_are_shown(
    client, organisation, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(organisation, staff)
    form_url = client.get(invitation_path(mail.outbox[0]))["Location"]
    response = client.post(form_url, {"new_password1": "court", "new_password2": "autre"})
    assert response.status_code == 200
    assert "fr-input-group--error" in response.content.decode()


def test_invitation_link_of_a_deactivated_member_is_dead(
    client, organisation, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(organisation, staff)
    services.deactivate_member(user, by=staff)
    response = client.get(invitation_path(mail.outbox[0]), follow=True)
    assert "Ce lien n'est plus valable" in response.content.decode()


def test_invitation_tampered_token_is_refused(
    client, organisation, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(organisation, staff)
    path = invitation_path(mail.outbox[0])
    response = client.get(path[:-3] + "xx/", follow=True)
    assert "Ce lien n'est plus valable" in response.content.decode()


def test_admin_invite_form_creates_and_invites(
    client, staff, organisation, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    assert client.get(reverse("admin:accompagnement_user_add")).status_code == 302
    assert client.get(reverse("admin:accompagnement_user_invite")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accompagnement_user_invite"),
            {
                "email": "Invite@Culture.gouv.fr",
                "first_name": "Jean",
                "last_name": "Petit",
                "organisation": organisation.pk,
                "role": Role.REPRESENTANT,
                "function": "Conseiller",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="invite@culture.gouv.fr")
    assert user.adhesions.get().role == Role.REPRESENTANT
    assert mail.outbox[0].to == ["invite@culture.gouv.fr"]


def test_admin_invite_form_refuses_existing_email(client, staff, lead, organisation):
    client.force_login(staff)
    response = client.post(
        reverse("admin:accompagnement_user_invite"),
        {
            "email": lead.email,
            "first_name": "A",
            "last_name": "B",
            "organisation": organisation.pk,
            "role": "tete_de_reseau",
        },
    )
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse." in response.content.decode()


def test_admin_invite_form_closed_to_members(client, lead):
    client.force_login(lead)
    assert client.get(reverse("admin:accompagnement_user_invite")).status_code == 302


def logged_in_client(user):
    other = SecondFactorClient()
    other.force_login(user)
    return other


def test_deactivation_ends_sessions_at_once(lead, staff):
    member_client = logged_in_client(lead)
    second_device = logged_in_client(lead)
    staff_client = logged_in_client(staff)
    assert member_client.get("/").status_code == 200
    services.deactivate_member(lead, by=staff)
    lead.refresh_from_db()
    assert not lead.is_active
    assert member_client.get("/").status_code == 302
    assert second_device.get("/").status_code == 302
    remaining = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(lead.pk) not in remaining
    assert str(staff.pk) in remaining
    assert staff_client.get("/").status_code == 200


def test_admin_deactivate_action_ends_sessions(client, staff, lead):
    member_client = logged_in_client(lead)
    client.force_login(staff)
    response = client.post(
        reverse("admin:accompagnement_user_changelist"),
        {"action": "deactivate", "_selected_action": [lead.pk]},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert not lead.is_active
    assert member_client.get("/").status_code == 302
    assert Adhesion.objects.filter(user=lead).exists()  # the record stays
    assert not Adhesion.objects.actives().filter(user=lead).exists()


def test_admin_unticking_active_ends_sessions(client, staff, lead):
    member_client = logged_in_client(lead)
    client.force_login(staff)
    url = reverse("admin:accompagnement_user_change", args=[lead.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = {
        "email": lead.email,
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "is_staff": "",
        "is_active": "",
        "adhesions-TOTAL_FORMS": "0",
        "adhesions-INITIAL_FORMS": "0",
        "acceptations_charte-TOTAL_FORMS": "0",
        "acceptations_charte-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert member_client.get("/").status_code == 302


def test_admin_reactivate_and_resend_invitation(
    client, staff, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(organisation, staff)
    services.deactivate_member(user, by=staff)
    client.force_login(staff)
    changelist = reverse("admin:accompagnement_user_changelist")
    client.post(changelist, {"action": "reactivate", "_selected_action": [user.pk]})
    user.refresh_from_db()
    assert user.is_active
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "resend_invitation", "_selected_action": [user.pk]})
    assert len(mail.outbox) == 2


def test_deactivating_a_direction_member_keeps_other_members(staff):
    organisation = OrganisationFactory()
    first, second = (
        AdhesionFactory(organisation=organisation).user,
        AdhesionFactory(organisation=organisation).user,
    )
    second_client = logged_in_client(second)
    services.deactivate_member(first, by=staff)
    assert second_client.get("/").status_code == 200
