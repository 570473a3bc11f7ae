"""Spreadsheets of registrations (django-import-export).

Export: every registration of a workshop, for staff. The import of participant lists is ateliers.imports.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field

from ateliers.livret.services import annexe
from fabrique.core.exports import spreadsheet_safe


class InscriptionExportResource(resources.Resource):
    """One line per registration of one workshop, every status, under the booklet's headings, in their
    order and with the names written as in its lists (services.annexe): the « Ministère ou organisme »
    column is the heading. A fixed number of queries: the queryset selects `user` and `registered_by`;
    the grouping adds its own four."""

    atelier = Field(column_name=gettext_lazy("Atelier"))
    nom = Field(column_name=gettext_lazy("Nom"))
    prenom = Field(column_name=gettext_lazy("Prénom"))
    email = Field(column_name=gettext_lazy("Adresse électronique"))
    ministere = Field(column_name=gettext_lazy("Ministère ou organisme"))
    organisation = Field(column_name=gettext_lazy("Organisation"))
    nom_affiche = Field(column_name=gettext_lazy("Nom dans les listes"))
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
            "nom_affiche",
            "statut",
            "presence",
            "consentement",
            "inscrit_par",
            "inscrit_le",
        )

    def __init__(self, atelier=None, **kwargs):
        super().__init__(**kwargs)
        self._atelier = atelier
        self._rubriques = {}  # registration pk: (Rubrique, Personne)

    def export(self, queryset=None, **kwargs):
        rows = [] if queryset is None else list(queryset)
        atelier = self._atelier or (rows[0].atelier_id if rows else None)
        self._rubriques = {}
        ordered = []
        for rubrique in annexe.grouper(rows, atelier):
            for personne in rubrique.personnes:
                self._rubriques[personne.inscription.pk] = (rubrique, personne)
                ordered.append(personne.inscription)
        return super().export(queryset=ordered, **kwargs)

    def export_field(self, field, instance, **kwargs):
        # Names arrive from ministries' spreadsheets: "=HYPERLINK(...)" must stay text in staff's Excel.
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))

    def dehydrate_atelier(self, inscription):
        return str(self._atelier or inscription.atelier)

    def dehydrate_nom(self, inscription):
        return annexe.format_nom("", inscription.user.last_name)

    def dehydrate_prenom(self, inscription):
        return inscription.user.first_name

    def dehydrate_email(self, inscription):
        return inscription.user.email

    def dehydrate_ministere(self, inscription):
        return self._rubriques[inscription.pk][0].intitule

    def dehydrate_organisation(self, inscription):
        personne = self._rubriques[inscription.pk][1]
        return personne.precision or personne.organisation.name

    def dehydrate_nom_affiche(self, inscription):
        return self._rubriques[inscription.pk][1].nom_affiche

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
