"""Pages of the workshop cycle: the programme, a workshop, registrations, participants, check-in, exports.

Every object comes through `permissions.*_visible_to(user)`; every change goes through a service.
"""

from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accompagnement.models import User
from ateliers import calendar, permissions
from ateliers.enums import InscriptionStatus, Presence
from ateliers.filters import EmargementFilter
from ateliers.forms import ColleagueInscriptionForm, EmargementForm, InscriptionForm
from ateliers.livret.services import annexe
from ateliers.models import Atelier, Inscription, Intervenant, Livret, Programme
from ateliers.resources import InscriptionExportResource
from ateliers.services import inscriptions as inscription_services
from ateliers.services.inscriptions import RegistrationError
from fabrique.core.pdf import render_pdf_document

EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
# Bounds of a programme's year in `?annee=`: beyond them the database column would overflow.
MIN_YEAR, MAX_YEAR = 2000, 2999


def _selected_programme(request):
    """The programme asked for (?annee=), else the one of the next workshop, else this year's or the latest.

    Returns it with every programme, for the year menu.
    """
    programmes = list(Programme.objects.order_by("-year"))
    wanted = request.GET.get("annee", "")
    if wanted:
        selected = next((p for p in programmes if str(p.year) == wanted), None)
        return selected, programmes
    next_atelier = permissions.ateliers_visible_to(request.user).a_venir().only("programme_id").first()
    if next_atelier is not None:
        selected = next((p for p in programmes if p.pk == next_atelier.programme_id), None)
        return selected, programmes
    year = timezone.localdate().year
    selected = next((p for p in programmes if p.year <= year), programmes[-1] if programmes else None)
    return selected, programmes


def _wanted_year(request):
    """The year of `?annee=` when it is one (« 2025 »), else None: anything else means every year."""
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:  # "", "abc", and digits int() refuses though str.isdigit() accepts them ("²")
        return None
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def programme(request):
    """The year's workshops, upcoming then past, with seats left and the member's own registrations."""
    selected, programmes = _selected_programme(request)
    upcoming, past = [], []
    mine = {}
    if selected is not None:
        now = timezone.now()
        ateliers = (
            permissions.ateliers_visible_to(request.user)
            .filter(programme=selected)
            .with_counts()
            .order_by("starts_at")
        )
        for atelier in ateliers:
            (upcoming if atelier.ends_at >= now else past).append(atelier)
        past.reverse()
        mine = {
            inscription.atelier_id: inscription
            for inscription in Inscription.objects.actives().filter(
                user=request.user, atelier__programme=selected
            )
        }
    for atelier in upcoming + past:
        atelier.my_inscription = mine.get(atelier.pk)
        atelier.seats_left = max(atelier.capacity - atelier.confirmed_count, 0)
    return render(
        request,
        "ateliers/programme.html",
        {
            "title": _("Programme %(year)s des ateliers") % {"year": selected.year}
            if selected
            else _("Programme des ateliers"),
            "programme": selected,
            "programmes": programmes,
            "upcoming": upcoming,
            "past": past,
            "feed_url": request.build_absolute_uri(
                reverse("ateliers:programme_ics") + "?jeton=" + calendar.feed_token(request.user)
            ),
        },
    )


