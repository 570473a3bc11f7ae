"""Admin of the workshop cycle: programmes, workshops (running order, status, capacity) and speakers.

Status and capacity changes made in the workshop form go through the services: the transitions map is
checked, the change is logged, and lowering the capacity below the confirmed count warns and drops nobody.
"""

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accompagnement.admin import OrganisationNommeeMixin
from ateliers.enums import AtelierStatus, InscriptionStatus
from ateliers.livret.forms.studio import RevisionCheckForm
from ateliers.livret.validators import PHOTO_ACCEPT, PHOTO_HELP, reencode_photo, validate_photo
from ateliers.models import (
    Atelier,
    AtelierTransition,
    Intervenant,
    Programme,
    Sequence,
)
from ateliers.services import atelier as atelier_services
from ateliers.services.atelier import TransitionError
from fabrique.core.admin import TransitionLogInline, annotation_column


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


class AtelierTransitionInline(TransitionLogInline):
    model = AtelierTransition


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

    user = None  # set by AtelierAdmin.get_form: the staff member editing

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if self.instance.pk and status and status != self.instance.status:
            # The one workflow mechanism answers (map, actor, reason); saving the form makes the step.
            workflow = atelier_services.WORKFLOW
            reason = cleaned.get("cancellation_reason") or ""
            try:
                workflow.check(
                    self.instance, status, workflow.roles_of(self.user, self.instance), reason=reason
                )
            except TransitionError as error:
                possible = workflow.possible(self.instance, self.user)
                if status in possible:  # a possible step missing its reason
                    self.add_error("cancellation_reason", error.message)
                else:
                    allowed = ", ".join(str(workflow.label(s)) for s in possible) or "—"
                    self.add_error(
                        "status",
                        _("Depuis « %(current)s », statuts possibles : %(allowed)s.")
                        % {"current": workflow.label(self.instance.status), "allowed": allowed},
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

    confirmed = annotation_column("_confirmed", _("inscrits"))
    waiting = annotation_column("_waiting", _("en attente"))

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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

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


class IntervenantAdminForm(RevisionCheckForm):
    """A speaker's form: a photo uploaded here passes the same checks as one uploaded from the studio and
    is stored re-encoded the same way; a portrait written in the studio since the page was opened is not
    overwritten (`RevisionCheckForm`)."""

    # A plain file field: Django's ImageField would refuse a 20,000 × 20,000 image with its generic « not a
    # valid image » before `validate_photo` can say what is wrong.
    photo = forms.FileField(
        label=_("photo"),
        required=False,
        help_text=PHOTO_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
    )

    class Meta:
        model = Intervenant
        fields = [
            "first_name",
            "last_name",
            "role",
            "organisation",
            "organisation_label",
            "user",
            "photo",
            "portrait",
        ]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            validate_photo(photo)
            photo = reencode_photo(photo)
        return photo


@admin.register(Intervenant)
class IntervenantAdmin(OrganisationNommeeMixin, admin.ModelAdmin):
    form = IntervenantAdminForm
    list_display = ["last_name", "first_name", "role", "organisation_name"]
    list_select_related = ["organisation__parent__parent"]
    search_fields = ["last_name", "first_name", "role", "organisation__name", "organisation_label"]
    autocomplete_fields = ["organisation", "user"]

    def save_model(self, request, obj, form, change):
        """A change bumps the speaker's revision, as a studio save does (a studio writer working from the
        previous one meets a conflict); a replaced photo's file goes once the row is saved."""
        if change and form.has_changed():
            obj.revision += 1
        previous = form.initial.get("photo")
        super().save_model(request, obj, form, change)
        if previous and previous.name != obj.photo.name:
            storage, name = previous.storage, previous.name
            transaction.on_commit(lambda: storage.delete(name))


# The names django-import-export's temporary storages give an uploaded file: tempfile's pattern (folder
# storage) or a uuid4 (cache and media storages).
