"""Pages of immersions and Talent Exchange agreements. Every object is fetched through `visible_to`
(another organisation's row is a 404); every change goes through a service (wrong side: 403)."""

import csv
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accompagnement.models import Organisation
from fabrique.exports import spreadsheet_safe
from immersions import permissions as perms
from immersions.enums import (
    ECHANGE_AWAY_STATUSES,
    DocumentKind,
    DocumentStatus,
    EchangeStatus,
    ImmersionStatus,
    LinkPurpose,
    Party,
)
from immersions.filters import EchangeFilter, ImmersionFilter
from immersions.forms import (
    BilanForm,
    DerogationForm,
    EchangeForm,
    FonctionCritiqueForm,
    ImmersionForm,
    RetourForm,
    TransitionForm,
    TutorDecisionForm,
)
from immersions.models import Derogation, Document, EchangeTalent, FonctionCritique, Immersion
from immersions.services import documents, echanges, immersions, indicators, queue
from immersions.services.common import LinkError, TransitionError

PAGE_SIZE = 25

# Labels of the action buttons, by target status.
ACTION_LABELS = {
    "soumise": _("Soumettre"),
    "acceptee_origine": _("Accepter pour l'origine"),
    "acceptee_accueil": _("Accepter pour l'accueil"),
    "validee_origine": _("Valider pour l'origine"),
    "validee_accueil": _("Valider pour l'accueil"),
    "en_cours": _("Démarrer"),
    "terminee": _("Clore"),
    "refusee": _("Refuser"),
    "annulee": _("Annuler"),
}


def _crumbs(current, *links):
    return {"links": [{"url": url, "title": title} for url, title in links], "current": current}


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _action_forms(actions, status, bound=None):
    """One small form per step the user may make; a refused submission comes back with its errors."""
    forms = []
    for to in actions:
        if bound is not None and bound.data.get("to") == to:
            form = bound
        else:
            form = TransitionForm(initial={"to": to, "expected": status}, auto_id=f"id_{to}_%s")
        forms.append({"to": to, "label": ACTION_LABELS.get(to, to), "form": form})
    return forms


@dataclass(frozen=True)
class Pages:
    """What differs between the immersion pages and the agreement pages, which otherwise work alike."""

    url: str  # prefix of the URL names: "<url>_list", "<url>_detail"
    model: Any
    visible_to: Any
    filter_class: Any
    form_class: Any
    create: Any
    update: Any
    transition: Any
    can_transition: Any
    statuses: Any
    list_template: str
    form_template: str
    list_title: str
    crumb: str
    create_title: str
    update_title: str
    submitted: str


def _list_view(request, pages):
    queryset = pages.visible_to(request.user, pages.model.objects.with_relations())
    filterset = pages.filter_class(request.GET or None, queryset=queryset, request=request)
    page_obj = _page(request, filterset.qs if filterset.is_bound else queryset)
    return render(
        request,
        pages.list_template,
        {
            "title": pages.list_title,
            "filter": filterset,
            "page_obj": page_obj,
            "can_declare": perms.can_declare_immersion(request.user),
            "breadcrumb_data": _crumbs(pages.crumb),
        },
    )


