from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from accompagnement.models import Adhesion, Organisation, User


class AdhesionInline(admin.TabularInline):
    model = Adhesion
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "function", "active"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "last_name", "first_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "adhesions__role"]
    search_fields = ["email", "first_name", "last_name", "adhesions__organisation__name"]
    inlines = [AdhesionInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name"]}),
        (_("Droits"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "first_name", "last_name"]})]
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


class ChildInline(admin.TabularInline):
    model = Organisation
    fk_name = "parent"
    extra = 0
    fields = ["name", "acronym", "kind", "active"]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "parent", "active", "member_count"]
    list_filter = ["kind", "active"]
    list_select_related = ["parent"]
    search_fields = ["name", "acronym", "parent__name"]
    prepopulated_fields = {"slug": ["acronym", "name"]}
    autocomplete_fields = ["parent"]
    inlines = [ChildInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_member_count=Count("adhesions", filter=Q(adhesions__active=True), distinct=True))
        )

    @admin.display(description=_("membres"), ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


@admin.register(Adhesion)
class AdhesionAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "function", "active"]
    list_filter = ["role", "active", "organisation__kind"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "user__last_name", "organisation__name", "organisation__acronym"]
    autocomplete_fields = ["user", "organisation"]
