"""Admin pieces every app shares."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class TransitionLogInline(admin.TabularInline):
    """A workflow's log under its object, read-only: the history is written by `fabrique.core.workflow`
    alone. Subclass it with `model = <the app's log model>`."""

    extra = 0
    can_delete = False
    fields = ["at", "from_label", "to_label", "actor_label", "reason"]
    readonly_fields = fields
    verbose_name_plural = _("historique des statuts")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # The statuses by their label (« En attente »), not their stored code.
    @admin.display(description=_("de"))
    def from_label(self, obj):
        return obj.from_label

    @admin.display(description=_("vers"))
    def to_label(self, obj):
        return obj.to_label


def annotation_column(annotation, description):
    """A changelist column showing the annotation `annotation` the ModelAdmin's `get_queryset` adds (a
    count, say), sortable by it: `member_count = annotation_column("_member_count", _("membres"))`."""

    @admin.display(description=description, ordering=annotation)
    def column(self, obj):
        return getattr(obj, annotation)

    return column
