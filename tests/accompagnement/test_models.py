import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accompagnement.enums import OrganisationKind
from tests.accompagnement.factories import AdhesionFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_organisation_direction_under_ministry_is_valid():
    ministry = OrganisationFactory(ministere=True)
    direction = OrganisationFactory(parent=ministry)
    service = OrganisationFactory(parent=direction)
    service.full_clean()


def test_organisation_ministry_cannot_sit_under_another():
    ministry = OrganisationFactory(ministere=True)
    other = OrganisationFactory(ministere=True, parent=ministry)
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert "parent" in error.value.message_dict


def test_organisation_cannot_sit_under_one_of_its_own_services():
    direction = OrganisationFactory(kind=OrganisationKind.DIRECTION)
    service = OrganisationFactory(parent=direction)
    direction.parent = service
    with pytest.raises(ValidationError) as error:
        direction.full_clean()
    assert "rattachée à elle-même" in str(error.value)


def test_organisation_own_parent_refused_by_the_database():
    organisation = OrganisationFactory()
    organisation.parent_id = organisation.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        organisation.save()


def test_adhesion_unique_per_member_and_organisation():
    adhesion = AdhesionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AdhesionFactory(user=adhesion.user, organisation=adhesion.organisation)


def test_user_email_unique_whatever_the_case():
    adhesion = AdhesionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AdhesionFactory(user__email=adhesion.user.email.upper())
