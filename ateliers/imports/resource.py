"""The import itself (django-import-export): the whole file checked first (`fichier.prepare`,
`lignes.RowChecker`), then, only when every row is right, each row registered through the registration
service, all or nothing; new accounts invited once the import commits."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field

from accompagnement import services as accompagnement_services
from accompagnement.enums import Role
from ateliers.imports import fichier
from ateliers.imports.fichier import cell
from ateliers.imports.lignes import SHOWN, RefusedRow, RowChecker
from ateliers.models import Inscription
from ateliers.services.inscriptions import RegistrationError, register


class InscriptionImportResource(resources.ModelResource):
    """Participants of a workshop, from a ministry's list (see `ateliers.imports` for the columns).

    `import_data(..., atelier=<Atelier or pk>)` names the workshop of the rows without an `atelier` cell.
    After an import, `result.unresolved` lists the rows whose organisation is not settled, grouped by the
    ministry and direction they name.
    """

    atelier = Field(attribute="atelier_label", column_name="atelier")
    email = Field(attribute="email", column_name="email")
    prenom = Field(attribute="prenom", column_name="prenom")
    nom = Field(attribute="nom", column_name="nom")
    ministere = Field(attribute="ministere_label", column_name="ministere")
    direction = Field(attribute="direction_label", column_name="direction")
    consentement = Field(attribute="consentement", column_name="consentement")
    organisation = Field(attribute="organisation_retenue", column_name="organisation retenue", readonly=True)
    resultat = Field(attribute="resultat", column_name="resultat", readonly=True)

    class Meta:
        model = Inscription
        fields = (
            "atelier",
            "email",
            "prenom",
            "nom",
            "ministere",
            "direction",
            "consentement",
            "organisation",
            "resultat",
        )
        import_id_fields = ()
        force_init_instance = True
        use_transactions = True

    @classmethod
    def get_display_name(cls):
        return gettext_lazy("Participants (inscriptions)")

    def get_user_visible_fields(self):
        # The columns read from the file (the import page lists them); the preview adds what they became.
        return [f for f in super().get_user_visible_fields() if not f.readonly]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._checked = {}
        self._unresolved = {}
        self._created = []
        self._new_accounts = {}
        self.directory = None
        self.file_is_valid = False

    def import_data(self, dataset, **kwargs):
        # All or nothing, on the confirmation step too (django-import-export runs it without this flag).
        kwargs["rollback_on_validation_errors"] = True
        kwargs["use_transactions"] = True
        result = super().import_data(dataset, **kwargs)
        result.unresolved = list(self._unresolved.values())
        # The refused rows with their errors and the cells that identify them (django-import-export's own
        # table shows every cell of the file under the resource's headers, and its errors only on hover).
        result.refused = [
            RefusedRow(
                number=row.number,
                errors=[
                    (column if column != NON_FIELD_ERRORS else _("ligne"), " ".join(messages))
                    for column, messages in row.error_dict.items()
                ],
                cells=self._checked[row.number].cells if row.number in self._checked else [],
            )
            for row in result.invalid_rows
        ]
        result.refused_headers = SHOWN
        return result

    # --- the whole file, checked before the first row is imported ---

    def before_import(self, dataset, **kwargs):
        self._checked, self._unresolved, self._created, self._new_accounts = {}, {}, [], {}
        self.prepare(dataset, has_atelier=kwargs.get("atelier") is not None)
        self.check_rows(dataset, atelier=kwargs.get("atelier"))

    prepare = staticmethod(fichier.prepare)

    def check_rows(self, dataset, *, atelier=None):
        """Check and resolve every row, with the organisations, workshops and accounts loaded once."""
        rows = [dict(zip(dataset.headers, values, strict=False)) for values in dataset]
        checker = RowChecker(rows, atelier=atelier)
        self.directory = checker.directory
        for number, row in enumerate(rows, 1):
            self._checked[number] = checker.check(row, number)
        self._unresolved.update(checker.unresolved)
        self.file_is_valid = not any(checked.errors for checked in self._checked.values())

    # --- each row ---

    def import_instance(self, instance, row, **kwargs):
        """Show the row as read and what it resolves to; refuse it with all its errors at once."""
        checked = self._checked[kwargs["row_number"]]
        instance.atelier_label = str(checked.atelier) if checked.atelier else cell(row, "atelier")
        instance.email = cell(row, "email").lower()
        instance.prenom, instance.nom = cell(row, "prenom"), cell(row, "nom")
        instance.ministere_label, instance.direction_label = cell(row, "ministere"), cell(row, "direction")
        instance.consentement = _("oui") if checked.consent else _("non")
        instance.organisation_retenue = checked.organisation.nom_complet if checked.organisation else ""
        instance.resultat = ""
        if checked.errors:
            raise ValidationError(checked.errors)
        instance.checked = checked

    def save_instance(self, instance, is_create, row, **kwargs):
        """Create the account if needed, then register through the service (same lock, same rules).

        While another row of the file is wrong nothing will be kept: the valid rows are then not run
        through the service at all, which keeps a wrong file's preview quick.
        """
        if not self.file_is_valid:
            instance.resultat = _("non importé (le fichier comporte des erreurs)")
            return
        checked = instance.checked
        atelier, user = checked.atelier, checked.user or self._new_accounts.get(instance.email)
        upcoming = atelier.starts_at > timezone.now()
        dry_run = kwargs.get("dry_run", False)
        if user is None:
            # A member of the organisation named on the row (an Adhesion), without a password yet.
            user = accompagnement_services.create_member(
                email=instance.email,
                first_name=instance.prenom,
                last_name=instance.nom,
                organisation=checked.organisation,
                role=Role.REPRESENTANT,
            )
            self._new_accounts[instance.email] = user
            if upcoming:
                self._created.append(user)
        try:
            result = register(
                atelier,
                user,
                by=kwargs["user"],
                organisation=checked.organisation,
                consent_annuaire=checked.consent,
                # Importing the attendance list of a past workshop tells nobody anything; a preview is
                # rolled back, so its messages would never leave anyway.
                notify=upcoming and not dry_run,
            )
        except RegistrationError as error:
            raise ValidationError({"atelier": error.message}) from error
        inscription = result.inscription
        instance.pk = inscription.pk
        instance.user = user
        instance.atelier = atelier
        instance.status = inscription.status
        instance.created = result.created
        instance.resultat = (
            inscription.get_status_display() if result.created else _("déjà inscrit (inchangé)")
        )

    def after_import(self, dataset, result, **kwargs):
        """Queue the new accounts' invitations; they leave only if the import's transaction commits."""
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        for user in self._created:
            accompagnement_services.send_invitation(user, by=kwargs.get("user"))
