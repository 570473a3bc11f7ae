import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from django.utils.text import slugify

from accompagnement import roles
from accompagnement.enums import Besoin, DispositifKind, Maturite, OrganisationKind, Public, Role
from accompagnement.models import AcceptationCharte, Adhesion, Charte, Dispositif, Organisation, User

PASSWORD = "motdepasse-de-test-42"
# The TOTP secret of every staff account the factories make (tests compute its codes: tests/second_factor.py).
TOTP_SECRET = "FABRIQUETESTSTAFFTOTPSECRET23456"


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

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """Staff accounts have enrolled a TOTP authenticator (the site requires it of them), unless
        `totp=False` (an account that has not enrolled yet)."""
        if create and self.is_staff and extracted is not False:
            TOTP.activate(self, TOTP_SECRET)

    @factory.post_generation
    def charte_acceptee(self, create, extracted, **kwargs):
        """Members have accepted the charter in force, unless `charte_acceptee=False`: the charter
        middleware would otherwise send every test's user to /charte/ first."""
        if create and extracted is not False:
            charte = Charte.objects.current()
            if charte is not None:
                AcceptationCharte.objects.create(user=self, charte=charte)

    @factory.post_generation
    def staff_role(self, create, extracted, **kwargs):
        """Staff accounts are DGAFP animators (the « Animateur DGAFP » group), unless
        `staff_role=roles.ADMINISTRATEUR` (an administrator) or `staff_role=False` (is_staff alone)."""
        if create and self.is_staff and extracted is not False:
            self.groups.add(roles.ensure_roles()[extracted or roles.ANIMATEUR])


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


class CharteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Charte

    version = factory.Sequence(lambda n: 100 + n)
    title = "Charte de la Fabrique de l'accompagnement RH"
    text = "1. Un cycle de travail régulier\n- Trois à quatre ateliers par an."
    published_at = factory.LazyFunction(timezone.now)


class DispositifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispositif

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Dispositif d'accompagnement {n}")
    kind = DispositifKind.ACCOMPAGNEMENT_PERSONNALISE
    needs = factory.LazyFunction(lambda: [Besoin.MOBILITE.value])
    publics = factory.LazyFunction(lambda: [Public.CATEGORIE_A.value, Public.CATEGORIE_B.value])
    summary = "Un accompagnement individuel des agents qui préparent une mobilité."
    maturity = Maturite.DEPLOYE
