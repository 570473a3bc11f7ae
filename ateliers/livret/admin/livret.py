"""Admin of the booklet: DGAFP staff capture what was said, generate, preview, publish and spread it.

- "Livrets des ateliers" (a proxy of Atelier): per workshop, the séquences to fill in, the versions, and
  the buttons Générer / Prévisualiser (HTML, PDF) / Publier / Diffuser au réseau.
- "Contenus des séquences" (a proxy of Sequence): the capture form of one séquence, with the inlines
  that fit its kind (round-table contributions, questions and answers, breakout groups, resources...).
- "Livrets de restitution": every rendered version, with the Publier and Diffuser actions.
The buttons' views live with the booklet's views (`ateliers.livret.views.admin_livret`); every state
change goes through `ateliers.livret.services.rendu`. The booklet studio on the site
(`ateliers.livret.views.studio`) is where staff and rapporteurs write. Both sides keep each other's text:
every form here of a row the studio writes (`RevisionCheckForm`) carries the revision its page was opened at
and is refused, with what was typed kept, if the row was saved since with other values; a save here
bumps the same revision, so a studio writer working from an older one is shown both texts instead.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Max, Q
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ateliers import permissions
from ateliers.enums import SequenceKind
from ateliers.livret.forms.studio import REVISION_FIELD, RevisionCheckForm
from ateliers.livret.models import (
    AtelierLivret,
    Constat,
    ContenuSequence,
    Contribution,
    GroupeTravail,
    Livret,
    LivretTransition,
    Question,
    Rapporteur,
    Redaction,
    ReglagesLivret,
    Reponse,
    Ressource,
    SequenceLivret,
)
from ateliers.livret.services import versions
from ateliers.livret.services.rendu import LivretError
from ateliers.livret.views import admin_livret
from fabrique.core.admin import TransitionLogInline
from fabrique.core.enums import DocumentStatus

URL_FIELD = {models.URLField: {"assume_scheme": "https"}}


class RevisionCheckMixin:
    """An admin or inline of a row the studio writes: its form checks the revision the page was opened
    at (`RevisionCheckForm`), carried by a hidden field listed with the others so that it is rendered."""

    form = RevisionCheckForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        return fields if REVISION_FIELD in fields else [*fields, REVISION_FIELD]


class ContenuSequenceInline(RevisionCheckMixin, admin.StackedInline):
    model = ContenuSequence
    fields = ["texte", "points_cles"]
    extra = 1
    max_num = 1
    can_delete = False
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 12, "cols": 100})}}


class QuestionInline(RevisionCheckMixin, admin.StackedInline):
    model = Question
    fields = ["order", "question", "asked_by"]
    extra = 0
    show_change_link = True  # the answers (one per answerer) are captured on the question's own page
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 100})}}


class ContributionInline(RevisionCheckMixin, admin.StackedInline):
    model = Contribution
    fields = ["order", ("organisation", "organisation_label"), "speaker", "text"]
    autocomplete_fields = ["organisation"]
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 5, "cols": 100})}}


class GroupeTravailInline(RevisionCheckMixin, admin.StackedInline):
    model = GroupeTravail
    fields = ["order", "title", ("theme", "facilitator"), "synthese"]
    extra = 0
    show_change_link = True  # the findings (constats) are captured on the group's own page
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 100})}}


class RessourceInline(RevisionCheckMixin, admin.StackedInline):
    model = Ressource
    fields = ["order", "title", "description", "link"]
    extra = 0
    formfield_overrides = {
        **URL_FIELD,
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 100})},
    }


# Which capture blocks each kind of séquence offers (every séquence has a text, quotes in its flow).
INLINES_BY_KIND = {
    SequenceKind.OUVERTURE: [],
    SequenceKind.FEUILLE_DE_ROUTE: [ContributionInline],
    SequenceKind.DEBAT: [QuestionInline],
    SequenceKind.COMMUNICATION: [RessourceInline],
    SequenceKind.ATELIERS: [GroupeTravailInline],
    SequenceKind.CLOTURE: [],
}


class StaffOnlyMixin:
    """Booklet content is DGAFP staff's work: the admin's model permissions, and the staff predicate
    (`ateliers.permissions.can_manage`) to list it.

    What the studio writes (`Redaction` rows) is saved, when something changed, with its revision bumped
    and its writer recorded, as the studio does (an untouched form saves nothing and bumps nothing, so
    it never puts a studio writer in conflict). A change to a group's findings is a change of the group."""

    def has_module_permission(self, request):
        return permissions.can_manage(request.user) and super().has_module_permission(request)

    @staticmethod
    def record_writer(request, instance):
        if isinstance(instance, Redaction):
            if instance.pk is not None:
                instance.revision += 1
            instance.updated_by = request.user

    def save_model(self, request, obj, form, change):
        if not change or form.has_changed():
            self.record_writer(request, obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        saved = formset.save(commit=False)
        for instance in saved:
            self.record_writer(request, instance)
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()
        parent = formset.instance
        if formset.model is Constat and (saved or formset.deleted_objects) and not form.has_changed():
            # The findings are part of their group's block in the studio: a writer there working from
            # the group's previous revision must meet a conflict, not overwrite them.
            self.record_writer(request, parent)
            parent.save(update_fields=["revision", "updated_by", "updated_at"])


@admin.register(SequenceLivret)
class SequenceLivretAdmin(StaffOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "atelier", "order", "has_content"]
    list_filter = ["kind", "atelier__programme", "atelier"]
    list_select_related = ["atelier", "contenu"]
    search_fields = ["title", "atelier__title"]
    fields = ["atelier", "kind", "title", "speakers"]
    readonly_fields = fields

    def get_inlines(self, request, obj):
        extra = INLINES_BY_KIND.get(obj.kind, []) if obj else []
        return [ContenuSequenceInline, *extra]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("intervenants")

    def has_add_permission(self, request):
        return False  # séquences are the workshop's running order, created in the workshop's page

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("intervenants"))
    def speakers(self, obj):
        return ", ".join(f"{i} ({i.role})" if i.role else str(i) for i in obj.intervenants.all()) or "—"

    @admin.display(description=_("compte rendu saisi"), boolean=True)
    def has_content(self, obj):
        contenu = getattr(obj, "contenu", None)
        return bool(contenu and contenu.texte)

    def response_change(self, request, obj):
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            return HttpResponseRedirect(reverse("admin:ateliers_atelierlivret_change", args=[obj.atelier_id]))
        return super().response_change(request, obj)


