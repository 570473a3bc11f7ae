"""Admin of the participant lists' grouping: the network's settings (the row without a workshop) and the
booklets' own settings with their headings.

The order of the ministries' headings for the whole network is set on each organisation
(`rang_protocolaire`, editable in the organisations' list; empty, the government's protocol order built
into ateliers.livret.services.annexe), as is its short label (`libelle_court`) and a public body's supervising
ministry (`tutelle`). A booklet's own settings are usually made from its « Annexe » page.
"""

from django.contrib import admin
from django.db.models import Count, F
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accompagnement.admin import OrganisationNommeeMixin
from ateliers.models import ReglageAnnexe, RubriqueAnnexe


# DGAFP staff set the lists' headings, as they manage the organisations (their roles carry the permissions;
# a booklet goes back to the network's settings from its « Annexe » page).
class RubriqueAnnexeInline(OrganisationNommeeMixin, admin.TabularInline):
    model = RubriqueAnnexe
    extra = 0
    fields = ["organisation", "intitule", "rang"]
    autocomplete_fields = ["organisation"]
    verbose_name_plural = _("rubriques propres à ce livret")


@admin.register(ReglageAnnexe)
class ReglageAnnexeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "format_nom", "regrouper_pfrh", "etablissements", "rubrique_count", "page"]
    list_select_related = ["atelier__programme"]
    search_fields = ["atelier__title"]
    autocomplete_fields = ["atelier"]
    fieldsets = [
        (None, {"fields": ["atelier"]}),
        (_("Écriture des noms"), {"fields": ["format_nom"]}),
        (
            _("Plateformes régionales (PFRH)"),
            {"fields": ["regrouper_pfrh", "intitule_pfrh", "rang_pfrh"]},
        ),
        (
            _("Établissements publics"),
            {"fields": ["etablissements", "intitule_etablissements", "rang_etablissements"]},
        ),
    ]

    # The network's row (no workshop) first, then the booklets', newest workshop first.
    ordering = [F("atelier__starts_at").desc(nulls_first=True), "-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_rubrique_count=Count("rubriques"))

    def get_inlines(self, request, obj):
        # Headings per ministry are a booklet's override; the network's live on the organisations.
        return [RubriqueAnnexeInline] if obj is not None and obj.atelier_id else []

    def get_readonly_fields(self, request, obj=None):
        # A row stays what it is: the network's, or one booklet's.
        return ["atelier"] if obj is not None else []

    @admin.display(description=_("rubriques propres"), ordering="_rubrique_count")
    def rubrique_count(self, obj):
        return obj._rubrique_count

    @admin.display(description=_("page de l'annexe"))
    def page(self, obj):
        if not obj.atelier_id:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("ateliers:livret_annexe", args=[obj.atelier_id]), _("Ouvrir")
        )