def _form_view(request, pages, instance=None):
    """Declare (or edit while a draft) an immersion or an agreement; « Soumettre » also submits it."""
    form = pages.form_class(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        if instance is None:
            obj.creation_token = form.cleaned_data.get("creation_token")
            saved = pages.create(obj, by=request.user)
            if saved is not obj:  # the same form submitted again (a double click): nothing new
                messages.info(
                    request, _("Cette déclaration était déjà enregistrée : rien n'a été créé en double.")
                )
                return redirect(f"{pages.url}_detail", pk=saved.pk)
        else:
            try:
                pages.update(obj, fields=form.Meta.fields, by=request.user)
            except TransitionError as error:
                messages.error(request, error.message)
                return redirect(f"{pages.url}_detail", pk=obj.pk)
        submitted = pages.statuses.SOUMISE
        if "soumettre" in request.POST and pages.can_transition(request.user, obj, submitted):
            pages.transition(obj, submitted, by=request.user, expected=pages.statuses.BROUILLON)
            messages.success(request, pages.submitted)
        elif "soumettre" in request.POST:
            messages.warning(
                request, _("Brouillon enregistré. La soumission revient à la structure d'origine.")
            )
        else:
            messages.success(request, _("Brouillon enregistré."))
        return redirect(f"{pages.url}_detail", pk=obj.pk)
    title = pages.create_title if instance is None else pages.update_title
    return render(
        request,
        pages.form_template,
        {
            "title": title,
            "form": form,
            "instance": instance,
            "breadcrumb_data": _crumbs(title, (reverse(f"{pages.url}_list"), pages.crumb)),
        },
        status=400 if form.is_bound else 200,
    )


def _create_view(request, pages):
    if not perms.can_declare_immersion(request.user):
        raise PermissionDenied
    return _form_view(request, pages)


def _transition_view(request, pages, obj, detail):
    """One step of the workflow from the detail page; a refused form comes back on the page (400)."""
    to = request.POST.get("to", "")
    form = TransitionForm(request.POST, auto_id=f"id_{to}_%s")
    if not form.is_valid():
        if not pages.can_transition(request.user, obj, to):
            raise PermissionDenied
        return detail(request, obj, bound=form, status=400)
    try:
        changed = pages.transition(
            obj,
            form.cleaned_data["to"],
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected=form.cleaned_data["expected"],
        )
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        if changed:
            messages.success(
                request, _("Étape enregistrée : %(status)s.") % {"status": obj.get_status_display()}
            )
        else:
            messages.info(request, _("Cette étape était déjà enregistrée : rien n'a changé."))
    return redirect(f"{pages.url}_detail", pk=obj.pk)


IMMERSION_PAGES = Pages(
    url="immersions:immersion",
    model=Immersion,
    visible_to=perms.immersion_visible_to,
    filter_class=ImmersionFilter,
    form_class=ImmersionForm,
    create=immersions.create_immersion,
    update=immersions.update_immersion,
    transition=immersions.transition_immersion,
    can_transition=perms.can_transition_immersion,
    statuses=ImmersionStatus,
    list_template="immersions/immersion_list.html",
    form_template="immersions/immersion_form.html",
    list_title=gettext_lazy("Périodes d'immersion"),
    crumb=gettext_lazy("Immersions"),
    create_title=gettext_lazy("Déclarer une immersion"),
    update_title=gettext_lazy("Modifier l'immersion"),
    submitted=gettext_lazy("Immersion soumise à la structure d'origine."),
)

ECHANGE_PAGES = Pages(
    url="immersions:echange",
    model=EchangeTalent,
    visible_to=perms.echange_visible_to,
    filter_class=EchangeFilter,
    form_class=EchangeForm,
    create=echanges.create_echange,
    update=echanges.update_echange,
    transition=echanges.transition_echange,
    can_transition=perms.can_transition_echange,
    statuses=EchangeStatus,
    list_template="immersions/echange_list.html",
    form_template="immersions/echange_form.html",
    list_title=gettext_lazy("Conventions d'échange de talents"),
    crumb=gettext_lazy("Échanges de talents"),
    create_title=gettext_lazy("Préparer une convention d'échange"),
    update_title=gettext_lazy("Modifier la convention"),
    submitted=gettext_lazy("Convention soumise à la structure d'origine."),
)


# --- Immersions -----------------------------------------------------------------------------------


def immersion_list(request):
    return _list_view(request, IMMERSION_PAGES)


def immersion_create(request):
    return _create_view(request, IMMERSION_PAGES)


def immersion_update(request, pk):
    immersion = get_object_or_404(perms.immersion_visible_to(request.user), pk=pk)
    if not perms.can_edit_immersion(request.user, immersion):
        raise PermissionDenied
    return _form_view(request, IMMERSION_PAGES, immersion)


def _get_immersion(request, pk):
    queryset = Immersion.objects.with_relations().select_related("bilan__recorded_by")
    return get_object_or_404(perms.immersion_visible_to(request.user, queryset), pk=pk)


def _immersion_detail(request, immersion, *, bound=None, status=200):
    user = request.user
    actions = perms.immersion_actions(user, immersion)
    return render(
        request,
        "immersions/immersion_detail.html",
        {
            "title": _("Immersion %(ref)s") % {"ref": immersion.reference},
            "immersion": immersion,
            "bilan": getattr(immersion, "bilan", None),
            "timeline": immersion.transitions.all(),
            "action_forms": _action_forms(actions, immersion.status, bound),
            "can_edit": perms.can_edit_immersion(user, immersion),
            "can_bilan": perms.can_record_bilan(user, immersion),
            "can_resend_link": perms.can_resend_tutor_link(user, immersion),
            "is_party": perms.is_immersion_party(user, immersion),
            "documents": immersion.documents.all(),
            "breadcrumb_data": _crumbs(
                immersion.reference, (reverse("immersions:immersion_list"), _("Immersions"))
            ),
        },
        status=status,
    )


def immersion_detail(request, pk):
    return _immersion_detail(request, _get_immersion(request, pk))


@require_POST
def immersion_transition(request, pk):
    return _transition_view(request, IMMERSION_PAGES, _get_immersion(request, pk), _immersion_detail)


def immersion_bilan(request, pk):
    immersion = _get_immersion(request, pk)
    if not perms.can_record_bilan(request.user, immersion):
        if hasattr(immersion, "bilan"):
            messages.info(request, _("Le bilan de cette immersion est déjà enregistré."))
            return redirect("immersions:immersion_detail", pk=pk)
        raise PermissionDenied
    form = BilanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = immersions.record_bilan(immersion, by=request.user, data=form.cleaned_data)
        except TransitionError as error:
            messages.error(request, error.message)
        else:
            if changed:
                messages.success(request, _("Bilan enregistré."))
            else:
                messages.info(request, _("Le bilan était déjà enregistré : rien n'a changé."))
        return redirect("immersions:immersion_detail", pk=pk)
    title = _("Bilan de l'immersion %(ref)s") % {"ref": immersion.reference}
    return render(
        request,
        "immersions/bilan_form.html",
        {
            "title": title,
            "form": form,
            "immersion": immersion,
            "breadcrumb_data": _crumbs(
                title,
                (reverse("immersions:immersion_list"), _("Immersions")),
                (reverse("immersions:immersion_detail", args=[pk]), immersion.reference),
            ),
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
def immersion_document(request, pk):
    immersion = _get_immersion(request, pk)
    if not perms.is_immersion_party(request.user, immersion):
        raise PermissionDenied
    documents.request_document(DocumentKind.SYNTHESE, immersion=immersion, by=request.user)
    messages.success(request, _("La synthèse PDF est en préparation ; elle apparaîtra ci-dessous."))
    return redirect("immersions:immersion_detail", pk=pk)


@require_POST
def immersion_resend_link(request, pk):
    """The origin sends the tutor a fresh single-use link (the previous one may have expired)."""
    immersion = _get_immersion(request, pk)
    if not perms.can_resend_tutor_link(request.user, immersion):
        raise PermissionDenied
    immersions.send_tutor_link(immersion)
    messages.success(
        request, _("Un nouveau lien a été envoyé à %(email)s.") % {"email": immersion.tutor_email}
    )
    return redirect("immersions:immersion_detail", pk=pk)


# --- Signed links (tutor, agent) ---------------------------------------------------------------------


@login_not_required
def signed_link(request, purpose, token):
    """A tutor's or agent's single-use link: a clear page when expired or reused, no action taken."""
    if purpose not in LinkPurpose.values:
        raise Http404
    try:
        if purpose == LinkPurpose.TUTEUR_ACCUEIL:
            obj = immersions.immersion_for_link(token)
        else:
            obj = echanges.echange_for_link(token)
    except LinkError as error:
        return render(
            request,
            "immersions/link_invalid.html",
            {"title": _("Lien inutilisable"), "message": error.message},
            status=410,
        )
    form = TutorDecisionForm(request.POST or None) if purpose == LinkPurpose.TUTEUR_ACCUEIL else None
    if request.method == "POST":
        try:
            if purpose == LinkPurpose.AGENT_ACCORD:
                echanges.agent_agrees_by_link(token)
                return render(
                    request,
                    "immersions/link_done.html",
                    {"title": _("Accord enregistré"), "message": _("Votre accord est enregistré. Merci.")},
                )
            if form.is_valid():
                accept = form.cleaned_data["decision"] == "accepter"
                immersions.tutor_decide(token, accept=accept, reason=form.cleaned_data["reason"])
                message = (
                    _("Vous avez accepté d'accueillir l'agent. La structure d'origine en est informée.")
                    if accept
                    else _("Votre refus est enregistré. La structure d'origine en est informée.")
                )
                return render(
                    request,
                    "immersions/link_done.html",
                    {"title": _("Décision enregistrée"), "message": message},
                )
        except (LinkError, TransitionError) as error:
            return render(
                request,
                "immersions/link_invalid.html",
                {"title": _("Lien inutilisable"), "message": error.message},
                status=410,
            )
    return render(
        request,
        "immersions/link_form.html",
        {"title": _("Votre décision"), "object": obj, "purpose": purpose, "form": form},
        status=400 if form is not None and form.is_bound else 200,
    )


# --- Talent Exchange agreements ---------------------------------------------------------------------


def echange_list(request):
    return _list_view(request, ECHANGE_PAGES)


def echange_create(request):
    return _create_view(request, ECHANGE_PAGES)


def _get_echange(request, pk):
    queryset = EchangeTalent.objects.with_relations().select_related(
        "origin_agreed_by",
        "host_agreed_by",
        "previous",
        "derogation__granted_by",
        "fonction_critique__service",
    )
    return get_object_or_404(perms.echange_visible_to(request.user, queryset), pk=pk)


def echange_update(request, pk):
    echange = _get_echange(request, pk)
    if not perms.can_edit_echange(request.user, echange):
        raise PermissionDenied
    return _form_view(request, ECHANGE_PAGES, echange)


def _echange_detail(request, echange, *, bound=None, retour_form=None, derogation_form=None, status=200):
    user = request.user
    can_return = perms.can_prepare_return(user, echange)
    service = echange.origin_service
    peak = echanges.peak_away(service, echange.start_date, echange.end_date, exclude=echange.pk)
    derogation = getattr(echange, "derogation", None)
    if derogation is not None and derogation.fonction_id != echange.fonction_critique_id:
        derogation = None  # granted for another function: it does not let the agent leave
    return render(
        request,
        "immersions/echange_detail.html",
        {
            "title": _("Convention %(ref)s") % {"ref": echange.reference},
            "echange": echange,
            "derogation": derogation,
            "timeline": echange.transitions.all(),
            "renewals": echange.renewals.all(),
            "action_forms": _action_forms(perms.echange_actions(user, echange), echange.status, bound),
            "parties_to_agree": [Party(p) for p in perms.echange_parties_to_agree(user, echange)],
            "can_edit": perms.can_edit_echange(user, echange),
            "can_return": can_return,
            "retour_form": retour_form or (RetourForm(instance=echange) if can_return else None),
            "can_derogate": perms.can_grant_derogation(user, echange) and derogation is None,
            "derogation_form": derogation_form or DerogationForm(),
            "can_renew": perms.can_renew_echange(user, echange),
            "is_party": perms.is_echange_party(user, echange),
            "documents": echange.documents.all(),
            "away_peak": peak,
            "breadcrumb_data": _crumbs(
                echange.reference, (reverse("immersions:echange_list"), _("Échanges de talents"))
            ),
        },
        status=status,
    )


def echange_detail(request, pk):
    return _echange_detail(request, _get_echange(request, pk))


@require_POST
def echange_transition(request, pk):
    return _transition_view(request, ECHANGE_PAGES, _get_echange(request, pk), _echange_detail)


@require_POST
def echange_agreement(request, pk):
    echange = _get_echange(request, pk)
    party = request.POST.get("party", "")
    if party not in Party.values:
        raise PermissionDenied
    try:
        changed = echanges.record_agreement(echange, party, by=request.user)
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        if changed:
            messages.success(request, _("Accord de %(party)s enregistré.") % {"party": Party(party).label})
        else:
            messages.info(request, _("Cet accord était déjà enregistré : rien n'a changé."))
    return redirect("immersions:echange_detail", pk=pk)


@require_POST
def echange_return(request, pk):
    echange = _get_echange(request, pk)
    if not perms.can_prepare_return(request.user, echange):
        raise PermissionDenied
    form = RetourForm(request.POST, instance=EchangeTalent.objects.get(pk=pk))
    if not form.is_valid():
        return _echange_detail(request, echange, retour_form=form, status=400)
    try:
        echanges.prepare_return(echange, by=request.user, **form.cleaned_data)
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Retour enregistré."))
    return redirect("immersions:echange_detail", pk=pk)


@require_POST
def echange_derogation(request, pk):
    echange = _get_echange(request, pk)
    if not perms.can_grant_derogation(request.user, echange):
        raise PermissionDenied
    form = DerogationForm(request.POST)
    if not form.is_valid():
        return _echange_detail(request, echange, derogation_form=form, status=400)
    try:
        echanges.grant_derogation(echange, by=request.user, reason=form.cleaned_data["reason"])
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Dérogation enregistrée."))
    return redirect("immersions:echange_detail", pk=pk)


@require_POST
def echange_renew(request, pk):
    echange = _get_echange(request, pk)
    try:
        renewal = echanges.renew_echange(echange, by=request.user)
    except TransitionError as error:
        messages.error(request, error.message)
        return redirect("immersions:echange_detail", pk=pk)
    if renewal.status != EchangeStatus.BROUILLON:
        messages.info(request, _("Cette convention a déjà un renouvellement : le voici."))
        return redirect("immersions:echange_detail", pk=renewal.pk)
    messages.success(request, _("Renouvellement préparé : vérifiez les dates puis soumettez-le."))
    return redirect("immersions:echange_update", pk=renewal.pk)


@require_POST
def echange_document(request, pk):
    echange = _get_echange(request, pk)
    if not perms.is_echange_party(request.user, echange):
        raise PermissionDenied
    documents.request_document(DocumentKind.CONVENTION, echange=echange, by=request.user)
    messages.success(request, _("La convention PDF est en préparation ; elle apparaîtra ci-dessous."))
    return redirect("immersions:echange_detail", pk=pk)


def document_download(request, pk):
    document = get_object_or_404(Document.objects.select_related("immersion", "echange"), pk=pk)
    user = request.user
    if document.immersion_id:
        if not perms.immersion_visible_to(user).filter(pk=document.immersion_id).exists():
            raise Http404
        allowed = perms.is_immersion_party(user, document.immersion)
    else:
        if not perms.echange_visible_to(user).filter(pk=document.echange_id).exists():
            raise Http404
        allowed = perms.is_echange_party(user, document.echange)
    if not allowed:
        raise PermissionDenied
    if document.status != DocumentStatus.PRET:
        raise Http404
    owner = document.immersion or document.echange
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{owner.reference}-{document.kind}.pdf",
        content_type="application/pdf",
    )


# --- Service page: departures against the cap, critical functions ---------------------------------


def service_list(request):
    """The services the user leads for (all for staff): departures today against the cap, inventory."""
    today = timezone.localdate()
    services = (
        perms.service_visible_to(request.user, Organisation.objects.filter(parent__isnull=False))
        .select_related("parent__parent")
        .annotate(
            away=Count(
                "echanges_depart",
                filter=Q(
                    echanges_depart__status__in=ECHANGE_AWAY_STATUSES,
                    echanges_depart__start_date__lte=today,
                    echanges_depart__end_date__gte=today,
                ),
                distinct=True,
            ),
            functions=Count("fonctions_critiques", filter=Q(fonctions_critiques__active=True), distinct=True),
        )
        .order_by("parent__name", "name")
    )
    return render(
        request,
        "immersions/service_list.html",
        {
            "title": _("Services : départs et fonctions critiques"),
            "page_obj": _page(request, services),
            "breadcrumb_data": _crumbs(
                _("Services"), (reverse("immersions:echange_list"), _("Échanges de talents"))
            ),
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
    title = _("Service : %(name)s") % {"name": service}
    return render(
        request,
        "immersions/service_detail.html",
        {
            "title": title,
            "service": service,
            "departures": departures,
            "away_now": len(away_now),
            "at_cap": service.cliquet is not None and len(away_now) >= service.cliquet,
            "functions": functions,
            "form": form,
            "can_manage": can_manage,
            "breadcrumb_data": _crumbs(
                str(service), (reverse("immersions:echange_list"), _("Échanges de talents"))
            ),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- À traiter, indicators ---------------------------------------------------------------------------


def a_traiter(request):
    steps = queue.waiting_steps(request.user)
    return render(
        request,
        "immersions/a_traiter.html",
        {"title": _("À traiter"), "steps": steps, "breadcrumb_data": _crumbs(_("À traiter"))},
    )


def _chart(rows):
    """Geometry of a server-side SVG bar chart (integers: no locale can break the SVG)."""
    top = max((row["count"] for row in rows), default=0) or 1
    lines = []
    for index, row in enumerate(rows):
        bar = round(row["count"] * 300 / top)
        y = index * 28 + 4
        lines.append({**row, "y": y, "text_y": y + 14, "bar": bar, "value_x": 265 + bar + 6})
    return {"rows": lines, "height": len(rows) * 28 + 8}


def _year(request):
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None


def indicateurs(request):
    if not perms.can_view_indicators(request.user):
        raise PermissionDenied
    year = _year(request)
    data = indicators.compute(request.user, year=year)
    charts = [
        ("ministere", _("Immersions par ministère d'origine"), _chart(data["by_ministry"])),
        ("type", _("Immersions par type"), _chart(data["by_kind"])),
        ("statut", _("Immersions par statut"), _chart(data["by_status"])),
        ("annee", _("Immersions par année de début"), _chart(data["by_year"])),
        ("echanges", _("Conventions d'échange par statut"), _chart(data["echanges_by_status"])),
    ]
    return render(
        request,
        "immersions/indicateurs.html",
        {
            "title": _("Indicateurs"),
            "data": data,
            "charts": charts,
            "year": year,
            "scope_label": _("tout le réseau")
            if request.user.is_staff
            else _("votre organisation (origine ou accueil)"),
            "breadcrumb_data": _crumbs(_("Indicateurs")),
        },
    )


def _blank_if_none(value):
    return "" if value is None else value


def indicateurs_csv(request):
    if not perms.can_view_indicators(request.user):
        raise PermissionDenied
    year = _year(request)
    data = indicators.compute(request.user, year=year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="indicateurs-immersions-{stamp}.csv"'
    response.write("\ufeff")  # so spreadsheets open the French accents correctly
    rows = [
        [_("indicateur"), _("catégorie"), _("valeur")],
        [_("immersions"), _("total"), data["total"]],
        # Blank when nothing is measured; 0 is a figure (no finished immersion has its bilan).
        [_("immersions"), _("durée moyenne (jours)"), _blank_if_none(data["average_days"])],
        [_("immersions"), _("part avec bilan (%)"), _blank_if_none(data["bilan_share"])],
    ]
    for key, label in (
        ("by_ministry", _("par ministère")),
        ("by_kind", _("par type")),
        ("by_status", _("par statut")),
        ("by_year", _("par année")),
        ("echanges_by_status", _("conventions par statut")),
        ("echanges_by_ministry", _("conventions par ministère")),
    ):
        rows.extend([label, row["label"], row["count"]] for row in data[key])
    rows.extend(
        [_("départs / cliquet"), str(service), f"{service.away}/{service.cliquet}"]
        for service in data["services"]
    )
    # Organisation and service names are typed by people: none may run as a formula in a spreadsheet.
    writer = csv.writer(response, delimiter=";")
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return response