class ReponseInline(RevisionCheckMixin, admin.StackedInline):
    model = Reponse
    fields = ["order", "answered_by", "text"]
    extra = 1


class InSequenceAdmin(RevisionCheckMixin, StaffOnlyMixin, admin.ModelAdmin):
    """A row captured in its séquence's page, whose own page captures what it holds (answers, findings)."""

    list_select_related = ["sequence__atelier"]
    readonly_fields = ["sequence"]

    def has_module_permission(self, request):
        return False  # reached from its séquence's page

    def has_add_permission(self, request):
        return False


@admin.register(Question)
class QuestionAdmin(InSequenceAdmin):
    list_display = ["question", "sequence"]
    fields = ["sequence", "order", "question", "asked_by"]
    inlines = [ReponseInline]


class ConstatInline(admin.TabularInline):
    model = Constat
    fields = ["order", "text"]
    extra = 3
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 90})}}


@admin.register(GroupeTravail)
class GroupeTravailAdmin(InSequenceAdmin):
    list_display = ["title", "theme", "sequence"]
    fields = ["sequence", "order", "title", ("theme", "facilitator"), "synthese"]
    inlines = [ConstatInline]


class RapporteurInline(admin.TabularInline):
    model = Rapporteur
    fields = ["user", "named_by", "created_at"]
    readonly_fields = ["named_by", "created_at"]
    autocomplete_fields = ["user"]
    extra = 0
    verbose_name_plural = _("rapporteurs (rédigent le compte rendu depuis le site)")


class ReglagesLivretInline(RevisionCheckMixin, admin.StackedInline):
    model = ReglagesLivret
    fields = ["annexe2", "annexe2_titre", "annexe2_texte", "page_annexes", "quatrieme_couverture"]
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name_plural = _("annexes et quatrième de couverture")


class LivretInline(admin.TabularInline):
    model = Livret
    fields = [
        "version",
        "status",
        "error",
        "pages",
        "size",
        "rendered_at",
        "requested_by",
        "published",
        "diffuse_reseau",
        "actions_livret",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-version"]
    verbose_name_plural = _("versions du livret")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by")

    @admin.display(description=_("actions"))
    def actions_livret(self, obj):
        if obj.status != DocumentStatus.PRET:
            return "—"
        links = [(reverse("admin:ateliers_livret_fichier", args=[obj.pk]), _("Télécharger"))]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)


