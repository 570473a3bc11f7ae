"""The booklet's versions in the studio: their progress (JSON the home page polls while one renders), and
staff's « Générer le PDF », « Publier » and « Diffuser au réseau »."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ateliers import permissions
from ateliers.livret.models import Livret
from ateliers.livret.services import versions as livret_versions
from ateliers.livret.services.rendu import LivretError
from ateliers.livret.views.studio import editable_atelier, managed_atelier, wants_json
from ateliers.livret.views.telechargements import BOOKLET_ACTIONS, run_booklet_action
from fabrique.core.enums import DocumentStatus

POLLED_STATUSES = {DocumentStatus.EN_ATTENTE, DocumentStatus.EN_COURS}


def booklet_versions(atelier):
    return list(Livret.objects.filter(atelier=atelier).order_by("-version"))


def version_rows(versions, user):
    """The versions as the panel and its JSON show them (file and actions for staff only)."""
    staff = permissions.can_manage(user)
    rows = []
    for livret in versions:
        row = {
            "version": livret.version,
            "status": livret.status,
            "status_label": livret.get_status_display(),
            "error": livret.error,
            "pages": livret.pages,
            "published": livret.published,
        }
        if staff and livret.status == DocumentStatus.PRET:
            row["url"] = reverse("admin:ateliers_livret_fichier", args=[livret.pk])
            if not livret.published:
                row["publish_url"] = reverse("ateliers:studio_publier", args=[livret.atelier_id, livret.pk])
        rows.append(row)
    return rows


def _back_to_versions(atelier):
    return redirect(reverse("ateliers:livret_contenu", args=[atelier.pk]) + "#versions")


@require_GET
def versions(request, pk):
    """The booklet's versions, newest first, as JSON (the studio polls it while one is rendering)."""
    atelier = editable_atelier(request, pk)
    response = JsonResponse({"versions": version_rows(booklet_versions(atelier), request.user)})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def generer(request, pk):
    """« Générer le PDF »: a new version, rendered by the worker (staff only)."""
    atelier = managed_atelier(request, pk)
    if not wants_json(request):
        run_booklet_action(request, "generer", atelier)
        return _back_to_versions(atelier)
    try:
        livret = livret_versions.request_version(atelier, by=request.user)
    except LivretError as error:
        return JsonResponse({"error": str(error)}, status=400)
    _service, message = BOOKLET_ACTIONS["generer"]
    return JsonResponse({"version": livret.version, "message": message % {"version": livret.version}})


def _booklet_action(request, pk, livret_pk, action):
    atelier = managed_atelier(request, pk)
    livret = get_object_or_404(Livret.objects.filter(atelier=atelier), pk=livret_pk)
    run_booklet_action(request, action, livret)
    return _back_to_versions(atelier)


@require_POST
def publier(request, pk, livret_pk):
    """Publish a ready version (participants are told by email), as the admin's « Publier » does."""
    return _booklet_action(request, pk, livret_pk, "publier")


@require_POST
def diffuser(request, pk, livret_pk):
    """Spread the published version to every member of the network."""
    return _booklet_action(request, pk, livret_pk, "diffuser")
