"""The immersions' and agreements' admin, for DGAFP staff: Django's permissions decide who sees and
changes what (accompagnement.roles). Statuses move on the site, through the workflow; what the site records
(derogations, documents, reminders) is read here, never added by hand."""

from django.contrib import admin

from fabrique.core.admin import TransitionLogInline
from immersions.enums import EchangeStatus, ImmersionStatus
from immersions.models import (
    Bilan,
    Derogation,
    Document,
    EchangeTalent,
    EchangeTransition,
    FonctionCritique,
    Immersion,
    ImmersionTransition,
    Relance,
)

_AGENT_IDENTITY = ["agent_name", "agent_email", "agent_grade", "agent_categorie"]


class LockedAfterDraftMixin:
    """Once a row has left its draft, what the parties agreed on (and what the cap counted) is read-only
    here too: a change would otherwise bypass the workflow's checks and the cap's lock."""

    draft_status = "brouillon"
    locked_after_draft = []

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != self.draft_status:
            fields += [name for name in self.locked_after_draft if name not in fields]
        return fields


class RecordMixin:
    """What the services record (a derogation granted, a document rendered, a reminder sent): read here,
    never added by hand."""

    def has_add_permission(self, request):
        return False


class ImmersionTransitionInline(TransitionLogInline):
    model = ImmersionTransition


class BilanInline(admin.StackedInline):
    model = Bilan
    extra = 0
    readonly_fields = ["recorded_by", "recorded_at"]


@admin.register(Immersion)
class ImmersionAdmin(LockedAfterDraftMixin, admin.ModelAdmin):
    # Statuses change only through the services (checks, logs): read-only here.
    list_display = ["id", "agent_name", "origin", "host", "kind", "start_date", "end_date", "status"]
    list_filter = ["status", "kind", "agent_categorie", "confidential"]
    list_select_related = ["origin", "host"]
    search_fields = ["agent_name", "agent_email", "tutor_name", "origin__name", "host__name"]
    autocomplete_fields = ["origin", "origin_service", "host", "host_service"]
    readonly_fields = ["status", "status_changed_at", "created_by", "created_at"]
    draft_status = ImmersionStatus.BROUILLON
    locked_after_draft = [
        "start_date",
        "end_date",
        *_AGENT_IDENTITY,
        "origin",
        "origin_service",
        "host",
        "host_service",
    ]
    date_hierarchy = "start_date"
    inlines = [BilanInline, ImmersionTransitionInline]


class EchangeTransitionInline(ImmersionTransitionInline):
    model = EchangeTransition


@admin.register(EchangeTalent)
class EchangeTalentAdmin(LockedAfterDraftMixin, admin.ModelAdmin):
    list_display = ["id", "agent_name", "origin_service", "host", "start_date", "end_date", "status"]
    list_filter = ["status", "agent_categorie"]
    list_select_related = ["origin_service", "host"]
    search_fields = ["agent_name", "agent_email", "origin__name", "host__name"]
    autocomplete_fields = ["origin", "origin_service", "host", "host_service", "previous"]
    readonly_fields = [
        "status",
        "status_changed_at",
        "agent_agreed_at",
        "agent_agreed_label",
        "origin_agreed_at",
        "origin_agreed_by",
        "host_agreed_at",
        "host_agreed_by",
        "created_by",
        "created_at",
    ]
    draft_status = EchangeStatus.BROUILLON
    locked_after_draft = [
        "start_date",
        "end_date",
        "origin",
        "origin_service",
        "fonction_critique",
        *_AGENT_IDENTITY,
    ]
    inlines = [EchangeTransitionInline]


@admin.register(FonctionCritique)
class FonctionCritiqueAdmin(admin.ModelAdmin):
    list_display = ["title", "service", "active"]
    list_filter = ["active"]
    list_select_related = ["service"]
    search_fields = ["title", "service__name"]
    autocomplete_fields = ["service"]


@admin.register(Derogation)
class DerogationAdmin(RecordMixin, admin.ModelAdmin):
    list_display = ["echange", "fonction", "granted_by", "granted_at"]
    list_select_related = ["echange", "fonction__service", "granted_by"]
    readonly_fields = ["echange", "fonction", "granted_by", "granted_at", "reason"]


@admin.register(Document)
class DocumentAdmin(RecordMixin, admin.ModelAdmin):
    list_display = ["id", "kind", "status", "pages", "size", "requested_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["file", "sha256", "size", "pages", "error", "rendered_at"]


@admin.register(Relance)
class ReminderAdmin(RecordMixin, admin.ModelAdmin):
    list_display = ["kind", "immersion", "echange", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["immersion", "echange"]
    readonly_fields = ["kind", "immersion", "echange", "recipients", "sent_at"]
