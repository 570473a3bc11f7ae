"""The service pages of the Talent Exchange: departures today against the service's cap (cliquet), and
its inventory of critical functions (an agent holding one leaves only with a derogation)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accompagnement.models import Organisation
from immersions import permissions as perms
from immersions.enums import ECHANGE_AWAY_STATUSES
from immersions.forms import FonctionCritiqueForm
from immersions.models import Derogation, EchangeTalent, FonctionCritique, away_today
from immersions.views.declarations import PAGE_SIZE, crumbs


def _echanges_crumb():
    return (reverse("immersions:echange_list"), _("Échanges de talents"))


def service_list(request):
    """The services the user leads for (all for staff): departures today against the cap, inventory."""
    today = timezone.localdate()
    services = (
        perms.service_visible_to(request.user, Organisation.objects.filter(parent__isnull=False))
        .select_related("parent__parent")
        .annotate(
            away=away_today(today, distinct=True),
            functions=Count("fonctions_critiques", filter=Q(fonctions_critiques__active=True), distinct=True),
        )
        .order_by("parent__name", "name")
    )
    return render(
        request,
        "immersions/service_list.html",
        {
            "title": _("Services : départs et fonctions critiques"),
            "page_obj": Paginator(services, PAGE_SIZE).get_page(request.GET.get("page")),
            "breadcrumb_data": crumbs(_("Services"), _echanges_crumb()),
        },
    )


def service_detail(request, slug):
    service = get_object_or_404(
        perms.service_visible_to(request.user, Organisation.objects.select_related("parent")), slug=slug
    )
    can_manage = perms.can_manage_service(request.user, service)
    form = FonctionCritiqueForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            function = form.save(commit=False)
            function.service = service
            if FonctionCritique.objects.filter(service=service, title=function.title).exists():
                form.add_error("title", _("Cette fonction est déjà dans l'inventaire du service."))
            else:
                function.save()
                messages.success(request, _("Fonction critique ajoutée à l'inventaire."))
                return redirect("immersions:service_detail", slug=slug)
    today = timezone.localdate()
    departures = list(
        EchangeTalent.objects.with_relations()
        .filter(origin_service=service, status__in=ECHANGE_AWAY_STATUSES, end_date__gte=today)
        .order_by("start_date")
    )
    away_now = [e for e in departures if e.start_date <= today]
    functions = service.fonctions_critiques.prefetch_related(
        Prefetch("derogations", queryset=Derogation.objects.select_related("echange", "granted_by"))
    )
    return render(
        request,
        "immersions/service_detail.html",
        {
            "title": _("Service : %(name)s") % {"name": service},
            "service": service,
            "departures": departures,
            "away_now": len(away_now),
            "at_cap": service.cliquet is not None and len(away_now) >= service.cliquet,
            "functions": functions,
            "form": form,
            "can_manage": can_manage,
            "breadcrumb_data": crumbs(str(service), _echanges_crumb()),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
