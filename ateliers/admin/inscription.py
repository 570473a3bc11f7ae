"""Admin of registrations: the list, presence and waiting-list actions, the participants' import
(CSV in UTF-8 or Windows-1252, « ; » or « , », or XLSX), and the reminders sent.

Every status change goes through `ateliers.services.inscriptions` (the registrations' workflow).
"""

import re
from pathlib import Path
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from import_export.admin import ImportMixin
from import_export.formats.base_formats import XLSX
from import_export.forms import ConfirmImportForm, ImportForm

from accompagnement import matching
from accompagnement.admin import OrganisationNommeeMixin
from accompagnement.models import Organisation
from ateliers.enums import AtelierStatus, InscriptionStatus, Presence
from ateliers.imports import InscriptionImportResource, ParticipantsCSV, UnreadableFileError
from ateliers.models import (
    Atelier,
    Inscription,
    InscriptionTransition,
    Relance,
)
from ateliers.services import inscriptions as inscription_services
from ateliers.services.inscriptions import RegistrationError
from fabrique.core.admin import TransitionLogInline


class InscriptionTransitionInline(TransitionLogInline):
    model = InscriptionTransition


STORED_IMPORT_NAME = re.compile(r"^(tmp[a-z0-9_]{8}|[0-9a-f]{32})$")


class ParticipantsImportForm(ImportForm):
    """The upload form, with the workshop of the rows that have no `atelier` column (ministries' lists)."""

    atelier = forms.ModelChoiceField(
        label=_("Atelier"),
        queryset=Atelier.objects.exclude(status=AtelierStatus.ANNULE).order_by("-starts_at"),
        required=False,
        help_text=_("Pour les lignes sans colonne « atelier » (une liste reçue d'un ministère)."),
    )


class ParticipantsConfirmForm(ConfirmImportForm):
    """The stored file to import (or to preview again), with the workshop chosen on upload."""

    atelier = forms.ModelChoiceField(queryset=Atelier.objects.all(), required=False, widget=forms.HiddenInput)

    def clean_import_file_name(self):
        name = Path(self.cleaned_data["import_file_name"]).name
        if not STORED_IMPORT_NAME.match(name):
            raise ValidationError(_("Fichier d'import inconnu."))
        return name


class DirectionCreationForm(ParticipantsConfirmForm):
    """A direction named by a participants list and missing from the network's base, to add under the
    ministry the list named; the stored file's fields bring staff back to its preview."""

    ministry = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(parent__isnull=True), widget=forms.HiddenInput
    )
    name = forms.CharField(label=_("Nom de la direction ou du service"), max_length=255)
    acronym = forms.CharField(label=_("Sigle (facultatif)"), max_length=40, required=False)


