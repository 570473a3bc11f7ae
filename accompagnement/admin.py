"""The DGAFP staff's admin: organisations, members (invite, deactivate, import, export), schemes, charter.

Every page and action asks Django's permissions, which the staff roles carry (accompagnement.roles): an
animator runs the network and its members, an administrator also the staff's accounts, passwords and
rights. A superuser's account changes only by a superuser's hand.
"""

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from allauth.socialaccount.admin import SocialAccountAdmin as AllauthSocialAccountAdmin
from allauth.socialaccount.admin import SocialTokenAdmin as AllauthSocialTokenAdmin
from allauth.socialaccount.models import SocialAccount, SocialToken
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, Subquery
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from accompagnement import permissions, services
from accompagnement.enums import Besoin, Public, Role
from accompagnement.forms import DISPOSITIF_DESCRIPTION_FIELDS, LinksField
from accompagnement.models import AcceptationCharte, Adhesion, Charte, Dispositif, Organisation, User
from accompagnement.resources import MemberResource
from fabrique.core.admin import annotation_column


def nom_complet(organisation):
    """« Secrétariat général — Ministère des Armées »: an organisation named with its ministry or body."""
    return organisation.nom_complet


class OrganisationAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete (select2): an organisation is offered with its ministry or body (point 8),
    its parents selected with it so that a page of results costs the same whatever their depth."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if queryset.model is Organisation:
            queryset = queryset.select_related("parent__parent")
        if not queryset.ordered:
            # Pages of results need a stable order (a workshop's annex settings point at workshops,
            # whose admin orders nothing by default).
            queryset = queryset.order_by("pk")
        return queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Organisation):
            result["text"] = obj.nom_complet
        return result


def organisation_autocomplete_view(request):
    return OrganisationAutocompleteJsonView.as_view(admin_site=admin.site)(request)


# The default admin site's autocomplete, read when its URLs are built (fabrique/urls.py, after every
# admin module is loaded): the same view for every model, organisations named with their ministry.
admin.site.autocomplete_view = organisation_autocomplete_view