def atelier_detail(request, pk):
    """A workshop: its running order and speakers, seats left, register / cancel / register a colleague."""
    atelier = get_object_or_404(
        permissions.ateliers_visible_to(request.user).with_counts().select_related("programme"), pk=pk
    )
    sequences = list(
        atelier.sequences.order_by("order", "pk").prefetch_related(
            Prefetch("intervenants", queryset=Intervenant.objects.select_related("organisation"))
        )
    )
    intervenants = list(
        OrderedDict((i.pk, i) for sequence in sequences for i in sequence.intervenants.all()).values()
    )
    my_inscription = Inscription.objects.filter(atelier=atelier, user=request.user).first()
    organisations = permissions.organisations_of(request.user)
    colleague_inscriptions = list(
        Inscription.objects.actives()
        .filter(atelier=atelier, organisation__in=organisations)
        .exclude(user=request.user)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    problem = inscription_services.registration_problem(atelier)
    colleague_form = None
    if problem is None:
        colleagues = permissions.colleagues_of(request.user).exclude(
            inscriptions__in=Inscription.objects.actives().filter(atelier=atelier)
        )
        colleague_form = ColleagueInscriptionForm(colleagues=colleagues, prefix="collegue")
    is_staff = permissions.can_manage(request.user)
    return render(
        request,
        "ateliers/atelier_detail.html",
        {
            "title": str(atelier),
            "atelier": atelier,
            "sequences": sequences,
            "intervenants": intervenants,
            "seats_left": max(atelier.capacity - atelier.confirmed_count, 0),
            "is_past": atelier.ends_at < timezone.now(),
            "my_inscription": my_inscription
            if my_inscription and my_inscription.status != InscriptionStatus.ANNULE
            else None,
            "colleague_inscriptions": colleague_inscriptions,
            "registration_problem": problem,
            "form": InscriptionForm() if problem is None else None,
            "colleague_form": colleague_form,
            "can_see_participants": permissions.can_see_participants(request.user, atelier),
            "is_staff": is_staff,
            "transitions": atelier.transitions.all() if is_staff else [],
            "breadcrumb_data": {
                "links": [{"url": reverse("ateliers:programme"), "title": _("Ateliers")}],
                "current": str(atelier),
            },
        },
    )


def _register_message(request, result, *, person=None):
    inscription = result.inscription
    name = person or _("Vous")
    if not result.created:
        messages.info(
            request,
            _("%(name)s : déjà inscrit (%(status)s). Rien n'a changé.")
            % {"name": name, "status": inscription.get_status_display().lower()},
        )
    elif result.waiting:
        messages.warning(
            request,
            _(
                "%(name)s : l'atelier est complet, inscription sur liste d'attente (rang %(position)s). "
                "Un courriel sera envoyé dès qu'une place se libère."
            )
            % {"name": name, "position": inscription_services.waiting_position(inscription)},
        )
    else:
        messages.success(
            request,
            _("%(name)s : inscription confirmée. L'invitation part par courriel.") % {"name": name},
        )


@require_POST
def register(request, pk):
    atelier = get_object_or_404(permissions.ateliers_visible_to(request.user), pk=pk)
    form = InscriptionForm(request.POST)
    form.is_valid()
    try:
        result = inscription_services.register(
            atelier,
            request.user,
            by=request.user,
            consent_annuaire=form.cleaned_data.get("consent_annuaire", False),
        )
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        _register_message(request, result)
    return redirect("ateliers:atelier_detail", pk=atelier.pk)


@require_POST
def register_colleague(request, pk):
    atelier = get_object_or_404(permissions.ateliers_visible_to(request.user), pk=pk)
    # Any active account here: the service refuses someone of another organisation with a clear message.
    form = ColleagueInscriptionForm(
        request.POST, colleagues=User.objects.filter(is_active=True), prefix="collegue"
    )
    if not form.is_valid():
        messages.error(request, _("Choisissez le collègue à inscrire."))
        return redirect("ateliers:atelier_detail", pk=atelier.pk)
    colleague = form.cleaned_data["user"]
    try:
        result = inscription_services.register(
            atelier,
            colleague,
            by=request.user,
            consent_annuaire=form.cleaned_data["consent_annuaire"],
        )
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        _register_message(request, result, person=colleague.get_full_name() or colleague.email)
    return redirect("ateliers:atelier_detail", pk=atelier.pk)


@require_POST
def cancel(request, pk):
    inscription = get_object_or_404(
        permissions.inscriptions_visible_to(request.user).select_related("atelier", "user"), pk=pk
    )
    try:
        result = inscription_services.cancel(inscription, by=request.user)
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        if inscription.user_id == request.user.pk:
            messages.success(request, _("Votre inscription est annulée."))
        else:
            messages.success(
                request,
                _("L'inscription de %(person)s est annulée.") % {"person": inscription.user},
            )
        if result.promoted:
            messages.info(request, _("La place libérée a été attribuée à la première personne en attente."))
    next_url = request.POST.get("next", "")
    if next_url == "mes-inscriptions":
        return redirect("ateliers:mes_inscriptions")
    return redirect("ateliers:atelier_detail", pk=inscription.atelier_id)


def mes_inscriptions(request):
    """My registrations, and the ones I made for colleagues."""
    base = Inscription.objects.select_related("atelier__programme", "organisation", "user").order_by(
        "-atelier__starts_at"
    )
    published_livret = Livret.objects.publies().filter(atelier=OuterRef("atelier"))
    return render(
        request,
        "ateliers/mes_inscriptions.html",
        {
            "title": _("Mes inscriptions"),
            "mine": base.filter(user=request.user)
            .exclude(status=InscriptionStatus.ANNULE)
            .annotate(has_livret=Exists(published_livret)),
            "for_colleagues": base.filter(registered_by=request.user)
            .exclude(user=request.user)
            .exclude(status=InscriptionStatus.ANNULE),
            "now": timezone.now(),
        },
    )


def _atelier_crumbs(atelier, current):
    """The breadcrumb of a page under a workshop: Ateliers › the workshop › `current`."""
    return {
        "links": [
            {"url": reverse("ateliers:programme"), "title": _("Ateliers")},
            {"url": reverse("ateliers:atelier_detail", args=[atelier.pk]), "title": str(atelier)},
        ],
        "current": current,
    }


def participants(request, pk):
    """Confirmed participants who agreed to appear, under the booklet's headings (services.annexe);
    members only."""
    atelier = get_object_or_404(
        permissions.ateliers_visible_to(request.user).select_related("programme"), pk=pk
    )
    if not permissions.can_see_participants(request.user, atelier):
        raise PermissionDenied
    confirmed = list(Inscription.objects.confirmees().filter(atelier=atelier).select_related("user"))
    shown = [i for i in confirmed if i.consent_annuaire]
    return render(
        request,
        "ateliers/participants.html",
        {
            "title": _("Participants — %(atelier)s") % {"atelier": atelier},
            "atelier": atelier,
            "rubriques": annexe.grouper(shown, atelier),
            "can_manage": permissions.can_manage(request.user),
            "shown_count": len(shown),
            "hidden_count": len(confirmed) - len(shown),
            "breadcrumb_data": _atelier_crumbs(atelier, _("Participants")),
        },
    )


def _staff_atelier(request, pk):
    if not permissions.can_manage(request.user):
        raise PermissionDenied
    return get_object_or_404(Atelier.objects.select_related("programme"), pk=pk)


def emargement(request, pk):
    """Check-in on the day: every confirmed person with a presence choice, under the booklet's headings
    (services.annexe), one submit for the page."""
    atelier = _staff_atelier(request, pk)
    queryset = Inscription.objects.confirmees().filter(atelier=atelier).select_related("user")
    filterset = EmargementFilter(request.GET or None, queryset=queryset)
    rows = list(filterset.qs)
    form = EmargementForm(request.POST or None, inscriptions=rows)
    if request.method == "POST" and "tous_presents" in request.POST:
        # On the day most people come: one click marks everyone shown, then the absent are corrected.
        presences = dict.fromkeys((inscription.pk for inscription in rows), Presence.PRESENT)
    elif request.method == "POST" and form.is_valid():
        presences = form.presences()
    else:
        presences = None
    if presences is not None:
        changed = inscription_services.record_presence(atelier, presences, by=request.user)
        messages.success(request, _("Émargement enregistré (%(count)s changement(s)).") % {"count": changed})
        query = request.GET.urlencode()
        return redirect(reverse("ateliers:emargement", args=[atelier.pk]) + (f"?{query}" if query else ""))
    return render(
        request,
        "ateliers/emargement.html",
        {
            "title": _("Émargement — %(atelier)s") % {"atelier": atelier},
            "atelier": atelier,
            "filter": filterset,
            "rubriques": [
                (
                    rubrique,
                    [
                        (personne, form[f"presence_{personne.inscription.pk}"])
                        for personne in rubrique.personnes
                    ],
                )
                for rubrique in annexe.grouper(rows, atelier)
            ],
            "shown_count": len(rows),
            "form": form,
            "present_count": sum(1 for i in rows if i.presence == Presence.PRESENT),
            "breadcrumb_data": _atelier_crumbs(atelier, _("Émargement")),
        },
    )


def emargement_pdf(request, pk):
    """The printable sign-in sheet under the booklet's headings (services.annexe), rendered by the one
    safe PDF helper."""
    atelier = _staff_atelier(request, pk)
    confirmed = Inscription.objects.confirmees().filter(atelier=atelier).select_related("user")
    document = render_pdf_document(
        "ateliers/emargement_pdf.html",
        {
            "title": _("Feuille d'émargement — %(atelier)s") % {"atelier": atelier},
            "atelier": atelier,
            "rubriques": annexe.grouper(confirmed, atelier),
        },
    )
    response = HttpResponse(document.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="emargement-atelier-{atelier.pk}.pdf"'
    return response


def export(request, pk, fmt):
    """Every registration of a workshop (all statuses) as CSV or XLSX, for staff, under the booklet's
    headings and in their order (services.annexe)."""
    atelier = _staff_atelier(request, pk)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    queryset = Inscription.objects.filter(atelier=atelier).select_related("user", "registered_by")
    dataset = InscriptionExportResource(atelier=atelier).export(queryset=queryset)
    content_type, extension = EXPORT_FORMATS[fmt]
    content = dataset.export(fmt)
    if fmt == "csv":
        content = "\ufeff" + content  # Excel opens UTF-8 CSV correctly only with a BOM.
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="inscriptions-atelier-{atelier.pk}.{extension}"'
    return response


def atelier_ics(request, pk):
    atelier = get_object_or_404(permissions.ateliers_visible_to(request.user), pk=pk)
    response = HttpResponse(calendar.atelier_ics(atelier), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="atelier-{atelier.pk}.ics"'
    return response


@login_not_required
def programme_ics(request):
    """The workshops as a calendar feed (cancelled ones stay, marked CANCELLED); `?annee=` for one year.

    Calendar apps subscribe without a session: a personal signed `?jeton=` stands for the member. A token
    only ever shows published workshops, even a staff member's: an address that leaks shows no draft.
    """
    if request.user.is_authenticated:
        ateliers = permissions.ateliers_visible_to(request.user)
    elif calendar.user_from_feed_token(request.GET.get("jeton", "")) is not None:
        ateliers = Atelier.objects.publies()
    else:
        return redirect_to_login(request.get_full_path())
    ateliers = ateliers.order_by("starts_at")
    name = _("Ateliers de la Fabrique RH")
    year = _wanted_year(request)
    if year is not None:
        ateliers = ateliers.filter(programme__year=year)
        name = _("Ateliers de la Fabrique RH %(year)s") % {"year": year}
    response = HttpResponse(
        calendar.programme_ics(ateliers, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="programme-ateliers.ics"'
    return response


@require_POST
def renew_feed(request):
    """A new personal calendar address; the old one stops working (shared by mistake, device lost)."""
    calendar.renew_feed_key(request.user)
    messages.success(
        request,
        _("Votre adresse d'abonnement a été renouvelée : remplacez l'ancienne dans votre agenda."),
    )
    return redirect("ateliers:programme")
