"""Import and export of members as spreadsheets (CSV or XLSX), with django-import-export.

One row per member: email, prenom, nom, organisation (its identifier, e.g. « mj-sg », or its exact name),
role (tete_de_reseau, representant, animateur_dgafp or their French label; default tête de réseau),
fonction. The import is all or nothing: a single invalid row rolls everything back, and every invalid
row is reported with its reason. Another staff member's account is imported by an administrator only, a
superuser's by a superuser only (« compte protégé »), as in the admin's change form.
New members get their invitation after the import commits.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext as _
from import_export import fields, resources

from accompagnement import permissions, services
from accompagnement.enums import Role
from accompagnement.models import Adhesion, Organisation, User
from fabrique.core.exports import spreadsheet_safe

COLUMNS = ["email", "prenom", "nom", "organisation", "role", "fonction"]


def cell(row, column):
    value = row.get(column)
    return "" if value is None else str(value).strip()


class MemberResource(resources.ModelResource):
    email = fields.Field(attribute="email", column_name="email")
    prenom = fields.Field(attribute="first_name", column_name="prenom")
    nom = fields.Field(attribute="last_name", column_name="nom")
    organisation = fields.Field(column_name="organisation", dehydrate_method="dehydrate_organisation")
    role = fields.Field(column_name="role", dehydrate_method="dehydrate_role")
    fonction = fields.Field(column_name="fonction", dehydrate_method="dehydrate_fonction")

    class Meta:
        model = User
        fields = COLUMNS
        import_id_fields = ["email"]
        use_transactions = True
        skip_unchanged = False
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._seen_emails = set()
        self._created = []
        self._memberships = {}

    # --- export ---
    def export_field(self, field, instance, **kwargs):
        # Imported names are anyone's text: a leading "=", "+", "-" or "@" must not run in staff's Excel.
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))

    def get_export_queryset(self, request=None, **kwargs):
        return super().get_export_queryset(request, **kwargs).prefetch_related("adhesions__organisation")

    def _first_adhesion(self, user):
        adhesions = sorted(user.adhesions.all(), key=lambda a: (not a.active, a.pk))
        return adhesions[0] if adhesions else None

    def dehydrate_organisation(self, user):
        adhesion = self._first_adhesion(user)
        return adhesion.organisation.slug if adhesion else ""

    def dehydrate_role(self, user):
        adhesion = self._first_adhesion(user)
        return adhesion.role if adhesion else ""

    def dehydrate_fonction(self, user):
        adhesion = self._first_adhesion(user)
        return adhesion.function if adhesion else ""

    # --- import ---
    def before_import(self, dataset, **kwargs):
        missing = [c for c in ["email", "prenom", "nom", "organisation"] if c not in (dataset.headers or [])]
        if missing:
            raise ValidationError(
                _("Colonnes manquantes : %(columns)s. Colonnes attendues : %(expected)s.")
                % {"columns": ", ".join(missing), "expected": ", ".join(COLUMNS)}
            )
        # Spreadsheets often end with empty lines: they are not members, nor errors.
        for index in reversed(range(len(dataset))):
            if all(value is None or not str(value).strip() for value in dataset[index]):
                del dataset[index]
        self._seen_emails = set()
        self._created = []
        self._memberships = {}

    def before_import_row(self, row, **kwargs):
        """Check the row; every problem is reported against its column, and the row is refused."""
        errors = {}
        email = cell(row, "email").lower()
        row["email"] = email
        if not email:
            errors["email"] = _("Adresse électronique manquante.")
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = _("Adresse électronique invalide : « %(email)s ».") % {"email": email}
            else:
                if email in self._seen_emails:
                    errors["email"] = _("Adresse en double dans le fichier : « %(email)s ».") % {
                        "email": email
                    }
                self._seen_emails.add(email)
                if self.is_protected(email, kwargs.get("user")):
                    errors["email"] = _(
                        "Compte protégé : « %(email)s » est un compte de l'équipe (ou superutilisateur), "
                        "que seul un administrateur (ou un superutilisateur) peut modifier."
                    ) % {"email": email}
        if not cell(row, "nom"):
            errors["nom"] = _("Nom manquant.")
        if not cell(row, "prenom"):
            errors["prenom"] = _("Prénom manquant.")
        organisation = self.find_organisation(cell(row, "organisation"))
        if organisation is None:
            errors["organisation"] = _(
                "Organisation inconnue : « %(value)s » (indiquez son identifiant)."
            ) % {"value": cell(row, "organisation")}
        role = self.find_role(cell(row, "role"))
        if role is None:
            errors["role"] = _("Rôle inconnu : « %(value)s » (%(choices)s).") % {
                "value": cell(row, "role"),
                "choices": ", ".join(Role.values),
            }
        if errors:
            raise ValidationError(errors)
        self._memberships[email] = (organisation, role, cell(row, "fonction"))

    @staticmethod
    def is_protected(email, user):
        """An existing account `user` may not change (`permissions.can_change_account`: another staff
        member's, a superuser's); without a known user (a script), staff and superuser accounts."""
        account = User.objects.filter(email__iexact=email).first()
        if account is None:
            return False
        if user is None:
            return account.is_staff or account.is_superuser
        return not permissions.can_change_account(user, account)

    @staticmethod
    def find_organisation(value):
        if not value:
            return None
        matches = list(Organisation.objects.filter(Q(slug=value.lower()) | Q(name__iexact=value))[:2])
        return matches[0] if len(matches) == 1 else None

    @staticmethod
    def find_role(value):
        if not value:
            return Role.TETE_DE_RESEAU
        for role in Role:
            if value.lower() in (role.value, str(role.label).lower()):
                return role
        return None

    def get_instance(self, instance_loader, row):
        return User.objects.filter(email__iexact=cell(row, "email")).first()

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._imported_new = new
        if new:
            instance.set_unusable_password()

    def after_save_instance(self, instance, row, **kwargs):
        organisation, role, function = self._memberships[instance.email]
        Adhesion.objects.update_or_create(
            user=instance,
            organisation=organisation,
            defaults={"role": role, "function": function, "active": True},
        )
        if getattr(instance, "_imported_new", False):
            self._created.append(instance)

    def import_data(self, dataset, **kwargs):
        # All or nothing, also on the confirmation step (which django-import-export runs without it).
        kwargs["rollback_on_validation_errors"] = True
        kwargs["use_transactions"] = True
        return super().import_data(dataset, **kwargs)

    def after_import(self, dataset, result, **kwargs):
        """Queue the invitations; they leave only if the import's transaction commits."""
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        for user in self._created:
            services.send_invitation(user, by=kwargs.get("user"))
