"""Spreadsheets of registrations (django-import-export).

Import: participant lists arriving from ministries as CSV or XLSX. The admin shows a preview with each
row's errors; nothing is written while one row is wrong (all or nothing, in one transaction), and every
row goes through the registration service, so capacity and the waiting list hold exactly as on the site.
Export: every registration of a workshop, for staff.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field

from accompagnement.models import Organisation, User
from ateliers.enums import AtelierStatus
from ateliers.models import Atelier, Inscription
from ateliers.services.inscriptions import RegistrationError, register

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
    consentement (oui / non). An unknown email creates the account (it logs in after a password reset)."""

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

    def import_instance(self, instance, row, **kwargs):
        """Check every cell; collect all of a row's errors so the preview lists them together."""
        errors = {}
        atelier_id = _cell(row, "atelier")
        instance.atelier_label = atelier_id
        atelier = None
        if not atelier_id.split(".")[0].isdigit():
            errors["atelier"] = _("Indiquez l'identifiant numérique de l'atelier.")
        else:
            atelier = Atelier.objects.filter(pk=int(atelier_id.split(".")[0])).first()
            if atelier is None:
                errors["atelier"] = _("Atelier n° %(id)s introuvable.") % {"id": atelier_id}
            elif atelier.status == AtelierStatus.ANNULE:
                errors["atelier"] = _("Cet atelier est annulé : aucune inscription possible.")
        email = _cell(row, "email").lower()
        instance.email = email
        if "@" not in email:
            errors["email"] = _("Adresse électronique manquante ou invalide.")
        instance.prenom, instance.nom = _cell(row, "prenom"), _cell(row, "nom")
        user = User.objects.filter(email__iexact=email).first() if "@" in email else None
        if user is None and "@" in email and not (instance.prenom and instance.nom):
            errors["nom"] = _("Compte inconnu : le prénom et le nom sont nécessaires pour le créer.")
        label = _cell(row, "organisation")
        instance.organisation_label = label
        organisation = None
        if not label:
            errors["organisation"] = _("Organisation manquante.")
        else:
            try:
                organisation = find_organisation(label)
            except ValueError as error:
                errors["organisation"] = str(error)
        consent = _cell(row, "consentement").lower()
        instance.consentement = consent
        if consent not in YES | NO:
            errors["consentement"] = _("Répondez « oui » ou « non ».")
        if errors:
            raise ValidationError(errors)
        instance.resolved = {
            "atelier": atelier,
            "user": user,
            "organisation": organisation,
            "consent": consent in YES,
        }

    def save_instance(self, instance, is_create, row, **kwargs):
        """Create the account if needed, then register through the service (same lock, same rules)."""
        resolved = instance.resolved
        user = resolved["user"]
        if user is None:
            user = User.objects.create_user(
                email=instance.email, first_name=instance.prenom, last_name=instance.nom, password=None
            )
        atelier = resolved["atelier"]
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

    def dehydrate_atelier(self, inscription):
        return str(inscription.atelier)

    def dehydrate_nom(self, inscription):
        return inscription.user.last_name.upper()

    def dehydrate_prenom(self, inscription):
        return inscription.user.first_name

    def dehydrate_email(self, inscription):
        return inscription.user.email

    def dehydrate_ministere(self, inscription):
        organisation = inscription.organisation
        return (organisation.parent or organisation).name

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