class OrganisationNommeeMixin:
    """Organisation fields of a ModelAdmin or inline show « Secrétariat général — Ministère des Armées »
    (the autocomplete's selected value too), the parents selected with them."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and db_field.related_model is Organisation:
            formfield.queryset = formfield.queryset.select_related("parent__parent")
            formfield.label_from_instance = nom_complet
        return formfield


class AdhesionInline(OrganisationNommeeMixin, admin.TabularInline):
    model = Adhesion
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "function", "active"]


class AcceptationCharteInline(admin.TabularInline):
    model = AcceptationCharte
    extra = 0
    fields = ["charte", "accepted_at"]
    readonly_fields = ["charte", "accepted_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"))
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.actives())
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.TETE_DE_RESEAU)
    function = forms.CharField(label=_("Fonction"), max_length=255, required=False)

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.widget = AutocompleteSelect(Adhesion._meta.get_field("organisation"), admin_site)
        field.widget.choices = field.choices

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Un compte existe déjà avec cette adresse."))
        return email


@admin.register(User)
class UserAdmin(ImportExportMixin, DjangoUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = [
        "email",
        "last_name",
        "first_name",
        "is_active",
        "is_staff",
        "invitation_pending",
        "last_login",
    ]
    list_filter = ["is_active", "is_staff", "adhesions__role"]
    search_fields = ["email", "first_name", "last_name", "adhesions__organisation__name"]
    inlines = [AdhesionInline, AcceptationCharteInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name"]}),
        (_("Droits"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    # Who holds which rights is an administrator's decision (who is a superuser, a superuser's): animators
    # manage members, not privileges.
    privilege_fields = ["is_staff", "groups", "user_permissions"]
    actions = ["deactivate", "reactivate", "resend_invitation"]
    resource_classes = [MemberResource]
    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def has_change_permission(self, request, obj=None):
        # An animator changes members' accounts and their own, never another staff member's (they would
        # take it over); a superuser's stays with superusers. Without it the page is read-only.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.can_change_account(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (
            obj is None or (obj.pk != request.user.pk and permissions.can_change_account(request.user, obj))
        )

    def get_actions(self, request):
        # Accounts are deactivated, not deleted in bulk: one is deleted from its own page, with its checks.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not permissions.can_manage_staff_accounts(request.user):
            readonly += self.privilege_fields
            if obj is not None:
                # An address changed by an animator would send the member's password reset to someone
                # else: existing accounts' addresses are an administrator's change.
                readonly.append("email")
        if not request.user.is_superuser:
            readonly.append("is_superuser")
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if permissions.can_manage_staff_accounts(request.user):
            return fieldsets
        # The password summary links to the password page, which only administrators may use.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def user_change_password(self, request, id, form_url=""):
        """The admin's password page sets anyone's password without the current one: administrators only
        (staff change their own from their account page, which asks for it)."""
        if not permissions.can_manage_staff_accounts(request.user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def _changeable(self, request, queryset):
        """The selected accounts `request.user` may change (members; staff for an administrator; a
        superuser's for a superuser)."""
        return permissions.accounts_changeable_by(request.user, queryset)

    @admin.display(description=_("invitation en attente"), boolean=True)
    def invitation_pending(self, obj):
        return not obj.has_usable_password()

    # --- invitation instead of the bare "add" form ---
    def get_urls(self):
        return [
            path("inviter/", self.admin_site.admin_view(self.invite_view), name="accompagnement_user_invite"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return redirect("admin:accompagnement_user_invite")

    def invite_view(self, request):
        if not (self.has_add_permission(request) and permissions.can_manage_members(request.user)):
            raise PermissionDenied
        form = InvitationForm(request.POST or None, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            user = services.invite_member(**form.cleaned_data, by=request.user)
            self.log_addition(request, user, [{"added": {}}])
            messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": user.email})
            return redirect("admin:accompagnement_user_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Inviter un membre"),
            "form": form,
            "media": self.media + form.media,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "accompagnement/admin/invite.html", context)

    # --- deactivation ends sessions at once ---
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.deactivate_member(obj, by=request.user)

    def _for_each(self, request, users, service, done):
        """`service(user, by=…)` for each account of `users`, then `done` (counting them) as the message."""
        for user in users:
            service(user, by=request.user)
        messages.success(request, done % {"count": len(users)})

    @admin.action(
        description=_("Désactiver les comptes sélectionnés (fin immédiate des sessions)"),
        permissions=["change"],
    )
    def deactivate(self, request, queryset):
        users = list(self._changeable(request, queryset).exclude(pk=request.user.pk))
        done = ngettext_lazy("%(count)d compte désactivé.", "%(count)d comptes désactivés.", "count")
        self._for_each(request, users, services.deactivate_member, done)

    @admin.action(description=_("Réactiver les comptes sélectionnés"), permissions=["change"])
    def reactivate(self, request, queryset):
        users = list(self._changeable(request, queryset))
        done = ngettext_lazy("%(count)d compte réactivé.", "%(count)d comptes réactivés.", "count")
        self._for_each(request, users, services.reactivate_member, done)

    @admin.action(description=_("Renvoyer l'invitation (comptes sans mot de passe)"), permissions=["change"])
    def resend_invitation(self, request, queryset):
        changeable = self._changeable(request, queryset.filter(is_active=True))
        users = [u for u in changeable if not u.has_usable_password()]
        done = ngettext_lazy("%(count)d invitation renvoyée.", "%(count)d invitations renvoyées.", "count")
        self._for_each(request, users, services.send_invitation, done)


class ChildInline(admin.TabularInline):
    model = Organisation
    fk_name = "parent"
    extra = 0
    fields = ["name", "acronym", "slug", "kind", "active"]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(OrganisationNommeeMixin, admin.ModelAdmin):
    """Staff also set here how a ministry or body heads the participant lists
    (ateliers.livret.services.annexe): its short label, its rank (editable in the list, to reorder the
    headings quickly; empty, the built-in protocol order of the government) and, for a public body, its
    supervising ministry."""

    list_display = [
        "nom_complet",
        "acronym",
        "kind",
        "libelle_court",
        "rang_protocolaire",
        "tutelle",
        "active",
        "member_count",
        "dispositif_count",
    ]
    list_display_links = ["nom_complet"]
    list_editable = ["rang_protocolaire"]
    list_filter = ["kind", "active", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent__parent", "tutelle"]
    search_fields = [
        "name",
        "acronym",
        "slug",
        "libelle_court",
        "parent__name",
        "parent__acronym",
        "parent__parent__name",
        "parent__parent__acronym",
    ]
    prepopulated_fields = {"slug": ["acronym", "name"]}
    autocomplete_fields = ["parent", "tutelle"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "acronym", "slug", "parent", "active"]}),
        (
            _("Listes de participants et annexe des livrets"),
            {"fields": ["libelle_court", "rang_protocolaire", "tutelle"]},
        ),
        (_("Échanges de talents"), {"fields": ["cliquet"]}),
    ]
    inlines = [ChildInline]

    @admin.display(description=_("organisation"), ordering="name")
    def nom_complet(self, obj):
        return obj.nom_complet

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _member_count=Count(
                    "adhesions",
                    filter=Q(adhesions__active=True, adhesions__user__is_active=True),
                    distinct=True,
                ),
                _dispositif_count=Count("dispositifs", distinct=True),
            )
            .order_by("name")  # an aggregate drops Meta.ordering; the autocomplete paginates this
        )

    member_count = annotation_column("_member_count", _("membres"))
    dispositif_count = annotation_column("_dispositif_count", _("dispositifs"))


