"""Immersion pages: the list, declaring and editing a draft, the detail page and its steps, the bilan, the
tutor's new link, the PDF synthesis. Every immersion is fetched through `immersion_visible_to` (another
organisation's is a 404); every change goes through a service (the wrong side gets a 403)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fabrique.core.workflow import TransitionError
from immersions import permissions as perms
from immersions.enums import DocumentKind, ImmersionStatus
from immersions.filters import ImmersionFilter
from immersions.forms import BilanForm, ImmersionForm
from immersions.models import Immersion
from immersions.services import documents, immersions
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


def immersion_queryset(user):
    """The immersions `user` may see, with what their detail page shows."""
    queryset = Immersion.objects.with_relations().select_related("bilan__recorded_by")
    return perms.immersion_visible_to(user, queryset)


def get_immersion(request, pk):
    return get_object_or_404(immersion_queryset(request.user), pk=pk)


IMMERSION = DeclarationKind(
    model=Immersion,
    url="immersions:immersion",
    crumb=gettext_lazy("Immersions"),
    statuses=ImmersionStatus,
    detail_queryset=immersion_queryset,
    visible_to=perms.immersion_visible_to,
    can_edit=perms.can_edit_immersion,
    can_transition=perms.can_transition_immersion,
    create=immersions.create_immersion,
    update=immersions.update_immersion,
    transition=immersions.transition_immersion,
)


class ImmersionListView(DeclarationListView):
    kind = IMMERSION
    filterset_class = ImmersionFilter
    template_name = "immersions/immersion_list.html"
    title = gettext_lazy("Périodes d'immersion")


class ImmersionFormMixin:
    kind = IMMERSION
    form_class = ImmersionForm
    template_name = "immersions/immersion_form.html"
    submitted = gettext_lazy("Immersion soumise à la structure d'origine.")


class ImmersionCreateView(ImmersionFormMixin, DeclarationCreateView):
    title = gettext_lazy("Déclarer une immersion")


class ImmersionUpdateView(ImmersionFormMixin, DeclarationUpdateView):
    title = gettext_lazy("Modifier l'immersion")


class ImmersionDetailView(DeclarationDetailView):
    kind = IMMERSION
    template_name = "immersions/immersion_detail.html"

    def get_context_data(self, *, bound=None, **kwargs):
        user, immersion = self.request.user, self.object
        return super().get_context_data(
            title=_("Immersion %(ref)s") % {"ref": immersion.reference},
            immersion=immersion,
            bilan=getattr(immersion, "bilan", None),
            timeline=immersion.transitions.all(),
            action_forms=action_forms(perms.immersion_actions(user, immersion), immersion.status, bound),
            can_edit=perms.can_edit_immersion(user, immersion),
            can_bilan=perms.can_record_bilan(user, immersion),
            can_resend_link=perms.can_resend_tutor_link(user, immersion),
            is_party=perms.is_immersion_party(user, immersion),
            documents=immersion.documents.all(),
            breadcrumb_data=crumbs(immersion.reference, self.list_crumb()),
            **kwargs,
        )


class ImmersionStepView(StepMixin, ImmersionDetailView):
    pass


def immersion_bilan(request, pk):
    immersion = get_immersion(request, pk)
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
            "breadcrumb_data": crumbs(
                title,
                (reverse("immersions:immersion_list"), _("Immersions")),
                (reverse("immersions:immersion_detail", args=[pk]), immersion.reference),
            ),
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
def immersion_document(request, pk):
    immersion = get_immersion(request, pk)
    if not perms.is_immersion_party(request.user, immersion):
        raise PermissionDenied
    documents.request_document(DocumentKind.SYNTHESE, immersion=immersion, by=request.user)
    messages.success(request, _("La synthèse PDF est en préparation ; elle apparaîtra ci-dessous."))
    return redirect("immersions:immersion_detail", pk=pk)


@require_POST
def immersion_resend_link(request, pk):
    """The origin sends the tutor a fresh single-use link (the previous one may have expired)."""
    immersion = get_immersion(request, pk)
    if not perms.can_resend_tutor_link(request.user, immersion):
        raise PermissionDenied
    immersions.send_tutor_link(immersion)
    messages.success(
        request, _("Un nouveau lien a été envoyé à %(email)s.") % {"email": immersion.tutor_email}
    )
    return redirect("immersions:immersion_detail", pk=pk)
