"""The booklet studio: staff and the workshop's named rapporteurs write its booklet on the site.

- `accueil`: the studio's home (`ateliers:livret_contenu`): the parts in booklet order, what is written,
  links to each part, the back matter and the annex, the versions (staff generate and publish).
- `parties`: `partie`, one séquence's blocks (text and key points, and by kind: contributions, questions
  and answers, breakout groups, resources; a portrait per speaker), with a live preview beside them;
  `groupe`: a breakout group's page for a rapporteur's phone; `reglages`: the back matter.
- `enregistrement`: `enregistrer`, the save endpoint of every block (autosave with
  `Accept: application/json`, or a plain form post without JavaScript); `ajouter`, `supprimer`,
  `deplacer`: the blocks' list actions.
- `apercu`: the booklet's HTML, framed by the studio (same origin only, no script), and the speakers'
  photos it shows.
- `versions`: the versions' progress as JSON, polled by the page; `generer`, `publier`, `diffuser`: staff
  actions.
- `blocs`: one block as the pages show it (its form, its status, its conflict panel).

Anyone who may not write the booklet gets a 404 (`editable_atelier`); every change goes through
`ateliers.livret.services.studio`.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ateliers import permissions
from ateliers.models import Atelier


def editable_atelier(request, pk):
    """The workshop whose booklet `request.user` may write, else 404 (nothing is revealed)."""
    atelier = get_object_or_404(Atelier.objects.select_related("programme"), pk=pk)
    if not permissions.can_edit_content(request.user, atelier.pk):
        raise Http404
    return atelier


def managed_atelier(request, pk):
    """The workshop, for staff only (generate, publish, spread): 404 for anyone else."""
    if not permissions.can_manage(request.user):
        raise Http404
    return get_object_or_404(Atelier, pk=pk)


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def breadcrumb(atelier, current, *, parents=()):
    """Ateliers › the workshop › Livret › `parents` (url, title) › `current`."""
    links = [
        {"url": reverse("ateliers:programme"), "title": _("Ateliers")},
        {"url": reverse("ateliers:atelier_detail", args=[atelier.pk]), "title": str(atelier)},
    ]
    if current != _("Livret"):
        links.append({"url": reverse("ateliers:livret_contenu", args=[atelier.pk]), "title": _("Livret")})
    links.extend({"url": url, "title": title} for url, title in parents)
    return {"links": links, "current": current}


def render_page(request, template, atelier, *, title, current, parents=(), status=200, **context):
    """A booklet page (`template` under templates/ateliers/livret/) with its title and breadcrumb."""
    context.update(
        title=title, atelier=atelier, breadcrumb_data=breadcrumb(atelier, current, parents=parents)
    )
    return render(request, f"ateliers/livret/{template}", context, status=status)
