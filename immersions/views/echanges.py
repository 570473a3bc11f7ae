"""Talent Exchange agreement pages: the list, preparing and editing a draft, the detail page and its
steps, the parties' agreement, the return, the derogation, the renewal, the PDF agreement. Every agreement
is fetched through `echange_visible_to`; every change goes through a service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fabrique.core.workflow import TransitionError
from immersions import permissions as perms
from immersions.enums import DocumentKind, EchangeStatus, Party
from immersions.filters import EchangeFilter
from immersions.forms import DerogationForm, EchangeForm, RetourForm
from immersions.models import EchangeTalent
from immersions.services import documents, echanges
from immersions.views.declarations import (
    DeclarationCreateView,
    DeclarationDetailView,
    DeclarationKind,
    DeclarationListView,
    DeclarationUpdateView,
    StepMixin,
    action_forms,
    crumbs,
)


def echange_queryset(user):
    """The agreements `user` may see, with what their detail page shows."""
    queryset = EchangeTalent.objects.with_relations().select_related(
        "origin_agreed_by",
        "host_agreed_by",
        "previous",
        "derogation__granted_by",
        "fonction_critique__service",
    )
    return perms.echange_visible_to(user, queryset)


def get_echange(request, pk):
    return get_object_or_404(echange_queryset(request.user), pk=pk)


ECHANGE = DeclarationKind(
    model=EchangeTalent,
    url="immersions:echange",
    crumb=gettext_lazy("Échanges de talents"),
    statuses=EchangeStatus,
    detail_queryset=echange_queryset,
    visible_to=perms.echange_visible_to,
    can_edit=perms.can_edit_echange,
    can_transition=perms.can_transition_echange,
    create=echanges.create_echange,
    update=echanges.update_echange,
    transition=echanges.transition_echange,
)


class EchangeListView(DeclarationListView):
    kind = ECHANGE
    filterset_class = EchangeFilter
    template_name = "immersions/echange_list.html"
    title = gettext_lazy("Conventions d'échange de talents")


class EchangeFormMixin:
    kind = ECHANGE
    form_class = EchangeForm
    template_name = "immersions/echange_form.html"
    submitted = gettext_lazy("Convention soumise à la structure d'origine.")


class EchangeCreateView(EchangeFormMixin, DeclarationCreateView):
    title = gettext_lazy("Préparer une convention d'échange")


class EchangeUpdateView(EchangeFormMixin, DeclarationUpdateView):
    title = gettext_lazy("Modifier la convention")


class EchangeDetailView(DeclarationDetailView):
    kind = ECHANGE
    template_name = "immersions/echange_detail.html"

    def get_context_data(self, *, bound=None, retour_form=None, derogation_form=None, **kwargs):
        user, echange = self.request.user, self.object
        can_return = perms.can_prepare_return(user, echange)
        peak = echanges.peak_away(
            echange.origin_service, echange.start_date, echange.end_date, exclude=echange.pk
        )
        derogation = getattr(echange, "derogation", None)
        if derogation is not None and derogation.fonction_id != echange.fonction_critique_id:
            derogation = None  # granted for another function: it does not let the agent leave
        return super().get_context_data(
            title=_("Convention %(ref)s") % {"ref": echange.reference},
            echange=echange,
            derogation=derogation,
            timeline=echange.transitions.all(),
            renewals=echange.renewals.all(),
            action_forms=action_forms(perms.echange_actions(user, echange), echange.status, bound),
            parties_to_agree=[Party(p) for p in perms.echange_parties_to_agree(user, echange)],
            can_edit=perms.can_edit_echange(user, echange),
            can_return=can_return,
            retour_form=retour_form or (RetourForm(instance=echange) if can_return else None),
            can_derogate=perms.can_grant_derogation(user, echange) and derogation is None,
            derogation_form=derogation_form or DerogationForm(),
            can_renew=perms.can_renew_echange(user, echange),
            is_party=perms.is_echange_party(user, echange),
            documents=echange.documents.all(),
            away_peak=peak,
            breadcrumb_data=crumbs(echange.reference, self.list_crumb()),
            **kwargs,
        )


class EchangeStepView(StepMixin, EchangeDetailView):
    pass


class EchangeReturnView(EchangeDetailView):
    """The origin prepares the agent's return (date, interview, position)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = echange = self.get_object()
        if not perms.can_prepare_return(request.user, echange):
            raise PermissionDenied
        # The form validates a fresh copy: the page shown again keeps the agreement as it is saved.
        form = RetourForm(request.POST, instance=EchangeTalent.objects.get(pk=echange.pk))
        if not form.is_valid():
            return self.render_refused(retour_form=form)
        return self.apply(echanges.prepare_return, echange, _("Retour enregistré."), **form.cleaned_data)


class EchangeDerogationView(EchangeDetailView):
    """The origin lets the agent holding a critical function leave anyway, with its reason."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = echange = self.get_object()
        if not perms.can_grant_derogation(request.user, echange):
            raise PermissionDenied
        form = DerogationForm(request.POST)
        if not form.is_valid():
            return self.render_refused(derogation_form=form)
        return self.apply(
            echanges.grant_derogation,
            echange,
            _("Dérogation enregistrée."),
            reason=form.cleaned_data["reason"],
        )


@require_POST
def echange_agreement(request, pk):
    echange = get_echange(request, pk)
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
def echange_renew(request, pk):
    echange = get_echange(request, pk)
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
    echange = get_echange(request, pk)
    if not perms.is_echange_party(request.user, echange):
        raise PermissionDenied
    documents.request_document(DocumentKind.CONVENTION, echange=echange, by=request.user)
    messages.success(request, _("La convention PDF est en préparation ; elle apparaîtra ci-dessous."))
    return redirect("immersions:echange_detail", pk=pk)
