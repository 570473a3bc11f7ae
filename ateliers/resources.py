"""Spreadsheets of registrations (django-import-export).

Import: participant lists arriving from ministries as CSV or XLSX. The admin shows a preview with each
row's errors; nothing is written while one row is wrong (all or nothing, in one transaction), and every
row goes through the registration service, so capacity and the waiting list hold exactly as on the site.
Export: every registration of a workshop, for staff.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field

from accompagnement import services as accompagnement_services
from accompagnement.enums import Role
from accompagnement.models import Organisation, User, roots_of
from ateliers.enums import AtelierStatus
from ateliers.models import Atelier, Inscription
from ateliers.services.inscriptions import RegistrationError, register
from fabrique.exports import spreadsheet_safe

COLUMNS = ["atelier", "email", "prenom", "nom", "organisation", "consentement"]
REQUIRED = ["atelier", "email", "organisation"]
YES = {"oui", "o", "yes", "y", "1", "vrai", "true", "x"}
NO = {"non", "n", "no", "0", "faux", "false", ""}


def _cell(row, name):
    value = row.get(name)
    return "" if value is None else str(value).strip()


def find_organisation(label):
    """An organisation by slug, acronym or exact name (case-insensitive); raises ValueError if not one."""
    matches = list(
        Organisation.objects.filter(Q(slug__iexact=label) | Q(acronym__iexact=label) | Q(name__iexact=label))[
            :2
        ]
    )
    if not matches:
        raise ValueError(_("Organisation inconnue : « %(label)s ».") % {"label": label})
    if len(matches) > 1:
        raise ValueError(
            _(
                "« %(label)s » désigne plusieurs organisations : "
                "indiquez son identifiant (par exemple « %(slug)s »)."
            )
            % {"label": label, "slug": matches[0].slug}
        )
    return matches[0]


class InscriptionImportResource(resources.ModelResource):
    """Columns: atelier (its number in the admin list, i.e. its id), email, prenom, nom, organisation,
    consentement (oui / non). An unknown email creates the account, a member of the row's organisation,
    who is sent an invitation once the import commits (not for a past workshop's attendance list)."""

    atelier = Field(attribute="atelier_label", column_name="atelier")
    email = Field(attribute="email", column_name="email")
    prenom = Field(attribute="prenom", column_name="prenom")
    nom = Field(attribute="nom", column_name="nom")
    organisation = Field(attribute="organisation_label", column_name="organisation")
    consentement = Field(attribute="consentement", column_name="consentement")
    resultat = Field(attribute="resultat", column_name="resultat", readonly=True)

    class Meta:
        model = Inscription
        fields = ("atelier", "email", "prenom", "nom", "organisation", "consentement", "resultat")
        import_id_fields = ()
        force_init_instance = True
        use_transactions = True

    @classmethod
    def get_display_name(cls):
        return gettext_lazy("Participants (inscriptions)")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._seen = set()
        self._created = []

    def import_data(self, dataset, **kwargs):
        # All or nothing, on the confirmation step too (django-import-export runs it without this flag).
        kwargs["rollback_on_validation_errors"] = True
        kwargs["use_transactions"] = True
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        missing = [column for column in REQUIRED if column not in (dataset.headers or [])]
        if missing:
            raise ValidationError(
                _("Colonnes manquantes : %(columns)s. Colonnes attendues : %(expected)s.")
                % {"columns": ", ".join(missing), "expected": ", ".join(COLUMNS)}
            )
        self._seen = set()
        self._created = []

    def after_import(self, dataset, result, **kwargs):
        """Queue the new accounts' invitations; they leave only if the import's transaction commits."""
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        for user in self._created:
            accompagnement_services.send_invitation(user, by=kwargs.get("user"))

    @staticmethod
    def _atelier(label):
        """(atelier, error message) for the `atelier` cell (a spreadsheet may turn 12 into 12.0)."""
        number = label.split(".")[0]
        if not number.isdigit():
            return None, _("Indiquez l'identifiant numérique de l'atelier.")
        atelier = Atelier.objects.filter(pk=int(number)).first()
        if atelier is None:
            return None, _("Atelier n° %(id)s introuvable.") % {"id": label}
        if atelier.status == AtelierStatus.ANNULE:
            return None, _("Cet atelier est annulé : aucune inscription possible.")
        return atelier, None

    def _email(self, email, atelier_label):
        """(email, error message): a valid address, once per workshop in the file."""
        try:
            validate_email(email)
        except ValidationError:
            return "", _("Adresse électronique manquante ou invalide : « %(email)s ».") % {"email": email}
        if (atelier_label, email) in self._seen:
            return email, _("Personne en double dans le fichier : « %(email)s ».") % {"email": email}
        self._seen.add((atelier_label, email))
        return email, None

    def import_instance(self, instance, row, **kwargs):
        """Check every cell; collect all of a row's errors so the preview lists them together."""
        errors = {}
        instance.atelier_label = _cell(row, "atelier")
        atelier, errors["atelier"] = self._atelier(instance.atelier_label)
        instance.email = _cell(row, "email").lower()
        email, errors["email"] = self._email(instance.email, instance.atelier_label)
        instance.prenom, instance.nom = _cell(row, "prenom"), _cell(row, "nom")
        user = User.objects.filter(email__iexact=email).first() if email else None
        if user is None and email and not (instance.prenom and instance.nom):
            errors["nom"] = _("Compte inconnu : le prénom et le nom sont nécessaires pour le créer.")
        instance.organisation_label = _cell(row, "organisation")
        organisation = None
        if not instance.organisation_label:
            errors["organisation"] = _("Organisation manquante.")
        else:
            try:
                organisation = find_organisation(instance.organisation_label)
            except ValueError as error:
                errors["organisation"] = str(error)
        instance.consentement = _cell(row, "consentement").lower()
        if instance.consentement not in YES | NO:
            errors["consentement"] = _("Répondez « oui » ou « non ».")
        errors = {column: message for column, message in errors.items() if message}
        if errors:
            raise ValidationError(errors)
        instance.resolved = {
            "atelier": atelier,
            "user": user,
            "organisation": organisation,
            "consent": instance.consentement in YES,
        }

    def save_instance(self, instance, is_create, row, **kwargs):
        """Create the account if needed, then register through the service (same lock, same rules)."""
        resolved = instance.resolved
        user = resolved["user"]
        atelier = resolved["atelier"]
        if user is None:
            # A member of the organisation named on the row (an Adhesion), without a password yet.
            user = accompagnement_services.create_member(
                email=instance.email,
                first_name=instance.prenom,
                last_name=instance.nom,
                organisation=resolved["organisation"],
                role=Role.REPRESENTANT,
            )
            if atelier.starts_at > timezone.now():
                self._created.append(user)
        try:
            result = register(
                atelier,
                user,
                by=kwargs["user"],
                organisation=resolved["organisation"],
                consent_annuaire=resolved["consent"],
                # Importing the attendance list of a past workshop tells nobody anything.
                notify=atelier.starts_at > timezone.now(),
            )
        except RegistrationError as error:
            raise ValidationError({"atelier": error.message}) from error
        inscription = result.inscription
        instance.pk = inscription.pk
        instance.user = user
        instance.atelier = atelier
        instance.status = inscription.status
        instance.resultat = (
            inscription.get_status_display() if result.created else _("déjà inscrit (inchangé)")
        )


class InscriptionExportResource(resources.Resource):
    """One line per registration, every status; the queryset selects its relations (fixed queries)."""

    atelier = Field(column_name=gettext_lazy("Atelier"))
    nom = Field(column_name=gettext_lazy("Nom"))
    prenom = Field(column_name=gettext_lazy("Prénom"))
    email = Field(column_name=gettext_lazy("Adresse électronique"))
    ministere = Field(column_name=gettext_lazy("Ministère ou organisme"))
    organisation = Field(column_name=gettext_lazy("Organisation"))
    statut = Field(column_name=gettext_lazy("Statut"))
    presence = Field(column_name=gettext_lazy("Présence"))
    consentement = Field(column_name=gettext_lazy("Accepte de figurer au livret"))
    inscrit_par = Field(column_name=gettext_lazy("Inscrit par"))
    inscrit_le = Field(column_name=gettext_lazy("Inscrit le"))

    class Meta:
        fields = (
            "atelier",
            "nom",
            "prenom",
            "email",
            "ministere",
            "organisation",
            "statut",
            "presence",
            "consentement",
            "inscrit_par",
            "inscrit_le",
        )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._roots = {}

    def export(self, queryset=None, **kwargs):
        # The ministry column: every row's root in one query, whatever the depth of the organisations.
        rows = [] if queryset is None else list(queryset)
        self._roots = roots_of({inscription.organisation_id for inscription in rows})
        return super().export(queryset=rows, **kwargs)

    def export_field(self, field, instance, **kwargs):
        # Names arrive from ministries' spreadsheets: "=HYPERLINK(...)" must stay text in staff's Excel.
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))

    def dehydrate_atelier(self, inscription):
        return str(inscription.atelier)

    def dehydrate_nom(self, inscription):
        return inscription.user.last_name.upper()

    def dehydrate_prenom(self, inscription):
        return inscription.user.first_name

    def dehydrate_email(self, inscription):
        return inscription.user.email

    def dehydrate_ministere(self, inscription):
        root = self._roots.get(inscription.organisation_id) or inscription.organisation.racine
        return root.name

    def dehydrate_organisation(self, inscription):
        return inscription.organisation.name

    def dehydrate_statut(self, inscription):
        return inscription.get_status_display()

    def dehydrate_presence(self, inscription):
        return inscription.get_presence_display()

    def dehydrate_consentement(self, inscription):
        return _("oui") if inscription.consent_annuaire else _("non")

    def dehydrate_inscrit_par(self, inscription):
        return inscription.registered_by.email if inscription.registered_by else ""

    def dehydrate_inscrit_le(self, inscription):
        return timezone.localtime(inscription.created_at).strftime("%d/%m/%Y %H:%M")