@admin.register(Inscription)
class InscriptionAdmin(OrganisationNommeeMixin, ImportMixin, admin.ModelAdmin):
    resource_classes = [InscriptionImportResource]
    # CSV is read by ParticipantsCSV (UTF-8 or Windows-1252, « ; » or « , »), not django-import-export's
    # one-encoding CSV.
    formats = [ParticipantsCSV, XLSX]
    import_form_class = ParticipantsImportForm
    confirm_form_class = ParticipantsConfirmForm
    import_template_name = "admin/ateliers/inscription/import.html"
    list_display = ["user", "organisation", "atelier", "status", "presence", "consent_annuaire", "created_at"]
    list_filter = ["atelier__programme", "atelier", "status", "presence", "consent_annuaire"]
    list_select_related = ["user", "organisation__parent__parent", "atelier"]
    search_fields = ["user__email", "user__last_name", "user__first_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation", "registered_by"]
    inlines = [InscriptionTransitionInline]
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

    # --- import of participant lists ---

    def get_urls(self):
        urls = [
            path(
                "import/apercu/",
                self.admin_site.admin_view(self.import_preview_view),
                name="ateliers_inscription_import_preview",
            ),
            path(
                "import/creer-direction/",
                self.admin_site.admin_view(self.create_direction_view),
                name="ateliers_inscription_create_direction",
            ),
        ]
        return urls + super().get_urls()

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            atelier = import_form.cleaned_data.get("atelier")
            initial["atelier"] = atelier.pk if atelier else ""
        return initial

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        kwargs = super().get_import_data_kwargs(**kwargs)
        if form is not None and form.is_bound and form.is_valid() and form.cleaned_data.get("atelier"):
            kwargs["atelier"] = form.cleaned_data["atelier"]
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnreadableFileError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def add_success_message(self, result, request):
        instances = [row.instance for row in result.rows if row.instance is not None]
        created = [i for i in instances if getattr(i, "created", False)]
        messages.success(
            request,
            _(
                "Import terminé : %(confirmed)s inscrit(s), %(waiting)s en liste d'attente, "
                "%(already)s déjà inscrit(s)."
            )
            % {
                "confirmed": sum(i.status == InscriptionStatus.INSCRIT for i in created),
                "waiting": sum(i.status == InscriptionStatus.LISTE_ATTENTE for i in created),
                "already": len(instances) - len(created),
            },
        )

    def can_create_direction(self, request):
        return request.user.has_perm("accompagnement.add_organisation")

    @staticmethod
    def stored_file(form):
        """The fields that find the uploaded file again (to preview it anew after adding a direction)."""
        if not (form.is_bound and form.is_valid()):
            return None
        data = form.cleaned_data
        upload = data.get("import_file")
        atelier = data.get("atelier")
        return {
            "import_file_name": Path(getattr(upload, "tmp_storage_name", "")).name
            if upload
            else data["import_file_name"],
            "original_file_name": upload.name if upload else data["original_file_name"],
            "format": data["format"],
            "resource": data.get("resource") or "",
            "atelier": atelier.pk if atelier else "",
        }

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse) and response.context_data.get("result") is not None:
            response.context_data["stored_file"] = self.stored_file(response.context_data["form"])
            response.context_data["can_create_direction"] = self.can_create_direction(request)
        return response

    @method_decorator(require_GET)
    def import_preview_view(self, request):
        """The preview of a file already uploaded, run again (after a direction was added)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ParticipantsConfirmForm(request.GET)
        import_url = reverse("admin:ateliers_inscription_import")
        if not form.is_valid():
            messages.error(request, _("Ce fichier n'est plus disponible : importez-le à nouveau."))
            return HttpResponseRedirect(import_url)
        input_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
        storage = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"],
            encoding=None,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        try:
            dataset = input_format.create_dataset(storage.read())
        except (OSError, ValueError):
            messages.error(request, _("Ce fichier n'est plus disponible : importez-le à nouveau."))
            return HttpResponseRedirect(import_url)
        resource = self.choose_import_resource_class(form, request)(
            **self.get_import_resource_kwargs(request, form=form)
        )
        result = resource.import_data(
            dataset,
            dry_run=True,
            raise_errors=False,
            file_name=form.cleaned_data["original_file_name"],
            user=request.user,
            **self.get_import_data_kwargs(request=request, form=form),
        )
        context = self.get_import_context_data()
        context.update(self.admin_site.each_context(request))
        import_form = self.create_import_form(request)
        context.update(
            {
                "title": _("Import"),
                "form": import_form,
                "opts": self.model._meta,
                "media": self.media + import_form.media,
                "fields_list": [
                    (resource.get_display_name(), [f.column_name for f in resource.get_user_visible_fields()])
                ],
                "import_error_display": self.import_error_display,
                "result": result,
                "stored_file": self.stored_file(form),
                "can_create_direction": self.can_create_direction(request),
            }
        )
        if not result.has_errors() and not result.has_validation_errors():
            context["confirm_form"] = ParticipantsConfirmForm(initial=self.stored_file(form))
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    @method_decorator(require_POST)
    def create_direction_view(self, request):
        """Add a direction a participants list names under the ministry it names, then preview the same
        file again: its rows naming that direction now resolve."""
        if not (self.has_import_permission(request) and self.can_create_direction(request)):
            raise PermissionDenied
        form = DirectionCreationForm(request.POST)
        if not form.is_valid():
            messages.error(
                request,
                _("Direction non créée : %(errors)s")
                % {
                    "errors": " ".join(
                        str(message) for messages_ in form.errors.values() for message in messages_
                    )
                },
            )
            return HttpResponseRedirect(reverse("admin:ateliers_inscription_import"))
        ministry = form.cleaned_data["ministry"]
        try:
            direction = matching.create_direction(
                ministry, name=form.cleaned_data["name"], acronym=form.cleaned_data["acronym"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            self.log_addition(request, direction, [{"added": {}}])
            messages.success(
                request,
                _(
                    "Direction « %(direction)s » créée sous « %(ministry)s » (identifiant « %(slug)s ») : "
                    "voici l'aperçu du même fichier, relancé."
                )
                % {"direction": direction, "ministry": ministry.name, "slug": direction.slug},
            )
        query = urlencode(self.stored_file(form))
        return HttpResponseRedirect(f"{reverse('admin:ateliers_inscription_import_preview')}?{query}")

    def _each(self, request, inscriptions, service):
        """`service(inscription, by=…)` for each registration, a refused one saying why (its
        RegistrationError as an error message); the number that went through."""
        done = 0
        for inscription in inscriptions:
            try:
                service(inscription, by=request.user)
            except RegistrationError as error:
                messages.error(request, error.message)
            else:
                done += 1
        return done

    @admin.action(description=_("Faire passer de la liste d'attente aux inscrits"), permissions=["change"])
    def promote(self, request, queryset):
        waiting = queryset.filter(status=InscriptionStatus.LISTE_ATTENTE).order_by("created_at", "pk")
        done = self._each(request, waiting, inscription_services.promote)
        messages.success(request, _("%(count)s inscription(s) confirmée(s).") % {"count": done})

    def _mark(self, request, queryset, presence):
        changed = 0
        for atelier_id in set(queryset.values_list("atelier_id", flat=True)):
            ids = queryset.filter(atelier_id=atelier_id).values_list("pk", flat=True)
            changed += inscription_services.record_presence(
                Atelier(pk=atelier_id), dict.fromkeys(ids, presence), by=request.user
            )
        messages.success(request, _("%(count)s présence(s) mise(s) à jour.") % {"count": changed})

    @admin.action(description=_("Marquer présent"), permissions=["change"])
    def mark_present(self, request, queryset):
        self._mark(request, queryset, Presence.PRESENT)

    @admin.action(description=_("Marquer absent"), permissions=["change"])
    def mark_absent(self, request, queryset):
        self._mark(request, queryset, Presence.ABSENT)

    @admin.action(
        description=_("Annuler les inscriptions (la place va au premier en attente)"),
        permissions=["change"],
    )
    def cancel(self, request, queryset):
        selected = queryset.exclude(status=InscriptionStatus.ANNULE).select_related("atelier")
        done = self._each(request, selected, inscription_services.cancel)
        messages.success(request, _("%(count)s inscription(s) annulée(s).") % {"count": done})


@admin.register(Relance)
class RelanceAdmin(admin.ModelAdmin):
    list_display = ["inscription", "kind", "sent_at"]
    list_select_related = ["inscription__user", "inscription__atelier"]
    readonly_fields = ["inscription", "kind", "sent_at"]

    def has_add_permission(self, request):
        return False
