"""« À traiter »: the steps waiting for the user, immersions and agreements together."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from immersions.services import queue
from immersions.views.declarations import crumbs


def a_traiter(request):
    steps = queue.waiting_steps(request.user)
    return render(
        request,
        "immersions/a_traiter.html",
        {"title": _("À traiter"), "steps": steps, "breadcrumb_data": crumbs(_("À traiter"))},
    )
