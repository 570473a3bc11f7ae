"""Admin of the workshop cycle: programmes, workshops (running order, speakers), registrations and import.

Status and capacity changes made in the workshop form go through the services: the transitions map is
checked, the change is logged, and lowering the capacity below the confirmed count warns and drops nobody.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX

from ateliers.enums import ATELIER_TRANSITIONS, REASON_REQUIRED, AtelierStatus, InscriptionStatus, Presence
from ateliers.models import Atelier, AtelierTransition, Inscription, Intervenant, Programme, Rappel, Sequence
from ateliers.resources import InscriptionImportResource
from ateliers.services import atelier as atelier_services
from ateliers.services import inscriptions as inscription_services
from ateliers.services.atelier import TransitionError
from ateliers.services.inscriptions import RegistrationError


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "atelier_count"]
    search_fields = ["title", "themes"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_atelier_count=Count("ateliers"))

    @admin.display(description=_("ateliers"), ordering="_atelier_count")
    def atelier_count(self, obj):
        return obj._atelier_count


class SequenceInline(admin.StackedInline):
    model = Sequence
    extra = 0
    fields = [("order", "kind", "starts_at"), "title", "description", "intervenants"]
    autocomplete_fields = ["intervenants"]


class AtelierTransitionInline(admin.TabularInline):
    model = AtelierTransition
    extra = 0
    fields = ["at", "from_status", "to_status", "by", "reason"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("historique des statuts")

    def has_add_permission(self, request, obj=None):
        return False


class AtelierAdminForm(forms.ModelForm):
    class Meta:
        model = Atelier
        fields = [
            "programme",
            "number",
            "title",
            "theme",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "video_link",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "status",
            "cancellation_reason",
        ]

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if self.instance.pk and status and status != self.instance.status:
            current = AtelierStatus(self.instance.status)
            if status not in ATELIER_TRANSITIONS[current]:
                allowed = ", ".join(str(AtelierStatus(s).label) for s in ATELIER_TRANSITIONS[current]) or "—"
                self.add_error(
                    "status",
                    _("Depuis « %(current)s », statuts possibles : %(allowed)s.")
                    % {"current": current.label, "allowed": allowed},
                )
            elif status in REASON_REQUIRED and not (cleaned.get("cancellation_reason") or "").strip():
                self.add_error(
                    "cancellation_reason", _("Indiquez le motif : il est communiqué aux inscrits.")
                )
        elif not self.instance.pk and status not in {None, AtelierStatus.BROUILLON}:
            self.add_error("status", _("Un nouvel atelier commence en brouillon."))
        return cleaned


@admin.register(Atelier)
class AtelierAdmin(admin.ModelAdmin):
    form = AtelierAdminForm
    list_display = [
        "__str__",
        "programme",
        "starts_at",
        "status",
        "capacity",
        "confirmed",
        "waiting",
        "staff_links",
    ]
    list_filter = ["programme", "status"]
    list_select_related = ["programme"]
    search_fields = ["title", "theme", "place"]
    date_hierarchy = "starts_at"
    inlines = [SequenceInline, AtelierTransitionInline]
    fieldsets = [
        (None, {"fields": ["programme", "number", "title", "theme", "description"]}),
        (_("Date et lieu"), {"fields": [("starts_at", "ends_at"), "place", "video_link"]}),
        (
            _("Inscriptions"),
            {"fields": ["capacity", ("registration_opens_at", "registration_closes_at")]},
        ),
        (
            _("Statut"),
            {
                "fields": ["status", "cancellation_reason"],
                "description": _(
                    "Brouillon → inscriptions ouvertes → inscriptions closes → tenu → restitution publiée ; "
                    "annulé avec un motif (les inscrits sont prévenus par courriel)."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _confirmed=Count("inscriptions", filter=Q(inscriptions__status=InscriptionStatus.INSCRIT)),
                _waiting=Count(
                    "inscriptions", filter=Q(inscriptions__status=InscriptionStatus.LISTE_ATTENTE)
                ),
            )
        )

    @admin.display(description=_("inscrits"), ordering="_confirmed")
    def confirmed(self, obj):
        return obj._confirmed

    @admin.display(description=_("en attente"), ordering="_waiting")
    def waiting(self, obj):
        return obj._waiting

    @admin.display(description=_("le jour J"))
    def staff_links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">CSV</a> · <a href="{}">XLSX</a>',
            reverse("ateliers:emargement", args=[obj.pk]),
            _("émargement"),
            reverse("ateliers:emargement_pdf", args=[obj.pk]),
            _("feuille PDF"),
            reverse("ateliers:export", args=[obj.pk, "csv"]),
            reverse("ateliers:export", args=[obj.pk, "xlsx"]),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Status and capacity go through the services (lock, map, log, emails), not a plain save.
        new_status, new_capacity = obj.status, obj.capacity
        obj.status, obj.capacity = form.initial["status"], form.initial["capacity"]
        super().save_model(request, obj, form, change)
        if "capacity" in form.changed_data:
            result = atelier_services.set_capacity(obj, new_capacity, by=request.user)
            if result.warning:
                messages.warning(request, result.warning)
            if result.promoted:
                messages.info(
                    request,
                    ngettext(
                        "%(count)s personne passe de la liste d'attente aux inscrits.",
                        "%(count)s personnes passent de la liste d'attente aux inscrits.",
                        len(result.promoted),
                    )
                    % {"count": len(result.promoted)},
                )
        if "status" in form.changed_data:
            try:
                atelier_services.transition(
                    obj, new_status, by=request.user, reason=form.cleaned_data.get("cancellation_reason", "")
                )
            except TransitionError as error:
                messages.error(request, error.message)


@admin.register(Intervenant)
class IntervenantAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "role", "organisation_name"]
    list_select_related = ["organisation"]
    search_fields = ["last_name", "first_name", "role", "organisation__name", "organisation_label"]
    autocomplete_fields = ["organisation", "user"]


@admin.register(Inscription)
class InscriptionAdmin(ImportMixin, admin.ModelAdmin):
    resource_classes = [InscriptionImportResource]
    formats = [CSV, XLSX]
    list_display = ["user", "organisation", "atelier", "status", "presence", "consent_annuaire", "created_at"]
    list_filter = ["atelier__programme", "atelier", "status", "presence", "consent_annuaire"]
    list_select_related = ["user", "organisation", "atelier"]
    search_fields = ["user__email", "user__last_name", "user__first_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation", "registered_by"]
    readonly_fields = ["atelier", "user", "status", "registered_by", "created_at"]
    fields = [
        "atelier",
        "user",
        "organisation",
        "status",
        "presence",
        "consent_annuaire",
        "registered_by",
        "created_at",
    ]
    actions = ["promote", "mark_present", "mark_absent", "cancel"]
    ordering = ["atelier", "status", "created_at"]

    def has_add_permission(self, request):
        # New registrations come from the site or the import: both take the workshop's lock.
        return False

    @admin.action(description=_("Faire passer de la liste d'attente aux inscrits"))
    def promote(self, request, queryset):
        done = 0
        for inscription in queryset.filter(status=InscriptionStatus.LISTE_ATTENTE).order_by(
            "created_at", "pk"
        ):
            try:
                inscription_services.promote(inscription, by=request.user)
            except RegistrationError as error:
                messages.error(request, error.message)
            else:
                done += 1
        messages.success(request, _("%(count)s inscription(s) confirmée(s).") % {"count": done})

    def _mark(self, request, queryset, presence):
        changed = 0
        for atelier_id in set(queryset.values_list("atelier_id", flat=True)):
            ids = queryset.filter(atelier_id=atelier_id).values_list("pk", flat=True)
            changed += inscription_services.record_presence(
                Atelier(pk=atelier_id), dict.fromkeys(ids, presence), by=request.user
            )
        messages.success(request, _("%(count)s présence(s) mise(s) à jour.") % {"count": changed})

    @admin.action(description=_("Marquer présent"))
    def mark_present(self, request, queryset):
        self._mark(request, queryset, Presence.PRESENT)

    @admin.action(description=_("Marquer absent"))
    def mark_absent(self, request, queryset):
        self._mark(request, queryset, Presence.ABSENT)

    @admin.action(description=_("Annuler les inscriptions (la place va au premier en attente)"))
    def cancel(self, request, queryset):
        done = 0
        for inscription in queryset.exclude(status=InscriptionStatus.ANNULE).select_related("atelier"):
            try:
                inscription_services.cancel(inscription, by=request.user)
            except RegistrationError as error:
                messages.error(request, error.message)
            else:
                done += 1
        messages.success(request, _("%(count)s inscription(s) annulée(s).") % {"count": done})


@admin.register(Rappel)
class RappelAdmin(admin.ModelAdmin):
    list_display = ["inscription", "kind", "sent_at"]
    list_select_related = ["inscription__user", "inscription__atelier"]
    readonly_fields = ["inscription", "kind", "sent_at"]

    def has_add_permission(self, request):
        return False
