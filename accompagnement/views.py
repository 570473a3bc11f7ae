"""The network's pages: the charter, the invitation link, the directory and the catalogue of schemes.

An organisation's page shows its workshops and immersions too: it lives above the apps, in
fabrique/pages/organisation.py (this app knows no workshop nor immersion)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accompagnement import permissions, services
from accompagnement.filters import DirectoryFilter, DispositifFilter, organisation_facet_rows
from accompagnement.forms import AdoptionForm, CharteAcceptanceForm, DispositifForm, InvitationPasswordForm
from accompagnement.models import AcceptationCharte, Adhesion, Charte, Organisation

PAGE_SIZE = 20


# --- Charter --------------------------------------------------------------------------------------------


def safe_next(request, url):
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse("home")


def charte(request):
    """Read the charter in force; accept it if not done yet (the middleware sends members here)."""
    current = Charte.objects.current()
    if current is None:
        raise Http404
    acceptation = AcceptationCharte.objects.filter(user=request.user, charte=current).first()
    form = CharteAcceptanceForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and acceptation is None and form.is_valid():
        services.accept_charte(request.user, current, session=request.session)
        messages.success(request, _("Merci : vous avez accepté la charte de la Fabrique."))
        return redirect(safe_next(request, form.cleaned_data["next"]))
    previous = (
        AcceptationCharte.objects.filter(user=request.user)
        .exclude(charte=current)
        .select_related("charte")
        .first()
    )
    return render(
        request,
        "accompagnement/charte.html",
        {
            "title": current.title,
            "charte": current,
            "acceptation": acceptation,
            "previous": previous,
            "form": form,
        },
    )


# --- Invitation -----------------------------------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
class InvitationView(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation: choose a password, then log in (and accept the charter)."""

    token_generator = services.invitation_token_generator
    form_class = InvitationPasswordForm
    template_name = "accompagnement/invitation.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("accompagnement:charte")
    reset_url_token = "definir-mot-de-passe"  # noqa: S105 - a URL segment, not a password

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        # A deactivated account's link is dead, even within its lifetime.
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        services.complete_invitation(form.user)
        messages.success(self.request, _("Votre mot de passe est enregistré. Bienvenue dans la Fabrique !"))
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Activer votre compte"), days=settings.INVITATION_LINK_DAYS, **kwargs
        )


# --- Directory ------------------------------------------------------------------------------------------


DIRECTORY_PAGE_SIZE = 50
DIRECTORY_VIEWS = {"personnes": _lazy("Personnes"), "organisations": _lazy("Organisations")}


