"""The signed single-use links of people without an account: the host's tutor decides, the agent agrees."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from fabrique.core.workflow import TransitionError
from immersions.enums import LinkPurpose
from immersions.forms import TutorDecisionForm
from immersions.services import echanges, immersions
from immersions.services.liens import LinkError


def _unusable(request, error):
    return render(
        request,
        "immersions/link_invalid.html",
        {"title": _("Lien inutilisable"), "message": error.message},
        status=410,
    )


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
        return _unusable(request, error)
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
            return _unusable(request, error)
    return render(
        request,
        "immersions/link_form.html",
        {"title": _("Votre décision"), "object": obj, "purpose": purpose, "form": form},
        status=400 if form is not None and form.is_bound else 200,
    )