@admin.register(AtelierLivret)
class AtelierLivretAdmin(StaffOnlyMixin, admin.ModelAdmin):
    change_form_template = "ateliers/livret/admin/change_form.html"
    list_display = ["__str__", "starts_at", "status", "versions", "published_version", "spread"]
    list_filter = ["programme", "status"]
    list_select_related = ["programme"]
    search_fields = ["title", "theme"]
    fields = ["programme", "number", "title", "theme", "starts_at", "status", "sequence_links"]
    readonly_fields = fields
    inlines = [RapporteurInline, ReglagesLivretInline, LivretInline]
    actions = ["action_generer", "action_apercu_html", "action_apercu_pdf"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _versions=Count("livrets"),
                _published=Max("livrets__version", filter=Q(livrets__published=True)),
                _spread=Count("livrets", filter=Q(livrets__published=True, livrets__diffuse_reseau=True)),
            )
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("versions"), ordering="_versions")
    def versions(self, obj):
        return obj._versions

    @admin.display(description=_("version publiée"))
    def published_version(self, obj):
        return f"v{obj._published}" if obj._published else "—"

    @admin.display(description=_("diffusé au réseau"), boolean=True)
    def spread(self, obj):
        return bool(obj._spread)

    @admin.display(description=_("contenu par séquence"))
    def sequence_links(self, obj):
        sequences = obj.sequences.select_related("contenu").order_by("order", "pk")
        rows = [
            (
                reverse("admin:ateliers_sequencelivret_change", args=[s.pk]),
                s.get_kind_display(),
                s.title,
                _("saisi") if getattr(s, "contenu", None) and s.contenu.texte else _("à saisir"),
            )
            for s in sequences
        ]
        if not rows:
            return _("Aucune séquence : ajoutez le déroulé dans la page de l'atelier.")
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{} — {}</a> ({})</li>', rows)
        )

    # --- Buttons and actions -------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/generer/", view(admin_livret.generer), name="ateliers_livret_generer"),
            path("<int:pk>/apercu.html", view(admin_livret.apercu_html), name="ateliers_livret_apercu_html"),
            path("<int:pk>/apercu.pdf", view(admin_livret.apercu_pdf), name="ateliers_livret_apercu_pdf"),
            path("version/<int:pk>/publier/", view(admin_livret.publier), name="ateliers_livret_publier"),
            path("version/<int:pk>/diffuser/", view(admin_livret.diffuser), name="ateliers_livret_diffuser"),
            path("version/<int:pk>/fichier.pdf", view(admin_livret.fichier), name="ateliers_livret_fichier"),
            *super().get_urls(),
        ]

    def has_change_permission(self, request, obj=None):
        return permissions.can_manage(request.user) and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        pass  # the workshop's own fields are read-only here (its page in "Ateliers" changes them)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, Rapporteur) and instance.named_by_id is None:
                instance.named_by = request.user
            self.record_writer(request, instance)
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        atelier = self.get_object(request, object_id)
        if atelier is not None:
            extra_context.update(admin_livret.livret_panel(atelier))
        return super().change_view(request, object_id, form_url, extra_context)

    def has_generate_permission(self, request):
        return permissions.can_generate_livret(request.user)

    def has_preview_permission(self, request):
        return permissions.can_preview_livret(request.user)

    @admin.action(description=_("Générer une nouvelle version du livret"), permissions=["generate"])
    def action_generer(self, request, queryset):
        for atelier in queryset:
            try:
                livret = versions.request_version(atelier, by=request.user)
            except LivretError as error:
                messages.error(request, f"{atelier} : {error}")
            else:
                messages.success(
                    request,
                    _("%(atelier)s : version %(version)s demandée.")
                    % {"atelier": atelier, "version": livret.version},
                )

    @admin.action(description=_("Prévisualiser le livret (HTML)"), permissions=["preview"])
    def action_apercu_html(self, request, queryset):
        return admin_livret.apercu_html(request, queryset.first().pk)

    @admin.action(description=_("Prévisualiser le livret (PDF)"), permissions=["preview"])
    def action_apercu_pdf(self, request, queryset):
        return admin_livret.apercu_pdf(request, queryset.first().pk)


class LivretTransitionInline(TransitionLogInline):
    model = LivretTransition


@admin.register(Livret)
class LivretAdmin(StaffOnlyMixin, admin.ModelAdmin):
    list_display = [
        "atelier",
        "version",
        "status",
        "pages",
        "rendered_at",
        "published",
        "diffuse_reseau",
        "attempts",
    ]
    list_filter = ["status", "published", "diffuse_reseau", "atelier__programme"]
    list_select_related = ["atelier"]
    search_fields = ["atelier__title"]
    actions = ["action_publier", "action_diffuser"]
    readonly_fields = [f.name for f in Livret._meta.fields]
    inlines = [LivretTransitionInline]  # the render's steps: queued, rendering, ready or failed

    def has_add_permission(self, request):
        return False  # versions are asked for from the workshop's booklet page ("Générer")

    def has_change_permission(self, request, obj=None):
        return False  # a version is immutable; the actions change its publication only

    def has_delete_permission(self, request, obj=None):
        return False  # old versions are kept

    def has_publish_permission(self, request):
        # The actions change publication flags through the services, with their own checks.
        return permissions.can_publish_livret(request.user)

    @admin.action(description=_("Publier cette version (prévient les participants)"), permissions=["publish"])
    def action_publier(self, request, queryset):
        if queryset.count() != 1:
            messages.error(request, _("Sélectionnez une seule version à publier."))
            return
        livret = queryset.first()
        try:
            versions.publish(livret, by=request.user)
        except LivretError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Version %(v)s publiée.") % {"v": livret.version})

    @admin.action(description=_("Diffuser au réseau (tous les membres)"), permissions=["publish"])
    def action_diffuser(self, request, queryset):
        for livret in queryset:
            try:
                versions.spread(livret, by=request.user)
            except LivretError as error:
                messages.error(request, f"{livret} : {error}")
            else:
                messages.success(request, _("%(livret)s : diffusé au réseau.") % {"livret": livret})
