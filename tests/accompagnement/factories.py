import factory
from allauth.account.models import EmailAddress
from django.utils.text import slugify

from accompagnement.enums import OrganisationKind, Role
from accompagnement.models import Adhesion, Organisation, User

PASSWORD = "motdepasse-de-test-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"agent{n}@fonction-publique.gouv.fr")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Accounts invited by staff have a verified address (allauth requires one to log in)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.DIRECTION
    name = factory.Sequence(lambda n: f"Organisation {n}")
    acronym = ""
    slug = factory.LazyAttributeSequence(lambda o, n: f"{slugify(o.acronym or o.name)[:60]}-{n}")

    class Params:
        ministere = factory.Trait(
            kind=OrganisationKind.MINISTERE, name=factory.Sequence(lambda n: f"Ministère {n}")
        )


class AdhesionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adhesion

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.TETE_DE_RESEAU
    function = "Responsable de l'accompagnement RH"