def directory_people(user):
    """The active members of the organisations `user` may see, with their organisation and its parents."""
    return (
        Adhesion.objects.actives()
        .filter(organisation__in=permissions.organisations_visible_to(user))
        .select_related("user", "organisation__parent__parent")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def directory_organisations(user):
    """The organisations `user` may see with their numbers of active members and of schemes."""
    return (
        permissions.organisations_visible_to(user)
        .select_related("parent__parent")
        .annotate(
            member_count=Count(
                "adhesions",
                filter=Q(adhesions__active=True, adhesions__user__is_active=True),
                distinct=True,
            ),
            dispositif_count=Count("dispositifs", distinct=True),
        )
        .order_by("name", "pk")
    )


def reseau(request):
    """The directory: people (or organisations), searched and filtered, fifty a page; fixed query count."""
    vue = request.GET.get("vue")
    if vue not in DIRECTORY_VIEWS:
        vue = "personnes"
    if vue == "personnes":
        filterset = DirectoryFilter(request.GET or None, queryset=directory_people(request.user))
    else:
        filterset = DirectoryFilter(
            request.GET or None, queryset=directory_organisations(request.user), organisation=""
        )
    results = filterset.qs if filterset.is_bound else filterset.queryset
    page = Paginator(results, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    active_filters = filterset.is_bound and any(
        request.GET.get(name, "").strip() for name in filterset.filters
    )
    return render(
        request,
        "accompagnement/reseau.html",
        {
            "title": _("Réseau"),
            "filter": filterset,
            "page_obj": page,
            "vue": vue,
            "views": DIRECTORY_VIEWS,
            "active_filters": active_filters,
        },
    )


# --- Catalogue ------------------------------------------------------------------------------------------


def dispositif_list(request):
    """The catalogue: facets with counts, full-text search, sort, pagination; fixed number of queries."""
    filterset = DispositifFilter(
        request.GET or None,
        queryset=permissions.dispositifs_visible_to(request.user).with_related(),
        organisations=organisation_facet_rows(),
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    filterset.label_choices_with_counts(filterset.facet_counts())
    active_filters = filterset.is_bound and (
        not filterset.form.is_valid()
        or any(value for name, value in filterset.form.cleaned_data.items() if name != "tri")
    )
    return render(
        request,
        "accompagnement/dispositif_list.html",
        {
            "title": _("Catalogue des dispositifs"),
            "filter": filterset,
            "page_obj": page,
            "active_filters": active_filters,
            "can_propose": permissions.can_propose_dispositif(request.user),
        },
    )


def dispositif_detail(request, pk):
    dispositif = get_object_or_404(
        permissions.dispositifs_visible_to(request.user).select_related(
            "organisation__parent", "model_of__organisation", "created_by", "updated_by"
        ),
        pk=pk,
    )
    adoptions = (
        permissions.dispositifs_visible_to(request.user)
        .filter(model_of=dispositif)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    adopting = permissions.adopting_organisations(request.user, dispositif)
    adoption_form = AdoptionForm(organisations=adopting) if adopting.exists() else None
    return render(
        request,
        "accompagnement/dispositif_detail.html",
        {
            "title": dispositif.title,
            "dispositif": dispositif,
            "adoptions": adoptions,
            "adoption_form": adoption_form,
            "can_edit": permissions.can_edit_dispositif(request.user, dispositif),
            "breadcrumb_data": {
                "links": [{"url": reverse("accompagnement:dispositif_list"), "title": _("Dispositifs")}],
                "current": dispositif.title,
            },
        },
    )


def dispositif_form_page(request, form, *, title, dispositif=None):
    links = [{"url": reverse("accompagnement:dispositif_list"), "title": _("Dispositifs")}]
    if dispositif is not None:
        links.append({"url": dispositif.get_absolute_url(), "title": dispositif.title})
    return render(
        request,
        "accompagnement/dispositif_form.html",
        {
            "title": title,
            "form": form,
            "dispositif": dispositif,
            "breadcrumb_data": {"links": links, "current": title},
        },
    )


def dispositif_create(request):
    if not permissions.can_propose_dispositif(request.user):
        raise PermissionDenied
    organisations = permissions.organisations_managed_by(request.user)
    initial = {}
    if len(permissions.managed_organisation_ids(request.user)) == 1:
        initial["organisation"] = next(iter(permissions.managed_organisation_ids(request.user)))
    form = DispositifForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        dispositif = services.create_dispositif(form.save(commit=False), by=request.user)
        messages.success(request, _("Le dispositif « %(title)s » est publié.") % {"title": dispositif.title})
        return redirect(dispositif)
    return dispositif_form_page(request, form, title=_("Proposer un dispositif"))


def dispositif_update(request, pk):
    # Another organisation's scheme is a 404 here, on GET and POST alike: nothing is revealed.
    dispositif = get_object_or_404(permissions.dispositifs_editable_by(request.user), pk=pk)
    organisations = Organisation.objects.filter(
        Q(pk__in=permissions.organisations_managed_by(request.user).values("pk"))
        | Q(pk=dispositif.organisation_id)
    )
    form = DispositifForm(request.POST or None, instance=dispositif, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        services.update_dispositif(form.save(commit=False), by=request.user)
        messages.success(request, _("Le dispositif est mis à jour."))
        return redirect(dispositif)
    return dispositif_form_page(
        request, form, title=_("Modifier « %(title)s »") % {"title": dispositif.title}, dispositif=dispositif
    )


@require_POST
def dispositif_adopt(request, pk):
    model = get_object_or_404(permissions.dispositifs_visible_to(request.user).modeles(), pk=pk)
    form = AdoptionForm(request.POST, organisations=permissions.adopting_organisations(request.user, model))
    if not form.is_valid():
        raise Http404
    try:
        copy = services.adopt_dispositif(
            model, organisation=form.cleaned_data["organisation"], by=request.user
        )
    except services.ServiceError as exc:
        messages.error(request, str(exc))
        return redirect(model)
    messages.success(
        request,
        _("Le dispositif est adopté par %(organisation)s : adaptez-le à votre organisation.")
        % {"organisation": copy.organisation.short_name},
    )
    return redirect("accompagnement:dispositif_update", pk=copy.pk)