@admin.register(Adhesion)
class AdhesionAdmin(OrganisationNommeeMixin, admin.ModelAdmin):
    list_display = ["user", "organisation_nom_complet", "role", "function", "active"]
    list_filter = ["role", "active", "organisation__kind"]
    list_select_related = ["user", "organisation__parent__parent"]
    search_fields = ["user__email", "user__last_name", "organisation__name", "organisation__acronym"]
    autocomplete_fields = ["user", "organisation"]

    @admin.display(description=_("organisation"), ordering="organisation__name")
    def organisation_nom_complet(self, obj):
        return obj.organisation.nom_complet

    def has_change_permission(self, request, obj=None):
        # Another staff member's memberships are part of their account: an administrator's change.
        if obj is not None and not permissions.can_change_account(request.user, obj.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not permissions.can_change_account(request.user, obj.user):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user":
            # Nor can a membership be added to, or moved onto, an account the user may not change: the
            # form refuses such an account as an invalid choice.
            formfield.queryset = permissions.accounts_changeable_by(request.user, formfield.queryset)
        return formfield


class DispositifAdminForm(forms.ModelForm):
    needs = forms.MultipleChoiceField(
        label=_("Besoins traités"),
        choices=Besoin.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    publics = forms.MultipleChoiceField(
        label=_("Publics"), choices=Public.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    links = LinksField(label=_("Liens"), required=False, help_text=_("Une adresse par ligne."))

    class Meta:
        model = Dispositif
        fields = ["organisation", "title", *DISPOSITIF_DESCRIPTION_FIELDS, "model_of"]


@admin.register(Dispositif)
class DispositifAdmin(OrganisationNommeeMixin, admin.ModelAdmin):
    form = DispositifAdminForm
    list_display = [
        "title",
        "organisation_nom_complet",
        "kind",
        "maturity",
        "is_model",
        "updated_at",
        "updated_by",
    ]
    list_filter = ["kind", "maturity", "is_model", "organisation__kind"]
    list_select_related = ["organisation__parent__parent", "updated_by"]
    search_fields = ["title", "summary", "organisation__name", "organisation__acronym"]
    autocomplete_fields = ["organisation", "model_of"]
    readonly_fields = ["created_by", "created_at", "updated_by", "updated_at"]
    date_hierarchy = "updated_at"

    def get_queryset(self, request):
        return permissions.dispositifs_editable_by(request.user).select_related(*self.list_select_related)

    @admin.display(description=_("organisation"), ordering="organisation__name")
    def organisation_nom_complet(self, obj):
        return obj.organisation.nom_complet

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.can_edit_dispositif(request.user, obj))

    def save_model(self, request, obj, form, change):
        if change:
            services.update_dispositif(obj, by=request.user)
        else:
            services.create_dispositif(obj, by=request.user)


@admin.register(Charte)
class CharteAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "published_at", "acceptation_count", "in_force"]
    ordering = ["-version"]
    search_fields = ["title", "text"]

    def get_queryset(self, request):
        current = Charte.objects.publiees().order_by("-version").values("pk")[:1]
        return (
            super()
            .get_queryset(request)
            .annotate(
                _acceptation_count=Count("acceptations"),
                _in_force=ExpressionWrapper(Q(pk=Subquery(current)), output_field=BooleanField()),
            )
        )

    acceptation_count = annotation_column("_acceptation_count", _("acceptations"))

    @admin.display(description=_("en vigueur"), boolean=True)
    def in_force(self, obj):
        return bool(obj._in_force)

    def get_changeform_initial_data(self, request):
        """A new version starts from the text in force, with the next number: staff edit what changes."""
        initial = super().get_changeform_initial_data(request)
        latest = Charte.objects.order_by("-version").first()
        if latest is not None:
            initial.setdefault("version", latest.version + 1)
            initial.setdefault("title", latest.title)
            initial.setdefault("text", latest.text)
        return initial

    def get_readonly_fields(self, request, obj=None):
        # A version members accepted is a record: it is never rewritten, a new version replaces it.
        if obj is not None and obj.acceptations.exists():
            return ["version", "title", "text", "published_at"]
        return []


@admin.register(AcceptationCharte)
class AcceptationCharteAdmin(admin.ModelAdmin):
    list_display = ["user", "charte", "accepted_at"]
    list_filter = ["charte"]
    list_select_related = ["user", "charte"]
    search_fields = ["user__email", "user__last_name"]
    date_hierarchy = "accepted_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AccountRowsMixin:
    """Rows that belong to an account (its email addresses, second factors, ProConnect identities and
    tokens) change only for whoever may change the account: a superuser's address, or a ProConnect identity
    linked to it, set by someone else would hand them its password reset or its login."""

    account_path = "user"  # the lookup from the row to its account

    def get_queryset(self, request):
        accounts = permissions.accounts_changeable_by(request.user, User.objects.all())
        return super().get_queryset(request).filter(**{f"{self.account_path}__in": accounts})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        accounts = permissions.accounts_changeable_by(request.user, User.objects.all())
        if db_field.name == "user":
            kwargs["queryset"] = accounts
        elif db_field.name == "account":
            kwargs["queryset"] = SocialAccount.objects.filter(user__in=accounts)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(AccountRowsMixin, AllauthEmailAddressAdmin):
    @admin.action(description=_("Marquer les adresses sélectionnées comme vérifiées"), permissions=["change"])
    def make_verified(self, request, queryset):
        return super().make_verified(request, queryset)


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AccountRowsMixin, AllauthAuthenticatorAdmin):
    pass


admin.site.unregister(SocialAccount)


@admin.register(SocialAccount)
class SocialAccountAdmin(AccountRowsMixin, AllauthSocialAccountAdmin):
    pass


admin.site.unregister(SocialToken)


@admin.register(SocialToken)
class SocialTokenAdmin(AccountRowsMixin, AllauthSocialTokenAdmin):
    account_path = "account__user"
